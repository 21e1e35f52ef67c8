"""Reviewer calibration statistics, as pure functions over plain scores (no queries).

Several reviewers score the same recorded attempts with one rubric version; agreement is Krippendorff's α at the
ordinal level (the `krippendorff` package, value domain passed explicitly in rubric order: without it the
package guesses the order from the data), with a bootstrap interval over the attempts (scipy, seeded). Drift is
each reviewer's signed deviation from the panel and α with that reviewer left out.
`assessments.services.calibration.calibration_round_analyse` loads the scores and stores what this returns.
"""

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import krippendorff
import numpy as np
from scipy import stats

PASS_ALPHA = 0.800
TENTATIVE_ALPHA = 0.667
DRIFT_FLAG_POINTS = 0.5
BOOTSTRAP_RESAMPLES = 1999


class Verdict:
    PASS = "pass"
    TENTATIVE = "tentative"
    FAIL = "fail"
    INSUFFICIENT = "insufficient"


@dataclass(frozen=True)
class ReviewerDrift:
    reviewer_id: int
    scored: int
    mean_deviation: float | None  # signed: above 0 scores higher than the rest of the panel
    alpha_without: float | None
    flagged: bool


@dataclass(frozen=True)
class CalibrationResult:
    alpha: float | None
    low: float | None
    high: float | None
    verdict: str
    units: int
    reviewers: int
    drift: list[ReviewerDrift]


def reliability_matrix(
    scores: Sequence[tuple[int, int, int]], reviewer_ids: Sequence[int], unit_ids: Sequence[int]
) -> np.ndarray:
    """Reviewers × units, NaN where a reviewer did not score a unit (a placeholder would count as a category)."""
    matrix = np.full((len(reviewer_ids), len(unit_ids)), np.nan)
    row = {reviewer: index for index, reviewer in enumerate(reviewer_ids)}
    column = {unit: index for index, unit in enumerate(unit_ids)}
    for reviewer, unit, level in scores:
        matrix[row[reviewer], column[unit]] = level
    return matrix


def ordinal_alpha(matrix: np.ndarray, value_domain: Sequence[int]) -> float | None:
    """Krippendorff's α at the ordinal level; None when it is undefined (no pairable values, or no variation)."""
    pairable = (np.sum(~np.isnan(matrix), axis=0) >= 2).sum()
    if matrix.shape[0] < 2 or pairable < 1:
        return None
    with np.errstate(divide="ignore", invalid="ignore"):
        try:
            alpha = krippendorff.alpha(
                reliability_data=matrix, level_of_measurement="ordinal", value_domain=list(value_domain)
            )
        except ValueError:  # one value only, or too few pairable units
            return None
    return float(alpha) if math.isfinite(alpha) else None


def alpha_interval(
    matrix: np.ndarray, value_domain: Sequence[int], *, seed: int, confidence: float = 0.95
) -> tuple[float | None, float | None]:
    """Percentile bootstrap interval of α, resampling the scored attempts (columns) with a seeded generator.

    Resamples where α is undefined (every sampled attempt scored alike) are left out. With 12 attempts the
    interval is wide (about 0.44 to 1.0): plan 30–50 co-scored attempts per round.
    """
    units = matrix.shape[1]
    if units < 2:
        return None, None

    def alpha_of(indices):
        value = ordinal_alpha(matrix[:, indices.astype(int)], value_domain)
        return np.nan if value is None else value

    # All-alike resamples have no α (NaN, left out below); scipy warns about each, which says nothing here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = stats.bootstrap(
            (np.arange(units),),
            alpha_of,
            vectorized=False,
            n_resamples=BOOTSTRAP_RESAMPLES,
            method="percentile",
            rng=np.random.default_rng(seed),
        )
    distribution = result.bootstrap_distribution
    distribution = distribution[np.isfinite(distribution)]
    if distribution.size == 0:
        return None, None
    low, high = np.quantile(distribution, [(1 - confidence) / 2, 1 - (1 - confidence) / 2])
    return float(low), float(high)


def verdict_for(alpha: float | None) -> str:
    """α ≥ .800 passes (rely on the scores); .667–.800 is tentative; under .667 fails (Krippendorff 2004)."""
    if alpha is None:
        return Verdict.INSUFFICIENT
    if alpha >= PASS_ALPHA:
        return Verdict.PASS
    if alpha >= TENTATIVE_ALPHA:
        return Verdict.TENTATIVE
    return Verdict.FAIL


def reviewer_drift(matrix: np.ndarray, reviewer_ids: Sequence[int], value_domain: Sequence[int]) -> list[ReviewerDrift]:
    """Each reviewer's mean signed deviation from the median of the other reviewers on the same attempts, and α
    without them; flagged at 0.5 rubric points or more either way."""
    drift = []
    for row, reviewer in enumerate(reviewer_ids):
        others = np.delete(matrix, row, axis=0)
        mine = matrix[row]
        deviations = []
        for column, level in enumerate(mine):
            panel = others[:, column]
            panel = panel[~np.isnan(panel)]
            if not np.isnan(level) and panel.size:
                deviations.append(level - np.median(panel))
        mean_deviation = float(np.mean(deviations)) if deviations else None
        drift.append(
            ReviewerDrift(
                reviewer_id=reviewer,
                scored=int(np.sum(~np.isnan(mine))),
                mean_deviation=mean_deviation,
                alpha_without=ordinal_alpha(others, value_domain) if len(reviewer_ids) > 2 else None,
                flagged=mean_deviation is not None and abs(mean_deviation) >= DRIFT_FLAG_POINTS,
            )
        )
    return drift


def calibrate(scores: Sequence[tuple[int, int, int]], *, value_domain: Sequence[int], seed: int) -> CalibrationResult:
    """The whole analysis of a round from (reviewer id, attempt id, level) triples."""
    reviewer_ids = sorted({reviewer for reviewer, _, _ in scores})
    unit_ids = sorted({unit for _, unit, _ in scores})
    unknown = sorted({level for _, _, level in scores} - set(value_domain))
    if unknown:
        raise ValueError(f"Levels outside the rubric: {unknown}")
    matrix = reliability_matrix(scores, reviewer_ids, unit_ids)
    alpha = ordinal_alpha(matrix, value_domain)
    low, high = alpha_interval(matrix, value_domain, seed=seed) if alpha is not None else (None, None)
    return CalibrationResult(
        alpha=alpha,
        low=low,
        high=high,
        verdict=verdict_for(alpha),
        units=len(unit_ids),
        reviewers=len(reviewer_ids),
        drift=reviewer_drift(matrix, reviewer_ids, value_domain),
    )


def calibrated_at(results: Sequence[tuple], moment) -> bool:
    """Whether a reviewer's latest calibration result up to `moment` passed; `results` are (analysed_at, passed)."""
    earlier = [result for result in results if result[0] <= moment]
    return bool(earlier) and max(earlier, key=lambda result: result[0])[1]
