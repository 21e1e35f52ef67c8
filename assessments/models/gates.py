"""Gates held by people: grants that follow sign-offs, and time-boxed exceptions."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from program.validators import REASON_MAX_LENGTH, text_validators


class GateGrant(models.Model):
    """A person holding a gate because their required standard is signed off and current.

    Granted and removed only by `assessments.services.grants` (each change audited); a removed grant is kept,
    with when and why, and a new grant is a new row.
    """

    person = models.ForeignKey("program.Person", on_delete=models.PROTECT, related_name="gate_grants")
    gate = models.ForeignKey("roles.Gate", on_delete=models.PROTECT, related_name="grants")
    signoff = models.ForeignKey(
        "assessments.SignOff", on_delete=models.PROTECT, related_name="gate_grants", help_text="The source sign-off."
    )
    granted_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removal_reason = models.TextField(
        blank=True, max_length=REASON_MAX_LENGTH, validators=text_validators(REASON_MAX_LENGTH)
    )

    class Meta:
        ordering = ["-granted_at", "-id"]
        indexes = [
            models.Index(fields=["person", "gate", "removed_at"], name="gategrant_person_gate_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "gate"], condition=Q(removed_at__isnull=True), name="gategrant_one_active"
            ),
            models.CheckConstraint(
                condition=Q(removed_at__isnull=True) | ~Q(removal_reason=""), name="gategrant_removal_has_reason"
            ),
        ]

    def __str__(self):
        state = f"removed {self.removed_at:%Y-%m-%d}" if self.removed_at else "active"
        return f"{self.person} · {self.gate} ({state})"


class GateException(models.Model):
    """A time-boxed permission to pass a gate without a current sign-off, approved by someone else.

    Two steps, each by the signed-in caller (`assessments.services.exceptions`): someone requests it, then a
    different login who may approve for the person, and who is not the person, approves it. Only an approved,
    open exception lets the person through.
    """

    person = models.ForeignKey("program.Person", on_delete=models.PROTECT, related_name="gate_exceptions")
    gate = models.ForeignKey("roles.Gate", on_delete=models.PROTECT, related_name="exceptions")
    reason = models.TextField(max_length=REASON_MAX_LENGTH, validators=text_validators(REASON_MAX_LENGTH))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True, help_text="Empty while the request waits for approval.")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    ended_early_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.TextField(
        blank=True, max_length=REASON_MAX_LENGTH, validators=text_validators(REASON_MAX_LENGTH)
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["person", "gate", "ends_at"], name="gateexception_person_gate_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="gateexception_has_reason"),
            models.CheckConstraint(
                condition=~Q(approved_by=models.F("requested_by")), name="gateexception_approver_not_requester"
            ),
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="gateexception_ends_after"),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True, approved_at__isnull=True)
                | Q(approved_by__isnull=False, approved_at__isnull=False),
                name="gateexception_approval_complete",
            ),
        ]

    def __str__(self):
        pending = "" if self.approved_at else " (awaiting approval)"
        return f"{self.person} · {self.gate} exception until {self.ends_at:%Y-%m-%d}{pending}"

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None
