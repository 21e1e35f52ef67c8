"""Demo incidents (seeds/data/incidents.toml) shaped on the MTTR story of seeds/data/operations.toml.

Planning is pure and seeded (`plan_incidents`): the same data and day give the same incidents. Loading
(`load_incidents`) writes what is missing in bulk, keyed on `external_id` ("DEMO-001"...), then runs the
note → tickets service on the recent incidents and closes a few older tickets with a new content version,
so the demo shows open, overdue and refreshed tickets. Running it again changes nothing.
"""

import datetime
import random
import tomllib
from dataclasses import dataclass

from django.db import transaction

from content.choices import RefreshStatus, VersionTrigger
from content.models import ContentVersion, RefreshTicket
from content.services import content_version_release, incident_note_refresh
from program.choices import IncidentSource
from program.models import Incident, Person, Service

from .data_files import DATA_DIR

INCIDENTS_FILE = DATA_DIR / "incidents.toml"
OPERATIONS_FILE = DATA_DIR / "operations.toml"
# Hours of the day incidents start at: checkout breaks more in the busy hours.
BUSY_HOURS = [9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 2, 5]


@dataclass(frozen=True)
class PlannedIncident:
    external_id: str
    service: str
    kind: dict
    started_at: datetime.datetime
    minutes_to_detect: float
    minutes_to_restore: float


def mttr_minutes(operations: dict, service: dict, days_ago: int) -> float:
    """The service's expected time to restore on a day: before → after over the ramp once its team trained
    (a holdout service only `holdout_gain` of the way); services outside the split stay at `before`."""
    before = operations["levels"]["before"]["mttr_minutes"]
    after = operations["levels"]["after"]["mttr_minutes"]
    group = service.get("group")
    if group is None:
        return before
    since_training = service["trained_days_ago"] - days_ago
    progress = min(max(since_training / operations["shape"]["ramp_days"], 0.0), 1.0)
    if group == "holdout":
        progress *= operations["shape"]["holdout_gain"]
    return before + (after - before) * progress


def plan_incidents(incidents: dict, operations: dict, today: datetime.date) -> list[PlannedIncident]:
    """Every demo incident, seeded: which service, which kind, when, how long to detect and restore."""
    rng = random.Random(incidents["seed"])
    services = {service["slug"]: service for service in operations["services"]}
    days = operations["days"]
    planned = []
    for slug, count in incidents["per_service"].items():
        kinds = [kind for kind in incidents["kinds"] if slug in kind["services"]]
        # Spread each service's incidents over the seven months (one per equal slice, at a random day in it).
        slices = [(days * n // count, days * (n + 1) // count) for n in range(count)]
        for number, (low, high) in enumerate(slices):
            days_ago = days - rng.randrange(low, max(high, low + 1))
            expected = mttr_minutes(operations, services[slug], days_ago)
            started = datetime.datetime.combine(
                today - datetime.timedelta(days=days_ago), datetime.time(rng.choice(BUSY_HOURS), rng.randrange(60))
            ).replace(tzinfo=datetime.UTC)
            planned.append(
                PlannedIncident(
                    external_id="",
                    service=slug,
                    kind=kinds[(number + rng.randrange(len(kinds))) % len(kinds)],
                    started_at=started,
                    minutes_to_detect=round(expected * rng.uniform(0.08, 0.16), 1),
                    minutes_to_restore=round(expected * rng.uniform(0.82, 1.18), 1),
                )
            )
    kinds_by_key = {kind["key"]: kind for kind in incidents["kinds"]}
    for fixed in incidents.get("fixed", []):
        expected = mttr_minutes(operations, services[fixed["service"]], fixed["days_ago"])
        started = datetime.datetime.combine(
            today - datetime.timedelta(days=fixed["days_ago"]), datetime.time(2, 0)
        ).replace(tzinfo=datetime.UTC)
        planned.append(
            PlannedIncident(
                external_id="",
                service=fixed["service"],
                kind=kinds_by_key[fixed["kind"]],
                started_at=started,
                minutes_to_detect=round(expected * 0.12, 1),
                minutes_to_restore=round(expected, 1),
            )
        )
    planned.sort(key=lambda incident: (incident.started_at, incident.service))
    return [
        PlannedIncident(**(incident.__dict__ | {"external_id": f"DEMO-{number:03d}"}))
        for number, incident in enumerate(planned, start=1)
    ]


def read_files() -> tuple[dict, dict]:
    return (
        tomllib.loads(INCIDENTS_FILE.read_text(encoding="utf-8")),
        tomllib.loads(OPERATIONS_FILE.read_text(encoding="utf-8")),
    )


@transaction.atomic
def load_incidents(today: datetime.date) -> int:
    """Create the missing demo incidents in bulk (with their services and responders); returns how many."""
    incidents, operations = read_files()
    plan = plan_incidents(incidents, operations, today)
    existing = set(
        Incident.objects.filter(source=IncidentSource.MANUAL, external_id__startswith="DEMO-").values_list(
            "external_id", flat=True
        )
    )
    missing = [incident for incident in plan if incident.external_id not in existing]
    if not missing:
        return 0
    services = {service.slug: service for service in Service.objects.all()}
    people_by_team: dict[int, list[int]] = {}
    for person_id, team_id in Person.objects.filter(active=True).order_by("pk").values_list("pk", "team_id"):
        people_by_team.setdefault(team_id, []).append(person_id)
    rng = random.Random(incidents["seed"] + 1)
    rows = []
    for planned in missing:
        service = services[planned.service]
        name = service.name
        started = planned.started_at
        restored = started + datetime.timedelta(minutes=planned.minutes_to_restore)
        incident = Incident(
            title=planned.kind["title"].format(service=name)[:200],
            severity=planned.kind["severity"],
            root_cause=planned.kind["root_cause"],
            started_at=started,
            detected_at=started + datetime.timedelta(minutes=planned.minutes_to_detect),
            acknowledged_at=started + datetime.timedelta(minutes=planned.minutes_to_detect + 2),
            mitigated_at=restored - datetime.timedelta(minutes=planned.minutes_to_restore * 0.25),
            restored_at=restored,
            note=planned.kind["note"].format(service=name),
            source=IncidentSource.MANUAL,
            external_id=planned.external_id,
        )
        incident.full_clean(exclude=["services", "responders"])
        rows.append((incident, service, people_by_team.get(service.team_id, [])))
    Incident.objects.bulk_create([incident for incident, _, _ in rows])
    new_ids = [incident.external_id for incident, _, _ in rows]
    created = {incident.external_id: incident for incident in Incident.objects.filter(external_id__in=new_ids)}
    service_links, responder_links = [], []
    for incident, service, team_people in rows:
        saved = created[incident.external_id]
        service_links.append(Incident.services.through(incident_id=saved.pk, service_id=service.pk))
        for person_id in rng.sample(team_people, min(2, len(team_people))):
            responder_links.append(Incident.responders.through(incident_id=saved.pk, person_id=person_id))
    Incident.services.through.objects.bulk_create(service_links)
    Incident.responders.through.objects.bulk_create(responder_links)
    return len(rows)


@transaction.atomic
def load_refresh_tickets(today: datetime.date) -> int:
    """Run the note → tickets loop as it would have run: on each recent incident's note on its day (so the
    older tickets are overdue), and on a few older ones whose best ticket a new version then answered."""
    incidents, _ = read_files()
    recent_since = today - datetime.timedelta(days=incidents["refresh_days"])
    demo = Incident.objects.filter(source=IncidentSource.MANUAL, external_id__startswith="DEMO-").order_by("started_at")
    recent = [incident for incident in demo if incident.started_at.date() >= recent_since]
    older = [incident for incident in demo if incident.started_at.date() < recent_since][-incidents["refreshed"] :]
    opened = 0
    for incident in [*older, *recent]:
        tickets = incident_note_refresh(incident_id=incident.pk, today=incident.started_at.date(), notify=False)
        opened += len(tickets)
    low, high = incidents["refresh_after_days"]
    rng = random.Random(incidents["seed"] + 2)
    for incident in older:
        if RefreshTicket.objects.filter(incident=incident, closed_by_version__isnull=False).exists():
            continue  # refreshed on an earlier run
        ticket = (
            RefreshTicket.objects.filter(incident=incident, item__isnull=False, status=RefreshStatus.OPEN)
            .order_by("-score")
            .first()
        )
        if ticket is None:
            continue
        latest = ContentVersion.objects.filter(item_id=ticket.item_id).order_by("-published_at").first()
        published = incident.started_at + datetime.timedelta(days=rng.randint(low, high))
        if latest is not None and latest.published_at >= published:
            continue  # the demo never releases a version dated before the item's latest one
        content_version_release(
            item=ticket.item,
            change_note=f"Refreshed after “{incident.title}”: {', '.join(ticket.explanation['matched_terms'][:3])}.",
            published_at=published,
            trigger=VersionTrigger.INCIDENT,
            refresh_tickets=[ticket],
        )
    return opened
