"""LRS records through the API: statements (filters, cursor pages), the review queue, the quarantine and its
re-processing, sync runs, who reads the records about no one, and the secret that never leaves the admin."""

import datetime
import uuid

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from assessments.choices import StatementStatus
from assessments.lrs.connections import connection_create
from assessments.lrs.ingest import incoming_from_data, statements_ingest
from assessments.lrs.profile import scenario_activity_iri
from assessments.models import ActorIdentity, Attempt, QuarantinedStatement
from program.constants import INTEGRATION_GROUP
from program.models import AuditEntry
from tests.assessments.factories import (
    ActorIdentityFactory,
    LRSSyncRunFactory,
    QuarantinedStatementFactory,
    ScenarioFactory,
    StatementFactory,
)
from tests.program.factories import PersonFactory, UserFactory

from .conftest import client_for, token_client

pytestmark = pytest.mark.django_db


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_statement_filters_and_cursor_pages(org, admin_api):
    now = timezone.now()
    identity = ActorIdentityFactory(person=org.learner)
    old = StatementFactory(identity=identity, stored=now - datetime.timedelta(days=40), timestamp=now)
    voided = StatementFactory(identity=identity, status=StatementStatus.VOIDED, voided_at=now)
    other_verb = StatementFactory(verb_iri="http://adlnet.gov/expapi/verbs/attempted", registration=uuid.uuid4())
    url = reverse("assessments-api:statement-list")
    assert ids(admin_api.get(url, {"voided": "true"})) == {voided.pk}
    assert ids(admin_api.get(url, {"verb": other_verb.verb_iri})) == {other_verb.pk}
    assert ids(admin_api.get(url, {"registration": str(other_verb.registration)})) == {other_verb.pk}
    assert ids(admin_api.get(url, {"person": org.learner.pk})) == {old.pk, voided.pk}
    before = (now - datetime.timedelta(days=30)).isoformat()
    assert ids(admin_api.get(url, {"stored_before": before})) == {old.pk}
    assert old.pk not in ids(admin_api.get(url, {"timestamp_before": before}))
    assert ids(admin_api.get(url, {"status": StatementStatus.VOIDED})) == {voided.pk}

    first = admin_api.get(url, {"page_size": 2}).json()
    assert [row["id"] for row in first["results"]] == [other_verb.pk, voided.pk]  # newest received first
    second = admin_api.get(first["next"]).json()
    assert [row["id"] for row in second["results"]] == [old.pk] and second["next"] is None
    assert first["results"][0]["person"] == other_verb.identity.person_id


def test_unmapped_actors_and_operations_are_for_admins_and_integrations(org, manager_user, learner_user):
    unmapped = ActorIdentityFactory(person=None)
    waiting = [StatementFactory(identity=unmapped, status=StatementStatus.AWAITING_IDENTITY) for _ in range(2)]
    quarantined = QuarantinedStatementFactory()
    run = LRSSyncRunFactory()
    integration = UserFactory(username="bi-export")
    integration.groups.add(Group.objects.get(name=INTEGRATION_GROUP))
    reader = token_client(integration, ["evidence:read"])

    queue = reader.get(reverse("assessments-api:actoridentity-list"), {"mapped": "false"})
    assert [(row["id"], row["waiting_statements"]) for row in queue.json()["results"]] == [(unmapped.pk, 2)]
    assert ids(reader.get(reverse("assessments-api:statement-list"))) == {statement.pk for statement in waiting}
    assert ids(reader.get(reverse("assessments-api:quarantinedstatement-list"))) == {quarantined.pk}
    assert ids(reader.get(reverse("assessments-api:lrssyncrun-list"))) == {run.pk, quarantined.run_id}
    for user in (manager_user, learner_user):
        client = client_for(user)
        assert not ids(client.get(reverse("assessments-api:statement-list")))
        assert not ids(client.get(reverse("assessments-api:actoridentity-list")))
        assert client.get(reverse("assessments-api:lrssyncrun-detail", args=[run.pk])).status_code == 404


def test_lrs_secret_is_never_shown(org, admin_api):
    connection = connection_create(
        name="school-lrs", endpoint="https://lrs.example.com/xAPI/", key="portal", secret="s3cret-never-shown"
    )
    run = LRSSyncRunFactory(connection=connection, error="LRS answered 401 Unauthorized")
    QuarantinedStatementFactory(connection=run.connection, run=run)
    StatementFactory(connection=run.connection)
    for route in ("lrsconnection", "lrssyncrun", "quarantinedstatement", "statement"):
        body = admin_api.get(reverse(f"assessments-api:{route}-list")).content.decode()
        assert run.connection.secret_encrypted not in body
        assert "s3cret-never-shown" not in body and "secret" not in body
    assert admin_api.get(reverse("assessments-api:lrssyncrun-detail", args=[run.pk])).json()["connection_name"] == (
        run.connection.name
    )
    listed = admin_api.get(reverse("assessments-api:lrsconnection-detail", args=[connection.pk])).json()
    assert (listed["name"], listed["endpoint"]) == ("school-lrs", "https://lrs.example.com/xAPI/")
    assert "key" not in listed
    schema = admin_api.get("/api/schema/").content.decode()
    assert "secret_encrypted" not in schema


def test_reprocess_accepts_once_fixed(org, admin_api, coach_user, ld_admin_user):
    PersonFactory(email="ana@example.com")
    statement = {
        "id": str(uuid.uuid4()),
        "actor": {"mbox": "mailto:ana@example.com", "name": "Ana"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
        "object": {"objectType": "Activity", "id": scenario_activity_iri("new-lab")},
        "result": {"score": {"raw": 45, "min": 0, "max": 50}, "success": True},
    }
    assert statements_ingest([incoming_from_data(statement)]).quarantined == 1
    row = QuarantinedStatement.objects.get()
    url = reverse("assessments-api:quarantinedstatement-reprocess", args=[row.pk])
    assert client_for(coach_user).post(url).status_code == 403
    assert token_client(ld_admin_user, ["evidence:read"]).post(url).status_code == 403

    still = admin_api.post(url)  # the scenario does not exist yet: rejected again, kept with its reason
    assert still.status_code == 200, still.content
    assert still.json()["reprocessed_at"] is None and still.json()["reason"]
    ScenarioFactory(key="new-lab", xapi_activity_iri=scenario_activity_iri("new-lab"))
    accepted = admin_api.post(url)
    assert accepted.status_code == 200
    assert accepted.json()["reprocessed_at"] is not None
    assert Attempt.objects.get().source_statement_id == uuid.UUID(statement["id"])
    assert admin_api.post(url).json()["reprocessed_at"] == accepted.json()["reprocessed_at"]  # idempotent
    # Each run that re-processed something is audited with the caller (none for the idempotent repeat).
    entries = AuditEntry.objects.filter(object_type="quarantined-statement", object_id=str(row.pk))
    assert [(entry.actor, entry.evidence["accepted"]) for entry in entries.order_by("id")] == [
        (ld_admin_user, []),
        (ld_admin_user, [row.pk]),
    ]
    assert Attempt.objects.count() == 1
    assert ids(admin_api.get(reverse("assessments-api:quarantinedstatement-list"), {"pending": "true"})) == set()


def test_map_an_actor_processes_its_statements(org, admin_api, ld_admin_user, coach_user):
    scenario = ScenarioFactory(key="drill", xapi_activity_iri=scenario_activity_iri("drill"))
    statement = {
        "id": str(uuid.uuid4()),
        "actor": {"account": {"homePage": "https://sso.example.com", "name": "a-1234"}, "name": "Ana"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
        "object": {"objectType": "Activity", "id": scenario.xapi_activity_iri},
        "result": {"score": {"raw": 45, "min": 0, "max": 50}, "success": True},
    }
    assert statements_ingest([incoming_from_data(statement)]).new == 1
    identity = ActorIdentity.objects.get()
    assert identity.person is None
    url = reverse("assessments-api:actoridentity-map-to-person", args=[identity.pk])
    payload = {"person": org.learner.pk}
    assert client_for(coach_user).post(url, payload, format="json").status_code == 403
    assert token_client(ld_admin_user, ["evidence:read"]).post(url, payload, format="json").status_code == 403
    unknown = admin_api.post(url, {"person": 10**9}, format="json")
    assert unknown.status_code == 400 and "person" in unknown.json()
    assert not Attempt.objects.exists()

    response = admin_api.post(url, payload, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["person"], response.json()["waiting_statements"]) == (org.learner.pk, 0)
    attempt = Attempt.objects.get()
    assert (attempt.person, attempt.scenario) == (org.learner, scenario)
    assert AuditEntry.objects.filter(object_type="xapi-identity", actor=ld_admin_user).exists()
