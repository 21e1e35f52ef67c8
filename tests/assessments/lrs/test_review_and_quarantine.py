"""The identity review queue and re-processing the quarantine, through the ingest path and the admin."""

import json

import pytest
from django.urls import reverse

from assessments.choices import StatementStatus
from assessments.lrs.ingest import incoming_from_data, statements_ingest
from assessments.lrs.profile import scenario_activity_iri
from assessments.lrs.quarantine import quarantine_reprocess
from assessments.models import ActorIdentity, Attempt, LRSConnection, QuarantinedStatement, Statement
from program.crypto import secret_decrypt
from program.models import AuditEntry
from tests.admin_support import run_action
from tests.assessments.factories import ScenarioFactory
from tests.program.factories import PersonFactory

from .conftest import make_statement

pytestmark = pytest.mark.django_db


def ingest(*statements):
    return statements_ingest([incoming_from_data(statement) for statement in statements])


def test_statement_on_a_missing_scenario_is_quarantined_then_reprocessed_once_the_scenario_exists():
    PersonFactory(email="learner@example.com")
    statement = make_statement(scenario_key="new-lab")
    result = ingest(statement)
    assert result.quarantined == 1 and not Statement.objects.exists()

    ScenarioFactory(key="new-lab", xapi_activity_iri=scenario_activity_iri("new-lab"))
    accepted, rejected = quarantine_reprocess(quarantined=list(QuarantinedStatement.objects.all()))

    assert (accepted, rejected) == (1, 0)
    assert Attempt.objects.get().source_statement_id.hex == statement["id"].replace("-", "")
    assert QuarantinedStatement.objects.get().reprocessed_at is not None  # kept, marked


def test_reprocessing_that_fails_again_keeps_the_row_with_the_new_reason():
    PersonFactory(email="learner@example.com")
    scenario = ScenarioFactory(key="new-lab", xapi_activity_iri=scenario_activity_iri("new-lab"), scoring_rule="rubric")
    ingest(make_statement(scenario_key="new-lab"))
    first_reason = QuarantinedStatement.objects.get().reason
    assert "needs the rubric-level extension" in first_reason

    scenario.scoring_rule = "key_steps"
    scenario.save()
    quarantine_reprocess(quarantined=list(QuarantinedStatement.objects.all()))

    row = QuarantinedStatement.objects.get()
    assert row.reprocessed_at is None and "steps-completed extension" in row.reason


def test_known_email_is_mapped_on_first_sight():
    person = PersonFactory(email="ana@example.com")
    ScenarioFactory(key="checkout-latency-lab", xapi_activity_iri=scenario_activity_iri("checkout-latency-lab"))
    ingest(make_statement("ana@EXAMPLE.com"))
    assert ActorIdentity.objects.get().person == person
    assert Attempt.objects.get().person == person


def test_admin_maps_an_identity_from_the_review_queue(client, ld_admin_user):
    ScenarioFactory(key="checkout-latency-lab", xapi_activity_iri=scenario_activity_iri("checkout-latency-lab"))
    ingest(make_statement("stranger@example.com"), make_statement("stranger@example.com"))
    identity = ActorIdentity.objects.get()
    person = PersonFactory()
    client.force_login(ld_admin_user)

    queue = client.get(reverse("admin:assessments_actoridentity_changelist") + "?mapped=no")
    response = client.post(
        reverse("admin:assessments_actoridentity_change", args=[identity.pk]), {"person": person.pk}, follow=True
    )

    assert "stranger@example.com" in queue.content.decode()
    assert "processed 2 waiting statement" in response.content.decode()
    assert Attempt.objects.filter(person=person).count() == 2
    assert not Statement.objects.filter(status=StatementStatus.AWAITING_IDENTITY).exists()
    assert AuditEntry.objects.filter(object_type="xapi-identity").exists()


def test_admin_reprocess_action(client, ld_admin_user):
    PersonFactory(email="learner@example.com")
    ingest(make_statement(scenario_key="new-lab"))
    ScenarioFactory(key="new-lab", xapi_activity_iri=scenario_activity_iri("new-lab"))
    client.force_login(ld_admin_user)

    response = client.post(
        reverse("admin:assessments_quarantinedstatement_changelist"),
        {"action": "reprocess", "_selected_action": [QuarantinedStatement.objects.get().pk]},
        follow=True,
    )

    assert "1 accepted; 0 still rejected" in response.content.decode()
    assert Attempt.objects.count() == 1


def test_admin_never_shows_the_secret_and_keeps_it_when_left_empty(client, ld_admin_user):
    client.force_login(ld_admin_user)
    add_url = reverse("admin:assessments_lrsconnection_add")
    fields = {
        "name": "hosted",
        "endpoint": "https://lrs.example.com/xAPI/",
        "key": "portal",
        "page_size": 500,
        "sync_interval_minutes": 60,
        "mapping_profile": "readiness-portal",
        "since_mode": "stored",
        "overlap_seconds": 300,
        "enabled": "on",
    }
    refused = client.post(add_url, fields)
    assert "A new connection needs its secret." in refused.content.decode()

    client.post(add_url, fields | {"secret": "s3cret-value"})
    connection = LRSConnection.objects.get()
    page = client.get(reverse("admin:assessments_lrsconnection_change", args=[connection.pk])).content.decode()
    client.post(reverse("admin:assessments_lrsconnection_change", args=[connection.pk]), fields | {"page_size": 50})

    connection.refresh_from_db()
    assert "s3cret-value" not in page and connection.secret_encrypted not in page
    assert connection.page_size == 50
    assert secret_decrypt(connection.secret_encrypted) == "s3cret-value"


def test_learner_cannot_see_the_lrs_admin(client, learner_user):
    client.force_login(learner_user)
    response = client.get(reverse("admin:assessments_statement_changelist"))
    assert response.status_code == 302  # not staff: sent to the admin login


def test_profile_is_published_as_json_ld(client):
    response = client.get(reverse("xapi-profile"))
    document = json.loads(response.content)
    assert response["Content-Type"] == "application/ld+json"
    assert document["type"] == "Profile" and document["conformsTo"] == "https://w3id.org/xapi/profiles#1.0"
    concept_ids = {concept["id"] for concept in document["concepts"]}
    assert "https://readiness-portal.example/xapi/extensions/rubric-version" in concept_ids
    assert "http://adlnet.gov/expapi/verbs/passed" in concept_ids


def test_admin_reprocess_action_is_audited_with_the_admin(client, ld_admin_user):
    PersonFactory(email="learner@example.com")
    ingest(make_statement(scenario_key="new-lab"))
    ScenarioFactory(key="new-lab", xapi_activity_iri=scenario_activity_iri("new-lab"))
    client.force_login(ld_admin_user)
    run_action(client, QuarantinedStatement, "reprocess", list(QuarantinedStatement.objects.all()))
    row = QuarantinedStatement.objects.get()
    assert row.reprocessed_at is not None
    entry = AuditEntry.objects.get(object_type="quarantined-statement")
    assert (entry.actor, entry.object_id, entry.evidence["accepted"]) == (ld_admin_user, str(row.pk), [row.pk])
