"""The impact method on synthetic services with a known effect (the full 100-dataset run: bench/impact_method.py)."""

import datetime

import pytest

from equity.impact import Design, Summary, UnitSeries, analyse, difference_in_differences, unit_change
from tests.equity.synthetic import CHANGE_DATE, synthetic_units

DATASETS = 20


def test_known_effect_is_covered_and_no_effect_is_rarely_flagged():
    covered = flagged = 0
    for seed in range(DATASETS):
        units, design = synthetic_units(seed, effect=-60)
        result = analyse(units, design).main
        covered += result.low <= -60 <= result.high
        units, design = synthetic_units(1000 + seed, effect=0)
        flagged += analyse(units, design).main.detected
    assert covered >= 19  # ≥ 93 of 100 over the full run
    assert flagged <= 1  # ≤ 7 of 100 over the full run


def test_a_clear_effect_is_found_and_worded_as_an_association():
    units, design = synthetic_units(5, effect=-150, treated=6, control=6)
    result = analyse(units, design, metric_label="p95 latency")
    assert result.main.detected and result.main.high < 0
    assert result.main.assignments == 924 and result.main.exact
    assert result.wording.startswith("Training is associated with an improvement in p95 latency")
    # The placebo at a fake date in the pre-period finds nothing.
    assert result.placebo.covers_zero


def test_randomised_holdout_may_say_caused_and_no_effect_is_said():
    units, design = synthetic_units(7, effect=-150)
    randomised = Design(**{**design.__dict__, "randomised": True})
    assert "Training caused an improvement" in analyse(units, randomised).wording
    units, design = synthetic_units(8, effect=0)
    assert analyse(units, design).wording.startswith("No detectable effect")


def test_exact_permutation_p_on_four_against_four():
    # Fully separated 4 vs 4: the most extreme of 70 labellings each way, p = 2/70.
    changes = {f"t{i}": (True, 10.0 + i) for i in range(4)} | {f"c{i}": (False, float(i)) for i in range(4)}
    result = difference_in_differences(changes, seed=1)
    assert result.p_value == pytest.approx(2 / 70)
    assert result.estimate == pytest.approx(10.0)


def test_excluded_days_and_gap_leave_the_windows():
    days = [CHANGE_DATE + datetime.timedelta(days=offset) for offset in range(-10, 10)]
    sale = CHANGE_DATE - datetime.timedelta(days=1)
    series = UnitSeries("u", True, tuple((day, 1000.0 if day == sale else 1.0 if day < CHANGE_DATE else 3.0)
                                         for day in days))  # fmt: skip
    design = Design(change_date=CHANGE_DATE, window_days=5, gap_days=2, excluded_days=frozenset({sale}))
    assert unit_change(series, design) == 2.0
    assert unit_change(series, Design(change_date=CHANGE_DATE, window_days=5, gap_days=2)) != 2.0


def test_mttr_on_the_log_scale():
    def incidents(minutes_before, minutes_after):
        before = [(CHANGE_DATE - datetime.timedelta(days=3 + i), m) for i, m in enumerate(minutes_before)]
        after = [(CHANGE_DATE + datetime.timedelta(days=3 + i), m) for i, m in enumerate(minutes_after)]
        return tuple(before + after)

    design = Design(change_date=CHANGE_DATE, window_days=20, gap_days=1, summary=Summary.LOG_MEAN)
    series = UnitSeries("u", True, incidents([40, 60], [20, 30]))
    assert unit_change(series, design) == pytest.approx(-0.6931, abs=1e-4)  # halved
    median = Design(change_date=CHANGE_DATE, window_days=20, gap_days=1, summary=Summary.MEDIAN)
    # Median 60 → 25: the 500-minute outlier does not move it.
    assert unit_change(UnitSeries("u", True, incidents([40, 60, 500], [20, 30, 25])), median) == -35


def test_dose_response_slope():
    units, design = synthetic_units(3, effect=0, treated=4, control=4)
    dosed = [UnitSeries(u.unit, u.treated, u.observations, dose=i / 7) for i, u in enumerate(units)]
    result = analyse(dosed, design).dose_response
    assert result is not None and len(result.points) == 8 and result.low <= result.slope <= result.high


def test_one_unit_in_an_arm_gives_an_estimate_without_a_permutation_p():
    """scipy's permutation test refuses an arm of one; the estimate stands, the p is absent, never a crash."""
    result = difference_in_differences({"a": (True, -5.0), "b": (False, 1.0), "c": (False, 2.0)}, seed=1)
    assert result.estimate == -6.5
    assert result.p_value is None
    assert not result.detected
