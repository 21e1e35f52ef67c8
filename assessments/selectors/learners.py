"""The learner's reads: their evidence, their sign-offs and everything their page shows."""

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from content.models import LearningPath
from program.models import Person

from ..models import Attempt, GateException, GateGrant, PersonReadiness, SignOff


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
            GateException.objects.filter(
                person=person, approved_at__isnull=False, ends_at__gt=now, ended_early_at__isnull=True
            ).select_related("gate__service")
        ),
    )
