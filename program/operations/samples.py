"""Checking incoming samples, one at a time, against the org (services, regions) and the metric's unit.

Shared by the three ways in (CSV, the push API, Prometheus) so a sample means the same whichever way it came.
Pure given the lookups: `check_sample` returns a `SampleRow` or the reason it is refused.
"""

import datetime
import math
from dataclasses import dataclass

from .choices import Metric

# Names a file or a push may use for each metric (the stored value is in the metric's unit).
METRIC_ALIASES = {
    "availability": Metric.AVAILABILITY,
    "uptime": Metric.AVAILABILITY,
    "latency_p95_ms": Metric.LATENCY_P95,
    "p95_ms": Metric.LATENCY_P95,
    "p95_latency_ms": Metric.LATENCY_P95,
    "payment_error_rate": Metric.PAYMENT_ERROR_RATE,
    "error_rate": Metric.PAYMENT_ERROR_RATE,
}
RATIO_METRICS = frozenset({Metric.AVAILABILITY, Metric.PAYMENT_ERROR_RATE})
EARLIEST = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
# A sample may start at most this far ahead of the server's clock (clock skew), never in the future beyond it.
FUTURE_TOLERANCE = datetime.timedelta(minutes=5)
MAX_STEP_SECONDS = 7 * 24 * 3600
MAX_LATENCY_MS = 3_600_000


@dataclass(frozen=True)
class SampleRow:
    """A checked sample, ready to store."""

    service_id: int
    region_id: int | None
    metric: str
    at: datetime.datetime
    step_seconds: int
    value: float

    @property
    def key(self) -> tuple:
        return (self.service_id, self.region_id, self.metric, self.at)


class SampleRefused(ValueError):
    """Why a sample cannot be stored; the message names the field."""


def parse_time(text) -> datetime.datetime:
    """ISO 8601 (a time without an offset is UTC) or unix seconds, as an aware UTC datetime."""
    if isinstance(text, int | float) and not isinstance(text, bool):
        seconds = float(text)
    else:
        text = str(text).strip()
        if not text:
            raise SampleRefused("time: missing")
        try:
            seconds = float(text)
        except ValueError:
            try:
                parsed = datetime.datetime.fromisoformat(text)
            except ValueError as error:
                raise SampleRefused(f"time: {text[:40]!r} is neither ISO 8601 nor unix seconds") from error
            if parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=datetime.UTC)
            try:
                return parsed.astimezone(datetime.UTC)
            except OverflowError as error:
                raise SampleRefused(f"time: {text[:40]!r} is out of range") from error
    if not math.isfinite(seconds):
        raise SampleRefused("time: not a finite number")
    try:
        return datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC)
    except (OverflowError, OSError, ValueError) as error:
        raise SampleRefused(f"time: {seconds!r} is out of range") from error


def parse_metric(text) -> str:
    name = str(text or "").strip().lower()
    if name in Metric.values:
        return name
    if name in METRIC_ALIASES:
        return METRIC_ALIASES[name]
    raise SampleRefused(f"metric: {name[:40]!r} is not one of {', '.join(Metric.values)}")


def check_value(metric: str, text) -> float:
    if isinstance(text, bool):
        raise SampleRefused("value: not a number")
    try:
        value = float(text)
    except (TypeError, ValueError) as error:
        raise SampleRefused(f"value: {str(text)[:40]!r} is not a number") from error
    if not math.isfinite(value):
        raise SampleRefused("value: NaN and ±Inf are gaps, not samples: leave the sample out")
    if metric in RATIO_METRICS and not 0 <= value <= 1:
        raise SampleRefused(f"value: {metric} is a ratio between 0 and 1, not {value:g}")
    if metric == Metric.LATENCY_P95 and not 0 <= value <= MAX_LATENCY_MS:
        raise SampleRefused(f"value: a latency in ms between 0 and {MAX_LATENCY_MS}, not {value:g}")
    return value


def check_sample(
    raw: dict,
    *,
    services: dict[str, int],
    regions: dict[str, int],
    now: datetime.datetime,
    default_step: int = 3600,
) -> SampleRow:
    """A `SampleRow` from raw fields (time, service, region, metric, value, optional step_seconds)."""
    service_slug = str(raw.get("service") or "").strip()
    if not service_slug:
        raise SampleRefused("service: missing")
    if service_slug not in services:
        raise SampleRefused(f"service: no service {service_slug[:64]!r}")
    region_code = str(raw.get("region") or "").strip()
    if region_code and region_code not in regions:
        raise SampleRefused(f"region: no region {region_code[:32]!r}")
    metric = parse_metric(raw.get("metric"))
    at = parse_time(raw.get("time"))
    if at < EARLIEST:
        raise SampleRefused(f"time: {at:%Y-%m-%d} is before 2000")
    if at > now + FUTURE_TOLERANCE:
        raise SampleRefused(f"time: {at.isoformat()} is in the future")
    step_text = raw.get("step_seconds")
    if step_text in (None, ""):
        step = default_step
    else:
        try:
            step = int(str(step_text).strip())
        except ValueError as error:
            raise SampleRefused(f"step_seconds: {str(step_text)[:20]!r} is not a whole number") from error
        if not 1 <= step <= MAX_STEP_SECONDS:
            raise SampleRefused(f"step_seconds: between 1 and {MAX_STEP_SECONDS}")
    value = check_value(metric, raw.get("value"))
    return SampleRow(services[service_slug], regions[region_code] if region_code else None, metric, at, step, value)
