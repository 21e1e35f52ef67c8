"""SLO arithmetic against worked numbers (Google SRE workbook, chapter "Alerting on SLOs")."""

import math

import pytest

from program.operations.slo import (
    FAST_BURN,
    HOUR,
    MINUTE,
    SLOW_BURN,
    Point,
    allowed_bad_seconds,
    budget_status,
    burn_alerts,
    burn_rate,
    error_budget,
    error_ratio_over,
    share_within,
)

DAY = 24 * HOUR


def test_error_budget_is_one_minus_the_objective():
    assert error_budget(0.9995) == pytest.approx(0.0005)
    assert error_budget(0.999) == pytest.approx(0.001)
    with pytest.raises(ValueError):
        error_budget(1.0)


def test_the_budget_as_downtime():
    # 99.95% over 28 days: 0.0005 × 2,419,200 s = 1,209.6 s = 20.16 minutes of full downtime.
    assert allowed_bad_seconds(0.9995, 28 * DAY) == pytest.approx(1209.6)
    # 99.9% over 30 days: 43.2 minutes.
    assert allowed_bad_seconds(0.999, 30 * DAY) / 60 == pytest.approx(43.2)


def test_burn_rate_is_the_error_ratio_over_the_budget():
    assert burn_rate(0.0005, 0.9995) == pytest.approx(1.0)
    assert burn_rate(0.0072, 0.9995) == pytest.approx(14.4)
    assert burn_rate(0.0007, 0.9995) == pytest.approx(1.4)  # 99.93% uptime against a 99.95% SLO


def test_the_workbook_rules_spend_2_and_5_percent_of_a_30_day_budget():
    assert FAST_BURN.budget_share_spent(30 * DAY) == pytest.approx(0.02)
    assert SLOW_BURN.budget_share_spent(30 * DAY) == pytest.approx(0.05)
    assert (FAST_BURN.long_window_seconds, FAST_BURN.short_window_seconds) == (HOUR, 5 * MINUTE)
    assert (SLOW_BURN.long_window_seconds, SLOW_BURN.short_window_seconds) == (6 * HOUR, 30 * MINUTE)


def hourly(ratios: list[float], start: float = 0) -> list[Point]:
    return [Point(start + index * HOUR, HOUR, ratio) for index, ratio in enumerate(ratios)]


def test_budget_spent_and_left_over_28_days():
    # Half the window at 99.98% (0.0002 bad), half at 99.93% (0.0007): mean 0.00045 → 90% of the budget spent.
    points = hourly([0.0002] * (14 * 24) + [0.0007] * (14 * 24))
    status = budget_status(points, objective=0.9995, start=0, end=28 * DAY)
    assert status.error_ratio == pytest.approx(0.00045)
    assert status.budget_spent == pytest.approx(0.9)
    assert status.budget_left == pytest.approx(0.1)
    assert status.covered_seconds == 28 * DAY
    # The whole window at 99.93%: 140% spent, 40% overspent.
    overspent = budget_status(hourly([0.0007] * (28 * 24)), objective=0.9995, start=0, end=28 * DAY)
    assert overspent.budget_left == pytest.approx(-0.4)


def test_gaps_count_neither_good_nor_bad():
    points = hourly([0.001, math.nan, 0.003])
    ratio, covered = error_ratio_over(points, 0, 3 * HOUR)
    assert ratio == pytest.approx(0.002)
    assert covered == 2 * HOUR
    assert budget_status([], objective=0.9995, start=0, end=HOUR).budget_left is None


def test_a_point_counts_for_the_part_of_its_interval_inside_the_window():
    points = hourly([0.0, 0.01])
    ratio, covered = error_ratio_over(points, 0.5 * HOUR, 2 * HOUR)  # half an hour of 0, a whole hour of 0.01
    assert covered == 1.5 * HOUR
    assert ratio == pytest.approx(0.01 / 1.5)


def test_fast_burn_fires_only_when_both_windows_burn():
    five_minutes = [Point(index * 5 * MINUTE, 5 * MINUTE, 0.0001) for index in range(24)]  # two quiet hours
    now = 24 * 5 * MINUTE
    quiet = {alert.rule.name: alert for alert in burn_alerts(five_minutes, objective=0.9995, now=now)}
    assert not quiet["fast burn"].firing

    # The last hour burns at 16× (0.008): both the hour and its last 5 minutes are over 14.4×.
    burning = five_minutes[:12] + [Point(p.at, p.step_seconds, 0.008) for p in five_minutes[12:]]
    alerts = {alert.rule.name: alert for alert in burn_alerts(burning, objective=0.9995, now=now)}
    assert alerts["fast burn"].long_burn_rate == pytest.approx(16.0)
    assert alerts["fast burn"].firing
    # The 6 h window averages the data there is (2 h): (0.0001 + 0.008) / 2 / 0.0005 = 8.1.
    assert alerts["slow burn"].long_burn_rate == pytest.approx(8.1)
    assert alerts["slow burn"].firing

    # Recovered in the last 5 minutes: the hour still burns, the short window does not, so the page resets.
    recovered = burning[:-1] + [Point(burning[-1].at, 5 * MINUTE, 0.0)]
    fast = burn_alerts(recovered, objective=0.9995, now=now)[0]
    assert fast.long_burn_rate > 14.4 and fast.short_burn_rate == 0
    assert not fast.firing


def test_share_of_samples_within_a_latency_target():
    assert share_within([850, 900, 950, None, math.nan], 900) == pytest.approx(2 / 3)
    assert share_within([], 900) is None
