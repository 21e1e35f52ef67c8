"""Writes of reviewer calibration: rounds (open, score, analyse) and blind spot checks of live assessments."""

import datetime
import importlib.metadata
import random
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from program.choices import AuditAction
from program.models import Person
from program.services import audit_record
from roles.choices import RubricLevel

from ..calibration import calibrate
from ..models import Attempt, CalibrationRound, CalibrationScore, ReviewerCalibration, Scenario, SpotCheck


@transaction.atomic
def calibration_round_open(
    *,
    scenario: Scenario,
    title: str,
    attempts: Iterable[Attempt],
    reviewers: Iterable[Person],
    include_disagreements: bool = True,
    seed: int = 12,
    by: User | None = None,
    now: datetime.datetime | None = None,
) -> CalibrationRound:
    """Open a round on recorded attempts of one scenario, all scored against one rubric version.

    Attempts whose spot check disagreed and that no round has taken up yet are added (that is where they go).
    """
    attempts, reviewers = list(attempts), list(reviewers)
    if include_disagreements:
        pending = SpotCheck.objects.filter(attempt__scenario=scenario, disagrees=True, listed_in__isnull=True)
        attempts += [check.attempt for check in pending.select_related("attempt") if check.attempt not in attempts]
    if len(reviewers) < 2:
        raise ValidationError({"reviewers": "A calibration round needs at least two reviewers."})
    if not attempts:
        raise ValidationError({"attempts": "Pick the recorded attempts the reviewers will all score."})
    if any(attempt.scenario_id != scenario.pk for attempt in attempts):
        raise ValidationError({"attempts": f"Every attempt must be of {scenario}."})
    versions = {attempt.rubric_version_id for attempt in attempts}
    if len(versions) != 1:
        raise ValidationError({"attempts": "The attempts were scored against different rubric versions: pick one."})
    round_ = CalibrationRound(
        scenario=scenario,
        rubric_version_id=versions.pop(),
        title=title,
        opened_at=now or timezone.now(),
        seed=seed,
    )
    round_.full_clean()
    round_.save()
    round_.attempts.set(attempts)
    round_.reviewers.set(reviewers)
    SpotCheck.objects.filter(attempt__in=attempts, disagrees=True, listed_in__isnull=True).update(listed_in=round_)
    audit_record(
        action=AuditAction.CHANGED,
        object_type="calibration-round",
        object_id=round_.pk,
        actor=by,
        summary=f"Opened calibration round {round_}",
        evidence={"attempts": sorted(a.pk for a in attempts), "reviewers": sorted(r.pk for r in reviewers)},
    )
    return round_


@transaction.atomic
def calibration_score_record(
    *, round: CalibrationRound, attempt: Attempt, reviewer: Person, level: int, now: datetime.datetime | None = None
) -> CalibrationScore:
    """Record (or correct, while the round is open) one reviewer's level for one attempt of the round."""
    if not round.is_open:
        raise ValidationError("This round was analysed: its scores are final.")
    if not round.attempts.filter(pk=attempt.pk).exists():
        raise ValidationError({"attempt": "This attempt is not part of the round."})
    if not round.reviewers.filter(pk=reviewer.pk).exists():
        raise ValidationError({"reviewer": "This reviewer is not on the round's panel."})
    if level not in RubricLevel.values:
        raise ValidationError({"level": f"Level must be one of {RubricLevel.values}."})
    score, _ = CalibrationScore.objects.update_or_create(
        round=round, attempt=attempt, reviewer=reviewer, defaults={"level": level, "scored_at": now or timezone.now()}
    )
    return score


@transaction.atomic
def calibration_round_analyse(
    *, round: CalibrationRound, by: User | None = None, now: datetime.datetime | None = None
) -> CalibrationRound:
    """Compute α (ordinal, rubric order), its bootstrap interval, the verdict and each reviewer's drift; close."""
    round = CalibrationRound.objects.select_for_update(of=("self",)).get(pk=round.pk)
    if not round.is_open:
        raise ValidationError("This round was already analysed.")
    scores = list(round.scores.values_list("reviewer_id", "attempt_id", "level"))
    if len({reviewer for reviewer, _, _ in scores}) < 2:
        raise ValidationError("At least two reviewers must have scored before the round can be analysed.")
    result = calibrate(scores, value_domain=RubricLevel.values, seed=round.seed)
    now = now or timezone.now()
    round.alpha, round.alpha_low, round.alpha_high = result.alpha, result.low, result.high
    round.verdict, round.analysed_at = result.verdict, now
    round.library_versions = {name: importlib.metadata.version(name) for name in ("krippendorff", "scipy", "numpy")}
    round.save()
    ReviewerCalibration.objects.bulk_create(
        ReviewerCalibration(
            round=round,
            reviewer_id=drift.reviewer_id,
            scored=drift.scored,
            mean_deviation=drift.mean_deviation,
            alpha_without=drift.alpha_without,
            flagged=drift.flagged,
            passed=result.verdict == "pass" and not drift.flagged,
            analysed_at=now,
        )
        for drift in result.drift
    )
    audit_record(
        action=AuditAction.CHANGED,
        object_type="calibration-round",
        object_id=round.pk,
        actor=by,
        summary=f"Analysed {round}: α {result.alpha} ({result.verdict})",
        evidence={"alpha": result.alpha, "interval": [result.low, result.high], "verdict": result.verdict},
    )
    return round


def _picked(seed: int, attempt_id: int, share: float) -> bool:
    # One draw per attempt from a generator seeded by (seed, attempt): the same attempts are picked on every
    # run (reproducible), and nobody can tell which ones without the seed (blind).
    return random.Random(f"{seed}:{attempt_id}").random() < share


@transaction.atomic
def spot_checks_select(
    *, since: datetime.datetime, share: float | None = None, seed: int | None = None, now=None
) -> list[SpotCheck]:
    """Pick a share of the live reviewed assessments since a moment for a blind second scoring.

    The second reviewer is another reviewer of the same scenario (never the first reviewer nor the learner),
    chosen by the same seeded draw.
    """
    share = settings.CALIBRATION_SPOT_CHECK_SHARE if share is None else share
    seed = settings.CALIBRATION_SPOT_CHECK_SEED if seed is None else seed
    if not 0 <= share <= 1:
        raise ValidationError({"share": "The share of assessments to spot-check is between 0 and 1."})
    candidates = list(
        Attempt.objects.filter(
            reviewer__isnull=False, completed_at__gte=since, voided_at__isnull=True, spot_check__isnull=True
        ).order_by("pk")
    )
    picked = [attempt for attempt in candidates if _picked(seed, attempt.pk, share)]
    reviewers_by_scenario: dict[int, list[int]] = {}
    for scenario_id, reviewer_id in (
        Attempt.objects.filter(scenario_id__in={a.scenario_id for a in picked}, reviewer__isnull=False)
        .values_list("scenario_id", "reviewer_id")
        .distinct()
        .order_by("scenario_id", "reviewer_id")
    ):
        reviewers_by_scenario.setdefault(scenario_id, []).append(reviewer_id)
    checks = []
    for attempt in picked:
        options = [
            r
            for r in reviewers_by_scenario.get(attempt.scenario_id, [])
            if r not in (attempt.reviewer_id, attempt.person_id)
        ]
        if not options:
            continue
        second = random.Random(f"{seed}:{attempt.pk}:second").choice(options)
        checks.append(SpotCheck(attempt=attempt, second_reviewer_id=second, selected_at=now or timezone.now()))
    return SpotCheck.objects.bulk_create(checks)


@transaction.atomic
def spot_check_score(
    *, spot_check: SpotCheck, level: int | None, passed: bool, now: datetime.datetime | None = None
) -> SpotCheck:
    """The second reviewer's blind score; a different level or pass/fail is a disagreement for the next round."""
    if spot_check.scored_at is not None:
        raise ValidationError("This spot check was already scored.")
    if level is not None and level not in RubricLevel.values:
        raise ValidationError({"level": f"Level must be one of {RubricLevel.values}."})
    attempt = spot_check.attempt
    other_level = level is not None and attempt.level_achieved is not None and level != attempt.level_achieved
    spot_check.level, spot_check.passed, spot_check.scored_at = level, passed, now or timezone.now()
    spot_check.disagrees = other_level or passed != attempt.passed
    spot_check.save(update_fields=["level", "passed", "scored_at", "disagrees"])
    return spot_check
