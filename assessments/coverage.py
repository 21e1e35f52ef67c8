"""On-call coverage before sales and launches: the share of each event service's on-call roster that will hold
the service's on-call gate when the event starts, and the daily warning when it is short.

Events live in `program` (the org's calendar) and know nothing of readiness; coverage needs the gates and
grants, so it is computed here, in the higher layer. Definitions:

- the *on-call roster* of a service is every active person whose role is the role of the standard that the
  service's on-call gate requires (in the event's region, when it has one);
- *signed off* means holding that gate: an active grant that does not expire before the event starts.

A service without an on-call gate has no roster: its coverage is unknown and it is reported as such.
"""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db.models import Q
from django.utils import timezone

from program.constants import LD_ADMIN_GROUP
from program.models import OperationalEvent, Person, Service
from program.operations.selectors import events_upcoming
from roles.choices import GateKind
from roles.models import Gate

from .models import GateGrant


@dataclass(frozen=True)
class ServiceCoverage:
    """One service of one event: how much of its on-call roster is signed off at the start."""

    event: OperationalEvent
    service: Service
    roster: int
    signed_off: int
    required_share: float
    has_on_call_gate: bool

    @property
    def share(self) -> float | None:
        return self.signed_off / self.roster if self.roster else None

    @property
    def short(self) -> bool:
        """Below the event's requirement (an empty roster or no on-call gate is short: nobody can cover it)."""
        return self.share is None or self.share < self.required_share

    def describe(self) -> str:
        if not self.has_on_call_gate:
            return f"{self.service}: no on-call gate, so no roster to count"
        share = "no one on the roster" if self.share is None else f"{self.share:.0%}"
        return (
            f"{self.service}: {self.signed_off} of {self.roster} on the on-call roster signed off ({share}), "
            f"{self.required_share:.0%} required"
        )


def coverage_for_events(events: list[OperationalEvent]) -> dict[int, list[ServiceCoverage]]:
    """Coverage of every service of each event, in a fixed number of queries (gates, rosters, grants)."""
    if not events:
        return {}
    service_ids = {service.pk for event in events for service in event.services.all()}
    gates = {
        gate.service_id: gate
        for gate in Gate.objects.filter(kind=GateKind.ON_CALL, active=True, service_id__in=service_ids).select_related(
            "required_standard"
        )
    }
    role_ids = {gate.required_standard.role_id for gate in gates.values()}
    # Active people per (role, region): the rosters of every service and region at once.
    roster_counts = Counter(
        Person.objects.filter(active=True, role_id__in=role_ids).values_list("role_id", "region_id").iterator()
    )
    grants = list(
        GateGrant.objects.filter(gate__in=gates.values(), removed_at__isnull=True, person__active=True)
        .filter(person__role_id__in=role_ids)
        .values_list("gate__service_id", "person__role_id", "person__region_id", "expires_at")
    )
    result: dict[int, list[ServiceCoverage]] = {}
    for event in events:
        rows = []
        for service in sorted(event.services.all(), key=lambda s: (s.checkout_path_position or 99, s.name)):
            gate = gates.get(service.pk)
            roster = signed_off = 0
            if gate is not None:
                role_id = gate.required_standard.role_id
                roster = sum(
                    count
                    for (role, region), count in roster_counts.items()
                    if role == role_id and (event.region_id is None or region == event.region_id)
                )
                signed_off = sum(
                    1
                    for service_id, role, region, expires_at in grants
                    if service_id == service.pk
                    and role == role_id
                    and (event.region_id is None or region == event.region_id)
                    and (expires_at is None or expires_at > event.starts_at)
                )
            rows.append(
                ServiceCoverage(event, service, roster, signed_off, float(event.required_share), gate is not None)
            )
        result[event.pk] = rows
    return result


def events_upcoming_with_coverage(
    *, now: datetime.datetime | None = None, within_days: int | None = None
) -> list[tuple[OperationalEvent, list[ServiceCoverage]]]:
    """Events starting within the warning window (default EVENT_COVERAGE_WARNING_DAYS) that have not ended, each
    with its services' coverage: what the pages show next to uptime and latency."""
    within_days = settings.EVENT_COVERAGE_WARNING_DAYS if within_days is None else within_days
    events = list(events_upcoming(now=now, within_days=within_days))
    coverage = coverage_for_events(events)
    return [(event, coverage[event.pk]) for event in events]


def _recipients(services: list[Service]) -> list[str]:
    """L&D admins and the managers of the teams owning the services (and of the teams above them)."""
    admins = User.objects.filter(Q(groups__name=LD_ADMIN_GROUP) | Q(is_superuser=True), is_active=True).exclude(
        email=""
    )
    emails = set(admins.values_list("email", flat=True))
    for service in services:
        team = service.team
        while team is not None:
            if team.manager_id and team.manager.email:
                emails.add(team.manager.email)
            team = team.parent
    return sorted(emails)


def event_coverage_warnings_send(*, now: datetime.datetime | None = None, within_days: int | None = None) -> int:
    """Email a warning for each upcoming event with a service whose coverage is short; returns how many were sent.

    Run daily by beat, so the people who can fix it hear about it every day until it is fixed or the event starts.
    """
    now = now or timezone.now()
    sent = 0
    for event, rows in events_upcoming_with_coverage(now=now, within_days=within_days):
        short = [row for row in rows if row.short]
        if not short:
            continue
        services = [row.service for row in short]
        days = max(0, (event.starts_at - now).days)
        lines = "\n".join(f"- {row.describe()}" for row in short)
        send_mail(
            f"On-call coverage is short for {event.name} (starts in {days} days)",
            (
                f"{event.name} starts on {event.starts_at:%d %b %Y %H:%M} UTC"
                f"{' in ' + event.region.name if event.region_id else ''}. "
                "The on-call roster of these services is below the share the event requires:\n\n"
                f"{lines}\n\n"
                "Book sign-offs for people who are ready, or plan the rota with those who hold the gate.\n"
            ),
            None,
            _recipients(services),
        )
        sent += 1
    return sent
