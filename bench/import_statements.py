"""Benchmark: import 1,000,000 xAPI statements from NDJSON; prints statements/s and memory over the run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lrs_bench .venv/bin/python bench/import_statements.py [COUNT]

Target (issue 3): at least 5,000 statements/s on the 2-core machine, memory flat however large the file.
The database's LRS tables are emptied first; the file is generated once under bench/out/.
"""

import itertools
import json
import os
import random
import resource
import sys
import time
import uuid
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "program.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
LEARNERS, SCENARIOS = 500, 25
PREFIX = "https://readiness-portal.example/xapi"


def statement(rng: random.Random, index: int) -> dict:
    raw = rng.randint(20, 50)
    second = index % 86400
    clock = f"{second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}"
    return {
        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "actor": {"objectType": "Agent", "mbox": f"mailto:learner{index % LEARNERS}@bench.example", "name": "L"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en-US": "completed"}},
        "object": {"objectType": "Activity", "id": f"{PREFIX}/activities/scenario/bench-{index % SCENARIOS}"},
        "result": {"score": {"raw": raw, "min": 0, "max": 50}, "success": raw >= 40, "duration": "PT14M30S"},
        "context": {
            "registration": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "extensions": {f"{PREFIX}/extensions/role": "sre", f"{PREFIX}/extensions/time-to-detect": 90},
        },
        "timestamp": f"2026-10-{1 + index // 86400 % 28:02d}T{clock}Z",
        "stored": "2026-11-20T10:00:00.000000+00:00",
        "authority": {"objectType": "Agent", "mbox": "mailto:lrs@bench.example"},
        "version": "1.0.3",
    }


def export_file(count: int) -> Path:
    path = OUT / f"statements-{count}.ndjson"
    if not path.exists():
        OUT.mkdir(exist_ok=True)
        rng = random.Random(42)
        started = time.perf_counter()
        with open(path, "w") as stream:
            for index in range(count):
                stream.write(json.dumps(statement(rng, index)) + "\n")
        print(f"generated {path.name} ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - started:.0f} s")
    return path


def org_setup() -> None:
    """Empty the LRS tables, then the learners and scenarios the statements name, so they make attempts."""
    from tests.assessments.factories import ScenarioFactory
    from tests.program.factories import PersonFactory

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE assessments_statement, assessments_quarantinedstatement, assessments_lrssyncrun, "
            "assessments_actoridentity, assessments_attempt CASCADE"
        )
    from assessments.models import Scenario
    from program.models import Person

    for index in range(LEARNERS):
        if not Person.objects.filter(email=f"learner{index}@bench.example").exists():
            PersonFactory(email=f"learner{index}@bench.example")
    for index in range(SCENARIOS):
        if not Scenario.objects.filter(key=f"bench-{index}").exists():
            ScenarioFactory(key=f"bench-{index}", xapi_activity_iri=f"{PREFIX}/activities/scenario/bench-{index}")


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def main() -> None:
    from assessments.lrs.importing import statements_import

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    if connection.vendor != "postgresql":
        sys.exit("Run it on PostgreSQL: set DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/lrs_bench)")
    call_command("migrate", verbosity=0)
    path = export_file(count)
    org_setup()
    samples = []
    size = path.stat().st_size

    def progress(result, position):
        samples.append((position / size, rss_mb(), time.perf_counter() - started))

    started, cpu_started = time.perf_counter(), time.process_time()
    run = statements_import(path=path, batch_size=2000, progress=progress)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    print(f"import of {count:,} statements: {run.status}, {run.new:,} new, {run.attempts_created:,} attempts")
    print(f"  {elapsed:.1f} s, {count / elapsed:,.0f} statements/s (target ≥ 5,000/s)")
    print(f"  CPU of this process: {cpu:.1f} s ({cpu / count * 1e6:.0f} µs a statement); the rest is PostgreSQL")
    print(f"  load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for share in (0.1, 0.25, 0.5, 0.75, 1.0):
        fraction, rss, _ = min(samples, key=lambda sample: abs(sample[0] - share))
        print(f"  RSS at {fraction:4.0%} of the file: {rss:6.1f} MB")
    # A rate that falls as the tables grow means a query that does not scale (e.g. a plan that scans a table).
    tenths = [min(samples, key=lambda sample: abs(sample[0] - share / 10)) for share in range(11)]
    tenths[0] = (0.0, 0.0, 0.0)
    rates = [
        f"{(after[0] - before[0]) * count / (after[2] - before[2]):,.0f}"
        for before, after in itertools.pairwise(tenths)
        if after[2] > before[2]
    ]
    print(f"  statements/s in each tenth of the file: {' '.join(rates)}")
    print(f"  peak RSS (ru_maxrss): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f} MB")


if __name__ == "__main__":
    main()
