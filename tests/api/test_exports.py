"""Streaming CSV exports: same filters and visibility as the lists."""

import csv
import io

import pytest
from django.urls import reverse

from tests.assessments.factories import AttemptFactory, SignOffFactory
from tests.program.factories import AuditEntryFactory

from .conftest import client_for

pytestmark = pytest.mark.django_db


def read_csv(response) -> list[dict]:
    assert response.status_code == 200, getattr(response, "content", b"")
    assert response["Content-Type"].startswith("text/csv")
    assert response.streaming
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_attempt_export_is_filtered_csv(org, admin_api):
    passed = AttemptFactory(person=org.learner, score=91, passed=True)
    AttemptFactory(person=org.stranger, score=40, passed=False)
    rows = read_csv(admin_api.get(reverse("assessments-api:attempt-export"), {"passed": "true"}))
    assert [row["id"] for row in rows] == [str(passed.pk)]
    assert rows[0]["person_email"] == org.learner.email
    assert rows[0]["team"] == org.team_a.slug
    bad = admin_api.get(reverse("assessments-api:attempt-export"), {"completed_at_after": "yesterday"})
    assert bad.status_code == 400


def test_readiness_export_is_filtered_csv(org, admin_api, coach_user):
    from tests.assessments.factories import PersonReadinessFactory

    ready = PersonReadinessFactory(person=org.learner, status="ready_for_signoff")
    PersonReadinessFactory(person=org.stranger, status="ready_for_signoff")
    PersonReadinessFactory(person=org.coach, status="in_progress")
    url = reverse("assessments-api:personreadiness-export")
    rows = read_csv(admin_api.get(url, {"status": "ready_for_signoff", "team": org.team_a.pk}))
    assert [row["id"] for row in rows] == [str(ready.pk)]
    assert (rows[0]["person_email"], rows[0]["status"]) == (org.learner.email, "ready_for_signoff")
    coach_rows = read_csv(client_for(coach_user).get(url))
    assert {row["person_email"] for row in coach_rows} == {org.learner.email, org.coach.email}
    assert admin_api.get(url, {"status": "bogus"}).status_code == 400


def test_signoff_export_follows_visibility(org, coach_user):
    own = SignOffFactory(person=org.learner, coach=org.coach)
    SignOffFactory(person=org.stranger, coach=org.other_coach)
    rows = read_csv(client_for(coach_user).get(reverse("assessments-api:signoff-export")))
    assert [row["id"] for row in rows] == [str(own.pk)]
    assert client_for(None).get(reverse("assessments-api:signoff-export")).status_code == 401


def test_audit_export_streams_visible_rows(org, admin_api, manager_user):
    entries = [AuditEntryFactory(subject_person=org.learner) for _ in range(3)]
    AuditEntryFactory(subject_person=org.stranger)
    AuditEntryFactory(subject_person=None)
    # The five above, and the audit entry of admin_api's own token.
    assert len(read_csv(admin_api.get(reverse("program-api:auditentry-export")))) == 6
    rows = read_csv(client_for(manager_user).get(reverse("program-api:auditentry-export")))
    assert sorted(int(row["id"]) for row in rows) == sorted(entry.pk for entry in entries)
