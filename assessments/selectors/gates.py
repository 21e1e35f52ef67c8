"""The gate check: which gate applies, and may this person pass it now (and if not, why not)."""

import datetime
from dataclasses import dataclass

from django.db.models import F, Q
from django.utils import timezone

from program.models import Person, Service
from roles.models import Gate

from ..choices import ReadinessStatus
from ..models import GateException, GateGrant, PersonReadiness


class UnknownService(LookupError):
    pass


@dataclass(frozen=True)
class GateAnswer:
    """The answer of the gate check: allowed or not, why, on which standard version, until when."""

    allowed: bool
    reason: str
    basis: str | None
    standard: str
    standard_version: int | None
    expires_at: datetime.datetime | None


def person_by_email_or_username(identifier: str) -> Person | None:
    """The person a pipeline names by email (one query on the unique email), else by login username.

    Two lookups rather than one OR across the join, so the common case stays on the email's unique index."""
    identifier = identifier.strip()
    for lookup in ({"email": identifier.lower()}, {"user__username": identifier}):
        try:
            return Person.objects.get(**lookup)
        except Person.DoesNotExist:
            continue
    return None


def gate_for(*, kind: str, service_slug: str | None) -> Gate | None:
    """The gate of a kind for a service: the service's own gate when configured, else the all-services gate.

    Raises UnknownService for a service slug that does not exist, so a typo never falls back silently.
    """
    if service_slug and not Service.objects.filter(slug=service_slug).exists():
        raise UnknownService(f"No service with slug {service_slug!r}.")
    where = Q(service__isnull=True)
    if service_slug:
        where |= Q(service__slug=service_slug)
    # Unordered (Gate's default order joins the services): the service's own gate is picked below.
    gates = list(Gate.objects.filter(where, kind=kind, active=True).select_related("required_standard").order_by())
    return next((gate for gate in gates if gate.service_id), None) or next(iter(gates), None)


def gate_check(*, person: Person, gate: Gate, now: datetime.datetime | None = None) -> GateAnswer:
    """May this person pass this gate now? A current grant or an open exception says yes; otherwise the
    readiness row says why not. At most three queries, whatever the data size."""
    now = now or timezone.now()
    standard = gate.required_standard
    grant = (
        GateGrant.objects.filter(person=person, gate=gate, removed_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .values(
            "expires_at",
            signed_at=F("signoff__signed_at"),
            coach=F("signoff__coach__full_name"),
            version_number=F("signoff__standard_version__number"),
            version_standard=F("signoff__standard_version__standard__name"),
        )
        .first()
    )
    if grant is not None:
        version = f"{grant['version_standard']} v{grant['version_number']}"  # as StandardVersion.__str__
        return GateAnswer(
            allowed=True,
            reason=f"Signed off on {version} by {grant['coach']} on {grant['signed_at']:%Y-%m-%d}.",
            basis="sign-off",
            standard=standard.name,
            standard_version=grant["version_number"],
            expires_at=grant["expires_at"],
        )
    exception = (
        GateException.objects.filter(
            person=person,
            gate=gate,
            approved_at__isnull=False,  # a request waiting for approval lets nobody through
            starts_at__lte=now,
            ends_at__gt=now,
            ended_early_at__isnull=True,
        )
        .order_by("-ends_at")
        .first()
    )
    if exception is not None:
        return GateAnswer(
            allowed=True,
            reason=f"Time-boxed exception until {exception.ends_at:%Y-%m-%d %H:%M} UTC: {exception.reason}",
            basis="exception",
            standard=standard.name,
            standard_version=None,
            expires_at=exception.ends_at,
        )
    row = (
        PersonReadiness.objects.filter(person=person, standard=standard)
        .select_related("standard_version__standard")
        .first()
    )
    return GateAnswer(
        allowed=False,
        reason=denial_reason(row, standard_name=standard.name, now=now),
        basis=None,
        standard=standard.name,
        standard_version=row.standard_version.number if row else None,
        expires_at=None,
    )


def denial_reason(row: PersonReadiness | None, *, standard_name: str, now: datetime.datetime) -> str:
    if row is None:
        return f"No readiness record against {standard_name}: this person's role does not work towards it."
    version = row.standard_version
    if row.status == ReadinessStatus.EXPIRED:
        return f"The sign-off on {standard_name} expired on {row.expires_at:%Y-%m-%d}; a coach must sign off again."
    if row.status == ReadinessStatus.REVOKED:
        return f"The sign-off on {standard_name} was revoked; a coach must sign off again."
    if row.status == ReadinessStatus.READY_FOR_SIGNOFF:
        return f"Evidence meets {version} but no coach has signed it off yet."
    if row.is_current:
        return f"Signed off on {standard_name}, but the gate grant is not recorded yet; retry in a minute."
    unmet = ", ".join(item["title"] for item in row.unmet_criteria[:3])
    more = f" and {len(row.unmet_criteria) - 3} more" if len(row.unmet_criteria) > 3 else ""
    return f"Not signed off on {version}; unmet criteria: {unmet}{more}."
