"""Gate grants follow sign-offs; exceptions and their rules; the audit trail is written and not editable."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from assessments.models import GateException, GateGrant
from assessments.selectors.gates import gate_check
from assessments.services.exceptions import gate_exception_approve, gate_exception_end, gate_exception_request
from assessments.services.signoffs import signoff_create, signoff_revoke
from program.choices import AuditAction
from program.models import AuditEntry
from roles.choices import GateKind
from tests.assessments.readiness_factories import person_with_login, program_setup, recompute
from tests.program.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def active_grants(person):
    return set(GateGrant.objects.filter(person=person, removed_at__isnull=True).values_list("gate__kind", flat=True))


def test_signing_off_grants_every_gate_of_the_standard_with_an_audit_entry(django_capture_on_commit_callbacks):
    program = program_setup(criteria=1)
    coach = person_with_login("coach-a")
    learner = program.learner(coach=coach)
    attempts = program.meet_all(learner)

    with django_capture_on_commit_callbacks(execute=True):
        signoff = signoff_create(
            coach=coach,
            person=learner,
            standard_version=program.version,
            decision="ready",
            recorded_by=coach.user,
            reflection_notes="Rolled back cleanly under pressure.",
            evidence=attempts,
        )

    assert active_grants(learner) == {GateKind.DEPLOY, GateKind.ON_CALL}
    grant = GateGrant.objects.get(person=learner, gate=program.gates[GateKind.DEPLOY])
    assert (grant.signoff, grant.expires_at) == (signoff, signoff.expires_at)
    entries = AuditEntry.objects.filter(subject_person=learner)
    assert entries.filter(action=AuditAction.SIGNED_OFF, actor=coach.user).count() == 1
    granted = entries.filter(action=AuditAction.GRANTED, object_type="gate-grant")
    assert granted.count() == 2
    assert granted.first().evidence["attempts_reviewed"] == [attempts[0].pk]
    recompute(learner)
    assert entries.filter(action=AuditAction.GRANTED).count() == 2, "recomputing again grants nothing twice"


def test_revoking_closes_the_gates_and_is_audited(django_capture_on_commit_callbacks):
    program = program_setup(criteria=1)
    coach = person_with_login("coach-b")
    learner = program.learner(coach=coach)
    signoff = program.signoff(learner)
    recompute(learner)
    assert active_grants(learner) == {GateKind.DEPLOY, GateKind.ON_CALL}

    with django_capture_on_commit_callbacks(execute=True):
        signoff_revoke(signoff=signoff, actor=coach.user, reason="Skipped the rollback in a real incident")

    assert active_grants(learner) == set()
    removed = GateGrant.objects.filter(person=learner, removed_at__isnull=False)
    assert removed.count() == 2
    assert all("revoked" in grant.removal_reason for grant in removed)
    assert AuditEntry.objects.filter(subject_person=learner, action=AuditAction.REMOVED).count() == 2
    revoked = AuditEntry.objects.get(subject_person=learner, action=AuditAction.REVOKED)
    assert revoked.reason == "Skipped the rollback in a real incident"


def test_revocation_rules():
    program = program_setup(criteria=1, gates=False)
    coach = person_with_login("coach-c")
    learner = program.learner(coach=coach)
    stranger_coach = person_with_login("coach-d")
    signoff = program.signoff(learner)
    with pytest.raises(ValidationError, match="coach or an L&D admin"):
        signoff_revoke(signoff=signoff, actor=stranger_coach.user, reason="no")
    with pytest.raises(ValidationError, match="needs a reason"):
        signoff_revoke(signoff=signoff, actor=coach.user, reason="  ")
    signoff_revoke(signoff=signoff, actor=coach.user, reason="Evidence came from a shared account")
    with pytest.raises(ValidationError, match="already revoked"):
        signoff_revoke(signoff=signoff, actor=coach.user, reason="again")


def test_expiry_removes_the_gates():
    program = program_setup(criteria=1)
    learner = program.learner()
    program.signoff(learner)
    recompute(learner)
    later = timezone.now() + datetime.timedelta(days=program.standard.signoff_validity_days + 1)
    recompute(learner, now=later)
    assert active_grants(learner) == set()
    assert "expired" in GateGrant.objects.filter(person=learner).first().removal_reason


def request_kwargs(program, person, **overrides):
    now = timezone.now()
    kwargs = {
        "person": person,
        "gate": program.gates[GateKind.ON_CALL],
        "reason": "Covering the holiday rota; drill booked for next week",
        "requested_by": UserFactory(username="requester"),
        "starts_at": now - datetime.timedelta(hours=1),
        "ends_at": now + datetime.timedelta(days=7),
    }
    return kwargs | overrides


def granted_exception(program, person, *, approved_by, **overrides):
    """Requested (by `requested_by`) and approved (by `approved_by`): two steps, two logins."""
    return gate_exception_approve(
        exception=gate_exception_request(**request_kwargs(program, person, **overrides)), approved_by=approved_by
    )


def test_a_request_needs_a_reason_an_end_and_a_short_time_box():
    program = program_setup(criteria=1)
    learner = program.learner()
    base = request_kwargs(program, learner)
    with pytest.raises(ValidationError, match="needs a reason"):
        gate_exception_request(**base | {"reason": ""})
    with pytest.raises(ValidationError, match="end after it starts"):
        gate_exception_request(**base | {"ends_at": base["starts_at"]})
    with pytest.raises(ValidationError, match="at most 30 days"):
        gate_exception_request(**base | {"ends_at": base["starts_at"] + datetime.timedelta(days=31)})
    assert GateException.objects.count() == 0


def test_a_request_lets_nobody_through_until_another_login_approves_it():
    program = program_setup(criteria=1)
    manager = person_with_login("manager-e")
    learner = program.learner(manager=manager)
    gate = program.gates[GateKind.ON_CALL]
    requested = gate_exception_request(**request_kwargs(program, learner))
    assert requested.approved_at is None
    assert gate_check(person=learner, gate=gate).allowed is False
    asked = AuditEntry.objects.get(action=AuditAction.EXCEPTION_REQUESTED)
    assert (asked.actor.username, asked.subject_person) == ("requester", learner)
    with pytest.raises(ValidationError, match="may not approve"):
        gate_exception_approve(exception=requested, approved_by=person_with_login("peer").user)
    with pytest.raises(ValidationError, match="cannot be the person who requested"):
        gate_exception_approve(exception=requested, approved_by=requested.requested_by)
    approved = gate_exception_approve(exception=requested, approved_by=manager.user)
    assert (approved.approved_by, approved.approved_at is not None) == (manager.user, True)
    assert gate_check(person=learner, gate=gate).allowed is True
    entry = AuditEntry.objects.get(action=AuditAction.EXCEPTION_GRANTED)
    assert (entry.actor, entry.subject_person, entry.object_id) == (manager.user, learner, str(approved.pk))
    assert entry.evidence["requested_by"] == "requester"
    with pytest.raises(ValidationError, match="already approved"):
        gate_exception_approve(exception=approved, approved_by=UserFactory(username="root", is_superuser=True))


def test_nobody_approves_an_exception_for_themselves():
    """A manager sits on the team they manage: they may not approve (nor end) their own way through a gate, and
    neither may an L&D admin or a superuser for themselves."""
    program = program_setup(criteria=1)
    manager = person_with_login("manager-s")
    team = TeamFactory(manager=manager)
    manager.team = team
    manager.role = program.standard.role
    manager.save()
    requested = gate_exception_request(**request_kwargs(program, manager))
    with pytest.raises(ValidationError, match="for themselves"):
        gate_exception_approve(exception=requested, approved_by=manager.user)
    manager.user.is_superuser = True
    manager.user.save()
    with pytest.raises(ValidationError, match="for themselves"):
        gate_exception_approve(exception=requested, approved_by=manager.user)
    assert gate_check(person=manager, gate=program.gates[GateKind.ON_CALL]).allowed is False
    assert not AuditEntry.objects.filter(action=AuditAction.EXCEPTION_GRANTED).exists()


def test_the_requester_may_withdraw_a_waiting_request():
    program = program_setup(criteria=1)
    learner = program.learner()
    requested = gate_exception_request(**request_kwargs(program, learner))
    stranger = UserFactory(username="stranger")
    with pytest.raises(ValidationError, match="may not end"):
        gate_exception_end(exception=requested, actor=stranger, reason="not mine")
    gate_exception_end(exception=requested, actor=requested.requested_by, reason="Not needed after all")
    requested.refresh_from_db()
    assert requested.ended_early_at is not None
    with pytest.raises(ValidationError, match="already ended"):
        gate_exception_approve(exception=requested, approved_by=UserFactory(username="root", is_superuser=True))


def test_a_manager_of_a_parent_team_may_approve_and_an_exception_can_end_early():
    program = program_setup(criteria=1)
    director = person_with_login("director")
    parent = TeamFactory(manager=director)
    learner = program.learner(team=TeamFactory(parent=parent))
    exception = granted_exception(program, learner, approved_by=director.user)
    with pytest.raises(ValidationError, match="needs a reason"):
        gate_exception_end(exception=exception, actor=director.user, reason="")
    gate_exception_end(exception=exception, actor=director.user, reason="Signed off after all")
    exception.refresh_from_db()
    assert exception.ended_early_at is not None
    assert AuditEntry.objects.filter(action=AuditAction.EXCEPTION_ENDED, subject_person=learner).count() == 1
    with pytest.raises(ValidationError, match="already ended"):
        gate_exception_end(exception=exception, actor=director.user, reason="twice")


def test_an_exception_reaching_its_end_date_is_audited_once_by_the_daily_run():
    from assessments.services.expiry import signoffs_expire_and_remind

    program = program_setup(criteria=1)
    manager = person_with_login("manager-l")
    learner = program.learner(manager=manager)
    exception = granted_exception(program, learner, approved_by=manager.user)
    assert signoffs_expire_and_remind()["exceptions_lapsed"] == 0, "still running: nothing to audit"

    after_end = exception.ends_at + datetime.timedelta(minutes=1)
    assert signoffs_expire_and_remind(now=after_end)["exceptions_lapsed"] == 1
    assert signoffs_expire_and_remind(now=after_end)["exceptions_lapsed"] == 0, "audited once"
    entry = AuditEntry.objects.get(action=AuditAction.EXCEPTION_ENDED, object_id=str(exception.pk))
    assert entry.subject_person == learner
    assert "end date" in entry.summary


def test_audit_entries_are_append_only(django_capture_on_commit_callbacks):
    program = program_setup(criteria=1)
    learner = program.learner()
    program.signoff(learner)
    recompute(learner)
    entry = AuditEntry.objects.filter(subject_person=learner).first()
    entry.summary = "rewritten history"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    assert AuditEntry.objects.filter(summary="rewritten history").count() == 0


def test_inactive_people_lose_their_gates():
    program = program_setup(criteria=1)
    learner = program.learner()
    program.signoff(learner)
    recompute(learner)
    learner.active = False
    learner.save()
    recompute(learner)
    assert active_grants(learner) == set()


def test_a_new_gate_is_granted_at_once_to_people_already_signed_off(django_capture_on_commit_callbacks):
    from roles.models import Gate
    from roles.services import gate_save

    program = program_setup(criteria=1)
    coach = person_with_login("coach-b")
    learner = program.learner(coach=coach)
    attempts = program.meet_all(learner)
    with django_capture_on_commit_callbacks(execute=True):
        signoff_create(
            coach=coach,
            person=learner,
            standard_version=program.version,
            decision="ready",
            recorded_by=coach.user,
            evidence=attempts,
        )
    assert GateKind.CHANGE_APPROVAL not in active_grants(learner)

    with django_capture_on_commit_callbacks(execute=True):
        gate_save(gate=Gate(kind=GateKind.CHANGE_APPROVAL, required_standard=program.version.standard))

    assert GateKind.CHANGE_APPROVAL in active_grants(learner)
