"""Page latency under load (prints figures; not a test).

Builds the same org as bench/api_latency.py (10,000 people in 200 teams, 30,000 attempts, half signed off and
holding the deploy gate, everyone with a readiness row), adds what the pages read (services owned by the first
20 teams with an on-call gate, a content item with versions behind the scenario, lab errors, refresh tickets, an
equity audit, a manager of team 0, an executive and an L&D admin), serves it with gunicorn on PostgreSQL and
drives 32 concurrent clients (threads with httpx, each with a logged-in session) at every page, and at a minimal
page (the login form: a template, the session and the middleware, nothing else) as the floor. Every page is
measured once per round (3 rounds); prints the medians and each page's p95 ratio to the floor of the same round
(target: at most 3x).

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/pages_bench .venv/bin/python bench/pages_latency.py

BENCH_REUSE_DATABASE=1 measures again on the org an earlier run built (building takes minutes).
"""

import logging
import os
import statistics
import sys
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pages_bench")
os.environ.setdefault("BENCH_REQUESTS", "800")

import api_latency as base  # noqa: E402  (the org builder, gunicorn and the database helpers)

SERVICES = 20


def add_page_data() -> None:
    """What the pages read beyond the API's org, and the three logins."""
    import datetime
    import random

    from django.contrib.auth.models import Group, User
    from django.db import connection
    from django.utils import timezone

    from assessments.models import Attempt, Scenario
    from content.models import ContentItem, ContentVersion, RefreshTicket
    from equity.models import EquityAudit, EquityFinding
    from program.constants import EXECUTIVE_GROUP, LD_ADMIN_GROUP, MANAGER_GROUP
    from program.models import Person, Service, Team
    from roles.models import Gate, ReadinessStandard

    rng = random.Random(11)
    now = timezone.now()
    teams = list(Team.objects.order_by("pk")[:SERVICES])
    services = Service.objects.bulk_create(
        Service(
            slug=f"service-{i}",
            name=f"Service {i}",
            team=team,
            on_checkout_path=i < 6,
            checkout_path_position=i + 1 if i < 6 else None,
        )
        for i, team in enumerate(teams)
    )
    standard = ReadinessStandard.objects.get()
    Gate.objects.bulk_create(Gate(kind="on-call", service=service, required_standard=standard) for service in services)
    item = ContentItem.objects.create(
        key="rollback-lab",
        kind="lab",
        title="Rollback lab",
        status="published",
        review_by=now.date() - datetime.timedelta(days=5),
    )
    ContentVersion.objects.bulk_create(
        ContentVersion(item=item, number=n, change_note="release", published_at=now - datetime.timedelta(days=days))
        for n, days in ((1, 200), (2, 90), (3, 30))
    )
    Scenario.objects.update(content_item=item, kind="lab", common_errors=["Rolled forward", "Skipped canary"])
    errors = [["Rolled forward"], ["Skipped canary"], ["Rolled forward", "Skipped canary"], []]
    for index, attempt_id in enumerate(Attempt.objects.filter(passed=False).values_list("pk", flat=True)[:6000]):
        Attempt.objects.filter(pk=attempt_id).update(errors_made=errors[index % 4])
    owners = list(Person.objects.order_by("pk")[:5])
    RefreshTicket.objects.bulk_create(
        RefreshTicket(item=item, reason="Screens changed", owner=rng.choice(owners)) for _ in range(30)
    )
    audit = EquityAudit.objects.create(
        dimensions=["region"], window_start=now.date() - datetime.timedelta(days=90), window_end=now.date(), run_at=now
    )
    EquityFinding.objects.bulk_create(
        EquityFinding(audit=audit, group=f"region={code}", metric=metric, value=rng.random(), n=3000)
        for code in ("amer", "emea", "apac")
        for metric in ("pass_rate", "signed_off")
    )

    def login(username: str, group: str, *, staff: bool = False, person: Person | None = None) -> None:
        user = User.objects.create_user(username, password=None, is_staff=staff)
        user.groups.add(Group.objects.get(name=group))
        if person is not None:
            person.user = user
            person.save(update_fields=["user"])

    manager = Person.objects.create(email="manager@example.com", full_name="Bench Manager", team=teams[0])
    Team.objects.filter(pk=teams[0].pk).update(manager=manager)
    login("bench-manager", MANAGER_GROUP, person=manager)
    login("bench-executive", EXECUTIVE_GROUP)
    login("bench-ld-admin", LD_ADMIN_GROUP, staff=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def sessions() -> dict[str, str]:
    """A logged-in session per bench login (as the login form would leave it); the cookie values."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore

    cookies = {}
    for name in ("manager", "executive", "ld-admin"):
        user = User.objects.get(username=f"bench-{name}")
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        cookies[name] = session.session_key
    return cookies


def load(url: str, session_key: str | None) -> dict:
    """CLIENTS threads share REQUESTS_PER_ENDPOINT requests; returns latency percentiles and throughput."""
    latencies: list[float] = []
    errors: list[int] = []
    remaining = iter(range(base.REQUESTS_PER_ENDPOINT))
    lock = threading.Lock()
    cookies = {"sessionid": session_key} if session_key else {}

    def client():
        with httpx.Client(cookies=cookies, timeout=60) as http:
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

    for _ in range(2 * base.WORKERS):  # warm every worker: its connection and its chart cache
        httpx.get(url, cookies=cookies, timeout=120)
    threads = [threading.Thread(target=client) for _ in range(base.CLIENTS)]
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
    started = time.monotonic()
    if os.environ.get("BENCH_REUSE_DATABASE") == "1":  # the org an earlier run of this script built
        base.setup_django()
    else:
        base.create_database()
        base.setup_django()
        base.build_org()
        add_page_data()
    cookies = sessions()
    print(
        f"org: {base.PEOPLE} people, {3 * base.PEOPLE} attempts, {SERVICES} services, ready in "
        f"{time.monotonic() - started:.1f}s"
    )
    port = base.free_port()
    root = f"http://127.0.0.1:{port}"
    pages = {
        "floor: GET /accounts/login/": (f"{root}/accounts/login/", None),
        "home (manager)": (f"{root}/", cookies["manager"]),
        "home (L&D admin)": (f"{root}/", cookies["ld-admin"]),
        "team guide (manager)": (f"{root}/teams/team-0/guide/", cookies["manager"]),
        "team guide CSV": (f"{root}/teams/team-0/guide.csv", cookies["manager"]),
        "heat map": (f"{root}/dashboards/heat-map/", cookies["executive"]),
        "heat map by region": (f"{root}/dashboards/heat-map/?by=region", cookies["executive"]),
        "trends": (f"{root}/dashboards/trends/?service=service-0", cookies["executive"]),
        "content": (f"{root}/dashboards/content/", cookies["executive"]),
        "equity": (f"{root}/dashboards/equity/", cookies["executive"]),
        "scorecard": (f"{root}/dashboards/scorecard/", cookies["executive"]),
    }
    server = base.start_gunicorn(port)
    try:
        for name, (url, cookie) in pages.items():
            probe = httpx.get(url, cookies={"sessionid": cookie} if cookie else {}, timeout=120)
            assert probe.status_code == 200, (name, probe.status_code)
        print(
            f"gunicorn {base.WORKERS} workers, {base.CLIENTS} concurrent clients, {base.REQUESTS_PER_ENDPOINT} "
            f"requests per page in each of {base.ROUNDS} rounds"
        )
        print(f"load average before: {' '.join(f'{value:.1f}' for value in os.getloadavg())} on {os.cpu_count()} CPUs")
        rounds = [{name: load(url, cookie) for name, (url, cookie) in pages.items()} for _ in range(base.ROUNDS)]
        print(f"load average after:  {' '.join(f'{value:.1f}' for value in os.getloadavg())}")
        floor = "floor: GET /accounts/login/"
        print(f"{'page':<28} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8} {'p95/floor':>10} {'per round':>18} errors")
        for name in pages:
            median = {key: statistics.median(result[name][key] for result in rounds) for key in ("p50", "p95", "rps")}
            ratios = [result[name]["p95"] / result[floor]["p95"] for result in rounds]
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
