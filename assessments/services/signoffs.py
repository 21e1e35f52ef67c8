"""A coach's sign-off decisions, and their revocation (kept, never deleted)."""

import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from program.choices import AuditAction
from program.models import Person
from program.selectors import person_for_user, user_is_program_admin
from program.services import audit_record
from roles.models import StandardVersion

from ..choices import SignOffDecision
from ..models import Attempt, SignOff
from .readiness import readiness_recompute_queue


@transaction.atomic
def signoff_create(
    *,
    coach: Person,
    person: Person,
    standard_version: StandardVersion,
    decision: SignOffDecision,
    signed_at: datetime.datetime,
    reflection_notes: str = "",
    evidence: list[Attempt] | None = None,
    queue_recompute: bool = True,
) -> SignOff:
    """Record a coach's decision against a published version; a coach signs off only their own learners.

    As with `attempt_record`, a bulk caller passes `queue_recompute=False` and recomputes everyone it touched once."""
    if coach.pk == person.pk:
        raise ValidationError("A coach cannot sign off themselves.")
    if person.coach_id != coach.pk:
        raise ValidationError(f"{coach} is not the coach of {person}.")
    if not standard_version.is_published:
        raise ValidationError(f"{standard_version} is a draft; sign-offs are made against published versions.")
    expires_at = None
    if decision == SignOffDecision.READY:
        expires_at = signed_at + datetime.timedelta(days=standard_version.standard.signoff_validity_days)
    signoff = SignOff(
        person=person,
        coach=coach,
        standard_version=standard_version,
        decision=decision,
        reflection_notes=reflection_notes,
        signed_at=signed_at,
        expires_at=expires_at,
    )
    if evidence and any(attempt.person_id != person.pk for attempt in evidence):
        raise ValidationError("Evidence reviewed must be attempts of the person being signed off.")
    signoff.full_clean()
    signoff.save()
    if evidence:
        signoff.evidence_reviewed.set(evidence)
    audit_record(
        action=AuditAction.SIGNED_OFF,
        object_type="signoff",
        object_id=signoff.pk,
        summary=f"{coach} signed off {person} as {signoff.get_decision_display().lower()} on {standard_version}",
        actor=coach.user,
        subject_person=person,
        reason=reflection_notes,
        evidence={"attempts": sorted(attempt.pk for attempt in evidence or [])},
    )
    if queue_recompute:
        readiness_recompute_queue([person.pk])
    return signoff


@transaction.atomic
def signoff_revoke(
    *,
    signoff: SignOff,
    actor: User,
    reason: str,
    at: datetime.datetime | None = None,
    queue_recompute: bool = True,
) -> SignOff:
    """Revoke a sign-off with a reason (it is kept, never deleted); the person's coach or an L&D admin may."""
    signoff = SignOff.objects.select_for_update().select_related("person").get(pk=signoff.pk)
    revoker = person_for_user(actor)
    may_revoke = user_is_program_admin(actor) or (
        revoker is not None
        and revoker.pk != signoff.person_id
        and revoker.pk in (signoff.person.coach_id, signoff.coach_id)
    )
    if not may_revoke:
        raise ValidationError(f"Only {signoff.person}'s coach or an L&D admin may revoke this sign-off.")
    if signoff.is_revoked:
        raise ValidationError(f"This sign-off was already revoked on {signoff.revoked_at:%Y-%m-%d}.")
    if not reason.strip():
        raise ValidationError("A revocation needs a reason.")
    signoff.revoked_at = at or timezone.now()
    signoff.revoked_by = revoker
    signoff.revoke_reason = reason.strip()
    signoff.full_clean()
    signoff.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    audit_record(
        action=AuditAction.REVOKED,
        object_type="signoff",
        object_id=signoff.pk,
        summary=f"Revoked the sign-off of {signoff.person} on {signoff.standard_version}",
        actor=actor,
        subject_person=signoff.person,
        reason=signoff.revoke_reason,
        evidence={"signoff": signoff.pk, "signed_at": signoff.signed_at.isoformat()},
    )
    if queue_recompute:
        readiness_recompute_queue([signoff.person_id])
    return signoff
