"""The statistics of an equity audit, as pure functions over plain facts (no queries).

Every number comes from scipy or statsmodels; this module only chooses the method, feeds it and applies the
program's rules (four-fifths, Holm, the flag colours, small-cell suppression). `equity.services.audit_run` loads
the facts in a fixed number of queries, calls `audit_findings` and stores what it returns. See docs/equity.md.
"""

import itertools
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from scipy import stats
from statsmodels.duration.survfunc import SurvfuncRight
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from .choices import EquityMetric, FindingFlag, MetricKind

FOUR_FIFTHS = 0.8
ALPHA = 0.05
# Below this expected count in any cell the 2×2 test is Boschloo's (more powerful on small cells than Fisher's).
SMALL_EXPECTED_CELL = 5
MONTE_CARLO_RESAMPLES = 9999

METRIC_KINDS = {
    EquityMetric.ENROLLED: MetricKind.RATE,
    EquityMetric.LAB_TAKEN: MetricKind.RATE,
    EquityMetric.DRILL_TAKEN: MetricKind.RATE,
    EquityMetric.PRACTICE_TIME: MetricKind.MEDIAN,
    EquityMetric.READINESS: MetricKind.RATE,
    EquityMetric.FIRST_TRY_PASS: MetricKind.RATE,
    EquityMetric.SCORE: MetricKind.MEDIAN,
    EquityMetric.TIME_TO_READY: MetricKind.SURVIVAL,
    EquityMetric.REVIEWER_PASS: MetricKind.RATE,
}


@dataclass(frozen=True)
class PersonFacts:
    """One person of the audited role, reduced to what the audit reads (all within the audit's window)."""

    person_id: int
    groups: tuple[tuple[str, str], ...]  # (("region", "emea"), ("shift", "night"), ("language", "en"))
    enrolled: bool
    took_lab: bool
    took_drill: bool
    practice_minutes: float | None
    ready: bool
    first_tries: int
    first_try_passes: int
    median_score: float | None
    days_to_ready: float | None  # from start to the first 'ready' sign-off, or to the window's end when censored
    reached_ready: bool

    def group(self, dimension: str) -> str:
        return dict(self.groups)[dimension]


@dataclass(frozen=True)
class ReviewFact:
    """One reviewed attempt in the window: who reviewed it, whose it was, and whether it passed."""

    reviewer_id: int
    reviewer_name: str
    person_id: int
    passed: bool


@dataclass(frozen=True)
class Finding:
    """One group's value on one metric, compared with the best-off group; what is stored as an EquityFinding."""

    dimension: str
    group: str
    metric: str
    people: int
    n: int | None = None
    events: int | None = None
    value: float | None = None
    low: float | None = None
    high: float | None = None
    reference_group: str = ""
    ratio: float | None = None
    ratio_low: float | None = None
    ratio_high: float | None = None
    test: str = ""
    p_value: float | None = None
    p_adjusted: float | None = None
    table_p_value: float | None = None
    one_person_flips: bool = False
    flag: str = FindingFlag.GREEN
    note: str = ""
    reviewer_id: int | None = None
    details: dict = field(default_factory=dict)


# --- rates -----------------------------------------------------------------------------------------------------


def wilson_interval(events: int, n: int) -> tuple[float, float]:
    """The Wilson 95% interval of a proportion (statsmodels)."""
    low, high = proportion_confint(events, n, alpha=ALPHA, method="wilson")
    return float(low), float(high)


def impact_ratio(events: int, n: int, reference_events: int, reference_n: int) -> float | None:
    """The adverse impact ratio: the group's rate over the best-off group's (None when the reference rate is 0)."""
    if n == 0 or reference_n == 0 or reference_events == 0:
        return None
    return (events / n) / (reference_events / reference_n)


def ratio_interval(events: int, n: int, reference_events: int, reference_n: int) -> tuple[float | None, float | None]:
    """95% interval of the rate ratio (statsmodels, log-adjusted); None where it is undefined."""
    if reference_events == 0 or n == 0 or reference_n == 0:
        return None, None
    low, high = confint_proportions_2indep(
        events, n, reference_events, reference_n, compare="ratio", method="log-adjusted", alpha=ALPHA
    )
    return _finite(low), _finite(high)


def two_by_two_test(events: int, n: int, reference_events: int, reference_n: int) -> tuple[str, float]:
    """Exact test of one group against the reference: Boschloo when an expected cell is small, else Fisher."""
    table = np.array([[events, n - events], [reference_events, reference_n - reference_events]])
    if table.sum(axis=0).min() == 0:
        return "none (everyone in both groups on one side)", 1.0
    expected = stats.contingency.expected_freq(table)
    if expected.min() < SMALL_EXPECTED_CELL:
        return "boschloo", float(stats.boschloo_exact(table, alternative="two-sided").pvalue)
    return "fisher", float(stats.fisher_exact(table, alternative="two-sided").pvalue)


def table_test(counts: Sequence[tuple[int, int]], *, seed: int) -> float | None:
    """One test over every group of a dimension (a k×2 table): Fisher's exact p for 2 groups, else seeded Monte Carlo.

    scipy's `fisher_exact` on a table larger than 2×2 draws random tables; without a fixed generator two runs give
    two p-values, so the generator is seeded.
    """
    table = np.array([[events, n - events] for events, n in counts if n > 0])
    if len(table) < 2 or table.sum(axis=0).min() == 0:
        return None
    if len(table) == 2:
        return float(stats.fisher_exact(table).pvalue)
    method = stats.MonteCarloMethod(rng=np.random.default_rng(seed), n_resamples=MONTE_CARLO_RESAMPLES)
    return float(stats.fisher_exact(table, method=method).pvalue)


def one_person_flips(events: int, n: int, reference_events: int, reference_n: int) -> bool:
    """Would moving one person of the group to the other outcome flip the four-fifths verdict? (EEOC Q&A 21)."""
    ratio = impact_ratio(events, n, reference_events, reference_n)
    if ratio is None:
        return False
    if ratio < FOUR_FIFTHS:
        moved = impact_ratio(min(events + 1, n), n, reference_events, reference_n)
        return moved is not None and moved >= FOUR_FIFTHS
    moved = impact_ratio(max(events - 1, 0), n, reference_events, reference_n)
    return moved is not None and moved < FOUR_FIFTHS


# --- medians and time to readiness -----------------------------------------------------------------------------


def median_test(values: Sequence[float], reference: Sequence[float]) -> tuple[str, float | None]:
    """Mann–Whitney U of a group's values against the reference group's (exact for small samples)."""
    if len(values) == 0 or len(reference) == 0:
        return "", None
    if len(set(values) | set(reference)) == 1:
        return "mann-whitney", 1.0
    return "mann-whitney", float(stats.mannwhitneyu(values, reference, alternative="two-sided").pvalue)


@dataclass(frozen=True)
class SurvivalMedian:
    median: float | None  # None: "not reached" (under half have reached readiness)
    low: float | None
    high: float | None  # None: the interval is open above


def kaplan_meier_median(days: Sequence[float], reached: Sequence[bool]) -> SurvivalMedian:
    """Kaplan–Meier median time to readiness with its 95% interval (statsmodels), censoring those still training."""
    if len(days) == 0 or not any(reached):
        return SurvivalMedian(None, None, None)
    survival = SurvfuncRight(np.asarray(days, dtype=float), np.asarray(reached, dtype=int))
    median = _finite(survival.quantile(0.5))
    # The log-log transform divides by zero where the curve is 1 or 0: those points just fall out of the band.
    with np.errstate(divide="ignore", invalid="ignore"):
        low, high = survival.quantile_ci(0.5, alpha=ALPHA)
    return SurvivalMedian(median, _finite(low), _finite(high))


def logrank_test(days: Sequence[float], reached: Sequence[bool], reference_days, reference_reached) -> float | None:
    """Log-rank p of two groups' times to readiness (scipy, on right-censored data)."""
    if not len(days) or not len(reference_days) or not (any(reached) or any(reference_reached)):
        return None
    return float(stats.logrank(_censored(days, reached), _censored(reference_days, reference_reached)).pvalue)


def _censored(days, reached) -> stats.CensoredData:
    days, reached = np.asarray(days, dtype=float), np.asarray(reached, dtype=bool)
    return stats.CensoredData(uncensored=days[reached], right=days[~reached])


# --- multiplicity, flags and suppression -----------------------------------------------------------------------


def holm_adjust(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjustment (statsmodels) over the tests of one audit."""
    if not p_values:
        return []
    return [float(p) for p in multipletests(list(p_values), alpha=ALPHA, method="holm")[1]]


def flag_for(*, ratio: float | None, p_adjusted: float | None, flips: bool) -> tuple[str, str]:
    """The colour of a finding and why: red, amber (no significance, or insufficient evidence) or green."""
    if ratio is None or p_adjusted is None:
        return FindingFlag.AMBER, "Insufficient evidence: no comparison possible."
    if flips:
        return FindingFlag.AMBER, "Insufficient evidence: moving one person would flip the four-fifths verdict."
    if ratio < FOUR_FIFTHS and p_adjusted < ALPHA:
        return FindingFlag.RED, "Under four-fifths of the best-off group, significant after Holm."
    if ratio < FOUR_FIFTHS:
        return FindingFlag.AMBER, "Under four-fifths of the best-off group, not significant after Holm."
    return FindingFlag.GREEN, ""


def suppressed_groups(sizes: dict[tuple[str, ...], int], *, k: int) -> set[tuple[str, ...]]:
    """Groups to hide: those under k people, and enough others that none can be worked out from the totals.

    `sizes` maps a group's values (one per dimension) to its number of people. The totals along each dimension
    are published (every value of the others), so in every line of the table (all groups sharing the values of
    all dimensions but one) a suppressed group never stands alone and the suppressed together reach k:
    otherwise the next smallest group of that line is suppressed too (complementary suppression), until stable.
    """
    hidden = {group for group, size in sizes.items() if 0 < size < k}
    width = len(next(iter(sizes), ()))
    lines: dict[tuple, list[tuple[str, ...]]] = defaultdict(list)
    for group in sizes:
        for free in range(width):
            lines[(free, group[:free] + group[free + 1 :])].append(group)
    changed = True
    while changed:
        changed = False
        for members in lines.values():
            hidden_here = [group for group in members if group in hidden]
            if not hidden_here:
                continue
            if len(hidden_here) == 1 or sum(sizes[group] for group in hidden_here) < k:
                shown = sorted((group for group in members if group not in hidden), key=lambda g: (sizes[g], g))
                if shown:
                    hidden.add(shown[0])
                    changed = True
    return hidden


# --- the audit ---------------------------------------------------------------------------------------------------


def dimension_sets(dimensions: Sequence[str]) -> list[tuple[str, ...]]:
    """Each dimension alone, then every pair of them (region, shift, language, region × shift, ...)."""
    singles = [(dimension,) for dimension in dimensions]
    return singles + list(itertools.combinations(dimensions, 2))


def group_label(dimensions: tuple[str, ...], values: tuple[str, ...]) -> str:
    return ", ".join(f"{dimension}={value}" for dimension, value in zip(dimensions, values, strict=True))


def audit_findings(
    *,
    people: Iterable[PersonFacts],
    reviews: Iterable[ReviewFact] = (),
    dimensions: Sequence[str],
    minimum_cell_size: int = 11,
    seed: int = 12,
) -> list[Finding]:
    """Every finding of one audit: each group of each dimension set on each metric, Holm-corrected together."""
    people = list(people)
    findings: list[Finding] = []
    for dimension_set in dimension_sets(dimensions):
        by_group: dict[tuple[str, ...], list[PersonFacts]] = defaultdict(list)
        for person in people:
            by_group[tuple(person.group(dimension) for dimension in dimension_set)].append(person)
        hidden = suppressed_groups({group: len(members) for group, members in by_group.items()}, k=minimum_cell_size)
        for metric, kind in METRIC_KINDS.items():
            if metric == EquityMetric.REVIEWER_PASS:
                continue
            findings += _metric_findings(dimension_set, by_group, hidden, metric, kind, seed)
    findings += _reviewer_findings(people, list(reviews), dimensions, minimum_cell_size, seed)
    return _apply_holm_and_flags(findings)


def _rate_counts(metric: str, members: list[PersonFacts]) -> tuple[int, int]:
    if metric == EquityMetric.FIRST_TRY_PASS:
        return sum(p.first_try_passes for p in members), sum(p.first_tries for p in members)
    attribute = {
        EquityMetric.ENROLLED: "enrolled",
        EquityMetric.LAB_TAKEN: "took_lab",
        EquityMetric.DRILL_TAKEN: "took_drill",
        EquityMetric.READINESS: "ready",
    }[metric]
    return sum(bool(getattr(p, attribute)) for p in members), len(members)


def _metric_findings(dimension_set, by_group, hidden, metric, kind, seed) -> list[Finding]:
    dimension = " × ".join(dimension_set)
    shown = {group: members for group, members in by_group.items() if group not in hidden}
    results = [
        Finding(
            dimension=dimension,
            group=group_label(dimension_set, group),
            metric=metric,
            people=len(members),
            flag=FindingFlag.SUPPRESSED,
            note="Suppressed: fewer people than the minimum cell size, or needed to protect a group that is.",
        )
        for group, members in sorted(by_group.items())
        if group in hidden
    ]
    if kind == MetricKind.RATE:
        return results + _rate_findings(dimension, dimension_set, shown, metric, seed)
    if kind == MetricKind.MEDIAN:
        return results + _median_findings(dimension, dimension_set, shown, metric)
    return results + _survival_findings(dimension, dimension_set, shown, metric)


def _rate_findings(dimension, dimension_set, shown, metric, seed) -> list[Finding]:
    counts = {group: _rate_counts(metric, members) for group, members in shown.items()}
    counted = {group: (events, n) for group, (events, n) in counts.items() if n > 0}
    if not counted:
        return []
    table_p = table_test(list(counted.values()), seed=seed)
    reference = max(counted, key=lambda group: (counted[group][0] / counted[group][1], counted[group][1], group))
    reference_events, reference_n = counted[reference]
    results = []
    for group in sorted(counted):
        events, n = counted[group]
        low, high = wilson_interval(events, n)
        finding = Finding(
            dimension=dimension,
            group=group_label(dimension_set, group),
            metric=metric,
            people=len(shown[group]),
            n=n,
            events=events,
            value=events / n,
            low=low,
            high=high,
            reference_group=group_label(dimension_set, reference),
            table_p_value=table_p,
        )
        if group == reference:
            results.append(replace(finding, ratio=1.0, flag=FindingFlag.REFERENCE, note="The best-off group."))
            continue
        test, p_value = two_by_two_test(events, n, reference_events, reference_n)
        ratio_low, ratio_high = ratio_interval(events, n, reference_events, reference_n)
        results.append(
            replace(
                finding,
                ratio=impact_ratio(events, n, reference_events, reference_n),
                ratio_low=ratio_low,
                ratio_high=ratio_high,
                test=test,
                p_value=p_value,
                one_person_flips=one_person_flips(events, n, reference_events, reference_n),
            )
        )
    return results


def _median_findings(dimension, dimension_set, shown, metric) -> list[Finding]:
    attribute = "practice_minutes" if metric == EquityMetric.PRACTICE_TIME else "median_score"
    values = {
        group: [getattr(p, attribute) for p in members if getattr(p, attribute) is not None]
        for group, members in shown.items()
    }
    values = {group: group_values for group, group_values in values.items() if group_values}
    if not values:
        return []
    medians = {group: float(np.median(group_values)) for group, group_values in values.items()}
    reference = max(medians, key=lambda group: (medians[group], len(values[group]), group))
    results = []
    for group in sorted(values):
        finding = Finding(
            dimension=dimension,
            group=group_label(dimension_set, group),
            metric=metric,
            people=len(shown[group]),
            n=len(values[group]),
            value=medians[group],
            reference_group=group_label(dimension_set, reference),
        )
        if group == reference:
            results.append(replace(finding, ratio=1.0, flag=FindingFlag.REFERENCE, note="The best-off group."))
            continue
        test, p_value = median_test(values[group], values[reference])
        ratio = medians[group] / medians[reference] if medians[reference] else None
        results.append(replace(finding, ratio=ratio, test=test, p_value=p_value))
    return results


def _survival_findings(dimension, dimension_set, shown, metric) -> list[Finding]:
    timed = {
        group: [(p.days_to_ready, p.reached_ready) for p in members if p.days_to_ready is not None]
        for group, members in shown.items()
    }
    timed = {group: pairs for group, pairs in timed.items() if pairs}
    if not timed:
        return []
    medians = {group: kaplan_meier_median(*zip(*pairs, strict=True)) for group, pairs in timed.items()}
    reached = [group for group in timed if medians[group].median is not None]
    reference = min(reached, key=lambda group: (medians[group].median, -len(timed[group]), group), default=None)
    results = []
    for group in sorted(timed):
        median = medians[group]
        finding = Finding(
            dimension=dimension,
            group=group_label(dimension_set, group),
            metric=metric,
            people=len(shown[group]),
            n=len(timed[group]),
            events=sum(reached_ready for _, reached_ready in timed[group]),
            value=median.median,
            low=median.low,
            high=median.high,
            reference_group=group_label(dimension_set, reference) if reference else "",
            note="" if median.median is not None else "Median not reached: under half have reached readiness.",
        )
        if reference is None:
            results.append(replace(finding, note="Median not reached in any group: no comparison."))
            continue
        if group == reference:
            results.append(replace(finding, ratio=1.0, flag=FindingFlag.REFERENCE, note="The best-off group."))
            continue
        days, reached_flags = zip(*timed[group], strict=True)
        reference_days, reference_reached = zip(*timed[reference], strict=True)
        # Time is better when shorter: the ratio is the reference's median over the group's (0 when not reached).
        ratio = medians[reference].median / median.median if median.median else 0.0
        p_value = logrank_test(days, reached_flags, reference_days, reference_reached)
        results.append(replace(finding, ratio=ratio, test="log-rank", p_value=p_value))
    return results


def _reviewer_findings(people, reviews, dimensions, minimum_cell_size, seed) -> list[Finding]:
    """Pass rates each reviewer gave each learner group, against the same reviewer's best-off group."""
    groups_of = {person.person_id: person for person in people}
    results: list[Finding] = []
    by_reviewer: dict[tuple[int, str], list[ReviewFact]] = defaultdict(list)
    for review in reviews:
        if review.person_id in groups_of:
            by_reviewer[(review.reviewer_id, review.reviewer_name)].append(review)
    for (reviewer_id, reviewer_name), reviewed in sorted(by_reviewer.items()):
        for dimension in dimensions:
            cells: dict[tuple[str], list[ReviewFact]] = defaultdict(list)
            for review in reviewed:
                cells[(groups_of[review.person_id].group(dimension),)].append(review)
            learners = {group: len({review.person_id for review in cell}) for group, cell in cells.items()}
            hidden = suppressed_groups(learners, k=minimum_cell_size)
            counted = {
                group: (sum(review.passed for review in cell), len(cell))
                for group, cell in cells.items()
                if group not in hidden
            }
            label = f"{dimension} (reviewer {reviewer_name})"
            for group in sorted(hidden):
                results.append(
                    Finding(
                        dimension=label,
                        group=group_label((dimension,), group),
                        metric=EquityMetric.REVIEWER_PASS,
                        people=learners[group],
                        flag=FindingFlag.SUPPRESSED,
                        note="Suppressed: too few learners reviewed in this group.",
                        reviewer_id=reviewer_id,
                    )
                )
            if len(counted) < 2:
                continue
            table_p = table_test(list(counted.values()), seed=seed)
            reference = max(counted, key=lambda g: (counted[g][0] / counted[g][1], counted[g][1], g))
            reference_events, reference_n = counted[reference]
            for group in sorted(counted):
                events, n = counted[group]
                low, high = wilson_interval(events, n)
                finding = Finding(
                    dimension=label,
                    group=group_label((dimension,), group),
                    metric=EquityMetric.REVIEWER_PASS,
                    people=learners[group],
                    n=n,
                    events=events,
                    value=events / n,
                    low=low,
                    high=high,
                    reference_group=group_label((dimension,), reference),
                    table_p_value=table_p,
                    reviewer_id=reviewer_id,
                )
                if group == reference:
                    results.append(replace(finding, ratio=1.0, flag=FindingFlag.REFERENCE, note="The best-off group."))
                    continue
                test, p_value = two_by_two_test(events, n, reference_events, reference_n)
                ratio_low, ratio_high = ratio_interval(events, n, reference_events, reference_n)
                results.append(
                    replace(
                        finding,
                        ratio=impact_ratio(events, n, reference_events, reference_n),
                        ratio_low=ratio_low,
                        ratio_high=ratio_high,
                        test=test,
                        p_value=p_value,
                        one_person_flips=one_person_flips(events, n, reference_events, reference_n),
                    )
                )
    return results


def _apply_holm_and_flags(findings: list[Finding]) -> list[Finding]:
    tested = [index for index, finding in enumerate(findings) if finding.p_value is not None]
    adjusted = holm_adjust([findings[index].p_value for index in tested])
    for index, p_adjusted in zip(tested, adjusted, strict=True):
        findings[index] = replace(findings[index], p_adjusted=p_adjusted)
    for index, finding in enumerate(findings):
        if finding.flag in (FindingFlag.SUPPRESSED, FindingFlag.REFERENCE):
            continue
        flag, why = flag_for(ratio=finding.ratio, p_adjusted=finding.p_adjusted, flips=finding.one_person_flips)
        findings[index] = replace(finding, flag=flag, note=" ".join(part for part in (finding.note, why) if part))
    return findings


def _finite(value) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None
