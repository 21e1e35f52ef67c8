"""Importing an LRS export file (NDJSON, or one JSON array) by streaming: constant memory however large.

Batches go through the same ingest path as a sync (validation, dedupe, voiding, quarantine), each in its own
transaction with the run's counters, so an interrupted import re-run skips what it already stored.
"""

import itertools
import logging
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import ijson
from django.db import reset_queries, transaction
from django.utils import timezone

from ..choices import EvidenceSource, SyncRunKind, SyncRunStatus, SyncTrigger
from ..models import LRSSyncRun
from .bulk import commit_unflushed
from .ingest import (
    Incoming,
    IngestResult,
    PreparedBatch,
    incoming_from_data,
    incoming_from_text,
    statements_ingest,
    statements_prepare,
)
from .sync import RUN_COUNTERS

logger = logging.getLogger(__name__)


def statements_import(
    *,
    path: Path,
    batch_size: int = 2000,
    progress: Callable[[IngestResult, int], None] | None = None,
) -> LRSSyncRun:
    """Import a file of statements; the run records its counts, and the error if the file is broken."""
    run = LRSSyncRun.objects.create(
        kind=SyncRunKind.IMPORT, trigger=SyncTrigger.COMMAND, source=str(path)[:500], started_at=timezone.now()
    )
    with open(path, "rb") as stream, ThreadPoolExecutor(max_workers=1, thread_name_prefix="lrs-parse") as parser:
        try:
            items = _json_array(stream) if _first_character(stream) == b"[" else _ndjson(stream)
            # Read and parse the next batch while the database writes this one: psycopg releases the GIL while it
            # waits, so the two overlap. Batches are still stored one after another, in file order.
            upcoming = parser.submit(_batch_read, items, stream, batch_size)
            while (batch := upcoming.result())[0].fetched:
                prepared, position = batch
                upcoming = parser.submit(_batch_read, items, stream, batch_size)
                with transaction.atomic():
                    commit_unflushed()
                    result = statements_ingest(prepared, run=run, evidence_source=EvidenceSource.IMPORT)
                    run.pages += 1
                    for counter in RUN_COUNTERS:
                        setattr(run, counter, getattr(run, counter) + getattr(result, counter))
                    run.save(update_fields=["pages", *RUN_COUNTERS])
                if progress:
                    progress(result, position)
                reset_queries()  # with DEBUG on, Django keeps every query: memory would grow with the run
            run.status = SyncRunStatus.SUCCEEDED
        except ijson.JSONError as error:
            # The batches before the break are stored; fix the file and import it again (stored ids are skipped).
            run.status = SyncRunStatus.FAILED
            run.error = f"the JSON array is broken near byte {stream.tell()}: {error}"
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "error", "finished_at"])
    return run


def _batch_read(items: Iterator[Incoming], stream, batch_size: int) -> tuple[PreparedBatch, int]:
    """The next batch, parsed (empty at the end of the file), and the byte position after it for the progress."""
    return statements_prepare(itertools.islice(items, batch_size)), stream.tell()


def _first_character(stream) -> bytes:
    """The first significant byte (after a UTF-8 byte order mark and whitespace); leaves the stream past the mark."""
    head = stream.read(1024)
    start = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    stream.seek(start)
    significant = head[start:].lstrip()
    return significant[:1]


def _ndjson(stream) -> Iterator[Incoming]:
    """One statement per line; a line that is not JSON is kept as it is, to be quarantined with the reason."""
    for line in stream:
        text = line.decode("utf-8", errors="replace").strip()
        if text:
            yield incoming_from_text(text)


def _json_array(stream) -> Iterator[Incoming]:
    for item in ijson.items(stream, "item", use_float=True):
        yield incoming_from_data(item)
