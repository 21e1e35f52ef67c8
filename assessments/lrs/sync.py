"""Syncing one LRS connection: resumable (cursor on `stored`), idempotent (statement ids), one run at a time.

Each page is stored, counted and its cursor moved in ONE transaction, so a crash anywhere loses nothing and
doubles nothing: the next run starts from the last committed page, re-reads an overlap window before it
(`stored` values tie; some LRSs filter `since` on `timestamp`) and skips the ids it already has.
"""

import datetime
import logging
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import reset_queries, transaction
from django.db.models import Q
from django.utils import timezone

from ..choices import SinceMode, SyncRunKind, SyncRunStatus, SyncTrigger
from ..models import LRSConnection, LRSSyncRun
from .bulk import commit_unflushed
from .client import LRSClient, pages_read_ahead
from .crypto import secret_decrypt
from .ingest import IngestResult, incoming_from_data, statements_ingest, statements_prepare

logger = logging.getLogger(__name__)
LEASE = datetime.timedelta(minutes=10)
PAGES_AHEAD = 4  # pages read ahead of the one being stored: memory stays bounded whatever the run's size
RUN_COUNTERS = ("fetched", "new", "skipped", "quarantined", "attempts_created", "voided")


class LeaseLost(RuntimeError):
    """Another sync took this connection over (our lease expired): stop without moving its cursor."""


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


def connection_sync(
    *,
    connection_id: int,
    trigger: SyncTrigger = SyncTrigger.COMMAND,
    progress: Callable[[IngestResult], None] | None = None,
) -> LRSSyncRun | None:
    """Pull every statement stored since the cursor; None when another sync of the connection is running."""
    token = _lease_acquire(connection_id)
    if token is None:
        logger.info("LRS connection %s: a sync is already running; not starting another", connection_id)
        return None
    connection = LRSConnection.objects.get(pk=connection_id)
    run = LRSSyncRun.objects.create(
        connection=connection,
        kind=SyncRunKind.SYNC,
        trigger=trigger,
        started_at=timezone.now(),
        cursor_before=connection.cursor_stored,
        cursor_after=connection.cursor_stored,
    )
    try:
        _pages_sync(connection, run, token, progress)
        run.status = SyncRunStatus.SUCCEEDED
    except Exception as error:  # recorded on the run (shown in the admin); the next run resumes from the cursor
        logger.exception("LRS connection %s: sync failed", connection.name)
        run.status = SyncRunStatus.FAILED
        run.error = f"{type(error).__name__}: {error}"
    finally:
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        LRSConnection.objects.filter(pk=connection_id, lease_token=token).update(lease_token="", lease_expires_at=None)
    return run


def _pages_sync(connection: LRSConnection, run: LRSSyncRun, token: str, progress) -> None:
    since = None
    if connection.since_mode == SinceMode.STORED and connection.cursor_stored is not None:
        since = connection.cursor_stored - datetime.timedelta(seconds=connection.overlap_seconds)
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
        while (current := upcoming.result())[0] is not None:
            page, prepared = current
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
    connection = LRSConnection.objects.select_for_update().only("cursor_stored", "lease_token").get(pk=connection_id)
    if connection.lease_token != token:
        raise LeaseLost("another sync took this connection over; this page is rolled back")
    cursor = connection.cursor_stored
    if latest_stored is not None:
        candidate = min(latest_stored, consistent_through) if consistent_through else latest_stored
        if cursor is None or candidate > cursor:
            cursor = candidate
    LRSConnection.objects.filter(pk=connection_id).update(cursor_stored=cursor, lease_expires_at=timezone.now() + LEASE)
    return cursor


def _lease_acquire(connection_id: int) -> str | None:
    """Take the connection's lease with one conditional UPDATE (atomic on every database); None if held."""
    token = uuid.uuid4().hex
    now = timezone.now()
    taken = (
        LRSConnection.objects.filter(pk=connection_id)
        .filter(Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now))
        .update(lease_token=token, lease_expires_at=now + LEASE, last_sync_started_at=now)
    )
    return token if taken else None
