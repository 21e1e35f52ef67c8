"""`import_statements`: NDJSON and JSON arrays, streamed through the same path as the sync."""

import json
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from assessments.choices import EvidenceSource, StatementStatus, SyncRunKind, SyncRunStatus
from assessments.lrs.bulk import rows_insert
from assessments.lrs.importing import statements_import
from assessments.lrs.profile import scenario_activity_iri
from assessments.models import Attempt, LRSSyncRun, QuarantinedStatement, Statement
from tests.assessments.factories import ScenarioFactory
from tests.program.factories import PersonFactory

from .conftest import make_statement, ndjson, void_statement

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def scenario_and_learner():
    PersonFactory(email="learner@example.com")
    return ScenarioFactory(key="checkout-latency-lab", xapi_activity_iri=scenario_activity_iri("checkout-latency-lab"))


def stored(statement: dict) -> dict:
    return statement | {"stored": "2026-11-20T10:00:00+00:00"}


def test_ndjson_import_stores_makes_attempts_and_quarantines_bad_lines(tmp_path):
    good = [stored(make_statement()) for _ in range(5)]
    path = tmp_path / "export.ndjson"
    lines = ndjson(good).splitlines()
    lines.insert(2, '{"id": "not json because of a trailing comma",}')
    lines.insert(4, "")
    lines.append(json.dumps({"id": str(uuid.uuid4()), "actor": {"mbox": "mailto:a@example.com"}}))
    path.write_text("\n".join(lines) + "\n")

    call_command("import_statements", str(path), verbosity=0)

    run = LRSSyncRun.objects.get()
    assert (run.kind, run.status) == (SyncRunKind.IMPORT, SyncRunStatus.SUCCEEDED)
    assert (run.fetched, run.new, run.quarantined) == (7, 5, 2)
    assert Statement.objects.count() == 5
    assert set(Attempt.objects.values_list("evidence_source", flat=True)) == {EvidenceSource.IMPORT}
    reasons = sorted(QuarantinedStatement.objects.values_list("reason", flat=True))
    assert reasons[0].startswith("not valid JSON") and "verb.id is missing" in reasons[1]
    raw_texts = set(QuarantinedStatement.objects.values_list("raw", flat=True))
    assert '{"id": "not json because of a trailing comma",}' in raw_texts  # kept exactly, even when not JSON
    assert Statement.objects.get(statement_id=good[0]["id"]).raw == json.dumps(good[0])  # the line as it was


def test_json_array_import_and_a_second_import_adds_nothing(tmp_path):
    statements = [stored(make_statement()) for _ in range(7)]
    target = statements[3]
    statements.append(stored(void_statement(target["id"])))
    path = tmp_path / "export.json"
    path.write_text("\ufeff  " + json.dumps(statements, indent=2))

    first = statements_import(path=path, batch_size=3)
    second = statements_import(path=path, batch_size=3)

    assert first.status == SyncRunStatus.SUCCEEDED and first.pages == 3
    assert (first.new, first.attempts_created, first.voided) == (8, 7, 1)
    assert Statement.objects.get(statement_id=target["id"]).status == StatementStatus.VOIDED
    assert Attempt.objects.get(source_statement_id=target["id"]).voided_at is not None
    assert (second.new, second.skipped) == (0, 8)
    assert Attempt.objects.count() == 7


def test_a_broken_json_array_keeps_what_came_before_and_says_where(tmp_path):
    statements = [stored(make_statement()) for _ in range(4)]
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(statements)[:-40])

    with pytest.raises(CommandError, match="the JSON array is broken near byte"):
        call_command("import_statements", str(path), "--batch-size", "2", verbosity=0)

    assert Statement.objects.count() >= 2
    assert LRSSyncRun.objects.get().status == SyncRunStatus.FAILED


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="is not a file"):
        call_command("import_statements", str(tmp_path / "nope.ndjson"), verbosity=0)


def test_queries_per_batch_do_not_grow_with_the_batch(tmp_path, django_assert_max_num_queries):
    def queries_for(count: int) -> int:
        path = tmp_path / f"{count}.ndjson"
        path.write_text(ndjson(stored(make_statement()) for _ in range(count)))
        with django_assert_max_num_queries(1000) as captured:
            statements_import(path=path, batch_size=10_000)
        return len(captured.captured_queries)

    queries_for(1)  # creates the learner's identity
    assert queries_for(10) == queries_for(300)


def test_bulk_insert_skips_a_row_another_writer_stored_meanwhile():
    """The fast path COPYs straight into the table; a row stored by a concurrent writer after the caller's
    dedupe makes it fall back to inserting only what is new, in the same transaction."""

    def row(statement_id, raw):
        return {
            "statement_id": statement_id,
            "raw": raw,
            "status": StatementStatus.RECORDED,
            "verb_iri": "http://adlnet.gov/expapi/verbs/completed",
            "activity_iri": "",
            "role_key": "sre",
            "service_key": "",
            "timestamp": "2026-11-20T10:00:00+00:00",
            "extensions": {"role": "sre"},
        }

    first, second = uuid.uuid4(), uuid.uuid4()
    rows_insert(Statement, [row(first, "first")], conflict_column="statement_id")
    with transaction.atomic():
        rows_insert(Statement, [row(first, "again"), row(second, "second")], conflict_column="statement_id")
        assert Statement.objects.count() == 2  # the transaction goes on after the conflict
    assert dict(Statement.objects.values_list("statement_id", "raw")) == {first: "first", second: "second"}
    assert Statement.objects.get(statement_id=second).extensions == {"role": "sre"}
