"""Gate grants follow readiness: granted on a current sign-off, renewed with it, removed (and kept) when it lapses.
Called by the readiness recompute only; every change is audited."""

import datetime
from collections import defaultdict

from program.choices import AuditAction
from program.models import Person
from program.services import audit_record
from roles.models import Gate, StandardVersion

from ..choices import ReadinessStatus
from ..models import GateGrant, PersonReadiness, SignOff


def _removal_reason(row: PersonReadiness | None, person: Person, versions: dict[int, StandardVersion]) -> str:
    if not person.active:
        return f"{person} is no longer active in the program."
    if row is None:
        return "No current sign-off against the required standard."
    version = versions[row.standard_version_id]
    if row.status == ReadinessStatus.EXPIRED and row.expires_at:
        return f"The sign-off on {version.standard} expired on {row.expires_at:%Y-%m-%d}."
    if row.status == ReadinessStatus.REVOKED:
        return f"The sign-off on {version.standard} was revoked."
    return f"{version} was published and needs a new sign-off."


def gate_grants_sync(
    *, people: list[Person], rows: list[PersonReadiness], versions: dict[int, StandardVersion], now: datetime.datetime
) -> None:
    """Grant the gates whose standard a person holds a current sign-off on, remove the others; audit each change."""
    gates = list(Gate.objects.filter(active=True).select_related("service", "required_standard"))
    row_by_key = {(row.person_id, row.standard_id): row for row in rows}
    active = {
        (grant.person_id, grant.gate_id): grant
        for grant in GateGrant.objects.filter(person__in=people, removed_at__isnull=True)
    }
    wanted_signoff_ids = {row.signoff_id for row in rows if row.is_current}
    evidence_by_signoff = defaultdict(list)
    for signoff_id, attempt_id in SignOff.evidence_reviewed.through.objects.filter(
        signoff_id__in=wanted_signoff_ids
    ).values_list("signoff_id", "attempt_id"):
        evidence_by_signoff[signoff_id].append(attempt_id)
    for person in people:
        for gate in gates:
            row = row_by_key.get((person.pk, gate.required_standard_id))
            grant = active.get((person.pk, gate.pk))
            if person.active and row is not None and row.is_current:
                if grant is not None and (grant.signoff_id, grant.expires_at) == (row.signoff_id, row.expires_at):
                    continue
                evidence = {
                    "signoff": row.signoff_id,
                    "standard_version": str(versions[row.standard_version_id]),
                    "attempts_reviewed": sorted(evidence_by_signoff[row.signoff_id]),
                    "expires_at": row.expires_at.isoformat() if row.expires_at else None,
                }
                if grant is None:
                    grant = GateGrant(person=person, gate=gate, granted_at=now)
                    summary = f"Granted {gate} to {person}"
                else:
                    summary = f"Renewed {gate} for {person}"
                grant.signoff_id, grant.expires_at = row.signoff_id, row.expires_at
                grant.full_clean()
                grant.save()
                audit_record(
                    action=AuditAction.GRANTED,
                    object_type="gate-grant",
                    object_id=grant.pk,
                    summary=summary,
                    subject_person=person,
                    reason=f"Signed off on {versions[row.standard_version_id]}",
                    evidence=evidence,
                )
            elif grant is not None:
                grant.removed_at = now
                grant.removal_reason = _removal_reason(row, person, versions)
                grant.full_clean()
                grant.save(update_fields=["removed_at", "removal_reason"])
                audit_record(
                    action=AuditAction.REMOVED,
                    object_type="gate-grant",
                    object_id=grant.pk,
                    summary=f"Removed {gate} from {person}",
                    subject_person=person,
                    reason=grant.removal_reason,
                    evidence={"signoff": grant.signoff_id, "status": row.status if row else None},
                )
