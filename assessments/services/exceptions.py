"""Gate exceptions: a bounded time through a gate without a current sign-off, with a reason and a second pair of
eyes. Requested by the signed-in caller, approved by another login who may approve for the person and is not the
person; ended early (or withdrawn) with a reason, or audited when they reach their end date."""

import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import CharField, Exists, OuterRef
from django.db.models.functions import Cast
from django.utils import timezone

from program.choices import AuditAction
from program.models import AuditEntry, Person
from program.selectors import person_for_user, team_ids_managed_by, user_is_program_admin
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
    return person.team_id in team_ids_managed_by(approver_person)


def _benefits(user: User, person: Person) -> bool:
    """Whether `user` is the login of `person`: nobody approves (or ends) a way through a gate for themselves."""
    return person.user_id is not None and person.user_id == user.pk


def gate_exception_request_check(
    *, person: Person, reason: str, starts_at: datetime.datetime, ends_at: datetime.datetime
) -> None:
    """The rules of a request (raises ValidationError); forms call it to show errors before saving."""
    if not reason.strip():
        raise ValidationError({"reason": "An exception needs a reason."})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": "An exception must end after it starts."})
    if ends_at <= timezone.now():
        raise ValidationError({"ends_at": "An exception must end in the future."})
    if ends_at - starts_at > datetime.timedelta(days=GATE_EXCEPTION_MAX_DAYS):
        raise ValidationError({"ends_at": f"An exception lasts at most {GATE_EXCEPTION_MAX_DAYS} days."})


def gate_exception_approve_check(*, exception: GateException, approved_by: User) -> None:
    """Who may approve: not the requester, not the person it lets through (a manager on their own team included),
    and an L&D admin or the person's manager. Raises ValidationError."""
    if exception.approved_at is not None:
        raise ValidationError(f"This exception was already approved on {exception.approved_at:%Y-%m-%d}.")
    if exception.ended_early_at is not None or exception.ends_at <= timezone.now():
        raise ValidationError("This exception has already ended.")
    if approved_by.pk == exception.requested_by_id:
        raise ValidationError("The approver of an exception cannot be the person who requested it.")
    if _benefits(approved_by, exception.person):
        raise ValidationError("Nobody approves an exception for themselves: ask your own manager or an L&D admin.")
    if not _may_approve_exception(approver=approved_by, person=exception.person):
        raise ValidationError(f"{approved_by} may not approve exceptions for {exception.person}: ask their manager.")


@transaction.atomic
def gate_exception_request(
    *,
    person: Person,
    gate: Gate,
    reason: str,
    requested_by: User,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
) -> GateException:
    """Ask for a bounded time through a gate without a current sign-off. `requested_by` is the signed-in caller
    (never a name typed in); the request lets nobody through until someone else approves it."""
    gate_exception_request_check(person=person, reason=reason, starts_at=starts_at, ends_at=ends_at)
    exception = GateException(
        person=person,
        gate=gate,
        reason=reason.strip(),
        requested_by=requested_by,
        starts_at=starts_at,
        ends_at=ends_at,
    )
    exception.full_clean()
    exception.save()
    audit_record(
        action=AuditAction.EXCEPTION_REQUESTED,
        object_type="gate-exception",
        object_id=exception.pk,
        summary=f"{requested_by} asked for an exception to {gate} for {person} until {ends_at:%Y-%m-%d}",
        actor=requested_by,
        subject_person=person,
        reason=exception.reason,
        evidence={"starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat()},
    )
    return exception


@transaction.atomic
def gate_exception_approve(*, exception: GateException, approved_by: User) -> GateException:
    """Approve a requested exception: from now on (within its window) the person passes the gate. The approver is
    the signed-in caller, a second pair of eyes: see `gate_exception_approve_check`."""
    exception = (
        GateException.objects.select_for_update(of=("self",))  # the gate's service is an outer join
        .select_related("person", "gate__service", "requested_by")
        .get(pk=exception.pk)
    )
    gate_exception_approve_check(exception=exception, approved_by=approved_by)
    exception.approved_by = approved_by
    exception.approved_at = timezone.now()
    exception.full_clean()
    exception.save(update_fields=["approved_by", "approved_at"])
    audit_record(
        action=AuditAction.EXCEPTION_GRANTED,
        object_type="gate-exception",
        object_id=exception.pk,
        summary=f"Exception to {exception.gate} for {exception.person} until {exception.ends_at:%Y-%m-%d}",
        actor=approved_by,
        subject_person=exception.person,
        reason=exception.reason,
        evidence={
            "requested_by": exception.requested_by.get_username(),
            "starts_at": exception.starts_at.isoformat(),
            "ends_at": exception.ends_at.isoformat(),
        },
    )
    return exception


@transaction.atomic
def gate_exception_end(*, exception: GateException, actor: User, reason: str) -> GateException:
    """End an exception before its end date, or withdraw or decline a request (kept, with when and why).

    Those who may approve it may end it (never the person it lets through); the requester may withdraw their own
    request while it waits."""
    exception = GateException.objects.select_for_update(of=("self",)).select_related("person").get(pk=exception.pk)
    now = timezone.now()
    if exception.ended_early_at is not None or exception.ends_at <= now:
        raise ValidationError("This exception has already ended.")
    if not reason.strip():
        raise ValidationError("Ending an exception early needs a reason.")
    withdrawing = exception.approved_at is None and actor.pk == exception.requested_by_id
    may_end = not _benefits(actor, exception.person) and _may_approve_exception(approver=actor, person=exception.person)
    if not (withdrawing or may_end):
        raise ValidationError(f"{actor} may not end exceptions for {exception.person}.")
    exception.ended_early_at = now
    exception.end_reason = reason.strip()
    exception.save(update_fields=["ended_early_at", "end_reason"])
    audit_record(
        action=AuditAction.EXCEPTION_ENDED,
        object_type="gate-exception",
        object_id=exception.pk,
        summary=(
            f"Ended the exception to {exception.gate} for {exception.person} early"
            if exception.approved_at
            else f"Closed the request for an exception to {exception.gate} for {exception.person} unapproved"
        ),
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
        GateException.objects.filter(approved_at__isnull=False, ended_early_at__isnull=True, ends_at__lte=now)
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
