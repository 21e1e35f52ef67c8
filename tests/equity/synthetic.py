"""Synthetic services for the impact method: a known effect, a shared trend, unit levels, noise and sale days."""

import datetime

import numpy as np

from equity.impact import Design, UnitSeries

CHANGE_DATE = datetime.date(2026, 6, 1)


def synthetic_units(
    seed: int, *, effect: float, treated: int = 6, control: int = 6, window_days: int = 28, gap_days: int = 28
) -> tuple[list[UnitSeries], Design]:
    """Daily p95-like values: unit level + a trend both arms share + `effect` on trained units after the gap.

    Each unit also has its own slow drift (what makes units differ in their change, so the interval has
    something to estimate), and sale days spike every unit; they are excluded by the design.
    """
    rng = np.random.default_rng(seed)
    start = CHANGE_DATE - datetime.timedelta(days=2 * (window_days + gap_days))
    days = [start + datetime.timedelta(days=offset) for offset in range(3 * (window_days + gap_days))]
    sales = frozenset(day for day in days if day.day in (10, 11))
    units = []
    for index in range(treated + control):
        is_treated = index < treated
        level = rng.normal(1000, 80)
        drift = rng.normal(0, 0.4)  # ms per day, the unit's own
        observations = []
        for day in days:
            t = (day - CHANGE_DATE).days
            value = level + drift * t - 0.5 * t + rng.normal(0, 25)
            if is_treated and t >= gap_days:
                value += effect
            if day in sales:
                value += 300
            observations.append((day, float(value)))
        units.append(UnitSeries(f"unit-{index}", is_treated, tuple(observations), dose=None))
    design = Design(
        change_date=CHANGE_DATE,
        window_days=window_days,
        gap_days=gap_days,
        excluded_days=sales,
        lower_is_better=True,
        seed=seed,
    )
    return units, design
