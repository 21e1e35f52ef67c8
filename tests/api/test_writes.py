"""Writes go through the services, so the API enforces every rule the admin does."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from assessments.models import Attempt, SignOff
from content.choices import ContentStatus
from program.constants import INTEGRATION_GROUP
from program.models import AuditEntry, Person, TeamMembership
from roles.choices import VersionStatus
from tests.assessments.factories import AttemptFactory, ScenarioFactory
from tests.content.factories import ContentItemFactory
from tests.program.factories import PersonFactory, UserFactory
from tests.roles.factories import CriterionFactory, ReadinessStandardFactory, StandardVersionFactory

from .conftest import client_for, token_client

pytestmark = pytest.mark.django_db


def test_person_join_calls_the_service(org, admin_api, learner_user):
    payload = {"email": "Ana.Ruiz@Example.com", "full_name": "Ana Ruiz", "team": org.team_a.pk, "coach": org.coach.pk}
    response = admin_api.post(reverse("program-api:person-list"), payload, format="json")
    assert response.status_code == 201, response.content
    person = Person.objects.get(pk=response.json()["id"])
    assert person.email == "ana.ruiz@example.com"  # normalised by person_join
    assert TeamMembership.objects.filter(person=person, team=org.team_a, ended_on__isnull=True).exists()
    duplicate = admin_api.post(reverse("program-api:person-list"), payload | {"email": "ana.ruiz@example.com"})
    assert duplicate.status_code == 400
    assert "email" in duplicate.json()
    refused = client_for(learner_user).post(reverse("program-api:person-list"), payload, format="json")
    assert refused.status_code == 403


def test_person_move_team_closes_the_old_membership(org, admin_api, ld_admin_user):
    url = reverse("program-api:person-move-team", args=[org.stranger.pk])
    TeamMembership.objects.create(person=org.stranger, team=org.team_b, started_on=datetime.date(2026, 1, 5))
    too_early = admin_api.post(url, {"team": org.team_a.pk, "on_date": "2025-01-01"}, format="json")
    assert too_early.status_code == 400
    assert "on_date" in too_early.json()
    response = admin_api.post(url, {"team": org.team_a.pk, "on_date": "2026-02-01"}, format="json")
    assert response.status_code == 200, response.content
    org.stranger.refresh_from_db()
    assert org.stranger.team == org.team_a
    assert TeamMembership.objects.get(person=org.stranger, team=org.team_b).ended_on == datetime.date(2026, 2, 1)
    read_only = token_client(ld_admin_user, ["people:read"]).post(url, {"team": org.team_b.pk}, format="json")
    assert read_only.status_code == 403


def test_publish_freezes_a_draft_and_is_audited(admin_api, learner_user, ld_admin_user):
    draft = StandardVersionFactory()
    url = reverse("roles-api:standardversion-publish", args=[draft.pk])
    empty = admin_api.post(url)
    assert empty.status_code == 400  # no criteria yet: the service refuses
    CriterionFactory(version=draft)
    assert client_for(learner_user).post(url).status_code == 403
    response = admin_api.post(url)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == VersionStatus.PUBLISHED
    assert response.json()["published_by"] == ld_admin_user.username
    assert AuditEntry.objects.filter(object_type="standard-version", object_id=str(draft.pk)).exists()
    assert admin_api.post(url).status_code == 400  # already published


def test_new_draft_copies_the_latest_version(admin_api):
    standard = ReadinessStandardFactory()
    published = StandardVersionFactory(standard=standard, number=1, published=True)
    CriterionFactory(version=published, key="rollback")
    url = reverse("roles-api:readinessstandard-new-draft", args=[standard.pk])
    response = admin_api.post(url, {"change_note": "Add canary analysis"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["number"], body["status"]) == (2, VersionStatus.DRAFT)
    assert [criterion["key"] for criterion in body["criteria"]] == ["rollback"]
    assert admin_api.post(url, {}, format="json").status_code == 400  # one draft at a time


def test_retire_content_item(admin_api, coach_user):
    item = ContentItemFactory()
    url = reverse("content-api:contentitem-retire", args=[item.pk])
    assert client_for(coach_user).post(url).status_code == 403
    response = admin_api.post(url)
    assert response.status_code == 200
    assert response.json()["status"] == ContentStatus.RETIRED


def test_content_version_release(admin_api):
    item = ContentItemFactory()
    url = reverse("content-api:contentversion-list")
    response = admin_api.post(url, {"item": item.pk, "change_note": "New runbook"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["number"] == 1
    item.refresh_from_db()
    assert item.status == ContentStatus.PUBLISHED
    assert admin_api.post(url, {"item": item.pk}, format="json").json() == {"change_note": ["This field is required."]}


def test_refresh_ticket_open(org, admin_api):
    item = ContentItemFactory(owner=org.coach)
    payload = {"item": item.pk, "reason": "INC-4411 showed the rollback step is wrong", "source": "incident"}
    response = admin_api.post(reverse("content-api:refreshticket-list"), payload, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["owner"] == org.coach.pk  # the item's owner, by the service's rule


def test_refresh_ticket_set_status_closes_it_through_the_service(org, admin_api, coach_user):
    from content.models import RefreshTicket
    from program.models import AuditEntry
    from tests.content.factories import RefreshTicketFactory

    ticket = RefreshTicketFactory(owner=org.coach)
    url = reverse("content-api:refreshticket-set-status", args=[ticket.pk])
    response = admin_api.post(url, {"status": "done"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "done" and response.json()["closed_at"] is not None
    assert AuditEntry.objects.filter(object_type="refresh-ticket", object_id=str(ticket.pk)).exists()
    assert admin_api.post(url, {"status": "finished"}, format="json").status_code == 400
    # The owner may see the ticket but not close it (no change permission); closed_at is never accepted as input.
    assert client_for(coach_user).post(url, {"status": "open"}, format="json").status_code == 403
    assert RefreshTicket.objects.get(pk=ticket.pk).status == "done"


def test_attempt_record_numbers_and_decides_pass(org, admin_api, coach_user):
    scenario = ScenarioFactory(pass_mark=80)
    url = reverse("assessments-api:attempt-list")
    payload = {"person": org.learner.pk, "scenario": scenario.pk, "score": "79.5", "completed_at": "2026-03-01T10:00Z"}
    first = admin_api.post(url, payload, format="json")
    second = admin_api.post(url, payload | {"score": "92"}, format="json")
    assert first.status_code == second.status_code == 201, first.content
    assert (first.json()["attempt_number"], first.json()["passed"]) == (1, False)
    assert (second.json()["attempt_number"], second.json()["passed"]) == (2, True)
    assert second.json()["team"] == org.team_a.pk
    ahead = admin_api.post(url, payload | {"completed_at": "2036-03-01T10:00Z"}, format="json")
    assert ahead.status_code == 400 and "completed_at" in ahead.json(), "evidence is never dated in the future"
    out_of_range = admin_api.post(url, payload | {"score": "101"}, format="json")
    assert out_of_range.status_code == 400 and "score" in out_of_range.json()
    # Coaches may not record evidence (no add permission), whatever person they name.
    assert client_for(coach_user).post(url, payload, format="json").status_code == 403


def test_signoff_by_own_coach(org, coach_user, ld_admin_user, learner_user):
    scenario = ScenarioFactory()
    version = scenario.standard_version
    attempt = AttemptFactory(person=org.learner, scenario=scenario)
    url = reverse("assessments-api:signoff-list")
    payload = {
        "person": org.learner.pk,
        "standard_version": version.pk,
        "decision": "ready",
        "evidence": [attempt.pk],
    }
    before = timezone.now()
    response = token_client(coach_user, ["evidence:write", "evidence:read"]).post(url, payload, format="json")
    assert response.status_code == 201, response.content
    signoff = SignOff.objects.get(pk=response.json()["id"])
    assert signoff.coach == org.coach and list(signoff.evidence_reviewed.all()) == [attempt]
    assert before <= signoff.signed_at <= timezone.now(), "dated by the server"
    assert signoff.expires_at is not None
    assert AuditEntry.objects.get(object_type="signoff", object_id=str(signoff.pk)).actor == coach_user
    # The date (ten years ahead, or back to 2001) and the coach are the server's facts: naming them is a 400.
    for field, value in (("signed_at", "2036-03-02T09:00:00Z"), ("signed_at", "2001-01-01T00:00:00Z")):
        dated = client_for(coach_user).post(url, payload | {field: value}, format="json")
        assert dated.status_code == 400 and field in dated.json(), dated.content
    named = client_for(coach_user).post(url, payload | {"coach": org.other_coach.pk}, format="json")
    assert named.status_code == 400 and "coach" in named.json()
    # Another coach's learner is not even a valid id for this coach (IDOR), so nothing is written.
    foreign = client_for(coach_user).post(url, payload | {"person": org.stranger.pk}, format="json")
    assert foreign.status_code == 400 and "person" in foreign.json()
    # A draft version: refused by signoff_create, with its message.
    draft = client_for(coach_user).post(url, payload | {"standard_version": StandardVersionFactory().pk}, format="json")
    assert draft.status_code == 400 and "draft" in str(draft.json())
    # Someone else's attempt cannot be cited as evidence.
    other_attempt = AttemptFactory(person=org.stranger)
    cited = client_for(coach_user).post(url, payload | {"evidence": [other_attempt.pk]}, format="json")
    assert cited.status_code == 400
    # An admin without a person record is no coach; a learner has no permission at all.
    assert client_for(ld_admin_user).post(url, payload, format="json").status_code == 403
    assert client_for(learner_user).post(url, payload, format="json").status_code == 403
    assert SignOff.objects.count() == 1
    assert Attempt.objects.count() == 2


def test_attempt_reviewer_is_the_caller_unless_a_machine_account_imports_it(org, ld_admin_user):
    scenario = ScenarioFactory(pass_mark=80)
    url = reverse("assessments-api:attempt-list")
    payload = {"person": org.learner.pk, "scenario": scenario.pk, "score": "90", "completed_at": "2026-03-01T10:00Z"}
    ld_admin_person = PersonFactory(user=ld_admin_user, team=org.team_b)
    as_admin = token_client(ld_admin_user, ["evidence:write", "evidence:read"])
    # A person's own login (an L&D admin here) cannot name a reviewer of their choosing, not even null.
    for reviewer in (org.coach.pk, org.learner.pk, None):
        refused = as_admin.post(url, payload | {"reviewer": reviewer}, format="json")
        assert refused.status_code == 400, refused.content
        assert list(refused.json()) == ["reviewer"]
    assert not Attempt.objects.exists()
    recorded = as_admin.post(url, payload, format="json")
    assert recorded.status_code == 201, recorded.content
    assert recorded.json()["reviewer"] == ld_admin_person.pk, "the reviewer is the caller"

    machine = UserFactory(username="lrs-importer")
    machine.groups.add(Group.objects.get(name=INTEGRATION_GROUP))
    as_machine = token_client(machine, ["evidence:write", "evidence:read"])
    imported = as_machine.post(url, payload | {"reviewer": org.coach.pk}, format="json")
    assert imported.status_code == 201, imported.content
    assert imported.json()["reviewer"] == org.coach.pk
    own = as_machine.post(url, payload | {"reviewer": org.learner.pk}, format="json")
    assert own.status_code == 400 and "reviewer" in own.json(), "nobody reviews their own attempt"
    assert Attempt.objects.count() == 2


def test_person_join_is_audited_with_the_caller(org, admin_api, ld_admin_user):
    payload = {"email": "ana.ruiz@example.com", "full_name": "Ana Ruiz", "team": org.team_a.pk}
    response = admin_api.post(reverse("program-api:person-list"), payload, format="json")
    assert response.status_code == 201, response.content
    entry = AuditEntry.objects.get(object_type="person", object_id=str(response.json()["id"]))
    assert (entry.actor, entry.subject_person_id) == (ld_admin_user, response.json()["id"])


def test_person_move_team_is_audited_with_the_caller(org, admin_api, ld_admin_user):
    url = reverse("program-api:person-move-team", args=[org.stranger.pk])
    response = admin_api.post(url, {"team": org.team_a.pk}, format="json")
    assert response.status_code == 200, response.content
    entry = AuditEntry.objects.get(object_type="team-membership", object_id=str(response.json()["id"]))
    assert (entry.actor, entry.subject_person) == (ld_admin_user, org.stranger)


def test_content_version_release_is_audited_with_the_caller(admin_api, ld_admin_user):
    item = ContentItemFactory()
    url = reverse("content-api:contentversion-list")
    response = admin_api.post(url, {"item": item.pk, "change_note": "New runbook"}, format="json")
    assert response.status_code == 201, response.content
    entry = AuditEntry.objects.get(object_type="content-version", object_id=str(response.json()["id"]))
    assert entry.actor == ld_admin_user


def test_retire_content_item_is_audited_with_the_caller(admin_api, ld_admin_user):
    item = ContentItemFactory()
    assert admin_api.post(reverse("content-api:contentitem-retire", args=[item.pk])).status_code == 200
    entry = AuditEntry.objects.get(object_type="content-item", object_id=str(item.pk))
    assert entry.actor == ld_admin_user
