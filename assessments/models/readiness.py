"""Computed readiness of a person against their standard, and the expiry reminders sent about sign-offs."""

from django.db import models

from ..choices import ReadinessStatus


class PersonReadiness(models.Model):
    """Where one person stands against one standard, computed against its current published version.

    Written only by `assessments.services.readiness.readiness_recompute_for_people`; pages and the gate check read this
    one row instead of re-deriving readiness from the evidence.
    """

    person = models.ForeignKey("program.Person", on_delete=models.CASCADE, related_name="readiness")
    standard = models.ForeignKey("roles.ReadinessStandard", on_delete=models.CASCADE, related_name="readiness")
    standard_version = models.ForeignKey(
        "roles.StandardVersion",
        on_delete=models.PROTECT,
        related_name="readiness",
        help_text="The published version this row was computed against (the standard's latest).",
    )
    status = models.CharField(max_length=24, choices=ReadinessStatus.choices)
    criteria_met = models.BooleanField(
        default=False, help_text="Every criterion that has to be (re-)assessed is met by current evidence."
    )
    needs_reassessment = models.BooleanField(
        default=False, help_text="Signed off on an older version and must re-assess changed criteria."
    )
    criteria = models.JSONField(default=list, blank=True, help_text="Evidence summary per criterion.")
    unmet_criteria = models.JSONField(default=list, blank=True, help_text="Unmet criteria with the reason for each.")
    reassess_criteria = models.JSONField(default=list, blank=True, help_text="Keys of criteria to re-assess.")
    signoff = models.ForeignKey(
        "assessments.SignOff",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The sign-off the status rests on (the latest 'ready' one), if any.",
    )
    expires_at = models.DateTimeField(null=True, blank=True)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["person", "standard"]
        verbose_name_plural = "person readiness"
        indexes = [
            models.Index(fields=["status", "criteria_met"], name="readiness_status_met_idx"),
            models.Index(fields=["expires_at"], name="readiness_expiry_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["person", "standard"], name="readiness_one_row_per_person_standard"),
        ]

    def __str__(self):
        return f"{self.person} · {self.standard_version} · {self.get_status_display()}"

    @property
    def is_current(self) -> bool:
        """Signed off and not past expiry: what opens gates."""
        return self.status in (ReadinessStatus.SIGNED_OFF, ReadinessStatus.EXPIRING_SOON)


class ExpiryReminder(models.Model):
    """The one reminder email sent about a sign-off nearing expiry (so the daily task never sends it twice)."""

    signoff = models.OneToOneField("assessments.SignOff", on_delete=models.CASCADE, related_name="expiry_reminder")
    sent_at = models.DateTimeField()
    recipients = models.JSONField(default=list)

    class Meta:
        ordering = ["-sent_at", "-id"]

    def __str__(self):
        return f"Expiry reminder for {self.signoff} sent {self.sent_at:%Y-%m-%d}"
