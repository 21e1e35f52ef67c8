"""Impact of training on an operational metric: difference in differences over units, as pure functions.

Units are services (or teams), each either trained at the change date or a holdout. Each unit gives one
pre/post change: its summary over the post window minus its summary over the pre window, windows of equal
length with a gap between them for the training period, days of major sales and freezes left out of both.
The estimate is the mean change of trained units minus the mean change of holdouts; its interval comes from a
bootstrap over units (scipy), its p-value from a permutation of the treatment labels (exact while the number of
assignments allows, seeded Monte Carlo beyond), and the same analysis at a fake date in the pre-period (a
placebo) should find nothing. With few units cluster-robust regressions over-reject (Bertrand, Duflo &
Mullainathan 2004), hence these. `equity.selectors.impact_analysis` loads the series; see docs/equity.md.
"""

import datetime
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import stats
from statsmodels.regression.linear_model import OLS
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW
from statsmodels.tools import add_constant

from .constants import DEFAULT_SEED

ALPHA = 0.05
RESAMPLES = 9999


class Summary:
    """How a unit's window is summarised: mean (uptime, latency, error rate), median or mean log (MTTR)."""

    MEAN = "mean"
    MEDIAN = "median"
    LOG_MEAN = "log_mean"
    ALL = (MEAN, MEDIAN, LOG_MEAN)


@dataclass(frozen=True)
class UnitSeries:
    """One unit's observations of the metric (one value a day, or one per incident for MTTR)."""

    unit: str
    treated: bool
    observations: tuple[tuple[datetime.date, float], ...]
    dose: float | None = None  # share of the unit's people meeting the bar, for the dose–response view


@dataclass(frozen=True)
class Design:
    change_date: datetime.date
    window_days: int
    gap_days: int
    excluded_days: frozenset[datetime.date] = frozenset()
    summary: str = Summary.MEAN
    lower_is_better: bool = False
    randomised: bool = False
    seed: int = DEFAULT_SEED

    def windows(self, change_date: datetime.date | None = None):
        """(pre start, pre end, post start, post end), ends exclusive."""
        date = change_date or self.change_date
        window, gap = datetime.timedelta(days=self.window_days), datetime.timedelta(days=self.gap_days)
        return date - window, date, date + gap, date + gap + window

    def placebo_date(self) -> datetime.date:
        """A fake change date whose post window is the real pre window: nothing should change there."""
        return self.change_date - datetime.timedelta(days=self.window_days + self.gap_days)


@dataclass(frozen=True)
class Estimate:
    estimate: float | None
    low: float | None
    high: float | None
    p_value: float | None
    treated_changes: dict[str, float]
    control_changes: dict[str, float]
    assignments: int | None = None  # how many treatment labellings the permutation p-value ranges over
    exact: bool = False

    @property
    def covers_zero(self) -> bool:
        return self.low is None or self.high is None or self.low <= 0 <= self.high

    @property
    def detected(self) -> bool:
        return not self.covers_zero and self.p_value is not None and self.p_value < ALPHA


@dataclass(frozen=True)
class DoseResponse:
    slope: float | None
    low: float | None
    high: float | None
    p_value: float | None
    spearman: float | None
    points: list[tuple[str, float, float]] = field(default_factory=list)  # (unit, dose, change)


@dataclass(frozen=True)
class ImpactResult:
    main: Estimate
    placebo: Estimate | None
    dose_response: DoseResponse | None
    wording: str
    dropped_units: list[str]
    excluded_days: int


def summarise(values: Sequence[float], summary: str) -> float | None:
    if len(values) == 0:
        return None
    if summary == Summary.MEDIAN:
        return float(np.median(values))
    if summary == Summary.LOG_MEAN:
        return float(np.mean(np.log(np.asarray(values, dtype=float))))
    return float(np.mean(values))


def unit_change(series: UnitSeries, design: Design, change_date: datetime.date | None = None) -> float | None:
    """Post-window summary minus pre-window summary of one unit (None when a window has no data left)."""
    pre_start, pre_end, post_start, post_end = design.windows(change_date)
    pre, post = [], []
    for day, value in series.observations:
        if day in design.excluded_days:
            continue
        if pre_start <= day < pre_end:
            pre.append(value)
        elif post_start <= day < post_end:
            post.append(value)
    before, after = summarise(pre, design.summary), summarise(post, design.summary)
    return None if before is None or after is None else after - before


def _difference_of_means(treated, control, axis=-1):
    return np.mean(treated, axis=axis) - np.mean(control, axis=axis)


def studentized_bootstrap_interval(
    treated: np.ndarray, control: np.ndarray, *, estimate: float, seed: int
) -> tuple[float | None, float | None]:
    """95% bootstrap-t interval of the difference of means, resampling units within each arm (scipy).

    Each resample gives Welch's t of its difference around the estimate; the interval is the estimate minus the
    2.5% and 97.5% points of that distribution times the standard error. With few units, percentile and BCa
    intervals are too narrow (they covered a known effect 89–91 times in 100 at 6–10 units per arm on
    tests/equity/synthetic.py; bootstrap-t 96–97: bench/impact_method.py). Resamples in which an arm is all one
    value have no t and are left out.
    """
    if len(treated) < 2 or len(control) < 2:
        return None, None
    standard_error = CompareMeans(DescrStatsW(treated), DescrStatsW(control)).std_meandiff_separatevar
    if not standard_error:
        return estimate, estimate

    def centred_t(resampled_treated, resampled_control, axis=-1):
        return stats.ttest_ind(resampled_treated - estimate, resampled_control, equal_var=False, axis=axis).statistic

    # Resamples with all-equal arms divide by zero; they are dropped below, so their warnings say nothing.
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        distribution = stats.bootstrap(
            (treated, control),
            centred_t,
            vectorized=True,
            n_resamples=RESAMPLES,
            method="percentile",
            rng=np.random.default_rng(seed),
        ).bootstrap_distribution
    distribution = distribution[np.isfinite(distribution)]
    lower_point, upper_point = np.quantile(distribution, [ALPHA / 2, 1 - ALPHA / 2])
    return float(estimate - upper_point * standard_error), float(estimate - lower_point * standard_error)


def difference_in_differences(changes: dict[str, tuple[bool, float]], *, seed: int) -> Estimate:
    """Mean change of trained units minus that of holdouts, a bootstrap interval over units and a permutation p."""
    treated = {unit: change for unit, (is_treated, change) in changes.items() if is_treated}
    control = {unit: change for unit, (is_treated, change) in changes.items() if not is_treated}
    if not treated or not control:
        return Estimate(None, None, None, None, treated, control)
    t, c = np.array(list(treated.values())), np.array(list(control.values()))
    estimate = float(_difference_of_means(t, c))
    low, high = studentized_bootstrap_interval(t, c, estimate=estimate, seed=seed)
    assignments = math.comb(len(t) + len(c), len(t))
    if min(len(t), len(c)) < 2:
        # scipy's permutation test needs two units an arm; one unit an arm has no p worth reporting anyway.
        return Estimate(estimate, low, high, None, treated, control, assignments, True)
    permutation = stats.permutation_test(
        (t, c),
        _difference_of_means,
        permutation_type="independent",
        vectorized=True,
        n_resamples=RESAMPLES,
        alternative="two-sided",
        rng=np.random.default_rng(seed),
    )
    return Estimate(
        estimate, low, high, float(permutation.pvalue), treated, control, assignments, assignments <= RESAMPLES
    )


def dose_response(points: list[tuple[str, float, float]]) -> DoseResponse | None:
    """Change against the share of a unit's people meeting the bar: OLS slope with its interval, and Spearman's ρ."""
    if len(points) < 3 or len({dose for _, dose, _ in points}) < 2:
        return None
    doses = np.array([dose for _, dose, _ in points])
    changes = np.array([change for _, _, change in points])
    fit = OLS(changes, add_constant(doses)).fit()
    low, high = fit.conf_int(alpha=ALPHA)[1]
    rho = stats.spearmanr(doses, changes).statistic
    return DoseResponse(
        float(fit.params[1]), float(low), float(high), float(fit.pvalues[1]), _finite(rho), sorted(points)
    )


def analyse(units: Sequence[UnitSeries], design: Design, *, metric_label: str = "the metric") -> ImpactResult:
    """The whole analysis: estimate, placebo at a fake pre-period date, dose–response, and how to say it."""
    changes, dropped = {}, []
    for series in units:
        change = unit_change(series, design)
        if change is None:
            dropped.append(series.unit)
        else:
            changes[series.unit] = (series.treated, change)
    main = difference_in_differences(changes, seed=design.seed)
    placebo_changes = {}
    for series in units:
        change = unit_change(series, design, design.placebo_date())
        if change is not None:
            placebo_changes[series.unit] = (series.treated, change)
    placebo = difference_in_differences(placebo_changes, seed=design.seed) if placebo_changes else None
    doses = [
        (series.unit, series.dose, changes[series.unit][1])
        for series in units
        if series.dose is not None and series.unit in changes
    ]
    return ImpactResult(
        main=main,
        placebo=placebo if placebo and placebo.estimate is not None else None,
        dose_response=dose_response(doses),
        wording=wording(main, design, metric_label),
        dropped_units=dropped,
        excluded_days=len(design.excluded_days),
    )


def wording(result: Estimate, design: Design, metric_label: str) -> str:
    """The sentence a reader gets: 'associated with' unless the holdout was randomised; 'no detectable effect'."""
    if result.estimate is None:
        return f"No estimate: {metric_label} needs at least one trained and one holdout unit with data in both windows."
    scale = " (on the log scale)" if design.summary == Summary.LOG_MEAN else ""
    numbers = f"{result.estimate:+.4g}{scale}, 95% interval {_number(result.low)} to {_number(result.high)}"
    p_text = (
        f"permutation p = {result.p_value:.3g} over {result.assignments} labellings"
        if result.p_value is not None
        else "no permutation p: one unit in an arm"
    )
    if result.low is None or result.high is None:
        return (
            f"No detectable effect of training on {metric_label}: {result.estimate:+.4g}{scale} with no interval "
            "(one unit in an arm: the bootstrap over units needs two an arm)."
        )
    if result.covers_zero:
        return f"No detectable effect of training on {metric_label}: {numbers} covers zero ({p_text})."
    better = (result.estimate < 0) == design.lower_is_better
    direction = "an improvement" if better else "a worsening"
    verb = "caused" if design.randomised else "is associated with"
    text = f"Training {verb} {direction} in {metric_label} of {numbers} ({p_text})"
    if result.p_value is not None and result.p_value >= ALPHA:
        text += "; the permutation test is not significant with this few units"
    return text + "."


def _number(value: float | None) -> str:
    return "–" if value is None else f"{value:+.4g}"


def _finite(value) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None
