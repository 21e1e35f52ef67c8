"""Benchmark: pull the demo's service levels from a real Prometheus; prints the wall time of the portal's pull
(fetch, parse, store) and of a plain client fetching the same query_range pages, and their ratio.

    .venv/bin/python bench/prometheus_pull.py                 # SQLite in a temp file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/prom_bench .venv/bin/python bench/prometheus_pull.py

Two runs over every demo service, region and metric (seeds/data/operations.toml: 21 series × 3 metrics):
28 days at an hourly step, and 2 days of one-minute data at a one-minute step. Target (issue 11): ≤ 1.25×.
Needs prometheus and promtool (scripts/bootstrap_prometheus).
"""

import os
import sys
import tempfile
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "program.settings")
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/prometheus-bench.sqlite3"

import django  # noqa: E402

django.setup()

import datetime  # noqa: E402

import httpx  # noqa: E402
from django.core.management import call_command  # noqa: E402

from program.models import MetricSample, PrometheusSource, Region, Service, Team  # noqa: E402
from program.operations.prometheus import render_query, split_range  # noqa: E402
from program.operations.services import prometheus_source_pull  # noqa: E402
from seeds.operations import plan_series, read_operations, service_plans  # noqa: E402
from tests.program.operations.prometheus_server import openmetrics_family, start_prometheus  # noqa: E402

HOUR, MINUTE, DAY = 3600, 60, 86400
GAUGES = {
    "availability_query": "bench_availability_ratio",
    "latency_p95_query": "bench_p95_seconds",
    "payment_error_rate_query": "bench_payment_error_ratio",
}


def org_setup(operations) -> list[tuple[str, str]]:
    team, _ = Team.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    series = []
    for entry in operations["services"]:
        Service.objects.get_or_create(slug=entry["slug"], defaults={"name": entry["slug"], "team": team})
        for region in entry.get("regions") or [""]:
            if region:
                Region.objects.get_or_create(code=region, defaults={"name": region})
            series.append((entry["slug"], region))
    return series


def day_files(operations, start: int, end: int, step: int):
    """One OpenMetrics text per day: the demo's shape (hourly values) held for every `step` of the hour."""
    today = datetime.date.today() + datetime.timedelta(days=1)  # the series end at today's midnight: cover today
    values = {}
    for plan in service_plans(operations, today):
        for region in plan.regions or [""]:
            hourly = {
                int(at.timestamp()): row
                for at, *row in plan_series(plan, region, operations=operations, today=today, seed=operations["seed"])
            }
            values[(plan.slug, region)] = hourly
    for day_start in range(start, end + 1, DAY):
        day_end = min(day_start + DAY - step, end)

        def family(name, index, scale, day_start=day_start, day_end=day_end):
            def points(key):
                for ts in range(day_start, day_end + 1, step):
                    row = values[key].get(ts // HOUR * HOUR)
                    if row is not None:
                        yield ts, row[index] * scale

            labels = [({"service": s} | ({"region": r} if r else {}), points((s, r))) for s, r in values]
            return openmetrics_family(name, "gauge", labels)

        def lines(family=family):
            yield from family("bench_availability_ratio", 0, 1.0)
            yield from family("bench_p95_seconds", 1, 0.001)
            yield from family("bench_payment_error_ratio", 2, 1.0)

        yield lines()


def plain_fetch(url: str, source: PrometheusSource, start: int, end: int) -> tuple[float, int]:
    """The same query_range pages with a bare keep-alive client, bodies read and discarded."""
    pages = split_range(start, end, source.step_seconds)
    began = time.perf_counter()
    size = 0
    with httpx.Client(base_url=url, timeout=120) as client:
        for metric in ("availability", "latency_p95_ms", "payment_error_rate"):
            query = render_query(source.query_for(metric), source.step_seconds)
            for page in pages:
                response = client.get(
                    "/api/v1/query_range",
                    params={"query": query, "start": page.start, "end": page.end, "step": page.step},
                )
                response.raise_for_status()
                size += len(response.content)
    return time.perf_counter() - began, size


def run(name: str, url: str, step: int, start: int, end: int) -> None:
    source = PrometheusSource.objects.create(name=name, base_url=url, step_seconds=step, **GAUGES)
    window = {"start": datetime.datetime.fromtimestamp(start, datetime.UTC)}
    window["end"] = datetime.datetime.fromtimestamp(end, datetime.UTC)
    plain_fetch(url, source, start, end)  # warm Prometheus' caches once, for both
    rounds = []
    for _ in range(3):
        MetricSample.objects.all().delete()
        fetch_seconds, size = plain_fetch(url, source, start, end)
        began = time.perf_counter()
        result = prometheus_source_pull(source=source, **window)
        pull_seconds = time.perf_counter() - began
        rounds.append((pull_seconds / fetch_seconds, pull_seconds, fetch_seconds, result, size))
    ratio, pull_seconds, fetch_seconds, result, size = sorted(rounds, key=lambda r: r[0])[1]  # the median round
    print(
        f"{name}: {result.pages} pages, {result.samples:,} samples, {size / 1e6:.1f} MB; pull {pull_seconds:.2f} s, "
        f"plain fetch {fetch_seconds:.2f} s, ratio {ratio:.2f}× (rounds: {', '.join(f'{r[0]:.2f}' for r in rounds)})"
    )


def main() -> None:
    call_command("migrate", verbosity=0)
    operations = read_operations()
    org_setup(operations)
    end = (int(time.time()) - 4 * HOUR) // HOUR * HOUR
    hourly_start, minute_start = end - 28 * DAY, end - 2 * DAY
    with tempfile.TemporaryDirectory() as base:
        loading = time.perf_counter()
        files = [
            *day_files(operations, hourly_start, minute_start - HOUR, HOUR),
            *day_files(operations, minute_start, end, MINUTE),
        ]
        server = start_prometheus(Path(base), *files)
        print(
            f"Prometheus loaded in {time.perf_counter() - loading:.1f} s ({os.environ['DATABASE_URL'].split(':')[0]})"
        )
        try:
            run("28 days hourly", server.url, HOUR, hourly_start, end)
            run("2 days at one minute", server.url, MINUTE, minute_start, end)
        finally:
            server.stop()


if __name__ == "__main__":
    main()
