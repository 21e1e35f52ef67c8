"""The one path every statement takes, from a sync page or an import batch: validate, dedupe, store, void, map.

A batch costs a constant number of queries whatever its size; the caller wraps it in the same transaction as
the cursor move, so a crash leaves either the whole batch and its cursor, or neither.
"""

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

import orjson
from django.db import transaction
from django.utils import timezone

from ..choices import EvidenceSource, StatementStatus
from ..models import LRSConnection, LRSSyncRun, QuarantinedStatement, Statement
from .attempts import attempts_record_from_statements, attempts_void_for_statements
from .bulk import rows_insert, values_present
from .identity import identities_resolve
from .mapping import makes_attempt
from .parsing import ParsedStatement, StatementRejected, raw_text, statement_parse
from .voiding import voids_apply


@dataclass
class IngestResult:
    """Counts of one batch, and the ids accepted or rejected (for re-processing the quarantine)."""

    fetched: int = 0
    new: int = 0
    skipped: int = 0
    quarantined: int = 0
    attempts_created: int = 0
    voided: int = 0
    latest_stored: datetime.datetime | None = None
    accepted_ids: set = field(default_factory=set)
    rejections: dict = field(default_factory=dict)


@dataclass(slots=True)
class Incoming:
    """One statement as received: its parsed JSON (or the error parsing it) and its exact text."""

    data: object
    raw: str
    error: str = ""


def incoming_from_data(data) -> Incoming:
    return Incoming(data=data, raw=raw_text(data))


def incoming_from_text(text: str) -> Incoming:
    try:
        return Incoming(data=orjson.loads(text), raw=text)
    except orjson.JSONDecodeError as error:
        return Incoming(data=None, raw=text, error=f"not valid JSON: {error}")


@dataclass
class PreparedBatch:
    """A batch parsed and validated, before any query: the parsing half of the ingest, which needs no database,
    so it can run in a thread while the database writes the previous batch (see `statements_prepare`)."""

    fetched: int = 0
    skipped: int = 0
    latest_stored: datetime.datetime | None = None
    parsed: dict = field(default_factory=dict)
    rejected: list = field(default_factory=list)


def statements_prepare(incoming: Iterable[Incoming], *, connection: LRSConnection | None = None) -> PreparedBatch:
    """Parse and validate a batch (no queries). Statements keep their order; the same id twice: the first wins."""
    batch = PreparedBatch()
    now = timezone.now()
    parsed = batch.parsed
    for item in incoming:
        batch.fetched += 1
        try:
            if item.error:
                raise StatementRejected(item.error)
            statement = statement_parse(item.data, item.raw, received_at=now)
        except StatementRejected as error:
            batch.rejected.append(
                QuarantinedStatement(
                    statement_id=_statement_id_of(item.data), raw=item.raw, reason=str(error), connection=connection
                )
            )
            continue
        if statement.stored and (batch.latest_stored is None or statement.stored > batch.latest_stored):
            batch.latest_stored = statement.stored
        if statement.statement_id in parsed:
            batch.skipped += 1
        else:
            parsed[statement.statement_id] = statement
    return batch


@transaction.atomic
def statements_ingest(
    incoming: Iterable[Incoming] | PreparedBatch,
    *,
    connection: LRSConnection | None = None,
    run: LRSSyncRun | None = None,
    evidence_source: EvidenceSource = EvidenceSource.LRS,
    reprocessing: bool = False,
) -> IngestResult:
    """Store a batch of statements exactly once each; quarantine the ones that break a rule, with the reason.

    Already stored ids are skipped, so a page read twice (overlap, re-run `more`) changes nothing. A statement
    already in the quarantine is skipped too, unless `reprocessing` it. `incoming` may be already prepared.
    """
    batch = incoming if isinstance(incoming, PreparedBatch) else statements_prepare(incoming, connection=connection)
    result = IngestResult(fetched=batch.fetched, skipped=batch.skipped, latest_stored=batch.latest_stored)
    now = timezone.now()
    parsed: dict[uuid.UUID, ParsedStatement] = batch.parsed
    rejected: list[QuarantinedStatement] = batch.rejected

    already_stored = values_present(Statement, "statement_id", list(parsed))
    known = set(already_stored)
    if not reprocessing:
        known |= values_present(
            QuarantinedStatement,
            "statement_id",
            list(parsed) + [row.statement_id for row in rejected if row.statement_id],
        )
    result.skipped += sum(1 for statement_id in parsed if statement_id in known)
    fresh = [statement for statement_id, statement in parsed.items() if statement_id not in known]
    if not reprocessing:
        # A malformed statement read again (overlap window) is already quarantined: count it once.
        result.skipped += sum(1 for row in rejected if row.statement_id in known)
        rejected = [row for row in rejected if row.statement_id not in known]

    actors = {statement.identity_key: (statement.identity_kind, statement.actor_name) for statement in fresh}
    actors.pop(None, None)  # anonymous groups have no identity
    identities = identities_resolve(actors)
    for statement in fresh:
        _classify(statement, identities)
    voided_targets, voided_stored = voids_apply(fresh, voided_at=now)
    mapped = attempts_record_from_statements(statements=fresh, evidence_source=evidence_source)
    if mapped.rejected:
        rejected += [
            QuarantinedStatement(
                statement_id=statement.statement_id,
                raw=statement.raw,
                reason=mapped.rejected[statement.statement_id],
                connection=connection,
            )
            for statement in fresh
            if statement.statement_id in mapped.rejected
        ]
        fresh = [statement for statement in fresh if statement.statement_id not in mapped.rejected]
    inserted = rows_insert(
        Statement, [_statement_row(statement, connection) for statement in fresh], conflict_column="statement_id"
    )
    if voided_targets:
        attempts_void_for_statements(statement_ids=voided_targets, voided_at=now)

    for row in rejected:
        row.run = run
    if reprocessing:
        _quarantine_update(rejected)
    else:
        QuarantinedStatement.objects.bulk_create(rejected, batch_size=1000, ignore_conflicts=True)

    # Another writer (a second connection to the same LRS) may have stored some of them meanwhile: those count
    # as skipped, so the runs' counters add up to what was stored.
    result.new = inserted
    result.skipped += len(fresh) - inserted
    result.quarantined = len(rejected)
    result.attempts_created = mapped.created
    result.voided = voided_stored + sum(1 for statement in fresh if statement.status == StatementStatus.VOIDED)
    result.accepted_ids = {statement.statement_id for statement in fresh} | already_stored
    result.rejections = {row.statement_id: row.reason for row in rejected if row.statement_id}
    return result


def _classify(statement: ParsedStatement, identities: dict) -> None:
    statement.identity = identities.get(statement.identity_key) if statement.identity_key else None
    if statement.voids_statement_id:
        statement.status = StatementStatus.VOIDING
    elif makes_attempt(statement) and statement.identity is not None and statement.identity.person_id is None:
        statement.status = StatementStatus.AWAITING_IDENTITY
    else:
        statement.status = StatementStatus.RECORDED


def _statement_row(statement: ParsedStatement, connection: LRSConnection | None) -> dict:
    extensions = statement.extensions
    return {
        "statement_id": statement.statement_id,
        "raw": statement.raw,
        "connection_id": connection.pk if connection else None,
        "status": statement.status,
        "identity_id": statement.identity.pk if statement.identity else None,
        "verb_iri": statement.verb_iri,
        "activity_iri": statement.activity_iri,
        "registration": statement.registration,
        "timestamp": statement.timestamp,
        "stored": statement.stored,
        "score_scaled": statement.score_scaled,
        "score_raw": statement.score_raw,
        "score_min": statement.score_min,
        "score_max": statement.score_max,
        "success": statement.success,
        "completion": statement.completion,
        "duration_seconds": statement.duration_seconds,
        "role_key": extensions.get("role", "")[:80],
        "service_key": extensions.get("service", "")[:80],
        "rubric_version": extensions.get("rubric_version"),
        "extensions": extensions,
        "voids_statement_id": statement.voids_statement_id,
        "voided_at": statement.voided_at,
    }


def _statement_id_of(data) -> uuid.UUID | None:
    """The id to keep a rejected statement under, when it has a valid one (so it is quarantined only once)."""
    if isinstance(data, dict) and isinstance(data.get("id"), str):
        try:
            return uuid.UUID(data["id"])
        except ValueError:
            return None
    return None


def _quarantine_update(rejected: list[QuarantinedStatement]) -> None:
    """On re-processing, a statement rejected again keeps its row with the new reason."""
    by_id = {row.statement_id: row for row in rejected if row.statement_id}
    existing = list(QuarantinedStatement.objects.filter(statement_id__in=list(by_id)))
    for row in existing:
        row.reason = by_id.pop(row.statement_id).reason
    QuarantinedStatement.objects.bulk_update(existing, ["reason"])
    QuarantinedStatement.objects.bulk_create(list(by_id.values()), ignore_conflicts=True)
