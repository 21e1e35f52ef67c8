"""Calibration statistics against Krippendorff's own worked example, and the drift and verdict rules."""

import numpy as np
import pytest

from assessments.calibration import Verdict, calibrate, ordinal_alpha, reviewer_drift, verdict_for

NAN = np.nan
# Krippendorff, "Computing Krippendorff's alpha-reliability" (2011): 4 coders × 12 units, with missing values.
KRIPPENDORFF_EXAMPLE = np.array(
    [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
        [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
    ]
)


def test_krippendorffs_published_example():
    import krippendorff

    assert ordinal_alpha(KRIPPENDORFF_EXAMPLE, [1, 2, 3, 4, 5]) == pytest.approx(0.815, abs=5e-4)
    for level, published in (("nominal", 0.743), ("interval", 0.849)):
        value = krippendorff.alpha(reliability_data=KRIPPENDORFF_EXAMPLE, level_of_measurement=level)
        assert value == pytest.approx(published, abs=5e-4)


def test_value_domain_order_matters():
    # Scored as rubric labels in rubric order vs a wrong order: the explicit domain is what makes it right.
    matrix = np.array([[1, 2, 3, 4, 4, 2], [1, 2, 4, 4, 3, 2]], dtype=float)
    assert ordinal_alpha(matrix, [1, 2, 3, 4]) != pytest.approx(ordinal_alpha(matrix, [4, 1, 3, 2]))


@pytest.mark.parametrize(
    ("alpha", "verdict"),
    [(0.85, Verdict.PASS), (0.8, Verdict.PASS), (0.7, Verdict.TENTATIVE), (0.667, Verdict.TENTATIVE),
     (0.5, Verdict.FAIL), (None, Verdict.INSUFFICIENT)],
)  # fmt: skip
def test_verdicts(alpha, verdict):
    assert verdict_for(alpha) == verdict


def _round(levels_by_reviewer):
    return [
        (reviewer, unit, level) for reviewer, levels in levels_by_reviewer.items() for unit, level in enumerate(levels)
    ]


def test_a_lenient_reviewer_is_flagged_and_alpha_improves_without_them():
    panel = [1, 2, 3, 4, 2, 3, 1, 4, 3, 2, 2, 3]
    scores = _round({1: panel, 2: panel, 3: [min(level + 1, 4) for level in panel]})
    result = calibrate(scores, value_domain=[1, 2, 3, 4], seed=5)
    drift = {d.reviewer_id: d for d in result.drift}
    assert drift[3].flagged and drift[3].mean_deviation > 0.5
    assert not drift[1].flagged and drift[1].mean_deviation < 0.5
    assert drift[3].alpha_without == pytest.approx(1.0) and result.alpha < 1.0
    assert result.low <= result.alpha <= result.high <= 1.0


def test_bootstrap_is_seeded():
    panel = [1, 2, 3, 4, 2, 3, 1, 4, 3, 2, 2, 3]
    scores = _round({1: panel, 2: [2, 2, 3, 4, 2, 3, 2, 4, 3, 1, 2, 3], 3: panel})
    first = calibrate(scores, value_domain=[1, 2, 3, 4], seed=9)
    assert (first.low, first.high) == (lambda r: (r.low, r.high))(calibrate(scores, value_domain=[1, 2, 3, 4], seed=9))
    assert first.verdict in (Verdict.PASS, Verdict.TENTATIVE)


def test_levels_outside_the_rubric_are_refused():
    with pytest.raises(ValueError, match="outside the rubric"):
        calibrate([(1, 1, 5), (2, 1, 4)], value_domain=[1, 2, 3, 4], seed=1)


def test_drift_is_signed():
    matrix = np.array([[2, 2, 2, 2], [3, 3, 3, 3], [3, 3, 3, 3]], dtype=float)
    drift = reviewer_drift(matrix, [1, 2, 3], [1, 2, 3, 4])
    assert drift[0].mean_deviation == -1.0 and drift[0].flagged
