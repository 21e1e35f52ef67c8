"""The daily expiry run: readiness moves as sign-offs near or pass expiry, and reminders go out once."""

import datetime

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from ..choices import ReadinessStatus
from ..constants import EXPIRY_WARNING_DAYS
from ..models import ExpiryReminder, GateGrant, PersonReadiness
from .exceptions import gate_exceptions_audit_lapsed
from .readiness import readiness_recompute_for_people


def signoffs_expire_and_remind(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """The daily run: move people whose sign-off nears or passes expiry (closing gates at expiry), then email
    each learner, coach and manager once, EXPIRY_WARNING_DAYS before the sign-off expires."""
    now = now or timezone.now()
    warning_until = now + datetime.timedelta(days=EXPIRY_WARNING_DAYS)
    due = set(
        PersonReadiness.objects.filter(
            status__in=[ReadinessStatus.SIGNED_OFF, ReadinessStatus.EXPIRING_SOON], expires_at__lte=warning_until
        ).values_list("person_id", flat=True)
    )
    due |= set(
        GateGrant.objects.filter(removed_at__isnull=True, expires_at__lte=now).values_list("person_id", flat=True)
    )
    readiness_recompute_for_people(person_ids=due, now=now)
    reminded = 0
    for row in PersonReadiness.objects.filter(
        status=ReadinessStatus.EXPIRING_SOON, signoff__isnull=False, signoff__expiry_reminder__isnull=True
    ).select_related("person__coach", "person__manager", "person__team__manager", "signoff__coach", "standard"):
        person = row.person
        coach = person.coach or row.signoff.coach
        manager = person.manager or (person.team.manager if person.team else None)
        recipients = sorted({p.email for p in (person, coach, manager) if p is not None and p.email})
        with transaction.atomic():
            ExpiryReminder.objects.create(signoff=row.signoff, sent_at=now, recipients=recipients)
            send_mail(
                f"Readiness sign-off for {person.full_name} expires on {row.expires_at:%d %b %Y}",
                (
                    f"{person.full_name}'s sign-off on {row.standard} expires on {row.expires_at:%d %b %Y}.\n\n"
                    "After that date the gates it opens close until a coach signs off again. Plan a re-assessment "
                    "with the coach now; the learner's page lists any criteria whose evidence has lapsed.\n"
                ),
                None,
                recipients,
            )
        reminded += 1
    return {"recomputed": len(due), "reminded": reminded, "exceptions_lapsed": gate_exceptions_audit_lapsed(now=now)}
