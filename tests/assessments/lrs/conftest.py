"""A real LRS for the sync tests: Ralph (its own virtualenv, .venv-ralph), and a fault-injecting proxy."""

import json
import os
import socket
import subprocess
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from assessments.lrs.connections import connection_create
from assessments.lrs.profile import SCENARIO_ACTIVITY_PREFIX

PROJECT_DIR = Path(__file__).resolve().parents[3]
RALPH_PYTHON = PROJECT_DIR / ".venv-ralph" / "bin"
RALPH_USER, RALPH_PASSWORD = "portal", "ralph-test-secret"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Ralph:
    """A running Ralph LRS; `reset()` empties its store between tests."""

    def __init__(self, url: str, store_file: Path):
        self.url = url
        self.endpoint = f"{url}/xAPI/"
        self.store_file = store_file

    def reset(self) -> None:
        self.store_file.write_text("")

    def post(self, statements: list[dict], batch_size: int = 500) -> None:
        """Put statements into the LRS through its xAPI API."""
        with httpx.Client(auth=(RALPH_USER, RALPH_PASSWORD), timeout=60) as client:
            for start in range(0, len(statements), batch_size):
                response = client.post(
                    f"{self.url}/xAPI/statements",
                    json=statements[start : start + batch_size],
                    headers={"X-Experience-API-Version": "1.0.3"},
                )
                assert response.status_code == 200, response.text


@pytest.fixture(scope="session")
def ralph_server(tmp_path_factory):
    """Ralph on a free 127.0.0.1 port: fs backend in a tmp dir, append mode (scripts/ralph_server.py)."""
    if not (RALPH_PYTHON / "python").exists():
        pytest.fail("Ralph is not installed: run scripts/bootstrap_ralph (scripts/test does)")
    base = tmp_path_factory.mktemp("ralph")
    (base / "store").mkdir()
    env = os.environ | {
        "RALPH_RUNSERVER_BACKEND": "fs",
        "RALPH_AUTH_FILE": str(base / "auth.json"),
        "RALPH_APP_DIR": str(base / "app"),
        "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(base / "store"),
        "RALPH_RUNSERVER_MAX_SEARCH_HITS_COUNT": "1000",
    }
    subprocess.run(
        [RALPH_PYTHON / "ralph", "auth", "-u", RALPH_USER, "-p", RALPH_PASSWORD, "-s", "all"]
        + ["-M", f"mailto:{RALPH_USER}@example.com", "-N", RALPH_USER, "-w"],
        env=env,
        check=True,
        capture_output=True,
    )
    port = _free_port()
    log = open(base / "ralph.log", "wb")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [RALPH_PYTHON / "python", PROJECT_DIR / "scripts" / "ralph_server.py", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/__heartbeat__", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Ralph did not start:\n{(base / 'ralph.log').read_text()[-3000:]}")
            time.sleep(0.1)
        yield Ralph(url, base / "store" / "fs_lrs.jsonl")
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


@pytest.fixture
def ralph(ralph_server):
    """The Ralph LRS with an empty store."""
    ralph_server.reset()
    yield ralph_server
    ralph_server.reset()


class FaultProxy:
    """A real HTTP reverse proxy in front of the LRS that answers scripted failures instead of forwarding."""

    def __init__(self, upstream: str):
        self.upstream = upstream
        self.faults: list[int] = []  # statuses to answer, one per request, before forwarding again
        self.fail_after: int | None = None  # after this many forwarded requests, answer 500 for good
        self.forwarded = 0
        self.requests: list[str] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                proxy.requests.append(self.path)
                if proxy.faults:
                    self._answer(proxy.faults.pop(0), b'{"detail": "injected fault"}', {"Retry-After": "0"})
                    return
                if proxy.fail_after is not None and proxy.forwarded >= proxy.fail_after:
                    self._answer(500, b'{"detail": "injected outage"}', {})
                    return
                proxy.forwarded += 1
                headers = {name: self.headers[name] for name in ("Authorization", "X-Experience-API-Version")}
                response = httpx.get(proxy.upstream + self.path, headers=headers, timeout=60)
                self._answer(response.status_code, response.content, {})

            def _answer(self, status, body, headers):
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.endpoint = f"{self.url}/xAPI/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fault_proxy(ralph):
    proxy = FaultProxy(ralph.url)
    yield proxy
    proxy.close()


@pytest.fixture
def fast_retries(settings):
    settings.LRS_SYNC_BACKOFF_SECONDS = 0.01
    settings.LRS_SYNC_MAX_ATTEMPTS = 4


def make_connection(endpoint: str, **options):
    """A connection to the test LRS. Ralph filters `since` on `timestamp` (and orders on it), so `timestamp` mode is
    the default here; tests against a conformant `FakeLRS` ask for `stored`."""
    options = {"page_size": 10, "since_mode": "timestamp"} | options
    return connection_create(
        name=options.pop("name", f"lrs-{uuid.uuid4().hex[:8]}"),
        endpoint=endpoint,
        key=RALPH_USER,
        secret=RALPH_PASSWORD,
        **options,
    )


def make_statement(
    email: str = "learner@example.com",
    *,
    scenario_key: str = "checkout-latency-lab",
    verb: str = "http://adlnet.gov/expapi/verbs/completed",
    raw: float | None = 45,
    maximum: float = 50,
    timestamp: str | None = None,
    extensions: dict | None = None,
    **fields,
) -> dict:
    statement = {
        "id": str(uuid.uuid4()),
        "actor": {"objectType": "Agent", "mbox": f"mailto:{email}", "name": email.split("@")[0]},
        "verb": {"id": verb, "display": {"en-US": verb.rsplit("/", 1)[-1]}},
        "object": {"objectType": "Activity", "id": f"{SCENARIO_ACTIVITY_PREFIX}{scenario_key}"},
    }
    if raw is not None:
        statement["result"] = {"score": {"raw": raw, "min": 0, "max": maximum}, "success": raw / maximum >= 0.8}
    if extensions:
        statement["context"] = {"extensions": extensions}
    if timestamp:
        statement["timestamp"] = timestamp
    return statement | fields


def void_statement(target_id: str, email: str = "learner@example.com") -> dict:
    return {
        "id": str(uuid.uuid4()),
        "actor": {"mbox": f"mailto:{email}"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
        "object": {"objectType": "StatementRef", "id": target_id},
    }


def ndjson(statements) -> str:
    return "\n".join(json.dumps(statement) for statement in statements) + "\n"
