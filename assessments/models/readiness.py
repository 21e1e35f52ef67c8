"""Computed readiness of a person against their standard, and the expiry reminders sent about sign-offs."""

from django.db import models

from program.validators import NOTE_MAX_LENGTH, ObjectList, ShapedJSONField, StringList, text_validators

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
    criteria = ShapedJSONField(
        default=list,
        blank=True,
        shape=ObjectList(max_items=200, max_depth=5),
        help_text="Evidence summary per criterion.",
    )
    unmet_criteria = ShapedJSONField(
        default=list,
        blank=True,
        shape=ObjectList(max_items=200, max_depth=3),
        help_text="Unmet criteria with the reason for each.",
    )
    reassess_criteria = ShapedJSONField(
        default=list,
        blank=True,
        shape=StringList(max_items=200, max_length=64),
        help_text="Keys of criteria to re-assess.",
    )
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
    recipients = ShapedJSONField(default=list, shape=StringList(max_items=20, max_length=254))

    class Meta:
        ordering = ["-sent_at", "-id"]

    def __str__(self):
        return f"Expiry reminder for {self.signoff} sent {self.sent_at:%Y-%m-%d}"


class ReadinessFailure(models.Model):
    """A person whose readiness could not be recomputed, and why: one row per person, replaced by the next
    failure and deleted by the next success.

    The recompute isolates people: one person's failure is recorded here and the others are computed as usual,
    so L&D admins see who is stuck (in the admin and the readiness pages) instead of a failed batch.
    """

    person = models.OneToOneField("program.Person", on_delete=models.CASCADE, related_name="readiness_failure")
    failed_at = models.DateTimeField()
    error = models.TextField(
        max_length=NOTE_MAX_LENGTH, validators=text_validators(NOTE_MAX_LENGTH), help_text="What went wrong."
    )
    attempts = models.PositiveIntegerField(default=1, help_text="Recomputes that failed in a row.")

    class Meta:
        ordering = ["-failed_at", "-id"]

    def __str__(self):
        return f"Readiness of {self.person} failed at {self.failed_at:%Y-%m-%d %H:%M}"
