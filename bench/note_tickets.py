"""Benchmark: a post-incident note → refresh tickets, against 2,000 content items (and 200, to show the
query count does not grow). Prints the time per note (first note, which fits the TF-IDF index, and the
following ones, which reuse it) and the SQL queries per note.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/note_bench .venv/bin/python bench/note_tickets.py [ITEMS]

With no DATABASE_URL it uses a fresh SQLite file. The database is migrated and the bench's rows (keys
`bench-...`) are created once; each note runs in a transaction that is rolled back, so every note meets the
same catalogue. Target (issue 11): under 200 ms per note, queries constant in the number of items.
"""

import os
import random
import statistics
import sys
import tempfile
import time
import tomllib
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "program.settings")
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/note_bench.sqlite3"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from content.choices import ContentKind, ContentStatus  # noqa: E402
from content.matching import _index_cache  # noqa: E402
from content.models import ContentItem  # noqa: E402
from content.services import incident_note_refresh  # noqa: E402
from program.models import Incident, Person, Service, Team  # noqa: E402
from roles.models import Skill, SkillTag  # noqa: E402

SKILLS_FILE = PROJECT_DIR / "seeds" / "data" / "skills.toml"
INCIDENTS_FILE = PROJECT_DIR / "seeds" / "data" / "incidents.toml"
TOPICS = [
    "gateway timeouts", "retries with backoff", "idempotency keys", "feature flags", "kill switch", "canary deploys",
    "rollback decisions", "query plans", "database indexes", "connection pools", "cache warming", "load testing",
    "autoscaling limits", "error-rate alerts", "SLO burn rate", "dashboards", "distributed tracing", "log search",
    "incident command", "handoffs", "fraud rules", "fail-open decisions", "queue backlogs", "dead-letter queues",
    "release trains", "change risk review", "accessibility", "front-end performance", "CDN caching", "TLS renewals",
]  # fmt: skip
VERBS = ["Practise", "Understand", "Debug", "Run", "Review", "Tune", "Recover from", "Design for"]
PLACES = [
    "checkout",
    "the cart",
    "payments",
    "order confirmation",
    "pricing",
    "the fraud screen",
    "the deploy pipeline",
]


def catalogue_setup(count: int) -> None:
    """Skills and tags as in the demo, an owner, and `count` generated items (created once per size)."""
    if ContentItem.objects.filter(key__startswith=f"bench-{count}-").count() == count:
        return
    ContentItem.objects.filter(key__startswith="bench-").delete()
    data = tomllib.loads(SKILLS_FILE.read_text())
    tags = {tag["name"]: SkillTag.objects.get_or_create(name=tag["name"])[0] for tag in data["tags"]}
    skills = []
    for entry in data["skills"]:
        skill, _ = Skill.objects.get_or_create(
            key=entry["key"], defaults={"name": entry["name"], "description": entry.get("description", "")}
        )
        skill.tags.set(tags[name] for name in entry.get("tags", []))
        skills.append(skill)
    team, _ = Team.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    owner, _ = Person.objects.get_or_create(email="owner@bench.example", defaults={"full_name": "Bench Owner"})
    rng = random.Random(11)
    items = []
    for number in range(count):
        first, second = rng.sample(TOPICS, 2)
        items.append(
            ContentItem(
                key=f"bench-{count}-{number}",
                kind=rng.choice(ContentKind.values),
                title=f"{rng.choice(VERBS)} {first} in {rng.choice(PLACES)}",
                summary=f"{rng.choice(VERBS)} {first} and {second} for {rng.choice(PLACES)}: what breaks, what to "
                f"check first, and how to tell it is fixed. Item {number}.",
                owner=owner,
                status=ContentStatus.PUBLISHED,
            )
        )
    ContentItem.objects.bulk_create(items, batch_size=1000)
    links = [
        ContentItem.skills.through(contentitem_id=item.pk, skill_id=skill.pk)
        for item in ContentItem.objects.filter(key__startswith=f"bench-{count}-")
        for skill in rng.sample(skills, 2)
    ]
    ContentItem.skills.through.objects.bulk_create(links, batch_size=2000)
    Service.objects.get_or_create(slug="bench-gateway", defaults={"name": "Payments gateway", "team": team})


def incidents_setup() -> list[int]:
    """One incident per kind of demo note."""
    kinds = tomllib.loads(INCIDENTS_FILE.read_text())["kinds"]
    service = Service.objects.get(slug="bench-gateway")
    ids = []
    for kind in kinds:
        incident, created = Incident.objects.get_or_create(
            source="api",
            external_id=f"bench-{kind['key']}",
            defaults={
                "title": kind["title"].format(service=service.name),
                "root_cause": kind["root_cause"],
                "note": kind["note"].format(service=service.name),
                "started_at": timezone.now(),
            },
        )
        if created:
            incident.services.add(service)
        ids.append(incident.pk)
    return ids


def run_note(incident_id: int) -> tuple[float, int, int]:
    """Seconds, SQL queries and tickets for one note; rolled back so the next note meets the same state."""
    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            tickets = incident_note_refresh(incident_id=incident_id, notify=False)
            elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return elapsed, len(queries), len(tickets)


def measure(count: int, incident_ids: list[int], rounds: int) -> None:
    catalogue_setup(count)
    _index_cache.clear()
    first, first_queries, _ = run_note(incident_ids[0])
    times, queries, tickets = [], set(), []
    for _ in range(rounds):
        for incident_id in incident_ids:
            elapsed, query_count, ticket_count = run_note(incident_id)
            times.append(elapsed)
            queries.add(query_count)
            tickets.append(ticket_count)
    times.sort()
    print(
        f"{count:>6} items | first note (fits the index) {first * 1000:7.1f} ms, {first_queries} queries | "
        f"next {len(times)} notes: median {statistics.median(times) * 1000:6.1f} ms, "
        f"p95 {times[int(len(times) * 0.95) - 1] * 1000:6.1f} ms, queries {sorted(queries)}, "
        f"tickets/note {statistics.mean(tickets):.1f}"
    )


def main() -> None:
    items = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}; load average {os.getloadavg()[0]:.2f}")
    catalogue_setup(200)
    incident_ids = incidents_setup()
    for count in (200, items):
        measure(count, incident_ids, rounds=3)


if __name__ == "__main__":
    main()
