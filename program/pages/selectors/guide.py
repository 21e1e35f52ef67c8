"""The manager's one-page guide to a team: who is ready for what and until when, who is one criterion away,
what to coach next, what expires soon (and, once there is an events calendar, coverage for upcoming events).

Read in a fixed number of queries whatever the team's size: one per section, grouped in Python.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from assessments.choices import ReadinessStatus, ScenarioKind
from assessments.models import Attempt, GateException, GateGrant, PersonReadiness
from program.models import Person, Team
from roles.choices import GateKind

EXPIRY_HORIZON_DAYS = 60
COACHING_WINDOW_DAYS = 90
COACH_NEXT_LIMIT = 5


@dataclass(frozen=True)
class GateHolder:
    person: Person
    until: datetime.datetime | None
    services: tuple[str, ...]
    by_exception: bool


@dataclass(frozen=True)
class GateRow:
    kind: str
    label: str
    holders: list[GateHolder]


@dataclass(frozen=True)
class OneAway:
    person: Person
    standard: str
    criterion: str
    reason: str


@dataclass(frozen=True)
class CoachingTopic:
    error: str
    occurrences: int
    people: int
    scenarios: tuple[str, ...]


@dataclass(frozen=True)
class Expiry:
    person: Person
    what: str
    on: datetime.datetime


@dataclass(frozen=True)
class TeamGuide:
    team: Team
    headcount: int
    generated_at: datetime.datetime
    gates: list[GateRow]
    waiting_signoff: list[PersonReadiness]
    one_away: list[OneAway]
    coach_next: list[CoachingTopic]
    expiries: list[Expiry]
    events: list  # filled once the events calendar exists (program events, issue 11)


def _gate_rows(team: Team, now: datetime.datetime) -> list[GateRow]:
    """Per gate kind, the team's people holding it (a grant, or an open exception) and until when."""
    held: dict[str, dict[int, dict]] = {kind: {} for kind in GateKind.values}
    grants = (
        GateGrant.objects.filter(person__team=team, person__active=True, removed_at__isnull=True, gate__active=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .select_related("person__role", "gate__service")
    )
    exceptions = GateException.objects.filter(
        person__team=team, person__active=True, starts_at__lte=now, ends_at__gt=now, ended_early_at__isnull=True
    ).select_related("person__role", "gate__service")
    for source, by_exception in ((grants, False), (exceptions, True)):
        for record in source:
            until = record.ends_at if by_exception else record.expires_at
            entry = held[record.gate.kind].setdefault(
                record.person_id, {"person": record.person, "until": until, "services": set(), "exception": False}
            )
            # A person holding a gate for several services is ready until the first of them lapses.
            if until is not None and (entry["until"] is None or until < entry["until"]):
                entry["until"] = until
            entry["services"].add(record.gate.service.name if record.gate.service_id else "all services")
            entry["exception"] = entry["exception"] or by_exception
    labels = dict(GateKind.choices)
    return [
        GateRow(
            kind=kind,
            label=labels[kind],
            holders=sorted(
                (
                    GateHolder(
                        person=entry["person"],
                        until=entry["until"],
                        services=tuple(sorted(entry["services"])),
                        by_exception=entry["exception"],
                    )
                    for entry in held[kind].values()
                ),
                key=lambda holder: (holder.person.full_name, holder.person.pk),
            ),
        )
        for kind in GateKind.values
    ]


def _waiting_signoff(team: Team) -> list[PersonReadiness]:
    """People whose evidence meets every criterion and who wait for a coach's sign-off."""
    return list(
        PersonReadiness.objects.filter(person__team=team, person__active=True, status=ReadinessStatus.READY_FOR_SIGNOFF)
        .select_related("person__role", "person__coach", "standard")
        .order_by("person__full_name", "person_id", "standard_id")
    )


def _one_away(team: Team) -> list[OneAway]:
    """People not yet ready whose evidence misses exactly one criterion: which, and why."""
    rows = (
        PersonReadiness.objects.filter(
            person__team=team,
            person__active=True,
            status__in=(ReadinessStatus.IN_PROGRESS, ReadinessStatus.NOT_STARTED, ReadinessStatus.EXPIRED),
        )
        .select_related("person__role", "standard")
        .order_by("person__full_name", "person_id", "standard_id")
    )
    return [
        OneAway(
            person=row.person,
            standard=row.standard.name,
            criterion=row.unmet_criteria[0]["title"],
            reason=row.unmet_criteria[0].get("reason", ""),
        )
        for row in rows
        if len(row.unmet_criteria or []) == 1
    ]


def _coach_next(team: Team, now: datetime.datetime) -> list[CoachingTopic]:
    """The errors made most often in the team's lab attempts of the last COACHING_WINDOW_DAYS days.

    Attempts carry the team at the time, so people who left the team still count for the team they were in."""
    since = now - datetime.timedelta(days=COACHING_WINDOW_DAYS)
    occurrences: Counter = Counter()
    people: dict[str, set[int]] = defaultdict(set)
    scenarios: dict[str, set[str]] = defaultdict(set)
    attempts = Attempt.objects.filter(
        team=team, scenario__kind=ScenarioKind.LAB, voided_at__isnull=True, completed_at__gte=since
    ).values_list("errors_made", "person_id", "scenario__title")
    for errors, person_id, scenario in attempts:
        for error in errors or []:
            occurrences[error] += 1
            people[error].add(person_id)
            scenarios[error].add(scenario)
    ranked = sorted(occurrences.items(), key=lambda item: (-item[1], item[0]))[:COACH_NEXT_LIMIT]
    return [
        CoachingTopic(
            error=error, occurrences=count, people=len(people[error]), scenarios=tuple(sorted(scenarios[error]))
        )
        for error, count in ranked
    ]


def _expiries(team: Team, now: datetime.datetime) -> list[Expiry]:
    """Sign-offs and gate exceptions of the team ending within EXPIRY_HORIZON_DAYS, soonest first."""
    horizon = now + datetime.timedelta(days=EXPIRY_HORIZON_DAYS)
    signoffs = (
        PersonReadiness.objects.filter(
            person__team=team,
            person__active=True,
            status__in=(ReadinessStatus.SIGNED_OFF, ReadinessStatus.EXPIRING_SOON),
            expires_at__gt=now,
            expires_at__lte=horizon,
        )
        .select_related("person__role", "standard")
        .order_by("expires_at", "pk")
    )
    exceptions = (
        GateException.objects.filter(
            person__team=team, person__active=True, ends_at__gt=now, ends_at__lte=horizon, ended_early_at__isnull=True
        )
        .select_related("person__role", "gate__service")
        .order_by("ends_at", "pk")
    )
    found = [Expiry(person=row.person, what=f"Sign-off on {row.standard.name}", on=row.expires_at) for row in signoffs]
    found += [Expiry(person=item.person, what=f"Exception: {item.gate}", on=item.ends_at) for item in exceptions]
    return sorted(found, key=lambda expiry: (expiry.on, expiry.person.full_name))


def team_guide(*, team: Team, now: datetime.datetime | None = None) -> TeamGuide:
    """Everything on the team's one-page guide. Eight queries, whatever the team's size."""
    now = now or timezone.now()
    return TeamGuide(
        team=team,
        headcount=Person.objects.filter(team=team, active=True).count(),
        generated_at=now,
        gates=_gate_rows(team, now),
        waiting_signoff=_waiting_signoff(team),
        one_away=_one_away(team),
        coach_next=_coach_next(team, now),
        expiries=_expiries(team, now),
        events=[],
    )


def guide_csv_rows(guide: TeamGuide) -> list[list]:
    """The guide's rows as a table (section, person, role, what, until or count, detail), for the CSV."""
    header = ["section", "person", "role", "what", "until_or_count", "detail"]
    rows: list[list] = [header]
    for gate in guide.gates:
        for holder in gate.holders:
            detail = ", ".join(holder.services) + (" (time-boxed exception)" if holder.by_exception else "")
            rows.append(
                [
                    "ready",
                    holder.person.full_name,
                    str(holder.person.role or ""),
                    gate.label,
                    holder.until.date().isoformat() if holder.until else "no expiry",
                    detail,
                ]
            )
    for row in guide.waiting_signoff:
        coach = f"coach {row.person.coach.full_name}" if row.person.coach else "no coach assigned"
        rows.append(
            ["waiting-for-sign-off", row.person.full_name, str(row.person.role or ""), row.standard.name, "", coach]
        )
    for item in guide.one_away:
        rows.append(
            ["one-criterion-away", item.person.full_name, str(item.person.role or ""), item.criterion, "", item.reason]
        )
    for topic in guide.coach_next:
        rows.append(
            [
                "coach-next",
                "",
                "",
                topic.error,
                topic.occurrences,
                f"{topic.people} people; {', '.join(topic.scenarios)}",
            ]
        )
    for expiry in guide.expiries:
        rows.append(
            [
                "expiry",
                expiry.person.full_name,
                str(expiry.person.role or ""),
                expiry.what,
                expiry.on.date().isoformat(),
                "",
            ]
        )
    for event in guide.events:
        rows.append(["event", "", "", str(event.get("name", "")), event.get("starts_on", ""), event.get("detail", "")])
    return rows
