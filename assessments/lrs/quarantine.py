"""Re-processing the quarantine once the mapping (scenario, rubric version, identity) has been fixed."""

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from program.choices import AuditAction
from program.services import audit_record

from ..models import QuarantinedStatement
from .ingest import incoming_from_text, statements_ingest


@transaction.atomic
def quarantine_reprocess(*, quarantined: list[QuarantinedStatement], actor: User | None = None) -> tuple[int, int]:
    """Run quarantined statements through the ingest path again; (accepted, still rejected).

    Accepted rows are kept, marked re-processed; rejected rows keep their place with the new reason. Audited with
    `actor` (the admin, the API caller), since an accepted statement becomes evidence.
    """
    pending = [row for row in quarantined if row.reprocessed_at is None]
    accepted, rejected = 0, 0
    reprocessed: list[int] = []
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
        reprocessed.extend(done)
    if pending:
        audit_record(
            action=AuditAction.CHANGED,
            actor=actor,
            object_type="quarantined-statement",
            object_id=pending[0].pk if len(pending) == 1 else "",
            summary=f"Re-processed {len(pending)} quarantined statement(s): {accepted} accepted, {rejected} rejected",
            evidence={"accepted": sorted(reprocessed), "rejected": sorted({r.pk for r in pending} - set(reprocessed))},
        )
    return accepted, rejected
