"""Calibration rounds end to end: open (with spot-check disagreements), score, analyse, and what readiness makes
of a coach's calibration when the standard asks for it; spot checks picked blind and reproducibly."""

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from assessments.choices import CalibrationVerdict, ReadinessStatus
from assessments.models import CalibrationRound, PersonReadiness, ReviewerCalibration, SpotCheck
from assessments.services.calibration import (
    calibration_round_analyse,
    calibration_round_open,
    calibration_score_record,
    spot_check_score,
    spot_checks_select,
)
from assessments.tasks import spot_checks_select_daily
from tests.admin_support import admin_url, post_admin_form, run_action
from tests.assessments.factories import AttemptFactory, ScenarioFactory
from tests.assessments.readiness_factories import program_setup, recompute
from tests.program.factories import PersonFactory

pytestmark = pytest.mark.django_db

PANEL = [1, 2, 3, 4, 2, 3, 1, 4, 3, 2, 2, 3]


def _round(levels_by_reviewer: list[list[int]]):
    scenario = ScenarioFactory()
    attempts = [AttemptFactory(scenario=scenario, level_achieved=2) for _ in PANEL]
    reviewers = [PersonFactory() for _ in levels_by_reviewer]
    round_ = calibration_round_open(scenario=scenario, title="Q4 drill", attempts=attempts, reviewers=reviewers)
    for reviewer, levels in zip(reviewers, levels_by_reviewer, strict=True):
        for attempt, level in zip(attempts, levels, strict=True):
            calibration_score_record(round=round_, attempt=attempt, reviewer=reviewer, level=level)
    return round_, reviewers


def test_a_round_in_agreement_passes_and_a_lenient_reviewer_is_flagged():
    round_, reviewers = _round([PANEL, PANEL, PANEL, [min(level + 1, 4) for level in PANEL]])
    round_ = calibration_round_analyse(round=round_)
    assert round_.verdict in (CalibrationVerdict.PASS, CalibrationVerdict.TENTATIVE)
    assert round_.alpha_low <= round_.alpha <= round_.alpha_high
    assert "krippendorff" in round_.library_versions
    results = {r.reviewer_id: r for r in ReviewerCalibration.objects.filter(round=round_)}
    lenient = results[reviewers[3].pk]
    assert lenient.flagged and not lenient.passed and lenient.mean_deviation > 0.5
    assert lenient.alpha_without == pytest.approx(1.0)
    with pytest.raises(ValidationError, match="already analysed"):
        calibration_round_analyse(round=round_)
    with pytest.raises(ValidationError, match="final"):
        calibration_score_record(round=round_, attempt=round_.attempts.first(), reviewer=reviewers[0], level=1)


def test_a_round_in_disagreement_fails():
    reversed_panel = [5 - level for level in PANEL]
    round_, _ = _round([PANEL, reversed_panel, PANEL])
    assert calibration_round_analyse(round=round_).verdict == CalibrationVerdict.FAIL


def test_round_refuses_mixed_scenarios_and_outsiders():
    scenario = ScenarioFactory()
    with pytest.raises(ValidationError, match="two reviewers"):
        calibration_round_open(scenario=scenario, title="x", attempts=[AttemptFactory(scenario=scenario)], reviewers=[])
    with pytest.raises(ValidationError, match="Every attempt"):
        calibration_round_open(
            scenario=scenario, title="x", attempts=[AttemptFactory()], reviewers=[PersonFactory(), PersonFactory()]
        )
    round_, _ = _round([PANEL, PANEL])
    with pytest.raises(ValidationError):
        calibration_score_record(round=round_, attempt=round_.attempts.first(), reviewer=PersonFactory(), level=2)
    with pytest.raises(ValidationError):
        calibration_score_record(round=round_, attempt=AttemptFactory(), reviewer=round_.reviewers.first(), level=2)


def test_spot_checks_are_reproducible_and_disagreements_join_the_next_round():
    scenario = ScenarioFactory()
    first, second = PersonFactory(), PersonFactory()
    attempts = [
        AttemptFactory(scenario=scenario, reviewer=first if index % 2 else second, level_achieved=3, passed=True)
        for index in range(40)
    ]
    since = timezone.now() - datetime.timedelta(days=1)
    checks = spot_checks_select(since=since, share=0.25, seed=4)
    assert 3 <= len(checks) <= 20
    assert all(check.second_reviewer_id != check.attempt.reviewer_id for check in checks)
    SpotCheck.objects.all().delete()
    assert [c.attempt_id for c in spot_checks_select(since=since, share=0.25, seed=4)] == [c.attempt_id for c in checks]
    assert spot_checks_select(since=since, share=0.25, seed=4) == []  # each attempt is checked once

    agreeing, disagreeing = SpotCheck.objects.all()[:2]
    assert spot_check_score(spot_check=agreeing, level=3, passed=True).disagrees is False
    assert spot_check_score(spot_check=disagreeing, level=2, passed=False).disagrees is True
    next_round = calibration_round_open(
        scenario=scenario, title="next", attempts=[attempts[0]], reviewers=[first, second]
    )
    assert disagreeing.attempt in next_round.attempts.all()
    assert SpotCheck.objects.get(pk=disagreeing.pk).listed_in == next_round


def test_the_daily_spot_check_task_is_scheduled():
    assert settings.CELERY_BEAT_SCHEDULE["calibration-spot-checks-daily"]["task"] == spot_checks_select_daily.name


def test_signoffs_count_only_from_calibrated_coaches_when_the_standard_asks():
    program = program_setup(criteria=1)
    program.standard.requires_calibrated_coach = True
    program.standard.save()
    coach = PersonFactory()
    learner = program.learner(coach=coach)
    program.meet_all(learner)
    program.signoff(learner, days_ago=1)
    recompute(learner)
    assert PersonReadiness.objects.get(person=learner).status == ReadinessStatus.READY_FOR_SIGNOFF

    round_, _ = _round([PANEL, PANEL])
    ReviewerCalibration.objects.create(
        round=round_, reviewer=coach, scored=12, flagged=False, passed=True,
        analysed_at=timezone.now() - datetime.timedelta(days=2),
    )  # fmt: skip
    recompute(learner)
    assert PersonReadiness.objects.get(person=learner).status == ReadinessStatus.SIGNED_OFF

    program.standard.requires_calibrated_coach = False
    program.standard.save()
    ReviewerCalibration.objects.all().delete()
    recompute(learner)
    assert PersonReadiness.objects.get(person=learner).status == ReadinessStatus.SIGNED_OFF


def test_admin_opens_scores_and_analyses_a_round(client, ld_admin_user):
    scenario = ScenarioFactory()
    attempts = [AttemptFactory(scenario=scenario) for _ in range(4)]
    reviewers = [PersonFactory(), PersonFactory()]
    client.force_login(ld_admin_user)
    response = post_admin_form(
        client,
        admin_url(CalibrationRound, "add"),
        {
            "scenario": scenario.pk,
            "title": "December drill round",
            "attempts": [a.pk for a in attempts],
            "reviewers": [r.pk for r in reviewers],
            "seed": "3",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    round_ = CalibrationRound.objects.get()
    assert round_.attempts.count() == 4 and round_.rubric_version == attempts[0].rubric_version
    for reviewer in reviewers:
        for attempt, level in zip(attempts, [1, 2, 3, 4], strict=True):
            calibration_score_record(round=round_, attempt=attempt, reviewer=reviewer, level=level)
    response = run_action(client, CalibrationRound, "analyse_action", [round_])
    round_.refresh_from_db()
    assert round_.verdict == CalibrationVerdict.PASS and round_.alpha == pytest.approx(1.0)
    page = client.get(admin_url(CalibrationRound, "change", round_.pk))
    assert page.status_code == 200 and b"alpha_without" in page.content or b"Alpha without" in page.content
