"""The admin of gates: exceptions requested by the logged-in admin and approved by another through the services;
grants read-only."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import GateException
from program.models import AuditEntry
from roles.choices import GateKind
from tests.admin_support import error_messages, run_action
from tests.assessments.readiness_factories import program_setup, recompute
from tests.program.factories import UserFactory

pytestmark = pytest.mark.django_db
ADD = reverse("admin:assessments_gateexception_add")


def exception_form(program, person, **overrides):
    now = timezone.now()
    return {
        "person": person.pk,
        "gate": program.gates[GateKind.ON_CALL].pk,
        "reason": "Incident cover while the drill is rescheduled",
        "starts_at_0": now.date().isoformat(),
        "starts_at_1": "00:00:00",
        "ends_at_0": (now + datetime.timedelta(days=5)).date().isoformat(),
        "ends_at_1": "00:00:00",
    } | overrides


def test_admin_requests_as_themselves_and_another_admin_approves(client, ld_admin_user):
    program = program_setup(criteria=1)
    learner = program.learner()
    client.force_login(ld_admin_user)
    # A requester typed into the form is not taken: the logged-in admin is the requester.
    response = client.post(ADD, exception_form(program, learner, requested_by=UserFactory(username="team-lead").pk))
    assert response.status_code == 302, response.content.decode()[:2000]
    exception = GateException.objects.get()
    assert (exception.requested_by, exception.approved_by, exception.approved_at) == (ld_admin_user, None, None)
    assert AuditEntry.objects.get(action="exception_requested").actor == ld_admin_user

    own = run_action(client, GateException, "approve", [exception])
    assert any("cannot be the person who requested it" in message for message in error_messages(own))
    exception.refresh_from_db()
    assert exception.approved_at is None

    other_admin = UserFactory(username="second-pair", is_staff=True)
    other_admin.groups.set(ld_admin_user.groups.all())
    client.force_login(other_admin)
    run_action(client, GateException, "approve", [exception])
    exception.refresh_from_db()
    assert exception.approved_by == other_admin and exception.approved_at is not None
    entry = AuditEntry.objects.get(action="exception_granted", subject_person=learner)
    assert entry.actor == other_admin


def test_an_exception_is_never_changed_in_the_admin(client, ld_admin_user):
    from tests.assessments.factories import GateExceptionFactory

    exception = GateExceptionFactory(ends_at=timezone.now() + datetime.timedelta(days=2))
    client.force_login(ld_admin_user)
    url = reverse("admin:assessments_gateexception_change", args=[exception.pk])
    assert client.post(url, {"ends_at_0": "2099-01-01", "ends_at_1": "00:00:00"}).status_code == 403
    exception.refresh_from_db()
    assert exception.ends_at.year != 2099


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
