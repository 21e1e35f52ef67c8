"""Reads of readiness and gates: the gate check, the coach's queue, the learner's page, version consequences.

Each selector owns its eager loading, so the number of queries stays the same whatever the data size.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from program.models import Person, Service
from program.selectors import people_visible_to
from roles.choices import Grandfathering, VersionStatus
from roles.models import Gate, LearningPath, StandardVersion
from roles.services import VersionDiff, standard_version_diff

from .choices import ReadinessStatus, SignOffDecision
from .models import Attempt, GateException, GateGrant, PersonReadiness, SignOff

# Statuses a coach acts on: ready for a first sign-off, or due for renewal with the evidence in place.
QUEUE_STATUSES = (ReadinessStatus.READY_FOR_SIGNOFF, ReadinessStatus.EXPIRING_SOON, ReadinessStatus.EXPIRED)


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
            person=person, gate=gate, starts_at__lte=now, ends_at__gt=now, ended_early_at__isnull=True
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


def coach_queue(*, coach: Person) -> QuerySet[PersonReadiness]:
    """The coach's own learners whose evidence is ready for a sign-off (first or renewal, or re-assessment
    of changed criteria). Two queries, whatever the number of learners."""
    return (
        PersonReadiness.objects.filter(person__coach=coach, person__active=True, criteria_met=True)
        .filter(Q(status__in=QUEUE_STATUSES) | Q(needs_reassessment=True))
        .select_related("person__team", "standard_version__standard", "signoff")
        .order_by("computed_at", "person__full_name", "pk")
    )


def coach_learners(*, coach: Person) -> QuerySet[Person]:
    """Everyone the coach coaches, with their readiness rows."""
    return (
        Person.objects.filter(coach=coach, active=True)
        .select_related("team", "role")
        .prefetch_related("readiness__standard_version")
    )


def learner_evidence(*, person: Person) -> QuerySet[Attempt]:
    """A person's non-voided attempts, newest first (for review and the learner's history)."""
    return (
        Attempt.objects.filter(person=person, voided_at__isnull=True)
        .select_related("scenario")
        .order_by("-completed_at", "-id")
    )


def signoffs_of(*, person: Person) -> QuerySet[SignOff]:
    return SignOff.objects.filter(person=person).select_related("coach", "standard_version__standard", "revoked_by")


@dataclass(frozen=True)
class LearnerOverview:
    person: Person
    readiness: list[PersonReadiness]
    path: LearningPath | None
    attempts: list[Attempt]
    signoffs: list[SignOff]
    grants: list[GateGrant]
    exceptions: list[GateException]


def learner_overview(*, person: Person, now: datetime.datetime | None = None) -> LearnerOverview:
    """Everything the learner page shows about one person: standard, path, evidence, sign-offs, gates."""
    now = now or timezone.now()
    path = (
        LearningPath.objects.filter(role_id=person.role_id)
        .prefetch_related("steps__content_item", "steps__skills")
        .first()
        if person.role_id
        else None
    )
    return LearnerOverview(
        person=person,
        readiness=list(
            PersonReadiness.objects.filter(person=person).select_related("standard", "standard_version", "signoff")
        ),
        path=path,
        attempts=list(learner_evidence(person=person)[:50]),
        signoffs=list(signoffs_of(person=person)),
        grants=list(GateGrant.objects.filter(person=person, removed_at__isnull=True).select_related("gate__service")),
        exceptions=list(
            GateException.objects.filter(person=person, ends_at__gt=now, ended_early_at__isnull=True).select_related(
                "gate__service"
            )
        ),
    )


@dataclass(frozen=True)
class PersonConsequence:
    person: Person
    signed_on: StandardVersion
    expires_at: datetime.datetime | None
    outcome: str
    reassess: list[str]


def version_change_consequences(
    *, version: StandardVersion, user: User | AnonymousUser, now: datetime.datetime | None = None
) -> tuple[VersionDiff | None, StandardVersion | None, list[PersonConsequence]]:
    """What a (draft or published) version changes: the diff against the version before it, and for each
    person this login may see who holds a current sign-off on an earlier version, whether they stay valid or
    must re-assess, and which criteria (following the standard's grandfathering)."""
    now = now or timezone.now()
    standard = version.standard
    previous = (
        StandardVersion.objects.filter(standard=standard, status=VersionStatus.PUBLISHED, number__lt=version.number)
        .order_by("-number")
        .first()
    )
    diff = standard_version_diff(old=previous, new=version) if previous else None
    signoffs = (
        SignOff.objects.filter(
            standard_version__standard=standard,
            standard_version__number__lt=version.number,
            decision=SignOffDecision.READY,
            revoked_at__isnull=True,
        )
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .filter(person__in=people_visible_to(user))
        .select_related("person", "standard_version")
        .order_by("person__full_name", "person_id", "-signed_at")
    )
    diffs: dict[int, VersionDiff] = {}
    consequences, seen = [], set()
    for signoff in signoffs:
        if signoff.person_id in seen:
            continue
        seen.add(signoff.person_id)
        if signoff.standard_version_id not in diffs:
            diffs[signoff.standard_version_id] = standard_version_diff(old=signoff.standard_version, new=version)
        reassess = diffs[signoff.standard_version_id].reassess_keys
        if standard.grandfathering == Grandfathering.REASSESS_ALL:
            outcome, reassess = f"Must re-assess every criterion on v{version.number}", []
        elif standard.grandfathering == Grandfathering.KEEP_UNTIL_EXPIRY or not reassess:
            outcome, reassess = "Stays valid until the sign-off expires", []
        else:
            outcome = "Stays valid; must re-assess the changed criteria"
        consequences.append(
            PersonConsequence(
                person=signoff.person,
                signed_on=signoff.standard_version,
                expires_at=signoff.expires_at,
                outcome=outcome,
                reassess=reassess,
            )
        )
    # People already signed off on this very version are settled: they are not a consequence of it.
    current_ids = set(
        SignOff.objects.filter(standard_version=version, decision=SignOffDecision.READY, revoked_at__isnull=True)
        .filter(person_id__in=seen)
        .values_list("person_id", flat=True)
    )
    return diff, previous, [c for c in consequences if c.person.pk not in current_ids]
