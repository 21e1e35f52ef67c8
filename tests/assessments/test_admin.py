"""The assessments admin: attempts and sign-offs are recorded through the services and never edited or deleted."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from assessments.constants import SIGNOFF_BACKDATE_MAX_DAYS
from assessments.models import Attempt, Scenario, SignOff
from program.choices import AuditAction
from program.models import AuditEntry
from tests.admin_support import (
    admin_url,
    inline_row,
    page_form_data,
    post_admin_form,
    query_count,
    run_action,
)
from tests.assessments.factories import AttemptFactory, ScenarioFactory, SignOffFactory
from tests.program.factories import PersonFactory
from tests.roles.factories import CriterionFactory, StandardVersionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, ld_admin_user):
    client.force_login(ld_admin_user)
    return client


def test_attempt_added_in_admin_is_recorded_by_the_service(admin_client):
    person, scenario = PersonFactory(), ScenarioFactory(pass_mark=80)
    AttemptFactory(person=person, scenario=scenario, attempt_number=1, score=60, passed=False)
    response = post_admin_form(
        admin_client,
        admin_url(Attempt, "add"),
        {
            "person": person.pk,
            "scenario": scenario.pk,
            "completed_at_0": "2026-10-01",
            "completed_at_1": "10:30:00",
            "score": "82.5",
            "time_to_detect_seconds": "95",
            "key_steps_completed": '["flag off", "rollback"]',
        },
    )
    assert response.status_code == 302
    attempt = Attempt.objects.get(person=person, attempt_number=2)
    assert attempt.passed is True
    assert attempt.team == person.team
    assert attempt.rubric_version == scenario.standard_version
    assert (attempt.time_to_detect_seconds, attempt.key_steps_completed) == (95, ["flag off", "rollback"])


def test_attempts_are_evidence_and_cannot_be_changed_or_deleted(admin_client):
    attempt = AttemptFactory(score=70, passed=False)
    url = admin_url(Attempt, "change", attempt.pk)
    assert b'name="_save"' not in admin_client.get(url).content
    assert admin_client.post(url, {"score": "99"}).status_code == 403
    assert admin_client.post(admin_url(Attempt, "delete", attempt.pk), {"post": "yes"}).status_code == 403
    attempt.refresh_from_db()
    assert attempt.score == 70


def test_signoff_added_in_admin_goes_through_the_service(admin_client):
    coach = PersonFactory()
    person = PersonFactory(coach=coach)
    version = StandardVersionFactory(published=True)
    attempt = AttemptFactory(person=person)
    response = post_admin_form(
        admin_client,
        admin_url(SignOff, "add"),
        {
            "person": person.pk,
            "coach": coach.pk,
            "standard_version": version.pk,
            "decision": "ready",
            "reflection_notes": "Led the rollback calmly.",
            "evidence_reviewed": [attempt.pk],
        },
    )
    assert response.status_code == 302
    signoff = SignOff.objects.get(person=person)
    assert signoff.expires_at is not None
    assert list(signoff.evidence_reviewed.all()) == [attempt]


def signoff_form(person, coach, **extra):
    return {
        "person": person.pk,
        "coach": coach.pk,
        "standard_version": StandardVersionFactory(published=True).pk,
        "decision": "ready",
        "reflection_notes": "Observed on the paper form.",
    } | extra


def test_signoff_recorded_by_an_admin_is_dated_now_and_audited_with_the_admin(admin_client, ld_admin_user):
    coach = PersonFactory(user=User.objects.create_user("real-coach"))
    person = PersonFactory(coach=coach)
    before = timezone.now()
    response = post_admin_form(admin_client, admin_url(SignOff, "add"), signoff_form(person, coach))
    assert response.status_code == 302
    signoff = SignOff.objects.get(person=person)
    assert before <= signoff.signed_at <= timezone.now()
    entry = AuditEntry.objects.get(object_type="signoff", object_id=str(signoff.pk))
    assert entry.actor == ld_admin_user, "the login that recorded it, not the coach it was recorded for"
    assert "recorded by" in entry.summary
    assert not AuditEntry.objects.filter(action=AuditAction.BACKDATED).exists()


def test_a_backdated_signoff_needs_a_reason_a_bound_and_gets_its_own_audit_entry(admin_client, ld_admin_user):
    coach = PersonFactory()
    person = PersonFactory(coach=coach)
    add = admin_url(SignOff, "add")

    def backdate(days: float, reason: str):
        when = timezone.localtime() - datetime.timedelta(days=days)
        fields = {"backdated_to_0": when.date().isoformat(), "backdated_to_1": when.strftime("%H:%M:%S")}
        return post_admin_form(admin_client, add, signoff_form(person, coach, backdate_reason=reason, **fields))

    no_reason = backdate(3, "")
    assert no_reason.status_code == 200 and not SignOff.objects.exists()
    too_old = backdate(SIGNOFF_BACKDATE_MAX_DAYS + 1, "Paper form found in a drawer")
    assert too_old.status_code == 200 and "days back" in too_old.content.decode()
    future = backdate(-2, "Tomorrow's drill")
    assert future.status_code == 200 and "future" in future.content.decode()
    assert not SignOff.objects.exists()

    accepted = backdate(3, "Signed on paper during the portal outage")
    assert accepted.status_code == 302
    signoff = SignOff.objects.get()
    assert timezone.now() - signoff.signed_at > datetime.timedelta(days=2)
    entry = AuditEntry.objects.get(action=AuditAction.BACKDATED)
    assert (entry.actor, entry.object_id, entry.reason) == (
        ld_admin_user,
        str(signoff.pk),
        "Signed on paper during the portal outage",
    )


def test_signoff_by_someone_who_is_not_the_coach_is_a_form_error(admin_client):
    person, stranger = PersonFactory(coach=PersonFactory()), PersonFactory()
    response = post_admin_form(
        admin_client,
        admin_url(SignOff, "add"),
        {
            "person": person.pk,
            "coach": stranger.pk,
            "standard_version": StandardVersionFactory(published=True).pk,
            "decision": "ready",
        },
    )
    assert response.status_code == 200
    assert "is not the coach of" in str(response.context["adminform"].form.non_field_errors())
    assert not SignOff.objects.exists()


def test_signoff_against_a_draft_is_not_offered(admin_client):
    coach = PersonFactory()
    person = PersonFactory(coach=coach)
    draft = StandardVersionFactory()
    response = post_admin_form(
        admin_client,
        admin_url(SignOff, "add"),
        {"person": person.pk, "coach": coach.pk, "standard_version": draft.pk, "decision": "ready"},
    )
    assert response.status_code == 200
    assert "standard_version" in response.context["adminform"].form.errors


def test_signoffs_cannot_be_deleted_even_by_a_superuser(client):
    signoff = SignOffFactory()
    client.force_login(User.objects.create_superuser(username="root", password="pw-for-tests-123"))
    assert client.post(admin_url(SignOff, "delete", signoff.pk), {"post": "yes"}).status_code == 403
    response = run_action(client, SignOff, "delete_selected", [signoff], post="yes")
    assert response.status_code == 200  # the action does not exist: the changelist just says no action was run
    assert SignOff.objects.filter(pk=signoff.pk).exists()


def test_scenario_required_by_a_published_standard_cannot_be_deleted(admin_client):
    scenario = ScenarioFactory()
    CriterionFactory(version=StandardVersionFactory(published=True)).required_scenarios.add(scenario)
    confirmation = admin_client.post(admin_url(Scenario, "delete", scenario.pk))
    assert "required by a published standard" in confirmation.content.decode()
    admin_client.post(admin_url(Scenario, "delete", scenario.pk), {"post": "yes"})
    assert Scenario.objects.filter(pk=scenario.pk).exists()


def test_attempt_changelist_queries_do_not_grow_with_attempts(admin_client):
    AttemptFactory()
    few = query_count(admin_client, admin_url(Attempt))
    AttemptFactory.create_batch(15)
    assert query_count(admin_client, admin_url(Attempt)) == few


def test_signoff_changelist_queries_do_not_grow(admin_client):
    SignOffFactory()
    few = query_count(admin_client, admin_url(SignOff))
    SignOffFactory.create_batch(12)
    assert query_count(admin_client, admin_url(SignOff)) == few


def required_scenarios_formset(response):
    return next(
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is Scenario.required_by_criteria.through
    )


def test_a_draft_criterion_requires_scenarios_through_its_inline(admin_client):
    """The relation is declared by assessments; its admin adds the inline to the roles criterion page."""
    from roles.models import Criterion

    criterion, scenario = CriterionFactory(), ScenarioFactory()
    url = admin_url(Criterion, "change", criterion.pk)
    page = admin_client.get(url)
    prefix = required_scenarios_formset(page).prefix
    data = page_form_data(page) | {f"{prefix}-TOTAL_FORMS": "1"} | inline_row(prefix, 0, {"scenario": scenario.pk})
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content
    assert list(criterion.required_scenarios.all()) == [scenario]


def test_the_required_scenarios_of_a_published_criterion_are_frozen(admin_client):
    from roles.models import Criterion

    criterion = CriterionFactory(version=StandardVersionFactory(published=True))
    criterion.required_scenarios.add(ScenarioFactory())
    page = admin_client.get(admin_url(Criterion, "change", criterion.pk))
    inline = next(
        inline
        for inline in page.context["inline_admin_formsets"]
        if inline.formset.model is Scenario.required_by_criteria.through
    )
    assert (inline.has_add_permission, inline.has_change_permission, inline.has_delete_permission) == (
        False,
        False,
        False,
    )
