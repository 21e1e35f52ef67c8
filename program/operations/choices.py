from django.db import models


class Metric(models.TextChoices):
    """The service levels the portal keeps, each in a fixed unit."""

    AVAILABILITY = "availability", "Availability (good ÷ all requests, 0–1)"
    LATENCY_P95 = "latency_p95_ms", "p95 latency of the checkout page (ms)"
    PAYMENT_ERROR_RATE = "payment_error_rate", "Payment error rate (failed ÷ all payments, 0–1)"


class SampleOrigin(models.TextChoices):
    """Which of the three ways in brought a sample (or a rejection)."""

    PROMETHEUS = "prometheus", "Prometheus pull"
    CSV = "csv", "CSV import"
    API = "api", "REST push"
    DEMO = "demo", "Demo data"


class SourceAuth(models.TextChoices):
    NONE = "none", "None"
    BASIC = "basic", "Basic (user and password)"
    BEARER = "bearer", "Bearer token"


class PullStatus(models.TextChoices):
    NEVER = "never", "Never pulled"
    OK = "ok", "OK"
    FAILED = "failed", "Failed"
