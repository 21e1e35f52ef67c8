"""SLO arithmetic, pure: error budgets, budget left and multiwindow burn-rate alerts (Google SRE workbook).

Everything takes plain numbers and returns plain numbers or frozen dataclasses, so it is tested against worked
figures (tests/program/test_slo.py) and reused by the pages, the API and the stats.

Vocabulary: an SLO of 99.95% allows an error ratio of 0.05% (the *error budget*, 1 − SLO). The *burn rate* of a
window is its error ratio divided by the budget: 1× spends the budget exactly over the SLO window, 14.4× spends
2% of a 30-day budget in one hour. An alert needs both a long window (it matters) and a short one (it is still
happening), so it fires fast and resets fast.
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

HOUR = 3600
MINUTE = 60


@dataclass(frozen=True)
class BurnRateRule:
    """Alert when both windows burn at least `factor` times the budget."""

    name: str
    severity: str  # "page" or "ticket"
    factor: float
    long_window_seconds: int
    short_window_seconds: int

    def budget_share_spent(self, slo_window_seconds: int) -> float:
        """Share of the whole budget this rule lets burn over its long window before it fires."""
        return self.factor * self.long_window_seconds / slo_window_seconds


# The workbook's recommended pair for paging: 2% of a 30-day budget in an hour, 5% in six hours.
FAST_BURN = BurnRateRule("fast burn", "page", 14.4, 1 * HOUR, 5 * MINUTE)
SLOW_BURN = BurnRateRule("slow burn", "page", 6.0, 6 * HOUR, 30 * MINUTE)
DEFAULT_RULES = (FAST_BURN, SLOW_BURN)


@dataclass(frozen=True)
class Point:
    """One sample of an error-ratio series: the interval [at, at + step) had this error ratio."""

    at: float  # unix seconds, start of the interval
    step_seconds: int
    error_ratio: float


@dataclass(frozen=True)
class BudgetStatus:
    """Where a service stands against an SLO over its window."""

    objective: float  # e.g. 0.9995 (good ratio) — for a "lower is better" ratio SLO, 1 − allowed ratio
    error_budget: float  # 1 − objective
    error_ratio: float | None  # observed over the window (None: no data)
    budget_spent: float | None  # share of the budget used (1.0 = all of it; may exceed 1)
    budget_left: float | None  # 1 − spent (negative when overspent)
    covered_seconds: int  # how much of the window has data (gaps are not counted as good or bad)


@dataclass(frozen=True)
class BurnAlert:
    """The state of one burn-rate rule at a moment."""

    rule: BurnRateRule
    long_burn_rate: float | None
    short_burn_rate: float | None

    @property
    def firing(self) -> bool:
        return (
            self.long_burn_rate is not None
            and self.short_burn_rate is not None
            and self.long_burn_rate >= self.rule.factor
            and self.short_burn_rate >= self.rule.factor
        )


def error_budget(objective: float) -> float:
    """1 − SLO: the share of requests (or time) allowed to be bad. 0.9995 → 0.0005."""
    if not 0 < objective < 1:
        raise ValueError(f"An SLO is a ratio strictly between 0 and 1, not {objective!r}.")
    return 1.0 - objective


def burn_rate(error_ratio: float, objective: float) -> float:
    """How many times faster than allowed the budget burns: error ratio ÷ (1 − SLO)."""
    return error_ratio / error_budget(objective)


def allowed_bad_seconds(objective: float, window_seconds: int) -> float:
    """The budget as time: 99.95% over 28 days allows 20.16 minutes of full downtime."""
    return error_budget(objective) * window_seconds


def error_ratio_over(points: Iterable[Point], start: float, end: float) -> tuple[float | None, int]:
    """Time-weighted mean error ratio of the points overlapping [start, end), and the seconds covered.

    A point counts for the part of its interval inside the window; gaps (missing points, NaN) count for
    nothing, so a window without data has no ratio rather than a perfect one.
    """
    weighted = 0.0
    covered = 0.0
    for point in points:
        if point.error_ratio is None or math.isnan(point.error_ratio):
            continue
        overlap = min(end, point.at + point.step_seconds) - max(start, point.at)
        if overlap <= 0:
            continue
        weighted += point.error_ratio * overlap
        covered += overlap
    if covered == 0:
        return None, 0
    return weighted / covered, int(round(covered))


def budget_status(points: Sequence[Point], *, objective: float, start: float, end: float) -> BudgetStatus:
    """Budget spent and left over [start, end) (typically the SLO's 28-day window ending now)."""
    budget = error_budget(objective)
    ratio, covered = error_ratio_over(points, start, end)
    if ratio is None:
        return BudgetStatus(objective, budget, None, None, None, 0)
    spent = ratio / budget
    return BudgetStatus(objective, budget, ratio, spent, 1.0 - spent, covered)


def burn_alerts(
    points: Sequence[Point], *, objective: float, now: float, rules: Sequence[BurnRateRule] = DEFAULT_RULES
) -> list[BurnAlert]:
    """Each rule's long- and short-window burn rates ending at `now`, and whether it fires.

    With hourly samples the 5- and 30-minute windows see the last hour's ratio (its interval overlaps them):
    the resolution of the source bounds how fast an alert can reset.
    """
    alerts = []
    for rule in rules:
        long_ratio, _ = error_ratio_over(points, now - rule.long_window_seconds, now)
        short_ratio, _ = error_ratio_over(points, now - rule.short_window_seconds, now)
        alerts.append(
            BurnAlert(
                rule,
                None if long_ratio is None else burn_rate(long_ratio, objective),
                None if short_ratio is None else burn_rate(short_ratio, objective),
            )
        )
    return alerts


def share_within(values: Iterable[float | None], threshold: float) -> float | None:
    """Share of samples at or under a threshold (a latency SLO such as "p95 ≤ 900 ms"), gaps left out."""
    kept = [value for value in values if value is not None and not math.isnan(value)]
    if not kept:
        return None
    return sum(1 for value in kept if value <= threshold) / len(kept)
