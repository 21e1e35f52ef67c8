"""Re-processing the quarantine once the mapping (scenario, rubric version, identity) has been fixed."""

from django.db import transaction
from django.utils import timezone

from ..models import QuarantinedStatement
from .ingest import incoming_from_text, statements_ingest


@transaction.atomic
def quarantine_reprocess(*, quarantined: list[QuarantinedStatement]) -> tuple[int, int]:
    """Run quarantined statements through the ingest path again; (accepted, still rejected).

    Accepted rows are kept, marked re-processed; rejected rows keep their place with the new reason.
    """
    pending = [row for row in quarantined if row.reprocessed_at is None]
    accepted, rejected = 0, 0
    by_connection: dict = {}
    for row in pending:
        by_connection.setdefault(row.connection_id, []).append(row)
    for rows in by_connection.values():
        result = statements_ingest(
            [incoming_from_text(row.raw) for row in rows], connection=rows[0].connection, reprocessing=True
        )
        done = [row.pk for row in rows if row.statement_id in result.accepted_ids]
        QuarantinedStatement.objects.filter(pk__in=done).update(reprocessed_at=timezone.now())
        accepted += len(done)
        rejected += len(rows) - len(done)
    return accepted, rejected
