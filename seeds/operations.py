"""The demo's service levels: seven months of hourly availability, p95 and payment error rate per service and
region, the SLOs, and the season's events, shaped by seeds/data/operations.toml (shared with the incidents demo).

Pure planning (`plan_series`: deterministic, seeded per series) and a loader step that stores what is missing
with bulk_create. The story: before the program ~99.93% and ~1.1 s; "trained" services ramp to ~99.98% and
~0.85 s after their training date; "holdout" services trained later and gain only part of it; sale days spike.
"""

import datetime
import math
import random
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from program.models import MetricSample, OperationalEvent, Region, Service, ServiceLevelObjective
from program.operations.choices import Metric, SampleOrigin

from .data_files import DATA_DIR

OPERATIONS_FILE = DATA_DIR / "operations.toml"
HOUR = datetime.timedelta(hours=1)
INSERT_BATCH = 10_000


def read_operations(path: Path = OPERATIONS_FILE) -> dict:
    """The parsed operations.toml (trained/holdout split, training dates, levels, SLOs, events)."""
    return tomllib.loads(path.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class ServicePlan:
    slug: str
    group: str | None  # "trained", "holdout" or None (off the checkout path: flat, not analysed)
    trained_on: datetime.date | None
    regions: list[str]


def service_plans(operations: dict, today: datetime.date) -> list[ServicePlan]:
    """Each service's group and training date (today − trained_days_ago)."""
    return [
        ServicePlan(
            entry["slug"],
            entry.get("group"),
            today - datetime.timedelta(days=entry["trained_days_ago"]) if entry.get("trained_days_ago") else None,
            list(entry.get("regions", [])),
        )
        for entry in operations["services"]
    ]


def sale_hours(operations: dict, today: datetime.date) -> list[tuple[datetime.datetime, datetime.datetime, set, str]]:
    """(start, end, services or empty = all on the path, region or "") of each event: traffic spikes."""
    midnight = datetime.datetime.combine(today, datetime.time(0), tzinfo=datetime.UTC)
    return [
        (
            midnight + datetime.timedelta(days=event["starts_in_days"]),
            midnight + datetime.timedelta(days=event["starts_in_days"] + event["duration_days"]),
            set(event.get("services", [])),
            event.get("region", ""),
        )
        for event in operations["events"]
    ]


def progress(plan: ServicePlan, day: datetime.date, shape: dict) -> float:
    """Share of the before → after improvement reached on `day` (0 before training, then a linear ramp)."""
    if plan.group is None or plan.trained_on is None or day < plan.trained_on:
        return 0.0
    ramp = min(1.0, (day - plan.trained_on).days / shape["ramp_days"])
    return ramp * (1.0 if plan.group == "trained" else shape["holdout_gain"])


def plan_series(
    plan: ServicePlan, region: str, *, operations: dict, today: datetime.date, seed: int
) -> Iterator[tuple[datetime.datetime, float, float, float]]:
    """(hour, availability, p95 ms, payment error rate) for every hour of the demo window, deterministic."""
    rng = random.Random(f"{seed}:{plan.slug}:{region}")
    before, after, shape = operations["levels"]["before"], operations["levels"]["after"], operations["shape"]
    factor_before = shape["region_p95_factor_before"].get(region, 1.0)
    factor_after = shape["region_p95_factor_after"].get(region, 1.0)
    dip_low, dip_high = shape["dip_depth"]
    sales = sale_hours(operations, today)
    start = datetime.datetime.combine(today, datetime.time(0), tzinfo=datetime.UTC) - datetime.timedelta(
        days=operations["days"]
    )
    for index in range(operations["days"] * 24):
        at = start + index * HOUR
        gain = progress(plan, at.date(), shape)
        on_sale = (
            any(
                begin <= at < end and (not services or plan.slug in services) and (not where or where == region)
                for begin, end, services, where in sales
            )
            and plan.group is not None
        )
        # Unavailability: a smooth part plus rare dips (partial outages); fewer dips as the team gets better,
        # the smooth part set so the mean over time stays on the target level.
        level = before["availability"] + gain * (after["availability"] - before["availability"])
        dip_chance = shape["dip_chance"] * (1.0 - 0.5 * gain) * (1.5 if on_sale else 1.0)
        smooth = max(1.0 - level - dip_chance * (dip_low + dip_high) / 2, 0.00002)
        bad = smooth * rng.gammavariate(4.0, 0.25)
        if rng.random() < dip_chance:
            bad += rng.uniform(dip_low, dip_high)
        availability = max(0.0, 1.0 - bad)
        # p95: level per region, a daily traffic curve (peak in the evening UTC), noise, and the sale spike.
        p95_level = before["p95_ms"] * factor_before + gain * (
            after["p95_ms"] * factor_after - before["p95_ms"] * factor_before
        )
        daily = 1.0 + 0.06 * math.sin(2 * math.pi * (at.hour - 13) / 24)
        p95 = p95_level * daily * max(0.5, rng.gauss(1.0, shape["p95_noise"]))
        errors_level = before["payment_error_rate"] + gain * (
            after["payment_error_rate"] - before["payment_error_rate"]
        )
        errors = errors_level * rng.gammavariate(6.0, 1 / 6.0)
        if on_sale:
            p95 *= shape["sale_p95_factor"]
            errors *= shape["sale_error_factor"]
        yield at, round(availability, 6), round(p95, 1), round(min(errors, 1.0), 6)


def load_operations(*, today: datetime.date, report=print) -> dict[str, int]:
    """Store what is missing: SLOs per service, the events, and the hourly samples (only when the demo has none:
    a second run changes nothing)."""
    operations = read_operations()
    created = {"service level objectives": 0, "events": 0, "metric samples": 0}
    services = {service.slug: service for service in Service.objects.select_related("team")}
    regions = dict(Region.objects.values_list("code", "id"))
    slo = operations["slo"]
    for service in services.values():
        if not ServiceLevelObjective.objects.filter(service=service).exists():
            ServiceLevelObjective.objects.create(
                service=service,
                window_days=slo["window_days"],
                availability_target=Decimal(str(slo["availability"])),
                latency_p95_target_ms=slo["p95_ms"],
                payment_error_rate_target=Decimal(str(slo["payment_error_rate"])),
            )
            created["service level objectives"] += 1
    midnight = datetime.datetime.combine(today, datetime.time(0), tzinfo=datetime.UTC)
    on_path = [service for service in services.values() if service.on_checkout_path]
    for entry in operations["events"]:
        if OperationalEvent.objects.filter(name=entry["name"]).exists():
            continue
        starts_at = midnight + datetime.timedelta(days=entry["starts_in_days"])
        event = OperationalEvent.objects.create(
            name=entry["name"],
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(days=entry["duration_days"]),
            region_id=regions[entry["region"]] if entry.get("region") else None,
            required_share=Decimal(str(entry["required_share"])),
        )
        event.services.set([services[slug] for slug in entry["services"]] if entry["services"] else on_path)
        created["events"] += 1
    if not MetricSample.objects.filter(origin=SampleOrigin.DEMO).exists():
        created["metric samples"] = _load_samples(operations, today, services, regions)
    return created


def _load_samples(operations: dict, today: datetime.date, services: dict, regions: dict) -> int:
    batch: list[MetricSample] = []
    total = 0
    for plan in service_plans(operations, today):
        service = services[plan.slug]
        for region in plan.regions or [""]:
            region_id = regions[region] if region else None
            for at, availability, p95, errors in plan_series(
                plan, region, operations=operations, today=today, seed=operations["seed"]
            ):
                for metric, value in (
                    (Metric.AVAILABILITY, availability),
                    (Metric.LATENCY_P95, p95),
                    (Metric.PAYMENT_ERROR_RATE, errors),
                ):
                    batch.append(
                        MetricSample(
                            service=service,
                            region_id=region_id,
                            metric=metric,
                            at=at,
                            step_seconds=3600,
                            value=value,
                            origin=SampleOrigin.DEMO,
                        )
                    )
                if len(batch) >= INSERT_BATCH:
                    MetricSample.objects.bulk_create(batch)
                    total += len(batch)
                    batch = []
    MetricSample.objects.bulk_create(batch)
    return total + len(batch)
