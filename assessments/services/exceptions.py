"""Gate exceptions: a bounded time through a gate without a current sign-off, with a reason and a second pair of
eyes; ended early with a reason, or audited when they reach their end date."""

import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import CharField, Exists, OuterRef
from django.db.models.functions import Cast
from django.utils import timezone

from program.choices import AuditAction
from program.models import AuditEntry, Person
from program.selectors import person_for_user, team_ids_with_descendants, user_is_program_admin
from program.services import audit_record
from roles.models import Gate

from ..constants import GATE_EXCEPTION_MAX_DAYS
from ..models import GateException


def _may_approve_exception(*, approver: User, person: Person) -> bool:
    """L&D admins, the person's manager, or a manager of their team (or a team above) approve exceptions."""
    if user_is_program_admin(approver):
        return True
    approver_person = person_for_user(approver)
    if approver_person is None:
        return False
    if person.manager_id == approver_person.pk:
        return True
    managed = team_ids_with_descendants(set(approver_person.managed_teams.values_list("id", flat=True)))
    return person.team_id in managed


def gate_exception_check(
    *,
    person: Person,
    reason: str,
    requested_by: User,
    approved_by: User,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
) -> None:
    """The rules of an exception (raises ValidationError); forms call it to show errors before saving."""
    if not reason.strip():
        raise ValidationError("An exception needs a reason.")
    if approved_by.pk == requested_by.pk:
        raise ValidationError("The approver of an exception cannot be the person who requested it.")
    if ends_at <= starts_at:
        raise ValidationError("An exception must end after it starts.")
    if ends_at <= timezone.now():
        raise ValidationError("An exception must end in the future.")
    if ends_at - starts_at > datetime.timedelta(days=GATE_EXCEPTION_MAX_DAYS):
        raise ValidationError(f"An exception lasts at most {GATE_EXCEPTION_MAX_DAYS} days.")
    if not _may_approve_exception(approver=approved_by, person=person):
        raise ValidationError(f"{approved_by} may not approve exceptions for {person}: ask their manager.")


@transaction.atomic
def gate_exception_create(
    *,
    person: Person,
    gate: Gate,
    reason: str,
    requested_by: User,
    approved_by: User,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
) -> GateException:
    """Let a person pass a gate for a bounded time without a current sign-off, with a reason and a second pair
    of eyes: the approver is not the requester and is an L&D admin or the person's manager."""
    gate_exception_check(
        person=person,
        reason=reason,
        requested_by=requested_by,
        approved_by=approved_by,
        starts_at=starts_at,
        ends_at=ends_at,
    )
    exception = GateException(
        person=person,
        gate=gate,
        reason=reason.strip(),
        requested_by=requested_by,
        approved_by=approved_by,
        starts_at=starts_at,
        ends_at=ends_at,
    )
    exception.full_clean()
    exception.save()
    audit_record(
        action=AuditAction.EXCEPTION_GRANTED,
        object_type="gate-exception",
        object_id=exception.pk,
        summary=f"Exception to {gate} for {person} until {ends_at:%Y-%m-%d}",
        actor=approved_by,
        subject_person=person,
        reason=exception.reason,
        evidence={
            "requested_by": requested_by.get_username(),
            "starts_at": starts_at.isoformat(),
            "ends_at": ends_at.isoformat(),
        },
    )
    return exception


@transaction.atomic
def gate_exception_end(*, exception: GateException, actor: User, reason: str) -> GateException:
    """End an exception before its end date (it is kept, with when and why)."""
    exception = GateException.objects.select_for_update().select_related("person").get(pk=exception.pk)
    now = timezone.now()
    if exception.ended_early_at is not None or exception.ends_at <= now:
        raise ValidationError("This exception has already ended.")
    if not reason.strip():
        raise ValidationError("Ending an exception early needs a reason.")
    if not _may_approve_exception(approver=actor, person=exception.person):
        raise ValidationError(f"{actor} may not end exceptions for {exception.person}.")
    exception.ended_early_at = now
    exception.end_reason = reason.strip()
    exception.save(update_fields=["ended_early_at", "end_reason"])
    audit_record(
        action=AuditAction.EXCEPTION_ENDED,
        object_type="gate-exception",
        object_id=exception.pk,
        summary=f"Ended the exception to {exception.gate} for {exception.person} early",
        actor=actor,
        subject_person=exception.person,
        reason=exception.end_reason,
    )
    return exception


def gate_exceptions_audit_lapsed(*, now: datetime.datetime) -> int:
    """Write the audit entry of each exception that reached its end date (once each; the gate check already
    refuses it from that moment). Idempotent: an exception whose end is already audited is skipped."""
    already_audited = AuditEntry.objects.filter(
        object_type="gate-exception",
        action=AuditAction.EXCEPTION_ENDED,
        object_id=Cast(OuterRef("pk"), output_field=CharField()),
    )
    lapsed = (
        GateException.objects.filter(ended_early_at__isnull=True, ends_at__lte=now)
        .exclude(Exists(already_audited))
        .select_related("person", "gate__service")
    )
    count = 0
    for exception in lapsed:
        audit_record(
            action=AuditAction.EXCEPTION_ENDED,
            object_type="gate-exception",
            object_id=exception.pk,
            summary=f"The exception to {exception.gate} for {exception.person} reached its end date",
            subject_person=exception.person,
            reason="Time-boxed exception ended on its end date.",
            evidence={"ends_at": exception.ends_at.isoformat()},
        )
        count += 1
    return count
