"""Equity audits: access and outcomes by region, shift and language (statistics come later)."""

from django.db import models
from django.db.models import Q

from program.validators import JsonObject, ShapedJSONField, StringList, validate_storable_text

from .choices import EquityMetric, FindingFlag


class EquityAudit(models.Model):
    """One run of a fairness audit over a time window, split by one or more dimensions."""

    dimensions = ShapedJSONField(
        shape=StringList(max_items=10, max_length=32), help_text="List of dimensions, e.g. ['region', 'shift']."
    )
    window_start = models.DateField()
    window_end = models.DateField()
    parameters = ShapedJSONField(
        default=dict,
        blank=True,
        shape=JsonObject(max_depth=4, max_bytes=20_000),
        help_text="e.g. minimum cell size, role filter.",
    )
    run_at = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey("auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-window_end", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(window_end__gte=models.F("window_start")), name="audit_window_order"),
        ]

    def __str__(self):
        return f"Equity audit {', '.join(self.dimensions)} {self.window_start}–{self.window_end}"


class EquityFinding(models.Model):
    """One group's value on one metric within an audit, with its size and any flag."""

    audit = models.ForeignKey(EquityAudit, on_delete=models.CASCADE, related_name="findings")
    group = models.CharField(
        max_length=200, validators=[validate_storable_text], help_text="e.g. 'region=emea, shift=night'."
    )
    metric = models.CharField(max_length=32, choices=EquityMetric.choices)
    value = models.FloatField(null=True, blank=True)
    n = models.PositiveIntegerField()
    flag = models.CharField(max_length=32, choices=FindingFlag.choices, default=FindingFlag.NONE)

    class Meta:
        ordering = ["audit", "metric", "group"]
        constraints = [
            models.UniqueConstraint(fields=["audit", "group", "metric"], name="finding_unique_group_metric"),
        ]

    def __str__(self):
        return f"{self.group} · {self.get_metric_display()}: {self.value} (n={self.n})"
