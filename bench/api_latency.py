"""API latency under load (prints figures; not a test).

Builds an org of 10,000 people (bulk-created) with attempts in a PostgreSQL database, serves it with
gunicorn on a free 127.0.0.1 port, and drives 32 concurrent clients (threads with httpx) at:
the people list, the attempts list, the readiness list, the gate check (of a person holding the deploy gate)
and, as the floor, the minimal authenticated endpoint `/api/whoami/`. Half the people are signed off and hold
the gate; everyone has a readiness row. Every endpoint, floor included, is measured once per round (3 rounds);
prints the rounds' median p50/p95/throughput, the median of each round's p95 ratio to that round's floor
(target: at most 3x) with the ratio of every round, and the machine's load average, since other work on the
machine slows every endpoint, and the cheapest (the floor) least.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/api_bench .venv/bin/python bench/api_latency.py
"""

import logging
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

PROJECT_DIR = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/api_bench")
PEOPLE = int(os.environ.get("BENCH_PEOPLE", "10000"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "32"))
REQUESTS_PER_ENDPOINT = int(os.environ.get("BENCH_REQUESTS", "1600"))
# Each round measures every endpoint once, floor included; the figures are the rounds' medians, so a burst of
# other work on the machine during one endpoint's turn skews one round, not the result.
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
WORKERS = int(os.environ.get("BENCH_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))


def setup_django():
    os.environ["DATABASE_URL"] = DATABASE_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "program.settings")
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(PROJECT_DIR))
    import django

    django.setup()


def create_database():
    import psycopg

    admin_url, name = DATABASE_URL.rsplit("/", 1)
    with psycopg.connect(f"{admin_url}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def build_org() -> str:
    """Migrate and bulk-create the org; returns an L&D admin token with every scope."""
    import datetime
    import random

    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from assessments.models import Attempt, GateGrant, PersonReadiness, Scenario, SignOff
    from program.choices import ApiScope
    from program.constants import LD_ADMIN_GROUP
    from program.models import Person, Region, Role, Shift, Team
    from program.tokens import api_token_create
    from roles.models import Criterion, Gate, ReadinessStandard, Skill, StandardVersion

    call_command("migrate", verbosity=0)
    rng = random.Random(7)
    regions = Region.objects.bulk_create(Region(code=c, name=c.upper()) for c in ["amer", "emea", "apac"])
    shifts = Shift.objects.bulk_create(
        Shift(code=c, name=c, starts_at_hour_utc=h) for c, h in [("day", 8), ("swing", 16), ("night", 0)]
    )
    teams = Team.objects.bulk_create(Team(slug=f"team-{i}", name=f"Team {i}") for i in range(200))
    role = Role.objects.create(key="sre", name="SRE")
    standard = ReadinessStandard.objects.create(role=role, name="SRE readiness")
    version = StandardVersion.objects.create(
        standard=standard, number=1, status="published", published_at=timezone.now()
    )
    skill = Skill.objects.create(key="rollback", name="Rollback")
    Criterion.objects.create(version=version, key="rollback", skill=skill, title="Rolls back safely")
    gate = Gate.objects.create(kind="deploy", required_standard=standard)
    scenario = Scenario.objects.create(
        key="rollback-drill", title="Rollback drill", kind="drill", standard_version=version
    )
    people = Person.objects.bulk_create(
        (
            Person(
                email=f"person{i}@example.com",
                full_name=f"Person {i:05d}",
                role=role,
                team=teams[i % len(teams)],
                region=regions[i % 3],
                shift=shifts[i % 3],
                start_date=datetime.date(2025, 1, 1),
            )
            for i in range(PEOPLE)
        ),
        batch_size=2000,
    )
    now = timezone.now()
    Attempt.objects.bulk_create(
        (
            Attempt(
                person=person,
                scenario=scenario,
                rubric_version=version,
                team_id=person.team_id,
                attempt_number=n + 1,
                completed_at=now - datetime.timedelta(days=rng.randint(0, 300), minutes=rng.randint(0, 1440)),
                score=score,
                passed=score >= 80,
            )
            for person in people
            for n, score in enumerate([rng.randint(40, 100) for _ in range(3)])
        ),
        batch_size=5000,
    )
    coach = Person.objects.create(email="coach@example.com", full_name="Bench Coach", team=teams[0])
    expires = now + datetime.timedelta(days=365)
    signed_off = people[::2]
    signoffs = SignOff.objects.bulk_create(
        (
            SignOff(
                person=person,
                coach=coach,
                standard_version=version,
                decision="ready",
                signed_at=now,
                expires_at=expires,
            )
            for person in signed_off
        ),
        batch_size=5000,
    )
    GateGrant.objects.bulk_create(
        (
            GateGrant(person_id=signoff.person_id, gate=gate, signoff=signoff, granted_at=now, expires_at=expires)
            for signoff in signoffs
        ),
        batch_size=5000,
    )
    signoff_of = {signoff.person_id: signoff for signoff in signoffs}
    unmet = [{"key": "rollback", "title": "Rolls back safely", "reason": "Your latest score is 60; the bar is 80."}]
    PersonReadiness.objects.bulk_create(
        (
            PersonReadiness(
                person=person,
                standard=standard,
                standard_version=version,
                status="signed_off" if person.pk in signoff_of else "in_progress",
                criteria_met=person.pk in signoff_of,
                unmet_criteria=[] if person.pk in signoff_of else unmet,
                signoff=signoff_of.get(person.pk),
                expires_at=expires if person.pk in signoff_of else None,
                computed_at=now,
            )
            for person in people
        ),
        batch_size=5000,
    )
    admin = User.objects.create_user("bench-admin", password=None, is_staff=True)
    admin.groups.add(Group.objects.get(name=LD_ADMIN_GROUP))
    _token, plain = api_token_create(
        owner=admin, created_by=admin, name="bench", scopes=list(ApiScope.values), expires_in_days=1
    )
    with connection.cursor() as cursor:  # statistics, as autovacuum would gather them on a live database
        cursor.execute("ANALYZE")
    return plain


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int) -> subprocess.Popen:
    # One token drives every client: the per-login API throttle (API_THROTTLE_USER) would cut the bench short.
    env = os.environ | {
        "DATABASE_URL": DATABASE_URL,
        "DJANGO_DEBUG": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
        "API_THROTTLE_USER": os.environ.get("API_THROTTLE_USER", "1000000/min"),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "program.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--log-level",
            "warning",
            # The pages' first chart in a worker starts vl-convert's JavaScript engine: seconds on a busy machine.
            "--timeout",
            os.environ.get("BENCH_GUNICORN_TIMEOUT", "300"),
        ],
        cwd=PROJECT_DIR,
        env=env,
    )
    # Workers import Django and connect: on a busy shared machine that can take well over 30 s.
    deadline = time.monotonic() + float(os.environ.get("BENCH_START_TIMEOUT", "180"))
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError("gunicorn did not start")


def load(url: str, token: str) -> dict:
    """CLIENTS threads share REQUESTS_PER_ENDPOINT requests; returns latency percentiles and throughput."""
    latencies: list[float] = []
    errors: list[int] = []
    remaining = iter(range(REQUESTS_PER_ENDPOINT))
    lock = threading.Lock()

    def client():
        with httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=30) as http:
            while True:
                with lock:
                    if next(remaining, None) is None:
                        return
                started = time.perf_counter()
                response = http.get(url)
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    if response.status_code != 200:
                        errors.append(response.status_code)

    for _ in range(CLIENTS):  # warm up every worker's connection
        httpx.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=30)
    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    quantiles = statistics.quantiles(latencies, n=100)
    return {"p50": quantiles[49] * 1000, "p95": quantiles[94] * 1000, "rps": len(latencies) / wall, "errors": errors}


def main():
    logging.getLogger("httpx").setLevel(logging.WARNING)
    create_database()
    setup_django()
    started = time.monotonic()
    token = build_org()
    built = time.monotonic() - started
    print(f"org: {PEOPLE} people, {3 * PEOPLE} attempts, {PEOPLE // 2} sign-offs and grants, built in {built:.1f}s")
    port = free_port()
    server = start_gunicorn(port)
    base = f"http://127.0.0.1:{port}"
    try:
        endpoints = {
            "floor: GET /api/whoami/": f"{base}/api/whoami/",
            "GET /api/people/": f"{base}/api/people/",
            "GET /api/attempts/": f"{base}/api/attempts/",
            "GET /api/readiness/": f"{base}/api/readiness/",
            # person0 is signed off: the allowed path, the one a deploy pipeline takes most.
            "GET /api/gates/check": f"{base}/api/gates/check?person=person0@example.com&gate=deploy",
        }
        probe = httpx.get(endpoints["GET /api/gates/check"], headers={"Authorization": f"Bearer {token}"})
        assert probe.status_code == 200 and probe.json()["allowed"], probe.text
        print(
            f"gunicorn {WORKERS} workers, {CLIENTS} concurrent clients, {REQUESTS_PER_ENDPOINT} requests per endpoint "
            f"in each of {ROUNDS} rounds"
        )
        print(f"load average before: {' '.join(f'{value:.1f}' for value in os.getloadavg())} on {os.cpu_count()} CPUs")
        rounds = [{name: load(url, token) for name, url in endpoints.items()} for _ in range(ROUNDS)]
        print(f"load average after:  {' '.join(f'{value:.1f}' for value in os.getloadavg())}")
        floor_name = "floor: GET /api/whoami/"
        print(f"{'endpoint':<28} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8} {'p95/floor':>10} {'per round':>18} errors")
        for name in endpoints:
            median = {key: statistics.median(result[name][key] for result in rounds) for key in ("p50", "p95", "rps")}
            ratios = [result[name]["p95"] / result[floor_name]["p95"] for result in rounds]
            errors = sum(len(result[name]["errors"]) for result in rounds)
            print(
                f"{name:<28} {median['p50']:8.1f} {median['p95']:8.1f} {median['rps']:8.1f} "
                f"{statistics.median(ratios):10.2f} {' '.join(f'{ratio:.2f}' for ratio in ratios):>18} {errors}"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
