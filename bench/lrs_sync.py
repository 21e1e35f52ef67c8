"""Benchmark: sync 100,000 statements from a real LRS (Ralph) into PostgreSQL; prints statements/s for the
whole sync and for fetch-only (the same pages read, nothing stored) and their ratio.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lrs_bench .venv/bin/python bench/lrs_sync.py [COUNT]

Target (issue 3): the sync takes at most 1.25× fetch-only. Needs .venv-ralph (scripts/bootstrap_ralph).
"""

import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import django
import httpx

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "program.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

sys.path.insert(0, str(PROJECT_DIR / "bench"))
from import_statements import org_setup, statement  # noqa: E402

USER, PASSWORD, PAGE_SIZE = "bench", "bench-secret", 1000


def ralph_start(store: Path) -> tuple[subprocess.Popen, str]:
    env = os.environ | {
        "RALPH_RUNSERVER_BACKEND": "fs",
        "RALPH_AUTH_FILE": str(store / "auth.json"),
        "RALPH_APP_DIR": str(store / "app"),
        "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(store),
        "RALPH_RUNSERVER_MAX_SEARCH_HITS_COUNT": str(PAGE_SIZE),
    }
    ralph_bin = PROJECT_DIR / ".venv-ralph" / "bin"
    subprocess.run(
        [ralph_bin / "ralph", "auth", "-u", USER, "-p", PASSWORD, "-s", "all", "-M", "mailto:bench@example.com"]
        + ["-N", USER, "-w"],
        env=env,
        check=True,
        capture_output=True,
    )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [ralph_bin / "python", PROJECT_DIR / "scripts" / "ralph_server.py", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{url}/__heartbeat__", timeout=1).status_code == 200:
                return process, url
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError("Ralph did not start")


def main() -> None:
    from assessments.lrs.client import LRSClient
    from assessments.lrs.connections import connection_create
    from assessments.lrs.sync import connection_sync
    from assessments.models import LRSConnection

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    if connection.vendor != "postgresql":
        sys.exit("Run it on PostgreSQL: set DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/lrs_bench)")
    call_command("migrate", verbosity=0)
    org_setup()
    LRSConnection.objects.filter(name="bench").delete()
    with tempfile.TemporaryDirectory() as store:
        process, url = ralph_start(Path(store))
        try:
            rng = random.Random(7)
            statements = [statement(rng, index) for index in range(count)]
            for item in statements:
                del item["stored"]  # the LRS stores them
            started = time.perf_counter()
            with httpx.Client(auth=(USER, PASSWORD), timeout=120) as client:
                for start in range(0, count, 1000):
                    client.post(f"{url}/xAPI/statements", json=statements[start : start + 1000]).raise_for_status()
            print(f"put {count:,} statements into Ralph in {time.perf_counter() - started:.1f} s")
            del statements

            started = time.perf_counter()
            fetched = 0
            with LRSClient(endpoint=f"{url}/xAPI/", key=USER, secret=PASSWORD) as lrs:
                page = lrs.first_page(since=None, limit=PAGE_SIZE)
                while page is not None:
                    fetched += len(page.statements)
                    page = lrs.next_page(page) if page.statements else None
            fetch_seconds = time.perf_counter() - started
            print(f"fetch only: {fetched:,} statements in {fetch_seconds:.1f} s = {fetched / fetch_seconds:,.0f}/s")

            bench_connection = connection_create(
                name="bench",
                endpoint=f"{url}/xAPI/",
                key=USER,
                secret=PASSWORD,
                page_size=PAGE_SIZE,
                since_mode="timestamp",  # Ralph filters and orders on `timestamp`
            )
            started = time.perf_counter()
            run = connection_sync(connection_id=bench_connection.pk)
            sync_seconds = time.perf_counter() - started
            print(
                f"full sync:  {run.fetched:,} statements in {sync_seconds:.1f} s = {run.fetched / sync_seconds:,.0f}/s"
                f" ({run.status}: {run.new:,} new, {run.attempts_created:,} attempts, {run.pages} pages)"
            )
            print(f"sync / fetch-only = {sync_seconds / fetch_seconds:.2f}× (target ≤ 1.25×)")
            print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        finally:
            process.terminate()
            process.wait(timeout=10)


if __name__ == "__main__":
    main()
