"""Service levels of the org: samples per service, region and metric; SLO targets; Prometheus sources; rejected
samples with their reason; and the calendar of sales and launches."""

import math
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from .choices import Metric, PullStatus, SampleOrigin, SourceAuth

# Sensible defaults for a service instrumented the usual way (labels `service` and `region`). `$window` is
# replaced by the pull's step (at least 5 minutes), so an hourly sample covers its whole hour.
DEFAULT_AVAILABILITY_QUERY = (
    'sum by (service, region) (rate(http_requests_total{code!~"5.."}[$window]))'
    " / sum by (service, region) (rate(http_requests_total[$window]))"
)
# A quantile of summed buckets, never an average of quantiles.
DEFAULT_LATENCY_P95_QUERY = (
    "histogram_quantile(0.95, sum by (service, region, le) (rate(http_request_duration_seconds_bucket[$window])))"
)
DEFAULT_PAYMENT_ERROR_RATE_QUERY = (
    'sum by (service, region) (rate(payment_attempts_total{outcome="error"}[$window]))'
    " / sum by (service, region) (rate(payment_attempts_total[$window]))"
)


class MetricSample(models.Model):
    """One value of one service level: a service (and region, when the source has one), a metric, the start of
    the interval it covers and its length (the source's resolution is kept, never resampled).

    One row per (service, region, metric, time): every way in replaces what is there, so re-reading a window
    never doubles it. A gap (no data, or NaN from the source) is no row at all, never a zero.
    """

    service = models.ForeignKey("program.Service", on_delete=models.CASCADE, related_name="metric_samples")
    region = models.ForeignKey(
        "program.Region", null=True, blank=True, on_delete=models.CASCADE, related_name="metric_samples"
    )
    metric = models.CharField(max_length=32, choices=Metric.choices)
    at = models.DateTimeField(help_text="Start of the interval the value covers (UTC).")
    step_seconds = models.PositiveIntegerField(default=3600, help_text="Length of the interval (the resolution).")
    value = models.FloatField()
    origin = models.CharField(max_length=16, choices=SampleOrigin.choices)
    source = models.ForeignKey(
        "program.PrometheusSource", null=True, blank=True, on_delete=models.SET_NULL, related_name="samples"
    )

    class Meta:
        ordering = ["service", "metric", "region", "at", "id"]
        indexes = [
            # Series reads (a service's metric over a window) and the window replace both walk this.
            models.Index(fields=["service", "metric", "at"], name="metricsample_series_idx"),
            models.Index(fields=["at"], name="metricsample_at_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "region", "metric", "at"],
                condition=Q(region__isnull=False),
                name="metricsample_unique_regional",
            ),
            models.UniqueConstraint(
                fields=["service", "metric", "at"], condition=Q(region__isnull=True), name="metricsample_unique_global"
            ),
            models.CheckConstraint(condition=Q(step_seconds__gte=1), name="metricsample_step_positive"),
        ]

    def __str__(self):
        where = f"{self.service_id}/{self.region_id or 'all'}"
        return f"{where} {self.metric} @ {self.at:%Y-%m-%d %H:%M} = {self.value:g}"

    def clean(self):
        if not math.isfinite(self.value):
            raise ValidationError({"value": "A sample must be a finite number (NaN and ±Inf are gaps)."})
        if self.metric in (Metric.AVAILABILITY, Metric.PAYMENT_ERROR_RATE) and not 0 <= self.value <= 1:
            raise ValidationError({"value": f"{self.get_metric_display()} is a ratio between 0 and 1."})
        if self.metric == Metric.LATENCY_P95 and self.value < 0:
            raise ValidationError({"value": "A latency cannot be negative."})


class RejectedMetricSample(models.Model):
    """A sample one of the ways in refused, kept with its reason so nothing is silently lost."""

    origin = models.CharField(max_length=16, choices=SampleOrigin.choices)
    source = models.ForeignKey(
        "program.PrometheusSource", null=True, blank=True, on_delete=models.CASCADE, related_name="rejections"
    )
    batch = models.CharField(max_length=200, blank=True, help_text="The file name, API call or pull it came in.")
    line = models.PositiveIntegerField(null=True, blank=True, help_text="Line of the file, or index in the batch.")
    raw = models.TextField(blank=True, help_text="What was received, as received (truncated).")
    reason = models.TextField()
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["origin", "received_at"], name="rejectedsample_origin_idx")]

    def __str__(self):
        where = f" line {self.line}" if self.line is not None else ""
        return f"{self.get_origin_display()} {self.batch}{where}: {self.reason[:80]}"


class ServiceLevelObjective(models.Model):
    """A service's targets: availability over a rolling window (its error budget is 1 − target), the p95
    latency of the checkout page, and the payment error rate."""

    service = models.OneToOneField("program.Service", on_delete=models.CASCADE, related_name="slo")
    window_days = models.PositiveSmallIntegerField(default=28, validators=[MinValueValidator(1)])
    availability_target = models.DecimalField(
        max_digits=7,
        decimal_places=6,
        default=Decimal("0.9995"),
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("0.999999"))],
        help_text="e.g. 0.9995 for 99.95%.",
    )
    latency_p95_target_ms = models.PositiveIntegerField(default=900, validators=[MinValueValidator(1)])
    payment_error_rate_target = models.DecimalField(
        max_digits=7,
        decimal_places=6,
        default=Decimal("0.0025"),
        validators=[MinValueValidator(Decimal("0.000001")), MaxValueValidator(Decimal("0.5"))],
        help_text="Highest acceptable share of failed payments, e.g. 0.0025 for 0.25%.",
    )

    class Meta:
        ordering = ["service"]
        verbose_name = "service level objective"
        constraints = [
            models.CheckConstraint(
                condition=Q(availability_target__gt=0) & Q(availability_target__lt=1), name="slo_availability_ratio"
            ),
            models.CheckConstraint(
                condition=Q(payment_error_rate_target__gt=0) & Q(payment_error_rate_target__lt=1),
                name="slo_payment_error_rate_ratio",
            ),
            models.CheckConstraint(condition=Q(window_days__gte=1), name="slo_window_positive"),
        ]

    def __str__(self):
        return f"{self.service}: {float(self.availability_target):.4%} over {self.window_days} days"

    @property
    def error_budget(self) -> float:
        return 1.0 - float(self.availability_target)


class PrometheusSource(models.Model):
    """A Prometheus (or compatible: Thanos, Mimir) server the portal pulls service levels from.

    One PromQL query per metric; each result series must carry the service's slug in `service_label` (and the
    region's code in `region_label`, when regional). The secret is stored encrypted and never shown back.
    """

    name = models.CharField(max_length=100, unique=True)
    base_url = models.URLField(help_text="e.g. https://prometheus.example.com (the API is under /api/v1/).")
    auth = models.CharField(max_length=8, choices=SourceAuth.choices, default=SourceAuth.NONE)
    username = models.CharField(max_length=200, blank=True)
    secret_encrypted = models.TextField(blank=True, editable=False, help_text="Password or token, encrypted.")
    availability_query = models.TextField(default=DEFAULT_AVAILABILITY_QUERY)
    latency_p95_query = models.TextField(
        default=DEFAULT_LATENCY_P95_QUERY, help_text="Must return seconds (Prometheus' unit); stored as ms."
    )
    payment_error_rate_query = models.TextField(default=DEFAULT_PAYMENT_ERROR_RATE_QUERY)
    service_label = models.CharField(max_length=100, default="service")
    region_label = models.CharField(max_length=100, default="region", blank=True)
    step_seconds = models.PositiveIntegerField(
        default=3600, validators=[MinValueValidator(15)], help_text="Resolution kept, e.g. 3600 for hourly."
    )
    backfill_days = models.PositiveSmallIntegerField(
        default=28, help_text="How far back the first pull reads (later pulls resume where the last one ended)."
    )
    reread_seconds = models.PositiveIntegerField(
        default=3 * 3600, help_text="Each pull reads this much again before its last end (late data replaces)."
    )
    interval_minutes = models.PositiveIntegerField(default=60, validators=[MinValueValidator(1)])
    timeout_seconds = models.FloatField(default=30.0)
    active = models.BooleanField(default=True)
    pulled_until = models.DateTimeField(null=True, blank=True, editable=False)
    last_pull_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_pull_status = models.CharField(
        max_length=8, choices=PullStatus.choices, default=PullStatus.NEVER, editable=False
    )
    last_pull_message = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(step_seconds__gte=15), name="prometheus_step_at_least_15s"),
        ]

    def __str__(self):
        return self.name

    def query_for(self, metric: str) -> str:
        return {
            Metric.AVAILABILITY: self.availability_query,
            Metric.LATENCY_P95: self.latency_p95_query,
            Metric.PAYMENT_ERROR_RATE: self.payment_error_rate_query,
        }[metric]


class OperationalEvent(models.Model):
    """A major sale or launch: the services and region it puts under load, and the share of each service's
    on-call roster that must hold the service's on-call gate when it starts (the coverage warning's bar)."""

    name = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    services = models.ManyToManyField("program.Service", related_name="events")
    region = models.ForeignKey(
        "program.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
        help_text="Empty: every region.",
    )
    required_share = models.DecimalField(
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.6"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text="Share of the on-call roster signed off (holding the on-call gate), e.g. 0.6.",
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["starts_at", "name", "id"]
        verbose_name = "event"
        indexes = [models.Index(fields=["starts_at"], name="event_starts_at_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"),
            models.CheckConstraint(
                condition=Q(required_share__gte=0) & Q(required_share__lte=1), name="event_required_share_ratio"
            ),
            models.UniqueConstraint(fields=["name", "starts_at"], name="event_unique_name_start"),
        ]

    def __str__(self):
        return f"{self.name} ({self.starts_at:%Y-%m-%d})"
