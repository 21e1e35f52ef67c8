"""Reads of service levels: series, SLO status (budget, burn-rate alerts), upcoming events."""

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from program.models import Service

from . import slo
from .choices import Metric
from .models import MetricSample, OperationalEvent, ServiceLevelObjective


@dataclass(frozen=True)
class SloStatus:
    """Where a service stands against its objective, over the objective's window ending `now`."""

    objective: ServiceLevelObjective
    window_start: datetime.datetime
    now: datetime.datetime
    availability: slo.BudgetStatus
    availability_alerts: list[slo.BurnAlert]
    payment_errors: slo.BudgetStatus
    payment_error_alerts: list[slo.BurnAlert]
    latency_within_target: float | None  # share of (hourly, regional) p95 samples at or under the target

    @property
    def firing(self) -> list[str]:
        """Names of the alerts firing now, e.g. ['availability fast burn']."""
        by_metric = (("availability", self.availability_alerts), ("payment errors", self.payment_error_alerts))
        return [f"{what} {alert.rule.name}" for what, alerts in by_metric for alert in alerts if alert.firing]


def metric_samples(
    *, service: Service, metric: str, start: datetime.datetime, end: datetime.datetime
) -> QuerySet[MetricSample]:
    """A service's samples of one metric (every region) whose interval starts in [start, end)."""
    return MetricSample.objects.filter(service=service, metric=metric, at__gte=start, at__lt=end).order_by("at", "id")


def _points(rows, *, bad) -> list[slo.Point]:
    """Error-ratio points; regions of one instant weigh the same (no traffic counts are stored)."""
    return [slo.Point(at.timestamp(), step, bad(value)) for at, step, value in rows]


def slo_status(*, objective: ServiceLevelObjective, now: datetime.datetime | None = None) -> SloStatus:
    """Budget spent and left, burn-rate alerts (fast: 14.4× over 1 h and 5 min; slow: 6× over 6 h and 30 min)
    and latency compliance of one service, in three queries."""
    now = now or timezone.now()
    start = now - datetime.timedelta(days=objective.window_days)
    service = objective.service

    def rows(metric):
        # Samples that started a step before the window still overlap it; the arithmetic clips them.
        queryset = metric_samples(service=service, metric=metric, start=start - datetime.timedelta(days=1), end=now)
        return list(queryset.values_list("at", "step_seconds", "value"))

    availability_target = float(objective.availability_target)
    # A payment error-rate objective of 0.25% is a 99.75% objective on payments that succeed.
    payment_objective = 1.0 - float(objective.payment_error_rate_target)
    availability_points = _points(rows(Metric.AVAILABILITY), bad=lambda value: 1.0 - value)
    payment_points = _points(rows(Metric.PAYMENT_ERROR_RATE), bad=lambda value: value)
    latency_values = [value for at, _step, value in rows(Metric.LATENCY_P95) if at >= start]
    window = {"start": start.timestamp(), "end": now.timestamp()}
    return SloStatus(
        objective=objective,
        window_start=start,
        now=now,
        availability=slo.budget_status(availability_points, objective=availability_target, **window),
        availability_alerts=slo.burn_alerts(availability_points, objective=availability_target, now=now.timestamp()),
        payment_errors=slo.budget_status(payment_points, objective=payment_objective, **window),
        payment_error_alerts=slo.burn_alerts(payment_points, objective=payment_objective, now=now.timestamp()),
        latency_within_target=slo.share_within(latency_values, objective.latency_p95_target_ms),
    )


def events_upcoming(*, now: datetime.datetime | None = None, within_days: int) -> QuerySet[OperationalEvent]:
    """Events that have not ended and start within `within_days`, with their services and region."""
    now = now or timezone.now()
    return (
        OperationalEvent.objects.filter(ends_at__gt=now, starts_at__lte=now + datetime.timedelta(days=within_days))
        .select_related("region")
        .prefetch_related("services__team")
        .order_by("starts_at", "id")
    )
