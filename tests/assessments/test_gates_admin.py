"""The admin of gates: exceptions created by the logged-in approver through the service; grants read-only."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import GateException
from program.models import AuditEntry
from roles.choices import GateKind
from tests.assessments.readiness_factories import program_setup, recompute
from tests.program.factories import UserFactory

pytestmark = pytest.mark.django_db
ADD = reverse("admin:assessments_gateexception_add")


def exception_form(program, person, requester, **overrides):
    now = timezone.now()
    return {
        "person": person.pk,
        "gate": program.gates[GateKind.ON_CALL].pk,
        "reason": "Incident cover while the drill is rescheduled",
        "requested_by": requester.pk,
        "starts_at_0": now.date().isoformat(),
        "starts_at_1": "00:00:00",
        "ends_at_0": (now + datetime.timedelta(days=5)).date().isoformat(),
        "ends_at_1": "00:00:00",
    } | overrides


def test_admin_approves_an_exception_and_it_is_audited(client, ld_admin_user):
    program = program_setup(criteria=1)
    learner = program.learner()
    client.force_login(ld_admin_user)
    response = client.post(ADD, exception_form(program, learner, UserFactory(username="team-lead")))
    assert response.status_code == 302, response.content.decode()[:2000]
    exception = GateException.objects.get()
    assert exception.approved_by == ld_admin_user
    assert AuditEntry.objects.filter(action="exception_granted", subject_person=learner).count() == 1


def test_admin_cannot_approve_their_own_request(client, ld_admin_user):
    program = program_setup(criteria=1)
    client.force_login(ld_admin_user)
    response = client.post(ADD, exception_form(program, program.learner(), ld_admin_user))
    assert response.status_code == 200
    assert "cannot be the person who requested it" in response.content.decode()
    assert GateException.objects.count() == 0


def test_grants_and_audit_entries_cannot_be_edited_in_the_admin(client, ld_admin_user):
    program = program_setup(criteria=1)
    learner = program.learner()
    program.signoff(learner)
    recompute(learner)
    client.force_login(ld_admin_user)
    grant = learner.gate_grants.first()
    assert client.get(reverse("admin:assessments_gategrant_changelist")).status_code == 200
    response = client.post(reverse("admin:assessments_gategrant_change", args=[grant.pk]), {"removal_reason": "x"})
    grant.refresh_from_db()
    assert grant.removed_at is None and response.status_code in (200, 403)
    delete = client.post(reverse("admin:assessments_gategrant_delete", args=[grant.pk]), {"post": "yes"})
    assert delete.status_code == 403
