"""Benchmark of the impact method's honesty on synthetic services (tests/equity/synthetic.py): prints, for each
number of units per arm, how often the 95% interval covers a known effect and how often no effect is flagged.

    .venv/bin/python bench/impact_method.py [DATASETS]

Target (issue 12): the interval covers the known effect in at least 93 of 100 seeded datasets, and with no
effect at most 7 of 100 are flagged (interval clear of zero and permutation p < 0.05). The test suite runs a
20-dataset version (tests/equity/test_impact.py). Also prints the percentile bootstrap's coverage, to show why
the interval is a bootstrap-t.
"""

import sys
import time
from pathlib import Path

import numpy as np
from scipy import stats

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from equity.impact import RESAMPLES, analyse, unit_change  # noqa: E402
from tests.equity.synthetic import synthetic_units  # noqa: E402

EFFECT = -60.0


def percentile_interval(units, design):
    changes = [(u.treated, unit_change(u, design)) for u in units]
    treated = np.array([c for t, c in changes if t])
    control = np.array([c for t, c in changes if not t])
    interval = stats.bootstrap(
        (treated, control),
        lambda t, c, axis=-1: t.mean(axis=axis) - c.mean(axis=axis),
        vectorized=True,
        n_resamples=RESAMPLES,
        method="percentile",
        rng=np.random.default_rng(design.seed),
    ).confidence_interval
    return interval.low, interval.high


def main(datasets: int) -> None:
    print(f"{datasets} datasets per row, effect {EFFECT} ms, 95% intervals")
    print("units/arm  covered  flagged(no effect)  placebo flagged  percentile covered  seconds")
    for per_arm in (3, 6, 8, 12):
        started = time.perf_counter()
        covered = flagged = placebo_flagged = percentile_covered = 0
        for seed in range(datasets):
            units, design = synthetic_units(seed, effect=EFFECT, treated=per_arm, control=per_arm)
            result = analyse(units, design)
            covered += result.main.low <= EFFECT <= result.main.high
            placebo_flagged += bool(result.placebo and result.placebo.detected)
            low, high = percentile_interval(units, design)
            percentile_covered += low <= EFFECT <= high
            units, design = synthetic_units(1000 + seed, effect=0.0, treated=per_arm, control=per_arm)
            flagged += analyse(units, design).main.detected
        seconds = time.perf_counter() - started
        row = (per_arm, covered, flagged, placebo_flagged, percentile_covered)
        print("{:>9}  {:>7}  {:>18}  {:>15}  {:>18}".format(*row), f"{seconds:8.1f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
