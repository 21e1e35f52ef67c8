import pytest
from django.core.exceptions import ValidationError

from program.models import AuditEntry
from roles.choices import VersionStatus
from roles.services import (
    criterion_save,
    standard_create,
    standard_version_new_draft,
    standard_version_publish,
)
from tests.assessments.factories import ScenarioFactory
from tests.roles.factories import CriterionFactory, LevelDescriptorFactory, RoleFactory, SkillFactory

pytestmark = pytest.mark.django_db


def _standard_with_one_criterion():
    standard = standard_create(role=RoleFactory(), name="On-call readiness")
    draft = standard.versions.get()
    criterion = CriterionFactory(version=draft, key="safe-rollback", minimum_score=80)
    LevelDescriptorFactory(criterion=criterion, level=3)
    return standard, draft, criterion


def test_standard_create_opens_draft_v1():
    standard = standard_create(role=RoleFactory(), name="Backend readiness")
    version = standard.versions.get()
    assert (version.number, version.status) == (1, VersionStatus.DRAFT)


def test_publish_freezes_version_and_audits():
    _, draft, criterion = _standard_with_one_criterion()
    published = standard_version_publish(version=draft)
    assert published.status == VersionStatus.PUBLISHED
    assert published.published_at is not None
    criterion.refresh_from_db()
    criterion.minimum_score = 50
    with pytest.raises(ValidationError, match="published and frozen"):
        criterion_save(criterion=criterion)
    with pytest.raises(ValidationError, match="already published"):
        standard_version_publish(version=published)
    assert AuditEntry.objects.filter(object_type="standard-version", object_id=str(draft.pk)).exists()


def test_publish_refuses_empty_version():
    standard = standard_create(role=RoleFactory(), name="Empty")
    with pytest.raises(ValidationError, match="no criteria"):
        standard_version_publish(version=standard.versions.get())


def test_new_draft_numbers_next_and_copies_criteria_levels_and_scenarios():
    standard, draft, criterion = _standard_with_one_criterion()
    scenario = ScenarioFactory()
    criterion.required_scenarios.add(scenario)
    standard_version_publish(version=draft)

    new_draft = standard_version_new_draft(standard=standard, change_note="Add load testing")

    assert new_draft.number == 2
    assert new_draft.status == VersionStatus.DRAFT
    copied = new_draft.criteria.get()
    assert copied.pk != criterion.pk
    assert (copied.key, copied.minimum_score, copied.skill_id) == ("safe-rollback", 80, criterion.skill_id)
    assert list(copied.levels.values_list("level", flat=True)) == [3]
    assert list(copied.required_scenarios.all()) == [scenario]
    # The copy is editable while the published original stays as it was.
    copied.minimum_score = 90
    criterion_save(criterion=copied)
    criterion.refresh_from_db()
    assert criterion.minimum_score == 80


def test_only_one_draft_at_a_time():
    standard, _, _ = _standard_with_one_criterion()
    with pytest.raises(ValidationError, match="already has a draft"):
        standard_version_new_draft(standard=standard)


def test_criterion_save_on_draft_accepts_and_validates():
    _, draft, _ = _standard_with_one_criterion()
    criterion = CriterionFactory.build(version=draft, key="feature-flags", skill=SkillFactory(), minimum_score=101)
    with pytest.raises(ValidationError):
        criterion_save(criterion=criterion)
    criterion.minimum_score = 75
    assert criterion_save(criterion=criterion).pk is not None
