"""Equity audits (access and outcomes by region, shift and language) and impact analyses of training.

An audit is asked for (its parameters), then run once by `equity.services.audit_run`, which stores the library
versions and the findings; after that nothing of it changes, so runs compare over time.
"""

from django.db import models
from django.db.models import Q

from program.validators import JsonObject, ShapedJSONField, StringList, validate_storable_text

from .choices import AuditStatus, AuditTrigger, EquityMetric, FindingFlag


class EquityAudit(models.Model):
    """One run of a fairness audit of a role over a time window, split by dimensions and their pairs."""

    role = models.ForeignKey(
        "program.Role",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="equity_audits",
        help_text="The role audited (everyone in a role has the same bar). Empty: every role, each person in theirs.",
    )
    dimensions = ShapedJSONField(
        shape=StringList(max_items=10, max_length=32), help_text="List of dimensions, e.g. ['region', 'shift']."
    )
    window_start = models.DateField()
    window_end = models.DateField()
    parameters = ShapedJSONField(
        default=dict,
        blank=True,
        shape=JsonObject(max_depth=4, max_bytes=20_000),
        help_text="e.g. minimum cell size, seed.",
    )
    status = models.CharField(max_length=16, choices=AuditStatus.choices, default=AuditStatus.PENDING)
    trigger = models.CharField(max_length=16, choices=AuditTrigger.choices, default=AuditTrigger.ADMIN)
    library_versions = ShapedJSONField(
        default=dict, blank=True, shape=JsonObject(max_depth=2, max_bytes=2_000), help_text="Libraries of the run."
    )
    summary = ShapedJSONField(
        default=dict, blank=True, shape=JsonObject(max_depth=2, max_bytes=5_000), help_text="People, findings by flag."
    )
    error = models.TextField(blank=True)
    run_at = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey("auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-window_end", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(window_end__gte=models.F("window_start")), name="audit_window_order"),
        ]
        indexes = [models.Index(fields=["status", "run_at"], name="audit_status_run_idx")]

    def __str__(self):
        role = f"{self.role} · " if self.role_id else ""
        return f"Equity audit {role}{', '.join(self.dimensions)} {self.window_start}–{self.window_end}"


class EquityFinding(models.Model):
    """One group's value on one metric within an audit, compared with the best-off group, with its flag."""

    audit = models.ForeignKey(EquityAudit, on_delete=models.CASCADE, related_name="findings")
    dimension = models.CharField(max_length=120, blank=True, help_text="e.g. 'region' or 'region × shift'.")
    group = models.CharField(
        max_length=200, validators=[validate_storable_text], help_text="e.g. 'region=emea, shift=night'."
    )
    metric = models.CharField(max_length=32, choices=EquityMetric.choices)
    reviewer = models.ForeignKey(
        "program.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="For reviewer pass rates: the reviewer.",
    )
    people = models.PositiveIntegerField(default=0, help_text="People in the group (learners, for reviewers).")
    n = models.PositiveIntegerField(null=True, blank=True, help_text="The denominator (people, first attempts…).")
    events = models.PositiveIntegerField(null=True, blank=True, help_text="The numerator of a rate.")
    value = models.FloatField(null=True, blank=True)
    interval_low = models.FloatField(null=True, blank=True)
    interval_high = models.FloatField(null=True, blank=True)
    reference_group = models.CharField(max_length=200, blank=True, help_text="The best-off group it is compared to.")
    ratio = models.FloatField(null=True, blank=True, help_text="Adverse impact ratio against the best-off group.")
    ratio_low = models.FloatField(null=True, blank=True)
    ratio_high = models.FloatField(null=True, blank=True)
    test = models.CharField(max_length=64, blank=True)
    p_value = models.FloatField(null=True, blank=True)
    p_adjusted = models.FloatField(null=True, blank=True, help_text="Holm-adjusted across the audit.")
    table_p_value = models.FloatField(null=True, blank=True, help_text="One test over all groups of the dimension.")
    one_person_flips = models.BooleanField(default=False)
    flag = models.CharField(max_length=32, choices=FindingFlag.choices, default=FindingFlag.GREEN)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["audit", "metric", "dimension", "group", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["audit", "dimension", "group", "metric"],
                condition=Q(reviewer__isnull=True),
                name="finding_unique_group_metric",
            ),
            models.UniqueConstraint(
                fields=["audit", "dimension", "group", "metric", "reviewer"],
                condition=Q(reviewer__isnull=False),
                name="finding_unique_reviewer_group_metric",
            ),
        ]
        indexes = [models.Index(fields=["audit", "flag"], name="finding_audit_flag_idx")]

    def __str__(self):
        value = "suppressed" if self.flag == FindingFlag.SUPPRESSED else f"{self.value}"
        return f"{self.group} · {self.get_metric_display()}: {value} (n={self.n})"
