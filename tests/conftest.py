"""Shared fixtures: users per group, and a real Celery worker on Redis for tests marked `worker`."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from rest_framework.throttling import SimpleRateThrottle

from program import celery_app
from program.constants import COACH_GROUP, LD_ADMIN_GROUP, LEARNER_GROUP, MANAGER_GROUP

# Hashing demo and factory passwords with the production hasher would dominate the suite's run time.
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

PROJECT_DIR = Path(__file__).resolve().parent.parent
# Unique per test process, so parallel processes (pytest-xdist) each get their own Celery queue and worker; each
# also gets its own test database (pytest-django suffixes the name with the xdist worker id).
WORKER_QUEUE = f"tests-{uuid.uuid4().hex[:8]}"
# Parallel processes share one Redis: each keeps its cache keys (throttles, lockouts) apart.
settings.CACHES["default"]["KEY_PREFIX"] = os.environ.get("PYTEST_XDIST_WORKER", "")


@pytest.fixture(autouse=True)
def _celery_mode(request):
    """Tasks run eagerly in-process, except in tests marked `worker`, which go through Redis to a real worker."""
    real_worker = request.node.get_closest_marker("worker") is not None
    celery_app.conf.task_always_eager = not real_worker
    celery_app.conf.task_default_queue = WORKER_QUEUE if real_worker else settings.CELERY_TASK_DEFAULT_QUEUE
    yield
    celery_app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER
    celery_app.conf.task_default_queue = settings.CELERY_TASK_DEFAULT_QUEUE


@pytest.fixture(autouse=True)
def _fresh_throttle_counts(monkeypatch):
    """Each test starts with no API throttle history: every test client calls from 127.0.0.1 and users' ids repeat
    across tests. A cache of its own, so the shared Redis (the Celery broker too) is never flushed."""
    monkeypatch.setattr(SimpleRateThrottle, "cache", LocMemCache(f"throttle-{uuid.uuid4().hex}", {}))


def _database_url_for_worker() -> str:
    db = connection.settings_dict
    credentials = db["USER"] or ""
    if db.get("PASSWORD"):
        credentials += f":{db['PASSWORD']}"
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _worker_environment(queue: str, **extra: str) -> dict:
    return (
        os.environ
        | {
            "DATABASE_URL": _database_url_for_worker(),
            "REDIS_URL": settings.REDIS_URL,
            "CELERY_QUEUE": queue,
            "DJANGO_SETTINGS_MODULE": "program.settings",
        }
        | extra
    )


def _worker_command(queue: str, *options: str) -> list:
    return [sys.executable, "-m", "celery", "-A", "program", "worker", "--loglevel=INFO", "--without-gossip",
            "--without-mingle", "-Q", queue, "-n", f"{queue}@%h", *options]  # fmt: skip


def _wait_for_worker(queue: str, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while not celery_app.control.ping(destination=[f"{queue}@{os.uname().nodename}"], timeout=1):
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"Celery worker did not start; see {log_path}:\n{log_path.read_text()[-3000:]}")


def _require_worker_services() -> None:
    if not settings.REDIS_URL or connection.vendor != "postgresql":
        pytest.skip("needs REDIS_URL and PostgreSQL: runs in the PostgreSQL + Redis pass of the test command")


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker):
    """A real `celery worker` subprocess on the test database and Redis, on a queue of its own."""
    _require_worker_services()
    log_path = PROJECT_DIR / f".pytest-worker-{WORKER_QUEUE}.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            _worker_command(WORKER_QUEUE, "--pool=threads", "--concurrency=2"),
            cwd=PROJECT_DIR,
            env=_worker_environment(WORKER_QUEUE),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_for_worker(WORKER_QUEUE, process, log_path)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log_path.unlink(missing_ok=True)


class KillableWorker:
    """A real prefork Celery worker (one pool child) that a test can SIGKILL, whole or its pool child, and restart.

    On a queue of its own, with a short Redis visibility timeout so that a task whose worker was killed is
    redelivered seconds after the restart rather than after the production timeout.
    """

    def __init__(self, visibility_timeout: int = 8):
        self.queue = f"tests-kill-{uuid.uuid4().hex[:8]}"
        self.log_path = PROJECT_DIR / f".pytest-worker-{self.queue}.log"
        self.environment = _worker_environment(
            self.queue,
            CELERY_VISIBILITY_TIMEOUT_SECONDS=str(visibility_timeout),
            CELERY_UNACKED_RESTORE_INTERVAL_SECONDS="1",
        )
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                _worker_command(self.queue, "--pool=prefork", "--concurrency=1"),
                cwd=PROJECT_DIR,
                env=self.environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: SIGKILL reaches the pool child too
            )
        _wait_for_worker(self.queue, self.process, self.log_path)

    def pool_children(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return [int(pid) for pid in children]

    def kill(self) -> None:
        """SIGKILL the worker and its pool child at once, as the OOM killer or `docker kill` would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=20)

    def kill_pool_child(self) -> None:
        for pid in self.pool_children():
            os.kill(pid, signal.SIGKILL)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:] if self.log_path.exists() else ""


@pytest.fixture
def killable_worker(django_db_setup):
    """A `KillableWorker`, not started; stopped and its log removed after the test."""
    _require_worker_services()
    worker = KillableWorker()
    try:
        yield worker
    finally:
        worker.stop()
        worker.log_path.unlink(missing_ok=True)


def _user_in_group(username: str, group_name: str | None, **flags) -> User:
    user = User.objects.create_user(username=username, password="pw-for-tests-123", **flags)
    if group_name:
        user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def ld_admin_user(db) -> User:
    return _user_in_group("ld-admin", LD_ADMIN_GROUP, is_staff=True)


@pytest.fixture
def coach_user(db) -> User:
    return _user_in_group("coach", COACH_GROUP)


@pytest.fixture
def manager_user(db) -> User:
    return _user_in_group("manager", MANAGER_GROUP)


@pytest.fixture
def learner_user(db) -> User:
    return _user_in_group("learner", LEARNER_GROUP)
