"""Voiding (xAPI Data 2.3.2): a voiding statement retracts its target, in whichever order the two arrive.

A voiding statement is stored like any other and stays as the tombstone: a target that arrives later is voided
on arrival. A voiding statement cannot itself be voided.
"""

import datetime

from ..choices import StatementStatus
from ..models import Statement
from .bulk import values_present
from .parsing import ParsedStatement


def voids_apply(rows: list[ParsedStatement], *, voided_at: datetime.datetime) -> tuple[list, int]:
    """Void the new rows some voiding statement targets (marked in memory, before they are saved), and the
    already stored statements the new voiding rows target (updated now). Returns the ids of the latter, whose
    attempts the caller retracts, and how many stored statements it voided. Two queries, whatever the size."""
    new_ids = {row.statement_id for row in rows if row.status != StatementStatus.VOIDING}
    targets = {row.voids_statement_id for row in rows if row.voids_statement_id}
    tombstoned = targets | values_present(Statement, "voids_statement_id", list(new_ids))
    for row in rows:
        if row.statement_id in tombstoned and row.status != StatementStatus.VOIDING:
            row.status = StatementStatus.VOIDED
            row.voided_at = voided_at
    stored_targets = [target for target in targets if target not in new_ids]
    if not stored_targets:
        return [], 0
    count = (
        Statement.objects.filter(statement_id__in=stored_targets, voided_at__isnull=True)
        .exclude(status=StatementStatus.VOIDING)
        .update(status=StatementStatus.VOIDED, voided_at=voided_at)
    )
    return stored_targets, count
