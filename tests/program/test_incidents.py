"""Incidents: MTTR and counts per service, and a note entered in the admin producing explained tickets."""

import datetime

import pytest

from content.models import RefreshTicket
from program.incidents.selectors import incident_counts_by_service, incidents_mttr_by_service
from program.models import Incident
from tests.admin_support import admin_url, post_admin_form
from tests.content.factories import ContentItemFactory
from tests.program.factories import IncidentFactory, PersonFactory, ServiceFactory
from tests.roles.factories import SkillFactory, SkillTagFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def _at(day: int, hour: int = 12) -> datetime.datetime:
    return datetime.datetime(2026, 10, day, hour, tzinfo=UTC)


def test_mttr_and_counts_per_service_over_a_window():
    cart, gateway, idle = ServiceFactory(), ServiceFactory(), ServiceFactory()
    IncidentFactory(services=[cart], started_at=_at(2), restored_at=_at(2) + datetime.timedelta(minutes=30))
    IncidentFactory(services=[cart, gateway], started_at=_at(3), restored_at=_at(3) + datetime.timedelta(minutes=60))
    IncidentFactory(services=[gateway], started_at=_at(4), restored_at=None)  # still open: counted, no MTTR
    IncidentFactory(services=[cart], started_at=_at(20), restored_at=_at(20) + datetime.timedelta(minutes=5))
    IncidentFactory(services=[idle], started_at=_at(1), restored_at=_at(1) + datetime.timedelta(minutes=5))

    figures = incidents_mttr_by_service(_at(2, 0), _at(10))

    assert set(figures) == {cart.pk, gateway.pk}
    assert (figures[cart.pk].incidents, figures[cart.pk].restored, figures[cart.pk].mttr_minutes) == (2, 2, 45.0)
    assert (figures[gateway.pk].incidents, figures[gateway.pk].restored) == (2, 1)
    assert figures[gateway.pk].mttr_minutes == 60.0
    assert incident_counts_by_service(_at(1, 0), _at(30)) == {cart.pk: 3, gateway.pk: 2, idle.pk: 1}
    assert incidents_mttr_by_service(_at(2, 0), _at(10), service_ids=[gateway.pk]).keys() == {gateway.pk}


def test_a_note_entered_in_the_admin_opens_explained_tickets(client, ld_admin_user, django_capture_on_commit_callbacks):
    client.force_login(ld_admin_user)
    service = ServiceFactory(name="Payments gateway")
    skill = SkillFactory(key="payment-gateway-timeouts", name="Payment gateway timeouts")
    skill.tags.add(SkillTagFactory(name="payments"))
    owner = PersonFactory(email="owner@example.com")
    item = ContentItemFactory(
        title="Lab: payment gateway timeouts",
        summary="Retries with backoff and the gateway timeout budget.",
        owner=owner,
    )
    item.skills.add(skill)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_admin_form(
            client,
            admin_url(Incident, "add"),
            {
                "title": "Gateway timeouts",
                "services": [service.pk],
                "severity": "sev2",
                "root_cause": "dependency_timeout",
                "started_at_0": "2026-11-27",
                "started_at_1": "09:00:00",
                "restored_at_0": "2026-11-27",
                "restored_at_1": "09:38:00",
                "note": "The payment gateway timed out and our retries had no backoff.",
            },
        )

    assert response.status_code == 302, response.context["adminform"].form.errors
    ticket = RefreshTicket.objects.get(item=item)
    assert ticket.owner == owner and ticket.explanation["matched_terms"]

    # A time before the start is refused, naming the field.
    response = post_admin_form(
        client,
        admin_url(Incident, "add"),
        {
            "title": "Backwards",
            "services": [service.pk],
            "started_at_0": "2026-11-27",
            "started_at_1": "09:00:00",
            "restored_at_0": "2026-11-27",
            "restored_at_1": "08:00:00",
        },
    )
    assert response.status_code == 200
    assert "restored_at" in response.context["adminform"].form.errors
