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
from ..constants import SIGNOFF_BACKDATE_MAX_DAYS
from ..models import Attempt, SignOff
from .readiness import readiness_recompute_queue


def _may_record_for(*, recorded_by: User, coach: Person) -> bool:
    """A coach records their own decisions; an L&D admin may record one on a coach's behalf."""
    return (coach.user_id is not None and coach.user_id == recorded_by.pk) or user_is_program_admin(recorded_by)


@transaction.atomic
def signoff_create(
    *,
    coach: Person,
    person: Person,
    standard_version: StandardVersion,
    decision: SignOffDecision,
    recorded_by: User,
    reflection_notes: str = "",
    evidence: list[Attempt] | None = None,
    backdated_to: datetime.datetime | None = None,
    backdate_reason: str = "",
    queue_recompute: bool = True,
) -> SignOff:
    """Record a coach's decision against a published version; a coach signs off only their own learners.

    The sign-off is dated now, and the audit entry names `recorded_by`, the signed-in caller: the coach, or an L&D
    admin recording the coach's decision in the admin. Only an L&D admin may date it earlier (`backdated_to`, a
    decision taken on paper or during an outage): with a reason, at most SIGNOFF_BACKDATE_MAX_DAYS back, never in
    the future, and with an audit entry of its own.

    As with `attempt_record`, a bulk caller passes `queue_recompute=False` and recomputes everyone it touched once."""
    if not _may_record_for(recorded_by=recorded_by, coach=coach):
        raise ValidationError(f"{recorded_by} may not record sign-offs for {coach}: coaches record their own.")
    now = timezone.now()
    signed_at = now
    if backdated_to is not None:
        if not user_is_program_admin(recorded_by):
            raise ValidationError({"backdated_to": "Only an L&D admin may date a sign-off earlier than now."})
        if not backdate_reason.strip():
            raise ValidationError({"backdate_reason": "A back-dated sign-off needs the reason it is recorded late."})
        if backdated_to > now:
            raise ValidationError({"backdated_to": "A sign-off cannot be dated in the future."})
        if backdated_to < now - datetime.timedelta(days=SIGNOFF_BACKDATE_MAX_DAYS):
            raise ValidationError(
                {"backdated_to": f"A sign-off may be dated at most {SIGNOFF_BACKDATE_MAX_DAYS} days back."}
            )
        signed_at = backdated_to
    signoff = _signoff_write(
        coach=coach,
        person=person,
        standard_version=standard_version,
        decision=decision,
        signed_at=signed_at,
        reflection_notes=reflection_notes,
        evidence=evidence,
        actor=recorded_by,
    )
    if backdated_to is not None:
        audit_record(
            action=AuditAction.BACKDATED,
            object_type="signoff",
            object_id=signoff.pk,
            summary=f"{recorded_by} dated the sign-off of {person} {signed_at:%Y-%m-%d %H:%M}, "
            f"recorded {now:%Y-%m-%d %H:%M}",
            actor=recorded_by,
            subject_person=person,
            reason=backdate_reason.strip(),
            evidence={"signed_at": signed_at.isoformat(), "recorded_at": now.isoformat()},
        )
    if queue_recompute:
        readiness_recompute_queue([person.pk])
    return signoff


@transaction.atomic
def signoff_record_history(
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
    """Load a past sign-off (the demo org, a migration from an earlier system), dated when it was made.

    Not reachable from the API, the admin or any page: people record sign-offs through `signoff_create`, dated
    now. The audit entry has no actor and says it was loaded from history; a date in the future is refused."""
    if signed_at > timezone.now():
        raise ValidationError({"signed_at": "A sign-off cannot be dated in the future."})
    signoff = _signoff_write(
        coach=coach,
        person=person,
        standard_version=standard_version,
        decision=decision,
        signed_at=signed_at,
        reflection_notes=reflection_notes,
        evidence=evidence,
        actor=None,
    )
    if queue_recompute:
        readiness_recompute_queue([person.pk])
    return signoff


def _signoff_write(
    *,
    coach: Person,
    person: Person,
    standard_version: StandardVersion,
    decision: SignOffDecision,
    signed_at: datetime.datetime,
    reflection_notes: str,
    evidence: list[Attempt] | None,
    actor: User | None,
) -> SignOff:
    """The rules every sign-off obeys, the row and its audit entry (`actor` None: loaded from history)."""
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
    decided = signoff.get_decision_display().lower()
    recorder = "" if actor is None or actor.pk == coach.user_id else f" (recorded by {actor})"
    audit_record(
        action=AuditAction.SIGNED_OFF,
        object_type="signoff",
        object_id=signoff.pk,
        summary=f"{coach} signed off {person} as {decided} on {standard_version}{recorder}",
        actor=actor,
        subject_person=person,
        reason=reflection_notes,
        evidence={
            "attempts": sorted(attempt.pk for attempt in evidence or []),
            "coach": coach.pk,
            "signed_at": signed_at.isoformat(),
            **({"loaded_from_history": True} if actor is None else {}),
        },
    )
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
    signoff = SignOff.objects.select_for_update(of=("self",)).select_related("person").get(pk=signoff.pk)
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
