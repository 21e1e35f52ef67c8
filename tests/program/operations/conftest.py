"""A real Prometheus holding known series, shared by the module's tests (started once per session)."""

import datetime
import math
import os
import time
from dataclasses import dataclass

import pytest

from .prometheus_server import binaries_missing, openmetrics_family, start_prometheus

MINUTE, HOUR, DAY = 60, 3600, 86400
# promtool reads the whole file once per 2-hour block, so the data spans two days only (a few seconds to load).
# The one-minute pull over a longer range still needs two pages: Prometheus counts points from start, end
# and step, whether or not there is data.
DATA_DAYS = 2
GAUGE_DAYS = COUNTER_DAYS = DATA_DAYS
SPLIT_RANGE_DAYS = 9


def availability_at(index: int) -> float:
    """The loaded availability at minute `index`; NaN and +Inf at a few known minutes (gaps)."""
    if index % 780 == 120:  # every 13 hours, on the hour
        return math.nan
    if index % 1140 == 300:  # every 19 hours, on the hour
        return math.inf
    return 0.99 + (index % 1000) / 100_000


def p95_seconds_at(index: int) -> float:
    return 0.8 + (index % 300) / 1000


def payment_error_ratio_at(index: int) -> float:
    return (index % 50) / 10_000


@dataclass(frozen=True)
class LoadedData:
    """What the server holds: one-minute gauges and counters over [gauge_start, end] (counter_start = gauge_start)."""

    url: str
    end: int  # a whole hour, more than 3 hours ago
    gauge_start: int
    counter_start: int

    def index(self, timestamp: int) -> int:
        return (timestamp - self.gauge_start) // MINUTE

    def at(self, timestamp: int) -> datetime.datetime:
        return datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC)


def _lines(data_end: int, gauge_start: int, counter_start: int):
    minutes = range(gauge_start, data_end + 1, MINUTE)

    def gauge(function, labels):
        return labels, ((ts, function((ts - gauge_start) // MINUTE)) for ts in minutes)

    cart = {"service": "cart", "region": "emea"}
    yield from openmetrics_family(
        "demo_availability_ratio",
        "gauge",
        [
            gauge(availability_at, cart),
            gauge(availability_at, {"service": "ghost", "region": "emea"}),  # no such service: refused
            gauge(lambda i: 0.995, {"service": "deploy-pipeline"}),  # no region label: one global series
        ],
    )
    yield from openmetrics_family("demo_p95_seconds", "gauge", [gauge(p95_seconds_at, cart)])
    yield from openmetrics_family("demo_payment_error_ratio", "gauge", [gauge(payment_error_ratio_at, cart)])

    # Linear counters, so a rate over any window is exact: 1 request/s of which 0.001/s fail (5xx); latency
    # buckets 0.5 s: 50%, 1 s: 90%, 2 s: 100% (p95 = 1.5 s by interpolation); payments 1/s, 0.5% failing.
    checkout = {"service": "checkout-web", "region": "apac"}
    counter_minutes = range(counter_start, data_end + 1, 5 * MINUTE)  # linear: five-minute samples suffice

    def counter(per_second, labels):
        return labels, ((ts, per_second * (ts - counter_start)) for ts in counter_minutes)

    yield from openmetrics_family(
        "http_requests",
        "counter",
        [counter(0.999, checkout | {"code": "200"}), counter(0.001, checkout | {"code": "503"})],
        sample_name="http_requests_total",
    )
    buckets = [("0.5", 0.5), ("1", 0.9), ("2", 1.0), ("+Inf", 1.0)]
    yield "# TYPE http_request_duration_seconds histogram\n"
    for le, share in buckets:
        for line in openmetrics_family(
            "x", "gauge", [counter(share, checkout | {"le": le})], sample_name="http_request_duration_seconds_bucket"
        ):
            if not line.startswith("#"):
                yield line
    yield from openmetrics_family(
        "payment_attempts",
        "counter",
        [counter(0.995, checkout | {"outcome": "ok"}), counter(0.005, checkout | {"outcome": "error"})],
        sample_name="payment_attempts_total",
    )


@pytest.fixture(scope="session")
def prometheus_data(tmp_path_factory) -> LoadedData:
    """Prometheus on a free 127.0.0.1 port with its own config and storage, holding the series above."""
    missing = binaries_missing()
    if missing:
        message = f"{', '.join(missing)} not installed: run scripts/bootstrap_prometheus (scripts/test does)"
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    end = (int(time.time()) - 4 * HOUR) // HOUR * HOUR
    gauge_start, counter_start = end - GAUGE_DAYS * DAY, end - COUNTER_DAYS * DAY
    server = start_prometheus(tmp_path_factory.mktemp("prometheus"), _lines(end, gauge_start, counter_start))
    try:
        yield LoadedData(server.url, end, gauge_start, counter_start)
    finally:
        server.stop()
