"""The readiness rules: each criterion rule, recency, latest evidence wins, statuses, version changes."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from assessments.choices import ReadinessStatus
from assessments.models import PersonReadiness
from roles.choices import Grandfathering
from roles.services import standard_version_diff, standard_version_new_draft, standard_version_publish
from tests.assessments.factories import ScenarioFactory
from tests.assessments.readiness_factories import program_setup, recompute

pytestmark = pytest.mark.django_db


def readiness_of(person):
    return PersonReadiness.objects.get(person=person)


def criterion_result(row, key):
    return next(result for result in row.criteria if result["key"] == key)


def test_no_evidence_is_not_started_with_a_reason_naming_the_scenario_to_try():
    program = program_setup(criteria=1)
    person = program.learner()
    recompute(person)
    row = readiness_of(person)
    assert row.status == ReadinessStatus.NOT_STARTED
    assert row.standard_version == program.version
    [unmet] = row.unmet_criteria
    assert "No attempt yet" in unmet["reason"]
    assert program.scenarios[0].title in unmet["reason"]


def test_all_criteria_met_is_ready_for_signoff():
    program = program_setup(criteria=2)
    person = program.learner()
    program.meet_all(person)
    recompute(person)
    row = readiness_of(person)
    assert (row.status, row.criteria_met, row.unmet_criteria) == (ReadinessStatus.READY_FOR_SIGNOFF, True, [])


def test_score_below_the_minimum_is_unmet_and_says_by_how_much():
    program = program_setup(criteria=2, minimum_score=Decimal("85"))
    person = program.learner()
    program.attempt(person, index=0, score=90)
    program.attempt(person, index=1, score=Decimal("84.5"))
    recompute(person)
    row = readiness_of(person)
    assert row.status == ReadinessStatus.IN_PROGRESS
    [unmet] = row.unmet_criteria
    assert unmet["key"] == program.criteria[1].key
    assert "scored 84.5" in unmet["reason"] and "needs 85 or more" in unmet["reason"]


def test_level_below_the_required_level_is_unmet_but_an_unlevelled_attempt_is_judged_on_score():
    program = program_setup(criteria=2, required_level=3)
    person = program.learner()
    program.attempt(person, index=0, score=95, level_achieved=2)
    program.attempt(person, index=1, score=95, level_achieved=None)
    recompute(person)
    row = readiness_of(person)
    assert [unmet["key"] for unmet in row.unmet_criteria] == [program.criteria[0].key]
    assert "level 2 · Assisted" in row.unmet_criteria[0]["reason"]
    assert "3 · Independent" in row.unmet_criteria[0]["reason"]


def test_latest_evidence_wins_both_ways():
    program = program_setup(criteria=1)
    improved, regressed = program.learner(), program.learner()
    program.attempt(improved, score=50, days_ago=10)
    program.attempt(improved, score=90, days_ago=2)
    program.attempt(regressed, score=90, days_ago=10)
    program.attempt(regressed, score=50, days_ago=2)
    recompute(improved, regressed)
    assert readiness_of(improved).status == ReadinessStatus.READY_FOR_SIGNOFF
    assert readiness_of(regressed).status == ReadinessStatus.IN_PROGRESS
    assert criterion_result(readiness_of(regressed), program.criteria[0].key)["latest"]["score"] == "50"


def test_evidence_older_than_the_validity_no_longer_counts():
    program = program_setup(criteria=1, evidence_validity_days=90)
    person = program.learner()
    program.attempt(person, score=95, days_ago=91)
    recompute(person)
    row = readiness_of(person)
    assert row.status == ReadinessStatus.IN_PROGRESS
    assert "older than 90 days" in row.unmet_criteria[0]["reason"]
    program.attempt(person, score=95, days_ago=89)
    recompute(person)
    assert readiness_of(person).status == ReadinessStatus.READY_FOR_SIGNOFF


def test_voided_evidence_never_counts():
    program = program_setup(criteria=1)
    person = program.learner()
    program.attempt(person, score=95, days_ago=3)
    program.attempt(person, score=40, days_ago=1, voided_at=timezone.now())
    recompute(person)
    assert readiness_of(person).status == ReadinessStatus.READY_FOR_SIGNOFF


def test_every_required_scenario_needs_a_passing_attempt_within_validity():
    program = program_setup(criteria=1, evidence_validity_days=60)
    drill = ScenarioFactory(standard_version=program.version, title="Payment gateway timeout drill")
    program.criteria[0].required_scenarios.add(drill)
    person = program.learner()
    program.attempt(person, score=95)
    program.attempt(person, scenario=drill, score=95, days_ago=61)
    recompute(person)
    row = readiness_of(person)
    assert row.status == ReadinessStatus.IN_PROGRESS
    expected = "Payment gateway timeout drill needs a passing attempt in the last 60 days."
    assert expected in row.unmet_criteria[0]["reason"]
    program.attempt(person, scenario=drill, score=70, days_ago=1)
    recompute(person)
    assert readiness_of(person).status == ReadinessStatus.IN_PROGRESS, "a failing attempt does not satisfy it"
    program.attempt(person, scenario=drill, score=85, days_ago=1)
    recompute(person)
    assert readiness_of(person).status == ReadinessStatus.READY_FOR_SIGNOFF


def test_evidence_summary_has_attempts_common_errors_and_drill_timings():
    program = program_setup(criteria=1)
    person = program.learner()
    program.attempt(person, score=70, days_ago=5, errors_made=["skipped rollback", "no status page"])
    program.attempt(
        person,
        score=90,
        days_ago=1,
        errors_made=["skipped rollback"],
        time_to_detect_seconds=60,
        time_to_mitigate_seconds=300,
        time_to_restore_seconds=900,
    )
    recompute(person)
    summary = criterion_result(readiness_of(person), program.criteria[0].key)
    assert summary["attempts"] == 2
    assert summary["common_errors"][0] == ["skipped rollback", 2]
    assert (summary["timings"]["detect"], summary["timings"]["restore"]) == (60, 900)
    assert summary["bar"] == {"minimum_score": "80", "required_level": "3 · Independent"}


def test_signoff_statuses_signed_off_expiring_soon_expired_revoked():
    program = program_setup(criteria=1)
    signed, expiring, expired, revoked = (program.learner() for _ in range(4))
    for person in (signed, expiring, expired, revoked):
        program.meet_all(person)
    program.signoff(signed)
    program.signoff(expiring, days_ago=program.standard.signoff_validity_days - 10)
    program.signoff(expired, days_ago=program.standard.signoff_validity_days + 1)
    program.signoff(revoked, revoked_at=timezone.now(), revoke_reason="Missed the rollback step on call")
    recompute(signed, expiring, expired, revoked)
    assert readiness_of(signed).status == ReadinessStatus.SIGNED_OFF
    assert readiness_of(expiring).status == ReadinessStatus.EXPIRING_SOON
    assert readiness_of(expired).status == ReadinessStatus.EXPIRED
    assert readiness_of(revoked).status == ReadinessStatus.REVOKED


def test_a_later_signoff_supersedes_a_revoked_one():
    program = program_setup(criteria=1)
    person = program.learner()
    program.signoff(person, days_ago=10, revoked_at=timezone.now(), revoke_reason="Evidence was a shared account")
    program.signoff(person, days_ago=1)
    recompute(person)
    assert readiness_of(person).status == ReadinessStatus.SIGNED_OFF


def test_only_people_asked_for_are_recomputed():
    program = program_setup(criteria=1)
    first, second = program.learner(), program.learner()
    recompute(first)
    assert PersonReadiness.objects.filter(person=second).count() == 0
    program.meet_all(first)
    recompute(first)
    recompute(first)
    assert PersonReadiness.objects.get(person=first).status == ReadinessStatus.READY_FOR_SIGNOFF


def new_version_with_a_stricter_and_a_new_criterion(program, *, by=None):
    draft = standard_version_new_draft(standard=program.standard)
    stricter = draft.criteria.get(key=program.criteria[0].key)
    stricter.minimum_score = Decimal("95")
    stricter.save()
    skill_criterion = draft.criteria.get(key=program.criteria[1].key)
    skill_criterion.title = "Reworded only"
    skill_criterion.save()
    added_scenario = ScenarioFactory(standard_version=draft, title="Cache stampede lab")
    added = draft.criteria.create(key="cache-stampede", skill=program.criteria[0].skill, title="Cache stampede")
    added_scenario.skills.add(added.skill)
    return draft


def test_version_diff_lists_added_removed_and_changed_criteria_and_which_are_material():
    program = program_setup(criteria=3)
    draft = new_version_with_a_stricter_and_a_new_criterion(program)
    draft.criteria.get(key=program.criteria[2].key).delete()
    diff = standard_version_diff(old=program.version, new=draft)
    assert [criterion.key for criterion in diff.added] == ["cache-stampede"]
    assert [criterion.key for criterion in diff.removed] == [program.criteria[2].key]
    changes = {change.key: change for change in diff.changed}
    assert changes[program.criteria[0].key].changes == {"minimum score": ("80.00", "95.00")}
    assert changes[program.criteria[0].key].material is True
    assert changes[program.criteria[1].key].material is False
    assert diff.reassess_keys == sorted(["cache-stampede", program.criteria[0].key])


@pytest.mark.parametrize(
    ("grandfathering", "status", "reassess"),
    [
        (Grandfathering.REASSESS_CHANGED, ReadinessStatus.SIGNED_OFF, "changed"),
        (Grandfathering.KEEP_UNTIL_EXPIRY, ReadinessStatus.SIGNED_OFF, "none"),
        (Grandfathering.REASSESS_ALL, ReadinessStatus.IN_PROGRESS, "all"),
    ],
)
def test_publishing_a_new_version_follows_the_standards_grandfathering(
    grandfathering, status, reassess, django_capture_on_commit_callbacks
):
    program = program_setup(criteria=2, grandfathering=grandfathering)
    person = program.learner()
    program.meet_all(person)  # scores 90: below the new bar of 95 on the stricter criterion
    program.signoff(person)
    recompute(person)
    assert readiness_of(person).status == ReadinessStatus.SIGNED_OFF
    draft = new_version_with_a_stricter_and_a_new_criterion(program)

    with django_capture_on_commit_callbacks(execute=True):
        standard_version_publish(version=draft)

    row = readiness_of(person)
    assert row.standard_version == draft
    assert row.status == status
    expected = {
        "changed": sorted(["cache-stampede", program.criteria[0].key]),
        "none": [],
        "all": [criterion.key for criterion in program.criteria] + ["cache-stampede"],
    }[reassess]
    assert sorted(row.reassess_criteria) == sorted(expected)
    assert row.needs_reassessment is (reassess == "changed")
    if reassess == "changed":
        # Only the changed criteria are asked for, and the reason is in the learner's words.
        assert {unmet["key"] for unmet in row.unmet_criteria} == {program.criteria[0].key}
        assert "needs 95 or more" in row.unmet_criteria[0]["reason"]


def test_a_person_who_changes_role_keeps_a_row_only_for_standards_they_have_signoffs_on():
    program, other = program_setup(criteria=1), program_setup(criteria=1, gates=False)
    person = program.learner()
    recompute(person)
    person.role = other.standard.role
    person.save()
    recompute(person, now=timezone.now() + datetime.timedelta(seconds=1))
    assert list(PersonReadiness.objects.filter(person=person).values_list("standard", flat=True)) == [other.standard.pk]
