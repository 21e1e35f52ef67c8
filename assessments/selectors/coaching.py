"""The coach's reads: the queue of learners ready for a decision, and all their learners."""

from django.db.models import Q, QuerySet

from program.models import Person

from ..choices import ReadinessStatus
from ..models import PersonReadiness

# Statuses a coach acts on: ready for a first sign-off, or due for renewal with the evidence in place.
QUEUE_STATUSES = (ReadinessStatus.READY_FOR_SIGNOFF, ReadinessStatus.EXPIRING_SOON, ReadinessStatus.EXPIRED)


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
