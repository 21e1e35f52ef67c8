"""The review queue of unknown actors: mapping an identity to a person processes the statements it held back."""

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from program.choices import AuditAction
from program.models import Person
from program.services import audit_record

from ..choices import EvidenceSource, StatementStatus
from ..models import ActorIdentity, QuarantinedStatement, Statement
from .attempts import attempts_record_from_statements

BATCH_SIZE = 1000


@transaction.atomic
def identity_map(*, identity: ActorIdentity, person: Person, actor: User | None = None) -> int:
    """Map an identity to a person, then turn its waiting statements into attempts; returns how many it processed.

    A waiting statement the mapping cannot use moves to the quarantine with the reason.
    """
    identity = ActorIdentity.objects.select_for_update(of=("self",)).get(pk=identity.pk)
    identity.person = person
    identity.mapped_at = timezone.now()
    identity.full_clean()
    identity.save(update_fields=["person", "mapped_at"])
    processed = 0
    waiting = Statement.objects.filter(identity=identity, status=StatementStatus.AWAITING_IDENTITY).select_related(
        "identity", "connection"
    )
    while batch := list(waiting[:BATCH_SIZE]):
        processed += len(batch)
        for statement in batch:
            statement.status = StatementStatus.RECORDED
        mapped = attempts_record_from_statements(statements=batch, evidence_source=EvidenceSource.LRS)
        rejected = [statement for statement in batch if statement.statement_id in mapped.rejected]
        QuarantinedStatement.objects.bulk_create(
            [
                QuarantinedStatement(
                    statement_id=statement.statement_id,
                    raw=statement.raw,
                    reason=mapped.rejected[statement.statement_id],
                    connection=statement.connection,
                )
                for statement in rejected
            ],
            ignore_conflicts=True,
        )
        Statement.objects.filter(pk__in=[statement.pk for statement in rejected]).delete()
        Statement.objects.bulk_update([s for s in batch if s.statement_id not in mapped.rejected], ["status"])
    audit_record(
        action=AuditAction.CHANGED,
        object_type="xapi-identity",
        object_id=identity.pk,
        summary=f"Mapped xAPI identity {identity.key} to {person}; processed {processed} waiting statements",
        actor=actor,
        subject_person=person,
    )
    return processed
