"""The roles admin: standards open a draft, versions number themselves, publishing freezes them everywhere."""

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from program.constants import COACH_GROUP
from roles.choices import VersionStatus
from roles.models import Criterion, LevelDescriptor, ReadinessStandard, StandardVersion
from roles.services import standard_create, standard_version_publish
from tests.admin_support import (
    admin_url,
    all_messages,
    error_messages,
    inline_row,
    post_admin_form,
    query_count,
    run_action,
)
from tests.roles.factories import (
    CriterionFactory,
    LevelDescriptorFactory,
    RoleFactory,
    SkillFactory,
    StandardVersionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, ld_admin_user):
    client.force_login(ld_admin_user)
    return client


@pytest.fixture
def published_version():
    """v1 of a standard, published, with one criterion and one level descriptor."""
    standard = standard_create(role=RoleFactory(name="SRE"), name="SRE readiness")
    draft = standard.versions.get()
    criterion = CriterionFactory(version=draft, key="safe-rollback", title="Safe rollback", minimum_score=80)
    LevelDescriptorFactory(criterion=criterion, level=3)
    return standard_version_publish(version=draft)


def test_adding_a_standard_opens_draft_v1(admin_client):
    role = RoleFactory(name="Release manager")
    response = post_admin_form(
        admin_client,
        admin_url(ReadinessStandard, "add"),
        {"role": role.pk, "name": "Release manager readiness", "signoff_validity_days": "180"},
    )
    assert response.status_code == 302
    standard = ReadinessStandard.objects.get(role=role)
    assert standard.signoff_validity_days == 180
    assert list(standard.versions.values_list("number", "status")) == [(1, VersionStatus.DRAFT)]


def test_adding_a_version_takes_the_next_number_and_copies_the_latest(admin_client, published_version):
    response = post_admin_form(
        admin_client,
        admin_url(StandardVersion, "add"),
        {"standard": published_version.standard.pk, "change_note": "Tighter rollback bar"},
    )
    assert response.status_code == 302
    draft = published_version.standard.versions.get(status=VersionStatus.DRAFT)
    assert (draft.number, draft.change_note) == (2, "Tighter rollback bar")
    assert list(draft.criteria.values_list("key", flat=True)) == ["safe-rollback"]
    assert draft.criteria.get().levels.count() == 1


def test_adding_a_second_draft_is_a_form_error_not_a_crash(admin_client):
    standard = standard_create(role=RoleFactory(), name="Backend readiness")
    response = post_admin_form(admin_client, admin_url(StandardVersion, "add"), {"standard": standard.pk})
    assert response.status_code == 200
    assert "already has a draft" in str(response.context["adminform"].form.non_field_errors())
    assert standard.versions.count() == 1


def test_publish_action_publishes_and_audits(admin_client, ld_admin_user):
    standard = standard_create(role=RoleFactory(), name="Backend readiness")
    draft = standard.versions.get()
    CriterionFactory(version=draft)
    response = run_action(admin_client, StandardVersion, "publish_action", [draft])
    assert response.status_code == 200
    assert f"Published {draft}." in all_messages(response)
    draft.refresh_from_db()
    assert (draft.status, draft.published_by) == (VersionStatus.PUBLISHED, ld_admin_user)


def test_publish_action_reports_refusals_as_errors(admin_client, published_version):
    empty = standard_create(role=RoleFactory(), name="Empty readiness").versions.get()
    response = run_action(admin_client, StandardVersion, "publish_action", [empty, published_version])
    assert response.status_code == 200
    errors = error_messages(response)
    assert any("no criteria" in message for message in errors)
    assert any("already published" in message for message in errors)
    empty.refresh_from_db()
    assert empty.status == VersionStatus.DRAFT


def test_new_draft_action_copies_the_latest_version(admin_client, published_version):
    response = run_action(admin_client, StandardVersion, "new_draft_action", [published_version])
    assert f"Started draft {published_version.standard} v2 as a copy of v1." in all_messages(response)
    draft = published_version.standard.versions.get(number=2)
    assert draft.status == VersionStatus.DRAFT
    assert list(draft.criteria.values_list("key", flat=True)) == ["safe-rollback"]

    again = run_action(admin_client, StandardVersion, "new_draft_action", [published_version])
    assert any("already has a draft" in message for message in error_messages(again))
    assert published_version.standard.versions.count() == 2


def test_new_draft_action_on_standards(admin_client, published_version):
    response = run_action(admin_client, ReadinessStandard, "start_new_draft_action", [published_version.standard])
    assert f"Started draft {published_version.standard} v2 as a copy of v1." in all_messages(response)


def test_published_version_page_is_read_only(admin_client, published_version):
    url = admin_url(StandardVersion, "change", published_version.pk)
    page = admin_client.get(url)
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    (criteria_inline,) = page.context["inline_admin_formsets"]
    assert not criteria_inline.has_add_permission
    assert not criteria_inline.has_change_permission
    assert not criteria_inline.has_delete_permission
    assert admin_client.post(url, {"change_note": "Sneaky edit"}).status_code == 403
    delete_url = admin_url(StandardVersion, "delete", published_version.pk)
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
    published_version.refresh_from_db()
    assert published_version.change_note == ""


def test_published_criteria_and_levels_are_read_only_on_their_own_pages(admin_client, published_version):
    criterion = published_version.criteria.get()
    level = criterion.levels.get()
    for model, obj in [(Criterion, criterion), (LevelDescriptor, level)]:
        url = admin_url(model, "change", obj.pk)
        page = admin_client.get(url)
        assert page.status_code == 200
        assert b'name="_save"' not in page.content
        assert admin_client.post(url, {"title": "Changed", "descriptor": "Changed"}).status_code == 403
        assert admin_client.post(admin_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    inlines = admin_client.get(admin_url(Criterion, "change", criterion.pk)).context["inline_admin_formsets"]
    assert inlines  # the level descriptors (and the required scenarios, added by the assessments admin)
    assert not any(inline.has_add_permission for inline in inlines)
    criterion.refresh_from_db()
    assert criterion.title == "Safe rollback"


def test_bulk_delete_refuses_published_rows(admin_client, published_version):
    criterion = published_version.criteria.get()
    for model, obj in [
        (StandardVersion, published_version),
        (Criterion, criterion),
        (LevelDescriptor, criterion.levels.get()),
    ]:
        confirmation = run_action(admin_client, model, "delete_selected", [obj])
        assert "permission to delete" in confirmation.content.decode()
        assert run_action(admin_client, model, "delete_selected", [obj], post="yes").status_code == 403
        assert model.objects.filter(pk=obj.pk).exists()


def test_criteria_and_levels_can_only_be_added_to_drafts(admin_client, published_version):
    criterion = published_version.criteria.get()
    response = post_admin_form(
        admin_client,
        admin_url(Criterion, "add"),
        {"version": published_version.pk, "key": "new", "title": "New", "skill": criterion.skill_id},
    )
    assert response.status_code == 200
    assert "version" in response.context["adminform"].form.errors
    response = post_admin_form(
        admin_client,
        admin_url(LevelDescriptor, "add"),
        {"criterion": criterion.pk, "level": "4", "descriptor": "Leads the rollback"},
    )
    assert response.status_code == 200
    assert "criterion" in response.context["adminform"].form.errors
    assert published_version.criteria.count() == 1
    assert criterion.levels.count() == 1


def test_draft_criteria_are_edited_inline_and_levels_on_the_criterion_page(admin_client):
    draft = standard_create(role=RoleFactory(), name="Backend readiness").versions.get()
    skill = SkillFactory()
    version_url = admin_url(StandardVersion, "change", draft.pk)
    response = post_admin_form(
        admin_client,
        version_url,
        {
            "change_note": "First cut",
            "criteria-TOTAL_FORMS": "1",
            **inline_row(
                "criteria",
                0,
                {
                    "position": "1",
                    "key": "feature-flags",
                    "title": "Feature flags",
                    "skill": skill.pk,
                    "weight": "2.00",
                    "required_level": "3",
                    "minimum_score": "75.00",
                    "evidence_validity_days": "180",
                },
            ),
        },
    )
    assert response.status_code == 302
    criterion = draft.criteria.get(key="feature-flags")
    assert (criterion.minimum_score, criterion.evidence_validity_days) == (75, 180)
    page = admin_client.get(version_url)
    assert admin_url(Criterion, "change", criterion.pk).encode() in page.content

    response = post_admin_form(
        admin_client,
        admin_url(Criterion, "change", criterion.pk),
        {
            "levels-TOTAL_FORMS": "1",
            **inline_row(
                "levels", 0, {"level": "3", "descriptor": "Flips the flag", "example_of_good": "Off in 1 min"}
            ),
        },
    )
    assert response.status_code == 302
    assert list(criterion.levels.values_list("level", "descriptor")) == [(3, "Flips the flag")]


def test_duplicate_criterion_key_in_a_draft_is_a_form_error(admin_client):
    draft = standard_create(role=RoleFactory(), name="Backend readiness").versions.get()
    existing = CriterionFactory(version=draft, key="log-analysis")
    response = post_admin_form(
        admin_client,
        admin_url(Criterion, "add"),
        {"version": draft.pk, "key": "log-analysis", "title": "Again", "skill": existing.skill_id},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert draft.criteria.count() == 1


def test_criterion_changelist_queries_do_not_grow_with_criteria(admin_client):
    version = StandardVersionFactory()
    CriterionFactory(version=version)
    few = query_count(admin_client, admin_url(Criterion))
    for _ in range(12):
        CriterionFactory(version=StandardVersionFactory(published=True))
    assert query_count(admin_client, admin_url(Criterion)) == few


def test_standard_version_changelist_queries_do_not_grow(admin_client):
    CriterionFactory()
    few = query_count(admin_client, admin_url(StandardVersion))
    CriterionFactory.create_batch(12)
    assert query_count(admin_client, admin_url(StandardVersion)) == few


def test_version_page_button_publishes_a_draft_then_starts_the_next(admin_client):
    draft = standard_create(role=RoleFactory(), name="Backend readiness").versions.get()
    CriterionFactory(version=draft)
    draft_page = admin_client.get(admin_url(StandardVersion, "change", draft.pk))
    assert b"Publish this version" in draft_page.content
    lifecycle_url = reverse("admin:roles_standardversion_lifecycle", args=[draft.pk])
    response = admin_client.post(lifecycle_url, follow=True)
    assert f"Published {draft}." in all_messages(response)
    draft.refresh_from_db()
    assert draft.is_published
    assert b"Start a new draft" in admin_client.get(admin_url(StandardVersion, "change", draft.pk)).content

    response = admin_client.post(lifecycle_url, follow=True)
    next_draft = draft.standard.versions.get(number=2)
    assert response.redirect_chain[-1][0] == admin_url(StandardVersion, "change", next_draft.pk)
    assert admin_client.get(lifecycle_url).status_code == 405


def test_version_page_button_reports_a_refusal(admin_client):
    empty = standard_create(role=RoleFactory(), name="Empty readiness").versions.get()
    response = admin_client.post(reverse("admin:roles_standardversion_lifecycle", args=[empty.pk]), follow=True)
    assert any("no criteria" in message for message in error_messages(response))
    empty.refresh_from_db()
    assert not empty.is_published


def test_version_page_button_is_refused_without_permission(client, published_version):
    viewer = User.objects.create_user(username="viewer", password="pw-for-tests-123", is_staff=True)
    viewer.groups.add(Group.objects.get(name=COACH_GROUP))
    client.force_login(viewer)
    page = client.get(admin_url(StandardVersion, "change", published_version.pk))
    assert page.status_code == 200
    assert b"Start a new draft" not in page.content
    lifecycle_url = reverse("admin:roles_standardversion_lifecycle", args=[published_version.pk])
    assert client.post(lifecycle_url).status_code == 403
    assert published_version.standard.versions.count() == 1


def test_publish_action_recomputes_readiness_of_the_roles_people(admin_client, django_capture_on_commit_callbacks):
    from assessments.models import PersonReadiness
    from tests.program.factories import PersonFactory

    role = RoleFactory()
    person = PersonFactory(role=role)
    draft = standard_create(role=role, name="Backend readiness").versions.get()
    CriterionFactory(version=draft)
    assert not PersonReadiness.objects.filter(person=person).exists()

    with django_capture_on_commit_callbacks(execute=True):
        run_action(admin_client, StandardVersion, "publish_action", [draft])

    readiness = PersonReadiness.objects.get(person=person)
    assert readiness.standard_version == draft
    assert readiness.status == "not_started"
