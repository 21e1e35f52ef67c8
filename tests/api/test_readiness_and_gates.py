"""Readiness, gate grants and exceptions through the API: filters, the CSV export, and the writes that go through
the services (revoke a sign-off, grant and end an exception) with their denials."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.choices import ReadinessStatus
from assessments.models import GateException, GateGrant
from program.choices import AuditAction
from program.models import AuditEntry
from roles.choices import GateKind
from tests.assessments.factories import GateExceptionFactory, GateGrantFactory, PersonReadinessFactory, SignOffFactory
from tests.assessments.readiness_factories import program_setup, recompute
from tests.program.factories import RegionFactory, ServiceFactory, ShiftFactory
from tests.roles.factories import GateFactory, RoleFactory

from .conftest import client_for, token_client

pytestmark = pytest.mark.django_db


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def at(days: float) -> str:
    return (timezone.now() + datetime.timedelta(days=days)).isoformat()


def test_readiness_filters(org, admin_api):
    region, shift = RegionFactory(), ShiftFactory()
    org.learner.region, org.learner.shift, org.learner.working_language = region, shift, "es"
    org.learner.role = RoleFactory()
    org.learner.save()
    wanted = PersonReadinessFactory(person=org.learner, status=ReadinessStatus.READY_FOR_SIGNOFF, criteria_met=True)
    other = PersonReadinessFactory(person=org.stranger, status=ReadinessStatus.SIGNED_OFF, expires_at=at(200))
    url = reverse("assessments-api:personreadiness-list")
    for param, value in {
        "person": org.learner.pk,
        "team": org.team_a.pk,
        "role": org.learner.role_id,
        "region": region.pk,
        "shift": shift.pk,
        "language": "es",
        "status": ReadinessStatus.READY_FOR_SIGNOFF,
        "standard": wanted.standard_id,
        "standard_version": wanted.standard_version_id,
        "criteria_met": "true",
    }.items():
        assert ids(admin_api.get(url, {param: value})) == {wanted.pk}, param
    assert ids(admin_api.get(url, {"expires_at_after": at(100)})) == {other.pk}
    body = admin_api.get(url, {"person": org.learner.pk}).json()["results"][0]
    assert body["unmet_criteria"][0]["reason"].startswith("Your latest score")
    assert body["standard_version_number"] == wanted.standard_version.number
    assert admin_api.get(url, {"status": "cleared"}).status_code == 400


def test_readiness_export_is_filtered(org, admin_api, coach_user):
    own = PersonReadinessFactory(person=org.learner)
    PersonReadinessFactory(person=org.stranger, status=ReadinessStatus.SIGNED_OFF, unmet_criteria=[])
    url = reverse("assessments-api:personreadiness-export")
    response = admin_api.get(url, {"status": ReadinessStatus.IN_PROGRESS})
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["id"] for row in rows] == [str(own.pk)]
    assert rows[0]["unmet_criteria"] == "Rollback: Your latest score is 60; the bar is 80."
    assert rows[0]["reassess_criteria"] == "rollback"
    assert rows[0]["team"] == org.team_a.slug
    coach_rows = client_for(coach_user).get(url)
    assert [row["id"] for row in csv.DictReader(io.StringIO(b"".join(coach_rows.streaming_content).decode()))] == [
        str(own.pk)
    ]
    assert token_client(coach_user, ["evidence:read"]).get(url).status_code == 403


def test_gate_grant_and_exception_filters(org, admin_api):
    now = timezone.now()
    on_call = GateFactory(kind=GateKind.ON_CALL, service=ServiceFactory())
    active = GateGrantFactory(person=org.learner, gate=on_call)
    removed = GateGrantFactory(person=org.stranger, removed_at=now, removal_reason="Sign-off revoked")
    lapsed = GateGrantFactory(person=org.stranger, expires_at=now - datetime.timedelta(hours=1))
    url = reverse("assessments-api:gategrant-list")
    assert ids(admin_api.get(url, {"active": "true"})) == {active.pk}
    assert ids(admin_api.get(url, {"active": "false"})) == {removed.pk, lapsed.pk}
    assert ids(admin_api.get(url, {"kind": GateKind.ON_CALL})) == {active.pk}
    assert ids(admin_api.get(url, {"person": org.learner.pk})) == {active.pk}
    assert ids(admin_api.get(url, {"team": org.team_b.pk})) == {removed.pk, lapsed.pk}

    open_now = GateExceptionFactory(person=org.learner, gate=on_call)
    ended = GateExceptionFactory(person=org.stranger, ended_early_at=now, end_reason="Drill passed")
    future = GateExceptionFactory(person=org.stranger, starts_at=now + datetime.timedelta(days=2))
    url = reverse("assessments-api:gateexception-list")
    assert ids(admin_api.get(url, {"active": "true"})) == {open_now.pk}
    assert ids(admin_api.get(url, {"active": "false"})) == {ended.pk, future.pk}
    assert ids(admin_api.get(url, {"service": on_call.service_id})) == {open_now.pk}
    assert ids(admin_api.get(url, {"starts_at_after": at(1)})) == {future.pk}
    waiting = GateExceptionFactory(person=org.learner, gate=on_call, approved_by=None, approved_at=None)
    assert ids(admin_api.get(url, {"approved": "false"})) == {waiting.pk}
    assert ids(admin_api.get(url, {"approved": "true"})) == {open_now.pk, ended.pk, future.pk}
    assert ids(admin_api.get(url, {"active": "true"})) == {open_now.pk}, "a waiting request is not active"


def test_signoff_revoke_by_the_coach_closes_it(
    org, coach_user, learner_user, admin_api, django_capture_on_commit_callbacks
):
    program = program_setup(criteria=1)
    org.learner.role = program.standard.role
    org.learner.save()
    signoff = program.signoff(org.learner)
    recompute(org.learner)
    assert GateGrant.objects.filter(person=org.learner, removed_at__isnull=True).count() == 2
    url = reverse("assessments-api:signoff-revoke", args=[signoff.pk])
    coach = token_client(coach_user, ["evidence:read", "evidence:write"])

    assert client_for(learner_user).post(url, {"reason": "x"}, format="json").status_code == 403
    assert token_client(coach_user, ["evidence:read"]).post(url, {"reason": "x"}, format="json").status_code == 403
    foreign = SignOffFactory(person=org.stranger, coach=org.other_coach)
    foreign_url = reverse("assessments-api:signoff-revoke", args=[foreign.pk])
    assert coach.post(foreign_url, {"reason": "x"}, format="json").status_code == 404  # another coach's learner
    assert coach.post(url, {"reason": " "}, format="json").status_code == 400

    with django_capture_on_commit_callbacks(execute=True):
        response = coach.post(url, {"reason": "Skipped the rollback in a real incident"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["revoked_by"] == org.coach.pk
    assert response.json()["revoke_reason"] == "Skipped the rollback in a real incident"
    assert not GateGrant.objects.filter(person=org.learner, removed_at__isnull=True).exists()
    assert AuditEntry.objects.filter(subject_person=org.learner, action=AuditAction.REVOKED).count() == 1
    readiness = admin_api.get(reverse("assessments-api:personreadiness-list"), {"person": org.learner.pk})
    assert readiness.json()["results"][0]["status"] == ReadinessStatus.REVOKED
    check = admin_api.get("/api/gates/check", {"person": org.learner.email, "gate": "deploy"})
    assert check.json()["allowed"] is False and "revoked" in check.json()["reason"]
    again = coach.post(url, {"reason": "again"}, format="json")
    assert again.status_code == 400 and "already revoked" in str(again.json())


def test_gate_exception_requested_by_the_caller_and_approved_by_another(
    org, admin_api, ld_admin_user, learner_user, manager_user
):
    gate = GateFactory(kind=GateKind.ON_CALL)
    url = reverse("assessments-api:gateexception-list")
    payload = {
        "person": org.learner.pk,
        "gate": gate.pk,
        "reason": "Holiday cover; the renewal drill is booked.",
        "starts_at": at(-1 / 24),
        "ends_at": at(7),
    }
    manager = client_for(manager_user)
    # Who asked and who approved are the server's facts: naming them is refused, with the field named.
    for field, value in (("requested_by", learner_user.username), ("approved_by", ld_admin_user.username)):
        named = manager.post(url, payload | {field: value}, format="json")
        assert named.status_code == 400 and field in named.json(), named.content
    too_long = manager.post(url, payload | {"ends_at": at(45)}, format="json")
    assert too_long.status_code == 400 and "at most 30 days" in str(too_long.json())
    assert client_for(learner_user).post(url, payload, format="json").status_code == 403
    assert token_client(ld_admin_user, ["gates:read"]).post(url, payload, format="json").status_code == 403
    assert not GateException.objects.exists()

    response = manager.post(url, payload, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["requested_by"], body["approved_by"], body["approved_at"]) == (manager_user.username, None, None)
    checker = token_client(ld_admin_user, ["gates:read"])
    gate_check = {"person": org.learner.email, "gate": "on-call"}
    assert checker.get("/api/gates/check", gate_check).json()["allowed"] is False, "waiting for approval"

    approve_url = reverse("assessments-api:gateexception-approve", args=[body["id"]])
    own = manager.post(approve_url)
    assert own.status_code == 400 and "cannot be the person who requested" in str(own.json())
    assert client_for(learner_user).post(approve_url).status_code == 403
    approved = admin_api.post(approve_url)
    assert approved.status_code == 200, approved.content
    assert approved.json()["approved_by"] == ld_admin_user.username
    assert AuditEntry.objects.get(action=AuditAction.EXCEPTION_GRANTED).actor == ld_admin_user
    assert AuditEntry.objects.get(action=AuditAction.EXCEPTION_REQUESTED).actor == manager_user
    answer = checker.get("/api/gates/check", gate_check).json()
    assert (answer["allowed"], answer["basis"]) == (True, "exception")


def test_a_manager_does_not_approve_an_exception_for_themselves(org, manager_user, ld_admin_user):
    """The manager sits on the team they manage: someone else asks for them, and still they may not approve."""
    gate = GateFactory(kind=GateKind.DEPLOY)
    payload = {
        "person": org.manager.pk,
        "gate": gate.pk,
        "reason": "Hotfix",
        "starts_at": at(-1 / 24),
        "ends_at": at(1),
    }
    requested = client_for(ld_admin_user).post(reverse("assessments-api:gateexception-list"), payload, format="json")
    assert requested.status_code == 201, requested.content
    approve_url = reverse("assessments-api:gateexception-approve", args=[requested.json()["id"]])
    refused = client_for(manager_user).post(approve_url)
    assert refused.status_code == 400 and "for themselves" in str(refused.json())
    assert GateException.objects.get().approved_at is None


def test_a_manager_grants_and_ends_exceptions_for_their_team_only(org, manager_user):
    gate = GateFactory(kind=GateKind.DEPLOY)
    url = reverse("assessments-api:gateexception-list")
    payload = {"gate": gate.pk, "reason": "Release freeze cover.", "starts_at": at(-1 / 24), "ends_at": at(3)}
    manager = client_for(manager_user)
    foreign = manager.post(url, payload | {"person": org.stranger.pk}, format="json")
    assert foreign.status_code == 400 and "person" in foreign.json()  # another team's person: not even visible

    requested = GateExceptionFactory(person=org.learner, gate=gate, approved_by=None, approved_at=None)
    granted = manager.post(reverse("assessments-api:gateexception-approve", args=[requested.pk]))
    assert granted.status_code == 200, granted.content
    assert granted.json()["approved_by"] == manager_user.username

    foreign_exception = GateExceptionFactory(person=org.stranger)
    end_url = "assessments-api:gateexception-end"
    assert manager.post(reverse(end_url, args=[foreign_exception.pk]), {"reason": "x"}).status_code == 404
    ended = manager.post(reverse(end_url, args=[requested.pk]), {"reason": "Freeze lifted"}, format="json")
    assert ended.status_code == 200, ended.content
    assert ended.json()["end_reason"] == "Freeze lifted"
    assert AuditEntry.objects.filter(action=AuditAction.EXCEPTION_ENDED, actor=manager_user).exists()


def test_gate_exception_end_early(org, admin_api, coach_user):
    exception = GateExceptionFactory(person=org.learner)
    url = reverse("assessments-api:gateexception-end", args=[exception.pk])
    assert client_for(coach_user).post(url, {"reason": "Drill passed"}, format="json").status_code == 403
    assert admin_api.post(url, {"reason": ""}, format="json").status_code == 400
    response = admin_api.post(url, {"reason": "Drill passed; signed off"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["ended_early_at"] is not None
    assert response.json()["end_reason"] == "Drill passed; signed off"
    assert AuditEntry.objects.filter(action=AuditAction.EXCEPTION_ENDED, object_id=str(exception.pk)).exists()
    again = admin_api.post(url, {"reason": "again"}, format="json")
    assert again.status_code == 400 and "already ended" in str(again.json())
