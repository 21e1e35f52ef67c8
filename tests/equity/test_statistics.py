"""The audit statistics against published answers, and the program's rules (flags, suppression, Holm)."""

import random

import pytest

from equity import statistics as st
from equity.choices import EquityMetric, FindingFlag


def test_wilson_interval_matches_newcombe_1998():
    # Newcombe, Statistics in Medicine 17:857 (1998), Table I: 81/263 → 0.2553 to 0.3662; 15/148 → 0.0624 to 0.1605.
    assert st.wilson_interval(81, 263) == pytest.approx((0.2553, 0.3662), abs=5e-5)
    assert st.wilson_interval(15, 148) == pytest.approx((0.0624, 0.1605), abs=5e-5)


def test_fisher_on_the_lady_tasting_tea():
    # Fisher (1935): 3 of 4 cups right on each side; two-sided p = 34/70 = 0.4857.
    test, p_value = st.two_by_two_test(3, 4, 1, 4)
    assert test == "boschloo"  # expected cells of 2: small
    events = 30, 60, 15, 60
    test, p_value = st.two_by_two_test(*events)
    assert test == "fisher"
    from scipy.stats import fisher_exact

    assert p_value == pytest.approx(fisher_exact([[30, 30], [15, 45]]).pvalue)
    assert fisher_exact([[3, 1], [1, 3]]).pvalue == pytest.approx(34 / 70)


def test_boschloo_on_small_cells_is_more_powerful_than_fisher():
    test, p_value = st.two_by_two_test(2, 10, 7, 10)
    assert test == "boschloo"
    assert p_value == pytest.approx(0.032, abs=1e-3)  # Fisher's would be 0.070


def test_table_test_on_more_than_two_groups_is_seeded():
    counts = [(10, 30), (15, 30), (5, 30)]
    assert st.table_test(counts, seed=3) == st.table_test(counts, seed=3)
    assert 0 < st.table_test(counts, seed=3) < 0.1


def test_impact_ratio_and_one_person_flip():
    assert st.impact_ratio(6, 10, 9, 10) == pytest.approx(2 / 3)
    # 7/10 against 9/10 is 0.78; 8/10 would be 0.89: one person flips it.
    assert st.one_person_flips(7, 10, 9, 10)
    # 30/100 against 90/100: nobody alone changes that.
    assert not st.one_person_flips(30, 100, 90, 100)
    # 0.81 that one person fewer would bring under 0.8.
    assert st.one_person_flips(73, 100, 90, 100)


@pytest.mark.parametrize(
    ("ratio", "p_adjusted", "flips", "flag"),
    [
        (0.6, 0.01, False, FindingFlag.RED),
        (0.6, 0.2, False, FindingFlag.AMBER),
        (0.78, 0.01, True, FindingFlag.AMBER),
        (0.9, 0.01, False, FindingFlag.GREEN),
        (0.95, 0.9, False, FindingFlag.GREEN),
        (None, None, False, FindingFlag.AMBER),
    ],
)
def test_flag_rules(ratio, p_adjusted, flips, flag):
    assert st.flag_for(ratio=ratio, p_adjusted=p_adjusted, flips=flips)[0] == flag


def test_holm_adjustment():
    assert st.holm_adjust([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])


def test_small_groups_suppressed_with_a_complementary_one():
    sizes = {("emea",): 40, ("apac",): 4, ("americas",): 25}
    # apac alone would be worked out from the total: americas (the next smallest) goes too.
    assert st.suppressed_groups(sizes, k=11) == {("apac",), ("americas",)}
    assert st.suppressed_groups({("a",): 11, ("b",): 12}, k=11) == set()
    # Two small groups together under k: a third is needed.
    assert st.suppressed_groups({("a",): 3, ("b",): 4, ("c",): 30, ("d",): 50}, k=11) == {("a",), ("b",), ("c",)}


def test_pair_tables_suppress_along_rows_and_columns():
    sizes = {
        ("emea", "day"): 30,
        ("emea", "night"): 5,
        ("apac", "day"): 20,
        ("apac", "night"): 25,
    }
    hidden = st.suppressed_groups(sizes, k=11)
    # emea/night is small; its row (emea) and column (night) each need a second suppressed cell.
    assert ("emea", "night") in hidden
    assert len([g for g in hidden if g[0] == "emea"]) >= 2
    assert len([g for g in hidden if g[1] == "night"]) >= 2


def test_kaplan_meier_median_and_not_reached():
    median = st.kaplan_meier_median([5, 8, 12, 12, 15, 20, 22, 30, 31, 40], [1, 1, 1, 0, 1, 1, 0, 1, 0, 0])
    assert median.median == 20
    assert median.low == 5 and median.high is None  # open above: the curve never goes below the band
    not_reached = st.kaplan_meier_median([10, 20, 30, 40], [1, 0, 0, 0])
    assert not_reached.median is None


def test_logrank_on_censored_groups():
    from scipy import stats

    x = stats.CensoredData(uncensored=[1, 2, 3], right=[4])
    y = stats.CensoredData(uncensored=[5, 6], right=[7, 8])
    assert st.logrank_test([1, 2, 3, 4], [1, 1, 1, 0], [5, 6, 7, 8], [1, 1, 0, 0]) == pytest.approx(
        stats.logrank(x, y).pvalue
    )


def _person(pid, region, shift, *, ready, first_passes, first_tries=2, reached=None, days=None):
    return st.PersonFacts(
        person_id=pid,
        groups=(("region", region), ("shift", shift)),
        enrolled=True,
        took_lab=True,
        took_drill=pid % 2 == 0,
        practice_minutes=60.0 + pid % 7,
        ready=ready,
        first_tries=first_tries,
        first_try_passes=first_passes,
        median_score=80.0 + pid % 5,
        days_to_ready=days if days is not None else 30.0 + pid % 20,
        reached_ready=ready if reached is None else reached,
    )


def test_audit_flags_a_real_gap_red_and_keeps_small_groups_out():
    rng = random.Random(4)
    people = []
    for pid in range(60):
        people.append(_person(pid, "emea", "day" if pid % 2 else "night", ready=rng.random() < 0.85, first_passes=2))
    for pid in range(60, 120):
        people.append(_person(pid, "apac", "day" if pid % 2 else "night", ready=rng.random() < 0.3, first_passes=1))
    for pid in range(120, 125):
        people.append(_person(pid, "americas", "day", ready=True, first_passes=2))
    for pid in range(125, 145):
        people.append(_person(pid, "latam", "day", ready=True, first_passes=2))
    findings = st.audit_findings(people=people, dimensions=["region", "shift"], minimum_cell_size=11)
    by_key = {(f.dimension, f.group, f.metric): f for f in findings}
    apac = by_key[("region", "region=apac", EquityMetric.READINESS)]
    assert apac.flag == FindingFlag.RED and apac.ratio < 0.8 and apac.p_adjusted < 0.05
    assert apac.low < apac.value < apac.high
    assert by_key[("region", "region=emea", EquityMetric.READINESS)].flag == FindingFlag.REFERENCE
    americas = by_key[("region", "region=americas", EquityMetric.READINESS)]
    assert americas.flag == FindingFlag.SUPPRESSED and americas.value is None
    # latam (20 people) is hidden too, or americas would follow from the total.
    assert by_key[("region", "region=latam", EquityMetric.READINESS)].flag == FindingFlag.SUPPRESSED
    # Every p-value of the audit went through one Holm correction.
    tested = [f for f in findings if f.p_value is not None]
    assert all(f.p_adjusted >= f.p_value for f in tested)
    # Pairs are audited too.
    assert any(f.dimension == "region × shift" for f in findings)


def test_audit_small_gap_on_few_people_is_amber():
    people = [_person(pid, "emea", "day", ready=pid < 10, first_passes=2) for pid in range(12)]
    people += [_person(pid, "apac", "day", ready=pid < 107, first_passes=2) for pid in range(100, 112)]
    findings = st.audit_findings(people=people, dimensions=["region"], minimum_cell_size=11)
    apac = next(f for f in findings if f.group == "region=apac" and f.metric == EquityMetric.READINESS)
    assert apac.ratio < 0.8 and apac.flag == FindingFlag.AMBER


def test_reviewer_who_scores_one_group_harder_shows_up():
    people = [_person(pid, "emea" if pid < 40 else "apac", "day", ready=True, first_passes=2) for pid in range(80)]
    reviews = [st.ReviewFact(7, "Rita", pid, passed=pid < 40 or pid % 4 == 0) for pid in range(80)]
    reviews += [st.ReviewFact(8, "Omar", pid, passed=pid % 10 != 0) for pid in range(80)]
    findings = st.audit_findings(people=people, reviews=reviews, dimensions=["region"], minimum_cell_size=11)
    reviewer = {(f.reviewer_id, f.group): f for f in findings if f.metric == EquityMetric.REVIEWER_PASS}
    assert reviewer[(7, "region=apac")].flag == FindingFlag.RED
    assert reviewer[(8, "region=apac")].flag in (FindingFlag.GREEN, FindingFlag.REFERENCE)


def test_time_to_readiness_not_reached_is_said():
    people = [_person(pid, "emea", "day", ready=True, first_passes=2, days=20 + pid) for pid in range(15)]
    people += [
        _person(pid, "apac", "day", ready=pid < 103, first_passes=2, reached=pid < 103, days=90)
        for pid in range(100, 115)
    ]
    findings = st.audit_findings(people=people, dimensions=["region"], minimum_cell_size=11)
    apac = next(f for f in findings if f.group == "region=apac" and f.metric == EquityMetric.TIME_TO_READY)
    assert apac.value is None and "not reached" in apac.note
    assert apac.flag == FindingFlag.RED  # 0 ratio, log-rank significant
