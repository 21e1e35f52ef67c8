"""Bad input gets 400 with field messages, unknown or hidden objects 404: never a 500."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/api/people/abc/",
        "/api/people/-1/",
        "/api/people/99999999999999999999999/",
        "/api/people/0/",
        "/api/attempts/1.5/",
        "/api/sign-offs/%00/",
        "/api/no-such-resource/",
    ],
)
def test_malformed_or_unknown_ids_are_404(admin_api, path):
    assert admin_api.get(path).status_code == 404


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/api/people/", {"team": "abc"}, "team"),
        ("/api/people/", {"team": "99999999999999999999999"}, "team"),
        ("/api/people/", {"language": "klingon"}, "language"),
        ("/api/people/", {"start_date_after": "2026-13-45"}, "start_date"),
        ("/api/attempts/", {"completed_at_before": "not-a-date"}, "completed_at"),
        ("/api/sign-offs/", {"signed_at_after": "2026-02-30T00:00:00Z"}, "signed_at"),
    ],
)
def test_malformed_filters_are_400_with_the_field(admin_api, path, params, field):
    response = admin_api.get(path, params)
    assert response.status_code == 400, response.content
    assert field in response.json()


def test_dates_at_the_edge_of_the_calendar_are_never_a_500(admin_api):
    # Year 1 at +05:00 is before year 1 in UTC: PostgreSQL takes it, SQLite's conversion overflows (400).
    response = admin_api.get("/api/audit-entries/", {"occurred_at_after": "0001-01-01T00:00:00+05:00"})
    assert response.status_code in (200, 400)
    # ISO 8601 allows a +18:22 offset, PostgreSQL does not: compared in UTC, so it is just a date.
    assert admin_api.get("/api/attempts/", {"completed_at_before": "0988-06-02T07:30:10+18:22"}).status_code == 200


def test_bad_pages_and_cursors_are_404(admin_api):
    assert admin_api.get("/api/people/", {"page": "999"}).status_code == 404
    assert admin_api.get("/api/people/", {"page": "x"}).status_code == 404
    assert admin_api.get("/api/attempts/", {"cursor": "not-a-cursor"}).status_code == 404


def test_bad_write_bodies_are_400(org, admin_api):
    response = admin_api.post(reverse("program-api:person-list"), {"team": "x"}, format="json")
    assert response.status_code == 400
    assert {"email", "full_name", "team"} <= set(response.json())
    garbage = admin_api.post(reverse("program-api:person-list"), "{not json", content_type="application/json")
    assert garbage.status_code == 400


def test_errors_of_list_items_keyed_by_index_render_as_json():
    """DRF keys a list item's errors by its index (an int), which orjson refuses unless told: never a 500."""
    from program.api.renderers import FastJsonRenderer

    assert FastJsonRenderer().render({"samples": {0: {"value": ["A number is required."]}}}) == (
        b'{"samples":{"0":{"value":["A number is required."]}}}'
    )
