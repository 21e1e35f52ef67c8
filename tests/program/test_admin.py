"""The admin as a whole (every model, every changelist, who gets in) and the org's admin pages."""

import datetime

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import User
from django.utils import timezone

from assessments.choices import ReadinessStatus
from assessments.models import (
    ActorIdentity,
    CalibrationRound,
    CalibrationScore,
    ExpiryReminder,
    GateException,
    GateGrant,
    LRSSyncRun,
    PersonReadiness,
    QuarantinedStatement,
    ReadinessFailure,
    ReviewerCalibration,
    SpotCheck,
    Statement,
)
from equity.models import EquityFinding
from program.groups import PROGRAM_APPS
from program.incidents.services import pagerduty_subscription_save
from program.models import (
    AuditEntry,
    MetricSample,
    PagerDutyServiceMapping,
    Person,
    ReceivedWebhook,
    RejectedMetricSample,
    Team,
    TeamMembership,
)
from program.services import person_join
from program.tokens import api_token_create
from tests.admin_support import admin_url, post_admin_form, query_count
from tests.assessments.factories import AttemptFactory, SignOffFactory
from tests.assessments.lrs.rows import lrs_rows_create
from tests.content.factories import ContentVersionFactory, PathStepFactory, RefreshTicketFactory
from tests.equity.factories import EquityFindingFactory
from tests.program.factories import (
    AuditEntryFactory,
    IncidentFactory,
    PersonFactory,
    ServiceFactory,
    TeamFactory,
    TeamMembershipFactory,
    UserFactory,
)
from tests.program.operations.factories import operations_rows_create
from tests.roles.factories import (
    GateFactory,
    LevelDescriptorFactory,
    RoleFactory,
    SkillFactory,
    SkillTagFactory,
)

pytestmark = pytest.mark.django_db

# Written only by services (history, audit trail, computed readiness): viewed in the admin, never added there.
VIEW_ONLY_MODELS = {AuditEntry, TeamMembership, PersonReadiness, GateGrant, ExpiryReminder}
# Written by the LRS sync and import: read (and re-processed, mapped) in the admin, never added there.
VIEW_ONLY_MODELS |= {ActorIdentity, LRSSyncRun, QuarantinedStatement, Statement}
# Written by the metrics ways in (Prometheus pull, CSV, push): read in the admin, never added there.
VIEW_ONLY_MODELS |= {MetricSample, RejectedMetricSample}
# Written only by an equity audit run.
VIEW_ONLY_MODELS |= {EquityFinding}
# Written by calibration rounds and spot-check draws, and by the PagerDuty webhook endpoint.
VIEW_ONLY_MODELS |= {CalibrationScore, ReviewerCalibration, SpotCheck, ReceivedWebhook}
# Written by the readiness recompute when a person's recompute fails.
VIEW_ONLY_MODELS |= {ReadinessFailure}

PROGRAM_MODEL_ADMINS = sorted(
    (
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in PROGRAM_APPS
    ),
    key=lambda pair: pair[0]._meta.label,
)
PROGRAM_MODELS = [model for model, _ in PROGRAM_MODEL_ADMINS]


def model_id(model) -> str:
    return model._meta.label


def make_one_of_everything() -> None:
    """One row of every program model, linked the way real data is (call it again for a second set)."""
    signoff = SignOffFactory()
    attempt = AttemptFactory(person=signoff.person, scenario__standard_version=signoff.standard_version)
    signoff.evidence_reviewed.add(attempt)
    level = LevelDescriptorFactory(criterion__version=signoff.standard_version)
    level.criterion.required_scenarios.add(attempt.scenario)
    skill = SkillFactory(parent=SkillFactory())
    skill.tags.add(SkillTagFactory())
    step = PathStepFactory()
    step.skills.add(skill)
    gate = GateFactory(
        service=ServiceFactory(team=signoff.person.team), required_standard=signoff.standard_version.standard
    )
    ContentVersionFactory(item=step.content_item)
    RefreshTicketFactory(item=step.content_item, owner=signoff.coach)
    EquityFindingFactory()
    AuditEntryFactory(subject_person=signoff.person)
    TeamMembershipFactory(person=signoff.person)
    team = signoff.person.team
    team.manager = signoff.coach
    team.parent = TeamFactory()
    team.save()
    now = timezone.now()
    PersonReadiness.objects.create(
        person=signoff.person,
        standard=signoff.standard_version.standard,
        standard_version=signoff.standard_version,
        status=ReadinessStatus.SIGNED_OFF,
        signoff=signoff,
        computed_at=now,
    )
    GateGrant.objects.create(person=signoff.person, gate=gate, signoff=signoff, granted_at=now)
    ExpiryReminder.objects.create(signoff=signoff, sent_at=now, recipients=[signoff.person.email])
    ReadinessFailure.objects.create(person=signoff.person, failed_at=now, error="TypeError: bad evidence")
    GateException.objects.create(
        person=signoff.person,
        gate=gate,
        reason="Covering the holiday rota",
        requested_by=UserFactory(),
        approved_by=UserFactory(),
        approved_at=now,
        starts_at=now,
        ends_at=now + datetime.timedelta(days=7),
    )
    owner = UserFactory()
    api_token_create(owner=owner, created_by=owner, name="BI nightly", scopes=["people:read"], expires_in_days=30)
    lrs_rows_create()
    operations_rows_create(service=gate.service)
    incident = IncidentFactory(services=[gate.service])
    subscription = pagerduty_subscription_save(name=f"On-call {incident.pk}", secrets=["whsec-admin-test"])
    PagerDutyServiceMapping.objects.create(pagerduty_service_id=f"P{incident.pk}", service=gate.service)
    ReceivedWebhook.objects.create(subscription=subscription, webhook_id=f"wh-{incident.pk}", incident=incident)
    calibration_round = CalibrationRound.objects.create(
        scenario=attempt.scenario, rubric_version=attempt.rubric_version, title="Q4 calibration", opened_at=now
    )
    calibration_round.attempts.add(attempt)
    calibration_round.reviewers.add(signoff.coach, signoff.person)
    CalibrationScore.objects.create(
        round=calibration_round, attempt=attempt, reviewer=signoff.coach, level=3, scored_at=now
    )
    ReviewerCalibration.objects.create(
        round=calibration_round, reviewer=signoff.coach, scored=1, flagged=False, passed=True, analysed_at=now
    )
    SpotCheck.objects.create(attempt=attempt, second_reviewer=signoff.coach, selected_at=now)


@pytest.fixture
def one_of_everything(db):
    make_one_of_everything()
    for model in PROGRAM_MODELS:
        assert model.objects.exists(), f"the fixture has no {model._meta.label}"


@pytest.fixture
def staff_without_permissions(db) -> User:
    return User.objects.create_user(username="staff-no-perms", password="pw-for-tests-123", is_staff=True)


def test_every_program_model_is_registered():
    registered = set(admin.site._registry)
    missing = [
        model._meta.label
        for app_label in PROGRAM_APPS
        for model in apps.get_app_config(app_label).get_models()
        if model not in registered
    ]
    assert missing == []


@pytest.mark.parametrize(("model", "model_admin"), PROGRAM_MODEL_ADMINS, ids=[model_id(m) for m in PROGRAM_MODELS])
def test_every_changelist_can_be_searched_and_filtered(model, model_admin):
    assert model_admin.search_fields, f"{model._meta.label} has no search_fields"
    assert model_admin.list_filter, f"{model._meta.label} has no list_filter"


@pytest.mark.parametrize("model", PROGRAM_MODELS, ids=model_id)
def test_ld_admin_sees_changelist_search_and_every_filter(client, ld_admin_user, one_of_everything, model):
    client.force_login(ld_admin_user)
    changelist = client.get(admin_url(model))
    assert changelist.status_code == 200
    assert changelist.context["cl"].result_count >= 1
    assert client.get(admin_url(model), {"q": "a"}).status_code == 200
    for spec in changelist.context["cl"].filter_specs:
        for choice in spec.choices(changelist.context["cl"]):
            response = client.get(admin_url(model) + choice["query_string"])
            assert response.status_code == 200, (spec.title, choice["display"])


@pytest.mark.parametrize("model", PROGRAM_MODELS, ids=model_id)
def test_ld_admin_opens_add_and_change_pages(client, ld_admin_user, one_of_everything, model):
    client.force_login(ld_admin_user)
    add_page = client.get(admin_url(model, "add"))
    assert add_page.status_code == (403 if model in VIEW_ONLY_MODELS else 200)
    change_page = client.get(admin_url(model, "change", model.objects.first().pk))
    assert change_page.status_code == 200


@pytest.mark.parametrize("model", PROGRAM_MODELS, ids=model_id)
def test_learner_is_sent_to_login(client, learner_user, model):
    client.force_login(learner_user)
    response = client.get(admin_url(model))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("model", PROGRAM_MODELS, ids=model_id)
def test_staff_without_group_permissions_is_forbidden(client, staff_without_permissions, model):
    client.force_login(staff_without_permissions)
    assert client.get(admin_url(model)).status_code == 403
    assert client.get(admin_url(model, "add")).status_code == 403


def test_audit_entries_are_view_only_even_for_superusers(client):
    superuser = User.objects.create_superuser(username="root", password="pw-for-tests-123")
    entry = AuditEntryFactory(summary="Granted deploy rights")
    client.force_login(superuser)
    change_url = admin_url(AuditEntry, "change", entry.pk)
    page = client.get(change_url)
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert client.get(admin_url(AuditEntry, "add")).status_code == 403
    assert client.post(change_url, {"summary": "Rewritten"}).status_code == 403
    assert client.post(admin_url(AuditEntry, "delete", entry.pk), {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert entry.summary == "Granted deploy rights"
    assert "delete_selected" not in admin.site._registry[AuditEntry].get_actions(page.wsgi_request)


def test_admin_index_lists_every_program_model(client, ld_admin_user):
    client.force_login(ld_admin_user)
    index = client.get("/admin/")
    assert index.status_code == 200
    listed = {model["object_name"] for app in index.context["app_list"] for model in app["models"]}
    assert {model.__name__ for model in PROGRAM_MODELS} <= listed


def test_people_are_deactivated_not_deleted(client, ld_admin_user):
    person = person_join(email="li@example.com", full_name="Li", team=TeamFactory())
    client.force_login(ld_admin_user)
    assert client.post(admin_url(Person, "delete", person.pk), {"post": "yes"}).status_code == 403
    response = post_admin_form(client, admin_url(Person, "change", person.pk), {"active": ""})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.active is False
    assert person.memberships.count() == 1


def test_person_added_in_admin_joins_their_team(client, ld_admin_user):
    team, role = TeamFactory(name="Payments"), RoleFactory()
    client.force_login(ld_admin_user)
    response = post_admin_form(
        client,
        admin_url(Person, "add"),
        {
            "full_name": "Ana Souza",
            "email": "Ana.Souza@Example.com",
            "team": team.pk,
            "role": role.pk,
            "start_date": "2026-02-02",
            "working_language": "pt",
            "active": "on",
        },
    )
    assert response.status_code == 302
    person = Person.objects.get(email="ana.souza@example.com")
    membership = person.memberships.get()
    assert (membership.team, membership.role, membership.started_on) == (team, role, datetime.date(2026, 2, 2))
    assert membership.ended_on is None


def test_person_added_without_team_is_refused(client, ld_admin_user):
    client.force_login(ld_admin_user)
    response = post_admin_form(
        client, admin_url(Person, "add"), {"full_name": "No Team", "email": "noteam@example.com", "active": "on"}
    )
    assert response.status_code == 200
    assert "team" in response.context["adminform"].form.errors
    assert not Person.objects.filter(email="noteam@example.com").exists()


def test_team_change_in_admin_moves_person_and_keeps_history(client, ld_admin_user):
    cart, payments = TeamFactory(name="Cart"), TeamFactory(name="Payments")
    person = person_join(email="li@example.com", full_name="Li", team=cart, started_on=datetime.date(2026, 1, 1))
    client.force_login(ld_admin_user)
    response = post_admin_form(
        client,
        admin_url(Person, "change", person.pk),
        {"team": payments.pk, "moved_on": "2026-03-01", "full_name": "Li Wei"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.team, person.full_name) == (payments, "Li Wei")
    history = list(person.memberships.order_by("started_on").values_list("team__name", "started_on", "ended_on"))
    assert history == [
        ("Cart", datetime.date(2026, 1, 1), datetime.date(2026, 3, 1)),
        ("Payments", datetime.date(2026, 3, 1), None),
    ]


def test_move_dated_before_the_current_membership_is_a_form_error(client, ld_admin_user):
    cart, payments = TeamFactory(name="Cart"), TeamFactory(name="Payments")
    person = person_join(email="li@example.com", full_name="Li", team=cart, started_on=datetime.date(2026, 5, 1))
    client.force_login(ld_admin_user)
    response = post_admin_form(
        client,
        admin_url(Person, "change", person.pk),
        {"team": payments.pk, "moved_on": "2026-03-01", "full_name": "Li Wei"},
    )
    assert response.status_code == 200
    assert "a move must come after" in str(response.context["adminform"].form.non_field_errors())
    person.refresh_from_db()
    assert (person.team, person.full_name) == (cart, "Li")
    assert person.memberships.count() == 1


def test_role_can_be_changed_but_not_cleared(client, ld_admin_user):
    person = person_join(email="li@example.com", full_name="Li", team=TeamFactory(), role=RoleFactory())
    client.force_login(ld_admin_user)
    response = post_admin_form(client, admin_url(Person, "change", person.pk), {"role": ""})
    assert response.status_code == 200
    assert "role" in response.context["adminform"].form.errors
    new_role = RoleFactory()
    assert post_admin_form(client, admin_url(Person, "change", person.pk), {"role": new_role.pk}).status_code == 302
    assert list(person.memberships.order_by("id").values_list("role", flat=True)) == [person.role_id, new_role.pk]


def test_no_changelist_runs_more_queries_with_more_rows(client, ld_admin_user, one_of_everything):
    client.force_login(ld_admin_user)
    with_one_set = {model_id(model): query_count(client, admin_url(model)) for model in PROGRAM_MODELS}
    make_one_of_everything()
    make_one_of_everything()
    with_three_sets = {model_id(model): query_count(client, admin_url(model)) for model in PROGRAM_MODELS}
    assert with_three_sets == with_one_set


def test_person_changelist_queries_do_not_grow_with_people(client, ld_admin_user):
    client.force_login(ld_admin_user)
    coach = PersonFactory()
    PersonFactory(coach=coach, role=RoleFactory())
    few = query_count(client, admin_url(Person))
    PersonFactory.create_batch(15, coach=coach, role=RoleFactory())
    assert query_count(client, admin_url(Person)) == few


def test_move_date_is_asked_only_when_editing_a_person(client, ld_admin_user):
    client.force_login(ld_admin_user)
    assert b'name="moved_on"' not in client.get(admin_url(Person, "add")).content
    person = person_join(email="li@example.com", full_name="Li", team=TeamFactory())
    assert b'name="moved_on"' in client.get(admin_url(Person, "change", person.pk)).content


def test_changing_a_coach_or_a_teams_manager_is_audited_with_the_admin(client, ld_admin_user):
    """The coach decides sign-offs and the manager approves exceptions: who changed them is on the record."""
    team = TeamFactory()
    person = person_join(email="mo@example.com", full_name="Mo", team=team)
    new_coach = PersonFactory(team=team)
    client.force_login(ld_admin_user)
    response = post_admin_form(client, admin_url(Person, "change", person.pk), {"coach": new_coach.pk})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.coach == new_coach
    entry = AuditEntry.objects.get(object_type="person-reporting", object_id=str(person.pk))
    assert entry.actor == ld_admin_user
    response = post_admin_form(client, admin_url(Team, "change", team.pk), {"manager": new_coach.pk})
    assert response.status_code == 302
    assert AuditEntry.objects.get(object_type="team-manager", object_id=str(team.pk)).actor == ld_admin_user


def test_joining_and_moving_in_the_admin_are_audited_with_the_admin(client, ld_admin_user):
    cart, payments = TeamFactory(name="Cart"), TeamFactory(name="Payments")
    client.force_login(ld_admin_user)
    joined = post_admin_form(
        client,
        admin_url(Person, "add"),
        {"full_name": "Ana", "email": "ana@example.com", "team": cart.pk, "start_date": "2026-01-05", "active": "on"},
    )
    assert joined.status_code == 302
    person = Person.objects.get(email="ana@example.com")
    moved = post_admin_form(
        client, admin_url(Person, "change", person.pk), {"team": payments.pk, "moved_on": "2026-03-01"}
    )
    assert moved.status_code == 302
    trail = AuditEntry.objects.filter(subject_person=person, object_type__in=["person", "team-membership"])
    assert [(entry.object_type, entry.actor) for entry in trail.order_by("id")] == [
        ("person", ld_admin_user),
        ("team-membership", ld_admin_user),
    ]
