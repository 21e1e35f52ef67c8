"""Incidents pushed through the API, and owners' verdicts on refresh tickets."""

import pytest
from django.urls import reverse

from content.choices import MatchVerdict, RefreshStatus
from program.choices import ApiScope, IncidentSource
from program.models import Incident
from tests.content.factories import RefreshTicketFactory
from tests.program.factories import ServiceFactory

from .conftest import client_for, token_client

pytestmark = pytest.mark.django_db

URL = "/api/incidents/"


def _payload(service, **changes) -> dict:
    return {
        "title": "Gateway timeouts",
        "services": [service.pk],
        "severity": "sev2",
        "root_cause": "dependency_timeout",
        "started_at": "2026-11-27T09:00:00Z",
        "restored_at": "2026-11-27T09:38:00Z",
        "note": "",
        "external_id": "INC-2291",
    } | changes


def test_an_incident_push_is_recorded_once_per_external_id(org, admin_api):
    service = ServiceFactory(team=org.team_a)
    first = admin_api.post(URL, _payload(service), format="json")
    assert first.status_code == 201, first.content
    assert first.json()["minutes_to_restore"] == 38.0
    assert first.json()["source"] == IncidentSource.API

    again = admin_api.post(URL, _payload(service, restored_at="2026-11-27T09:31:00Z"), format="json")

    assert again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    incident = Incident.objects.get()
    assert incident.time_to_restore.total_seconds() == 31 * 60


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"restored_at": "2026-11-27T08:00:00Z"}, "restored_at"),
        ({"detected_at": "2026-11-26T08:00:00Z"}, "detected_at"),
        ({"services": []}, "services"),
        ({"services": [999999]}, "services"),
        ({"severity": "sev9"}, "severity"),
        ({"started_at": "yesterday"}, "started_at"),
        ({"external_id": ""}, "external_id"),
        ({"responders": [999999]}, "responders"),
    ],
)
def test_a_bad_push_is_a_400_naming_the_field(org, admin_api, changes, field):
    response = admin_api.post(URL, _payload(ServiceFactory(), **changes), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Incident.objects.exists()


def test_pushing_needs_the_write_scope_and_the_permission(org, ld_admin_user, learner_user):
    payload = _payload(ServiceFactory())
    read_only = token_client(ld_admin_user, [ApiScope.INCIDENTS_READ])
    assert read_only.post(URL, payload, format="json").status_code == 403
    assert client_for(learner_user).post(URL, payload, format="json").status_code == 403
    assert client_for(None).post(URL, payload, format="json").status_code == 401
    assert not Incident.objects.exists()


def test_the_owner_reviews_a_ticket_and_others_cannot(org, learner_user, coach_user, manager_user):
    ticket = RefreshTicketFactory(owner=org.learner)
    url = reverse("content-api:refreshticket-review", args=[ticket.pk])

    # The coach and the manager see the learner's ticket, but the verdict is the owner's.
    assert client_for(coach_user).post(url, {"verdict": "dismissed"}).status_code == 403
    assert client_for(manager_user).post(url, {"verdict": "dismissed"}).status_code == 403
    assert client_for(learner_user).post(url, {"verdict": "maybe"}).status_code == 400

    response = client_for(learner_user).post(url, {"verdict": "dismissed", "note": "not about this lab"})

    assert response.status_code == 200, response.content
    assert response.json()["verdict"] == MatchVerdict.DISMISSED
    assert response.json()["status"] == RefreshStatus.WONT_DO

    stranger_ticket = RefreshTicketFactory(owner=org.stranger)
    stranger_url = reverse("content-api:refreshticket-review", args=[stranger_ticket.pk])
    assert client_for(learner_user).post(stranger_url, {"verdict": "confirmed"}).status_code == 404
