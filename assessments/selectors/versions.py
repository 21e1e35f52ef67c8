"""What a standard version changes for the people signed off on an earlier one."""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q
from django.utils import timezone

from program.models import Person
from program.selectors import people_visible_to
from roles.choices import VersionStatus
from roles.models import StandardVersion
from roles.services import VersionDiff, standard_version_diff

from ..choices import SignOffDecision
from ..models import SignOff
from ..readiness import grandfathered_reassessment


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
        reassess = grandfathered_reassessment(
            grandfathering=standard.grandfathering, changed_keys=diffs[signoff.standard_version_id].reassess_keys
        )
        if reassess is None:
            outcome, reassess = f"Must re-assess every criterion on v{version.number}", []
        elif not reassess:
            outcome = "Stays valid until the sign-off expires"
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
