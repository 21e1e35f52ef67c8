"""The xAPI data rules, identity normalisation and durations (no database)."""

import datetime
import hashlib

import pytest

from assessments.lrs.duration import duration_seconds
from assessments.lrs.identity import IdentityError, identity_from_actor
from assessments.lrs.parsing import StatementRejected, raw_text, statement_parse
from assessments.lrs.profile import EXTENSION_BY_NAME

from .conftest import make_statement

NOW = datetime.datetime(2026, 11, 25, 12, tzinfo=datetime.UTC)


def parse(statement):
    return statement_parse(statement, raw_text(statement), received_at=NOW)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("PT14M30S", 870), ("PT0.25S", 0.25), ("P1DT2H", 93600), ("PT1H0M0.016S", 3600.02), ("P2W", 1209600)],
)
def test_durations(value, seconds):
    assert duration_seconds(value) == seconds


@pytest.mark.parametrize("value", ["14 minutes", "PT", "P", "PT5", "T5M", "", 30])
def test_malformed_durations_are_refused(value):
    with pytest.raises(ValueError, match="not an ISO 8601 duration"):
        duration_seconds(value)


@pytest.mark.parametrize(
    ("actor", "key"),
    [
        ({"mbox": "mailto:Ana.Silva@Example.COM"}, "mbox:mailto:Ana.Silva@example.com"),
        ({"mbox": "MAILTO:ana@example.com"}, "mbox:mailto:ana@example.com"),
        ({"mbox_sha1sum": "A" * 40}, "mbox_sha1sum:" + "a" * 40),
        ({"openid": "https://id.example.com/ana"}, "openid:https://id.example.com/ana"),
        (
            {"account": {"homePage": "https://sso.example.com", "name": "ana42"}},
            "account:https://sso.example.com|ana42",
        ),
        ({"objectType": "Group", "mbox": "mailto:team@example.com", "member": []}, "mbox:mailto:team@example.com"),
    ],
)
def test_identity_normalisation(actor, key):
    assert identity_from_actor(actor)[1] == key


def test_sha1sum_of_the_same_mailbox_is_a_distinct_identifier():
    digest = hashlib.sha1(b"mailto:ana@example.com").hexdigest()
    assert identity_from_actor({"mbox_sha1sum": digest}) == ("mbox_sha1sum", f"mbox_sha1sum:{digest}")


def test_anonymous_group_has_no_identity():
    assert identity_from_actor({"objectType": "Group", "member": [{"mbox": "mailto:a@example.com"}]}) is None


@pytest.mark.parametrize(
    ("actor", "message"),
    [
        ({}, "exactly one is required"),
        ({"mbox": "mailto:a@example.com", "openid": "https://x"}, "exactly one identifier is allowed"),
        ({"mbox": "a@example.com"}, "must be a mailto: IRI"),
        ({"mbox_sha1sum": "abc"}, "40 hexadecimal"),
        ({"openid": "nope"}, "is not a URI"),
        ({"account": {"name": "ana"}}, "needs a homePage"),
        ({"account": {"homePage": "https://sso.example.com"}}, "needs a name"),
    ],
)
def test_malformed_actors(actor, message):
    with pytest.raises(IdentityError, match=message):
        identity_from_actor(actor)


def test_a_valid_statement_yields_its_columns():
    statement = make_statement(
        timestamp="2026-03-01T10:00:00Z",
        extensions={EXTENSION_BY_NAME["rubric_version"]: 2, EXTENSION_BY_NAME["time_to_detect"]: "PT1M30S"},
        stored="2026-03-01T10:00:05+00:00",
        unknownProperty="ignored",
    )
    statement["result"]["duration"] = "PT14M30S"
    statement["context"]["registration"] = "ec531277-b57b-4c15-8d91-d292c5b2b8f7"

    parsed = parse(statement)

    assert parsed.timestamp == datetime.datetime(2026, 3, 1, 10, tzinfo=datetime.UTC)
    assert parsed.stored == datetime.datetime(2026, 3, 1, 10, 0, 5, tzinfo=datetime.UTC)
    assert (parsed.score_raw, parsed.score_min, parsed.score_max, parsed.success) == (45, 0, 50, True)
    assert parsed.duration_seconds == 870
    assert parsed.extensions == {"rubric_version": 2, "time_to_detect": 90}
    assert str(parsed.registration) == "ec531277-b57b-4c15-8d91-d292c5b2b8f7"
    assert parsed.identity_key == "mbox:mailto:learner@example.com"


def test_timestamp_defaults_to_stored():
    statement = make_statement(stored="2026-03-01T10:00:05+00:00")
    assert parse(statement).timestamp == datetime.datetime(2026, 3, 1, 10, 0, 5, tzinfo=datetime.UTC)


def test_single_object_context_activities_are_accepted():
    statement = make_statement()
    statement["context"] = {"contextActivities": {"parent": {"id": "https://example.com/course"}}}
    assert parse(statement).activity_iri.endswith("checkout-latency-lab")


def _with(path: str, value):
    statement = make_statement()
    target = statement
    *parents, last = path.split(".")
    for key in parents:
        target = target.setdefault(key, {})
    target[last] = value
    return statement


@pytest.mark.parametrize(
    ("statement", "reason"),
    [
        (["not", "an", "object"], "JSON object"),
        ({k: v for k, v in make_statement().items() if k != "id"}, "has no id"),
        (_with("id", "12"), "is not a UUID"),
        ({k: v for k, v in make_statement().items() if k != "actor"}, "no actor"),
        (_with("verb.id", "completed"), "verb.id is missing or not an IRI"),
        ({k: v for k, v in make_statement().items() if k != "object"}, "no object"),
        (_with("object.id", None), "object.id of an Activity"),
        (_with("object.objectType", "Thing"), "objectType 'Thing'"),
        (_with("timestamp", "yesterday"), "timestamp 'yesterday' is not an ISO 8601"),
        (_with("result.score.scaled", 1.5), "scaled 1.5 is outside -1…1"),
        (_with("result.score.min", 60), "min 60.0 must be less than max 50.0"),
        (_with("result.score.raw", 51), "raw 51.0 is outside min…max"),
        (_with("result.score.raw", "45"), "must be a number"),
        (_with("result.success", "yes"), "result.success must be true or false"),
        (_with("result.duration", "14m"), "result.duration"),
        (_with("context.registration", "abc"), "registration 'abc' is not a UUID"),
        (_with("context.extensions", {EXTENSION_BY_NAME["rubric_version"]: "two"}), "positive integer"),
        (_with("context.extensions", {EXTENSION_BY_NAME["rubric_level"]: 5}), "integer from 1 to 4"),
        (_with("context.extensions", {EXTENSION_BY_NAME["errors"]: "oops"}), "list of at most 100 strings"),
        (_with("context.extensions", {EXTENSION_BY_NAME["time_to_restore"]: -3}), "seconds"),
        (_with("actor", {"name": "nobody"}), "exactly one is required"),
    ],
)
def test_rule_breaks_are_rejected_with_a_readable_reason(statement, reason):
    with pytest.raises(StatementRejected, match=reason):
        parse(statement)


def test_voiding_statement_must_reference_a_statement():
    void = make_statement(verb="http://adlnet.gov/expapi/verbs/voided")
    with pytest.raises(StatementRejected, match="must be a StatementRef"):
        parse(void)
    void["object"] = {"objectType": "StatementRef", "id": "ec531277-b57b-4c15-8d91-d292c5b2b8f7"}
    assert str(parse(void).voids_statement_id) == "ec531277-b57b-4c15-8d91-d292c5b2b8f7"
