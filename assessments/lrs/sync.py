"""Syncing one LRS connection: resumable (cursor on `stored`), idempotent (statement ids), one run at a time.

Each page is stored, counted and its cursor moved in ONE transaction, so a crash anywhere loses nothing and
doubles nothing: the next run starts from the last committed page, re-reads an overlap window before it
(`stored` values tie; never less than a second, so statements sharing the cursor's own timestamp are read again)
and skips the ids it already has.

Recovery: the running sync holds a lease on its connection and renews it every quarter of
`LRS_SYNC_LEASE_SECONDS` (a heartbeat), so a sync whose worker died is taken over within that time; a
redelivered task takes over its own dead run's lease at once. The run it left behind is closed as failed with
the reason. The sync also checks that the LRS honours `since` and ascending order on `stored` before it moves
the cursor: an LRS that filters on `timestamp` (Ralph) would otherwise lose statements without a word.
"""

import datetime
import logging
import os
import socket
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from django.conf import settings
from django.db import reset_queries, transaction
from django.db.models import Q
from django.utils import timezone

from program.crypto import secret_decrypt

from ..choices import SinceMode, SyncRunKind, SyncRunStatus, SyncTrigger
from ..models import LRSConnection, LRSSyncRun
from .bulk import commit_unflushed
from .client import LRSClient, pages_read_ahead
from .ingest import IngestResult, incoming_from_data, statements_ingest, statements_prepare

logger = logging.getLogger(__name__)
PAGES_AHEAD = 4  # pages read ahead of the one being stored: memory stays bounded whatever the run's size
RUN_COUNTERS = ("fetched", "new", "skipped", "quarantined", "attempts_created", "voided")
# The overlap window never goes below this: `since` is exclusive, so with no overlap the statements that share
# the cursor's `stored` (whole seconds on some LRSs) but were not read yet would never be read.
MIN_OVERLAP_SECONDS = 1
# An LRS may round the `since` it is sent; a statement this close before it is not taken as a broken filter.
SINCE_TOLERANCE = datetime.timedelta(seconds=1)
TIMESTAMP_MODE_ADVICE = (
    "This LRS does not filter `since` (or order) on `stored` as xAPI 1.0.3 requires; Ralph, for one, filters on "
    "`timestamp`. Set the connection's since mode to `timestamp` (it then reads everything each run and skips "
    "known ids). The cursor was not moved and nothing was lost."
)


class LeaseLost(RuntimeError):
    """Another sync took this connection over (our lease expired): stop without moving its cursor."""


class SyncSkipped(RuntimeError):
    """The sync did not start because another one holds the connection; the message says which and until when."""


class LRSNotConformant(RuntimeError):
    """The LRS answered statements the `since` it was sent should have excluded, or out of `stored` order."""


def lease_holder_here(task_id: str | None = None) -> str:
    """Who holds a lease: a Celery task (by id, so its redelivery can take over) or a process on a host."""
    if task_id:
        return f"celery task {task_id}"
    return f"pid {os.getpid()} on {socket.gethostname()}"


def connections_due(*, now: datetime.datetime | None = None) -> list[int]:
    """Ids of the enabled connections whose schedule says a sync is due."""
    now = now or timezone.now()
    due = []
    for connection in LRSConnection.objects.filter(enabled=True, sync_interval_minutes__isnull=False).only(
        "pk", "sync_interval_minutes", "last_sync_started_at"
    ):
        last = connection.last_sync_started_at
        if last is None or last + datetime.timedelta(minutes=connection.sync_interval_minutes) <= now:
            due.append(connection.pk)
    return due


def connections_sync_queue(*, connection_ids: list[int], trigger: SyncTrigger) -> None:
    """Queue a sync of each connection once the caller's transaction commits (admin "sync now", beat)."""
    from ..tasks import lrs_sync_connection  # tasks import this module

    for connection_id in connection_ids:
        transaction.on_commit(lambda pk=connection_id: lrs_sync_connection.delay(pk, trigger))


def sync_blocked_reason(connection: LRSConnection, *, now: datetime.datetime | None = None) -> str:
    """Why a sync of this connection cannot start now (another one holds its lease), or "" when it can."""
    now = now or timezone.now()
    if not connection.lease_token or connection.lease_expires_at is None or connection.lease_expires_at < now:
        return ""
    started = timezone.localtime(connection.last_sync_started_at) if connection.last_sync_started_at else None
    return (
        f"a sync of {connection.name} is already running ({connection.lease_holder or 'unknown holder'}"
        f"{f', started {started:%Y-%m-%d %H:%M:%S}' if started else ''}); its lease runs until "
        f"{timezone.localtime(connection.lease_expires_at):%H:%M:%S} unless renewed (a dead sync is taken over then)"
    )


def runs_close_abandoned(*, connection_id: int | None = None, reason: str = "") -> int:
    """Close as failed the sync runs left "running" by a sync that died (its lease is free or expired).

    Called when a sync takes a connection's lease (every run still open on it is then dead) and by the beat
    task every minute, so an abandoned run never stays "running"; returns how many were closed.
    """
    now = timezone.now()
    runs = LRSSyncRun.objects.filter(kind=SyncRunKind.SYNC, status=SyncRunStatus.RUNNING)
    if connection_id is not None:
        runs = runs.filter(connection_id=connection_id)
    else:
        runs = runs.filter(Q(connection__lease_expires_at__isnull=True) | Q(connection__lease_expires_at__lt=now))
    closed = runs.update(
        status=SyncRunStatus.FAILED,
        finished_at=now,
        error=(
            "Abandoned: this sync stopped without finishing (its worker or process was killed, or lost the "
            f"database) and {reason or 'its lease expired'}. What it committed is kept; the next run resumed "
            "from the cursor."
        ),
    )
    if closed:
        logger.warning("closed %s abandoned LRS sync run(s)", closed)
    return closed


def connection_sync(
    *,
    connection_id: int,
    trigger: SyncTrigger = SyncTrigger.COMMAND,
    progress: Callable[[IngestResult], None] | None = None,
    holder: str = "",
    run_seconds: float | None = None,
) -> LRSSyncRun:
    """Pull every statement stored since the cursor; SyncSkipped (saying why) when another sync holds the
    connection. With `run_seconds`, stop after that long between pages and set `run.more_to_read`."""
    holder = holder or lease_holder_here()
    token = _lease_acquire(connection_id, holder)
    connection = LRSConnection.objects.get(pk=connection_id)
    if token is None:
        reason = sync_blocked_reason(connection) or f"a sync of {connection.name} took the lease meanwhile"
        logger.warning("LRS connection %s: %s; not starting another", connection.name, reason)
        raise SyncSkipped(reason)
    runs_close_abandoned(connection_id=connection_id, reason=f"{holder} took the connection over")
    run = LRSSyncRun.objects.create(
        connection=connection,
        kind=SyncRunKind.SYNC,
        trigger=trigger,
        started_at=timezone.now(),
        cursor_before=connection.cursor_stored,
        cursor_after=connection.cursor_stored,
    )
    run.more_to_read = False
    try:
        deadline = time.monotonic() + run_seconds if run_seconds else None
        run.more_to_read = _pages_sync(connection, run, token, progress, deadline)
        run.status = SyncRunStatus.SUCCEEDED
    except Exception as error:  # recorded on the run (shown in the admin); the next run resumes from the cursor
        logger.exception("LRS connection %s: sync failed", connection.name)
        run.status = SyncRunStatus.FAILED
        run.error = f"{type(error).__name__}: {error}"
    finally:
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        LRSConnection.objects.filter(pk=connection_id, lease_token=token).update(
            lease_token="", lease_holder="", lease_expires_at=None
        )
    return run


def _pages_sync(connection: LRSConnection, run: LRSSyncRun, token: str, progress, deadline: float | None) -> bool:
    """Read and store pages until the LRS has no more (False) or the run's time is up (True: more to read)."""
    since = None
    if connection.since_mode == SinceMode.STORED and connection.cursor_stored is not None:
        overlap = max(connection.overlap_seconds, MIN_OVERLAP_SECONDS)
        since = connection.cursor_stored - datetime.timedelta(seconds=overlap)
    check = _StoredOrderCheck(since) if connection.since_mode == SinceMode.STORED else None
    heartbeat = settings.LRS_SYNC_LEASE_SECONDS / 4
    with (
        LRSClient(
            endpoint=connection.endpoint,
            key=connection.key,
            secret=secret_decrypt(connection.secret_encrypted),
            timeout=settings.LRS_SYNC_TIMEOUT_SECONDS,
            max_attempts=settings.LRS_SYNC_MAX_ATTEMPTS,
            backoff_seconds=settings.LRS_SYNC_BACKOFF_SECONDS,
        ) as client,
        pages_read_ahead(
            client, lambda: client.first_page(since=since, limit=connection.page_size), depth=PAGES_AHEAD
        ) as next_page,
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="lrs-parse") as parser,
    ):
        # Three stages at once: the reader thread reads pages ahead, the parse thread parses the next page, and
        # this thread stores the current one, in order (the sync then costs about the slowest stage, not their
        # sum: psycopg and httpx release the GIL while they wait).
        upcoming = parser.submit(lambda: _page_prepared(next_page(), connection))
        while (current := _result_with_heartbeat(upcoming, connection.pk, token, heartbeat))[0] is not None:
            page, prepared = current
            if check:
                check.page(prepared, connection.endpoint)  # before the page's transaction: the cursor stays put
            upcoming = parser.submit(lambda: _page_prepared(next_page(), connection))
            with transaction.atomic():
                commit_unflushed()
                result = statements_ingest(prepared, connection=connection, run=run)
                run.cursor_after = _cursor_advance(connection.pk, token, result.latest_stored, page.consistent_through)
                run.pages += 1
                for counter in RUN_COUNTERS:
                    setattr(run, counter, getattr(run, counter) + getattr(result, counter))
                run.save(update_fields=["pages", "cursor_after", *RUN_COUNTERS])
            if progress:
                progress(result)
            reset_queries()  # with DEBUG on, Django keeps every query: memory would grow with the run
            if deadline is not None and time.monotonic() > deadline:
                return True
    return False


def _result_with_heartbeat(upcoming, connection_id: int, token: str, interval: float):
    """Wait for the next parsed page, renewing the lease meanwhile: a page may take minutes to arrive (a slow
    LRS, retries), and the lease must only expire when its holder is gone."""
    while True:
        try:
            return upcoming.result(timeout=interval)
        except FutureTimeout:
            _lease_renew(connection_id, token)


class _StoredOrderCheck:
    """Checks that the LRS honours the xAPI 1.0.3 contract the cursor relies on: every statement is stored after
    `since`, and an ascending read comes in `stored` order. An LRS that breaks it (filtering `since` on
    `timestamp`) would make a resumed sync skip statements for good, so the sync stops before moving the cursor."""

    def __init__(self, since: datetime.datetime | None):
        self.since = since
        self.previous: tuple[datetime.datetime, object] | None = None

    def page(self, prepared, endpoint: str) -> None:
        for statement in prepared.parsed.values():
            stored = statement.stored
            if stored is None:
                continue
            if self.since is not None and stored < self.since - SINCE_TOLERANCE:
                raise LRSNotConformant(
                    f"{endpoint} answered statement {statement.statement_id} stored {stored.isoformat()} to a "
                    f"request for statements stored since {self.since.isoformat()}. {TIMESTAMP_MODE_ADVICE}"
                )
            if self.previous is not None and stored < self.previous[0]:
                raise LRSNotConformant(
                    f"{endpoint} answered statement {statement.statement_id} stored {stored.isoformat()} after "
                    f"statement {self.previous[1]} stored {self.previous[0].isoformat()} in an ascending read. "
                    f"{TIMESTAMP_MODE_ADVICE}"
                )
            self.previous = (stored, statement.statement_id)


def _page_prepared(page, connection: LRSConnection) -> tuple:
    """A fetched page and its statements parsed (no queries, so it can run in the parse thread)."""
    if page is None:
        return None, None
    incoming = (incoming_from_data(statement) for statement in page.statements)
    return page, statements_prepare(incoming, connection=connection)


def _cursor_advance(
    connection_id: int,
    token: str,
    latest_stored: datetime.datetime | None,
    consistent_through: datetime.datetime | None,
) -> datetime.datetime | None:
    """Move the high-water mark to the page's latest `stored`, never past the LRS's consistent-through time and
    never backwards, and renew the lease; in the page's transaction, so it moves only if the page commits."""
    connection = (
        LRSConnection.objects.select_for_update(of=("self",)).only("cursor_stored", "lease_token").get(pk=connection_id)
    )
    if connection.lease_token != token:
        raise LeaseLost("another sync took this connection over; this page is rolled back")
    cursor = connection.cursor_stored
    if latest_stored is not None:
        candidate = min(latest_stored, consistent_through) if consistent_through else latest_stored
        if cursor is None or candidate > cursor:
            cursor = candidate
    LRSConnection.objects.filter(pk=connection_id).update(cursor_stored=cursor, lease_expires_at=_lease_end())
    return cursor


def _lease_end() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(seconds=settings.LRS_SYNC_LEASE_SECONDS)


def _lease_renew(connection_id: int, token: str) -> None:
    """The heartbeat: push the lease's expiry on; LeaseLost if another sync has taken it over meanwhile."""
    if not LRSConnection.objects.filter(pk=connection_id, lease_token=token).update(lease_expires_at=_lease_end()):
        raise LeaseLost("another sync took this connection over while this one waited for the LRS")


def _lease_acquire(connection_id: int, holder: str = "") -> str | None:
    """Take the connection's lease with one conditional UPDATE (atomic on every database); None if held.

    A lease is free when nobody holds it or its holder stopped renewing it. A holder may also take back its own
    lease: a Celery task redelivered after its worker died has the same id as the dead run that holds it."""
    token = uuid.uuid4().hex
    now = timezone.now()
    free = Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now)
    if holder.startswith("celery task "):
        free |= Q(lease_holder=holder)
    taken = (
        LRSConnection.objects.filter(pk=connection_id)
        .filter(free)
        .update(lease_token=token, lease_holder=holder, lease_expires_at=_lease_end(), last_sync_started_at=now)
    )
    return token if taken else None
