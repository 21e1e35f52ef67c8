"""Hostile input never makes a 5xx, now or on a later read, and a refused write stores nothing.

One test per class of the issue (stored values that broke reads; bodies too deep or too large; text UTF-8 cannot
encode in a choice; tampered cursors; hostile query strings on every filter), then a property-based test that
sends hostile values to every writable endpoint (from resources.py) and reads every list and page back."""

import base64
import datetime
import json

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.models import Attempt
from program.groups import PROGRAM_APPS
from tests.assessments.factories import AttemptFactory, ScenarioFactory
from tests.content.factories import ContentItemFactory
from tests.roles.factories import GateFactory, StandardVersionFactory

from .conftest import client_for
from .hostile import (
    case_for,
    cursor_paginated_routes,
    filter_parameters,
    list_urls,
    page_urls,
    write_operations,
)
from .resources import CASES

pytestmark = pytest.mark.django_db

WRITES = write_operations()


def post_json(client, url, body, method="post"):
    """Send any JSON (json.dumps escapes lone surrogates as `\\ud800`, as a hostile client would)."""
    text = body if isinstance(body, str) else json.dumps(body)
    return client.generic(method.upper(), url, text, content_type="application/json")


def nested(depth: int):
    value = []
    for _ in range(depth):
        value = [value]
    return value


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for label in PROGRAM_APPS
        for model in apps.get_app_config(label).get_models()
    }


def attempt_body(org, **fields):
    scenario = ScenarioFactory()
    base = {"person": org.learner.pk, "scenario": scenario.pk, "score": "90", "completed_at": "2026-03-01T10:00:00Z"}
    return base | fields


# 1. Stored values that break later reads.
@pytest.mark.parametrize(
    "fields",
    [
        {"errors_made": ["\ud800"]},
        {"key_steps_completed": ["ok", "\udfff"]},
        {"errors_made": nested(250)},
        {"errors_made": True},
        {"errors_made": 1e308},
        {"key_steps_completed": [1, 2]},
        {"errors_made": ["x" * 301]},
        {"errors_made": ["step"] * 101},
        {"errors_made": ["a\x00b"]},
    ],
)
def test_an_attempt_off_its_shape_is_refused_naming_the_field_and_reads_keep_working(org, admin_api, fields):
    AttemptFactory(person=org.learner)
    body = attempt_body(org, **fields)
    before = row_counts()
    response = post_json(admin_api, reverse("assessments-api:attempt-list"), body)
    assert response.status_code == 400, response.content
    assert set(response.json()) == set(fields)
    assert row_counts() == before
    assert admin_api.get(reverse("assessments-api:attempt-list")).status_code == 200


def test_a_long_reflection_note_is_refused(org, coach_user):
    version = StandardVersionFactory(published=True)
    body = {
        "person": org.learner.pk,
        "standard_version": version.pk,
        "decision": "ready",
        "reflection_notes": "n" * 10_001,
    }
    response = post_json(client_for(coach_user), reverse("assessments-api:signoff-list"), body)
    assert response.status_code == 400
    assert "reflection_notes" in response.json()


# 2. Server errors on bad requests.
@pytest.mark.parametrize("operation", WRITES, ids=str)
def test_bodies_too_deep_or_too_large_are_400_on_every_writable_endpoint(org, admin_api, operation):
    url = operation.url(case_for(operation.case_route).make(org, org.learner).pk if operation.detail else None)
    deep = post_json(admin_api, url, "[" * 5000 + "]" * 5000, operation.method)
    assert deep.status_code == 400, deep.content
    assert "nested deeper than" in deep.json()["detail"]
    nested_field = post_json(admin_api, url, {"reason": nested(40)}, operation.method)
    assert nested_field.status_code == 400
    assert "reason" in nested_field.json()
    huge = post_json(admin_api, url, {"reason": "x" * 1_000_001}, operation.method)
    assert huge.status_code == 400
    assert "larger than" in huge.json()["detail"]


@pytest.mark.parametrize(
    ("route", "field", "body"),
    [
        ("assessments-api:signoff-list", "decision", lambda org: {"person": org.learner.pk}),
        ("content-api:refreshticket-list", "source", lambda org: {"item": ContentItemFactory().pk, "reason": "r"}),
        ("assessments-api:attempt-list", "evidence_source", attempt_body),
        ("program-api:person-list", "working_language", lambda org: {"email": "a@example.com", "full_name": "A"}),
    ],
)
def test_a_lone_surrogate_in_a_choice_field_is_400_naming_it(org, admin_api, route, field, body):
    response = post_json(admin_api, reverse(route), body(org) | {field: "\ud800"})
    assert response.status_code == 400
    assert field in response.json()


def test_an_invalid_choice_quoting_a_surrogate_renders(org, admin_api):
    """Past the parser (form data), DRF's message quotes the bad value: it renders with U+FFFD in its place."""
    response = admin_api.post(
        reverse("assessments-api:attempt-list"), {"evidence_source": "%ED%A0%80"}, format="multipart"
    )
    assert response.status_code == 400
    assert "evidence_source" in response.json()


def _cursor(query: bytes) -> str:
    return base64.b64encode(query).decode()


@pytest.mark.parametrize("route", cursor_paginated_routes())
@pytest.mark.parametrize(
    "cursor",
    [
        _cursor(b"p=abc"),
        _cursor(b"p=2026-99-99"),
        _cursor(b"p=%00"),
        _cursor(b"p=99999999999999999999999"),
        _cursor(b"r=1&p=2026-01-01T00:00:00%00"),
        _cursor(b"o=-1"),
        _cursor(b"r=x"),
        "%ED%A0%80",
        "not-base64!",
    ],
)
def test_a_tampered_cursor_is_404_on_every_cursor_paginated_list(org, admin_api, route, cursor):
    case_for(route).make(org, org.learner)
    response = admin_api.get(f"{reverse(f'{route}-list')}?cursor={cursor}")
    assert response.status_code in (400, 404), (route, cursor, response.content)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_nul_and_surrogates_in_any_filter_are_never_a_500(org, admin_api, case):
    case.make(org, org.learner)
    url = reverse(f"{case.route}-list")
    for name in filter_parameters(case.route):
        for value in ("%00", "a%00b", "%ED%A0%80", "%F4%90%80%80", "9" * 40):
            response = admin_api.get(f"{url}?{name}={value}")
            assert response.status_code in (200, 400), (name, value, response.status_code)


# Property-based: hostile values to every writable endpoint, then read everything back.
HOSTILE_CONSTANTS = [
    "\ud800",
    "ok\udfffok",
    "a\x00b",
    "x" * 20_000,
    True,
    False,
    None,
    1e308,
    -1e308,
    2**64,
    -(2**63) - 1,
    10**30,
    0,
    -1,
    [],
    {},
    [True],
    [1e308],
    ["\ud800"],
    {"a": "\ud800"},
    nested(300),
    "9999-12-31T23:59:59-23:59",
    "0001-01-01T00:00:00+05:00",
    "",
]
HOSTILE = st.one_of(
    st.sampled_from(HOSTILE_CONSTANTS),
    st.text(st.characters(exclude_categories=()), max_size=12),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.lists(st.text(max_size=4), max_size=3),
)


def valid_bodies(org) -> dict[str, dict]:
    """A valid body for the writes with free text and JSON, so single hostile fields reach the services."""
    now = timezone.now()
    return {
        "assessments-api:attempt-list": attempt_body(org, errors_made=["missed"], key_steps_completed=["paged"]),
        "assessments-api:gateexception-list": {
            "person": org.learner.pk,
            "gate": GateFactory().pk,
            "reason": "covering a holiday",
            "starts_at": now.isoformat(),
            "ends_at": (now + datetime.timedelta(days=3)).isoformat(),
        },
        "program-api:person-list": {"email": "new.person@example.com", "full_name": "New Person"},
        "content-api:refreshticket-list": {"item": ContentItemFactory().pk, "reason": "stale", "source": "manual"},
        "content-api:contentversion-list": {"item": ContentItemFactory().pk, "change_note": "new runbook"},
    }


def fuzz_write(client, operation, url: str, bodies) -> None:
    @given(body=bodies)
    @settings(max_examples=15, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    def fuzz(body):
        before = row_counts()
        response = post_json(client, url, body, operation.method)
        assert response.status_code < 500, (str(operation), body, response.content[:300])
        if response.status_code >= 400:
            assert row_counts() == before, (str(operation), body, "a refused write stored something")

    fuzz()


def test_hostile_values_on_every_writable_endpoint_never_5xx_nor_half_store(org, admin_api, ld_admin_user, coach_user):
    bodies = valid_bodies(org)
    readers = [client_for(user) for user in (ld_admin_user, coach_user, org.learner.user)]
    for client, user in zip(readers, (ld_admin_user, coach_user, org.learner.user), strict=True):
        client.force_login(user)
    failures = []
    for operation in WRITES:
        fields = operation.body_fields() or ["reason"]
        base = bodies.get(operation.route, {})
        target = case_for(operation.case_route).make(org, org.learner) if operation.detail else None
        url = operation.url(target.pk if target else None)
        any_body = st.fixed_dictionaries({}, optional=dict.fromkeys(fields, HOSTILE))
        one_field = st.tuples(st.sampled_from(fields), HOSTILE).map(lambda pair, base=base: base | {pair[0]: pair[1]})

        try:
            fuzz_write(admin_api, operation, url, st.one_of(any_body, one_field))
        except Exception as failure:  # noqa: BLE001 — gather every operation's failure before failing
            failures.append(f"{operation}: {failure}")
            continue
        for url_read in list_urls():
            assert admin_api.get(url_read).status_code == 200, (str(operation), url_read)
        for client in readers:
            for page in page_urls(org):
                assert client.get(page).status_code < 500, (str(operation), page)
    assert not failures, "\n\n".join(failures)
    assert Attempt.objects.exists()  # the valid-base bodies did reach the services
