"""Writes of the equity app: asking for an audit, running it once and storing its findings (read-only after)."""

import dataclasses
import datetime
import importlib.metadata

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from program.choices import AuditAction
from program.models import Role
from program.services import audit_record

from .choices import AuditStatus, AuditTrigger, EquityDimension, FindingFlag
from .constants import DEFAULT_MINIMUM_CELL_SIZE, DEFAULT_SEED, SCHEDULED_WINDOW_DAYS
from .models import EquityAudit, EquityFinding
from .selectors import audit_facts
from .statistics import audit_findings

LIBRARIES = ("scipy", "statsmodels", "numpy", "krippendorff")


def library_versions() -> dict[str, str]:
    """The versions of the libraries that computed a run, stored with it so runs can be compared over time."""
    return {name: importlib.metadata.version(name) for name in LIBRARIES}


@transaction.atomic
def audit_request(
    *,
    role: Role,
    window_start: datetime.date,
    window_end: datetime.date,
    dimensions: list[str] | None = None,
    minimum_cell_size: int = DEFAULT_MINIMUM_CELL_SIZE,
    seed: int = DEFAULT_SEED,
    requested_by: User | None = None,
    trigger: str = AuditTrigger.ADMIN,
) -> EquityAudit:
    """Ask for an audit of a role over a window; it runs in a Celery task once this transaction commits."""
    dimensions = list(dimensions or EquityDimension.values)
    unknown = sorted(set(dimensions) - set(EquityDimension.values))
    if unknown:
        raise ValidationError({"dimensions": f"Unknown dimension(s): {', '.join(unknown)}."})
    if minimum_cell_size < 2:
        raise ValidationError({"minimum_cell_size": "The minimum cell size must be 2 or more (default 11)."})
    audit = EquityAudit(
        role=role,
        dimensions=dimensions,
        window_start=window_start,
        window_end=window_end,
        parameters={"minimum_cell_size": minimum_cell_size, "seed": seed},
        trigger=trigger,
        requested_by=requested_by,
    )
    audit.full_clean()
    audit.save()
    audit_record(
        action=AuditAction.CHANGED,
        object_type="equity-audit",
        object_id=audit.pk,
        actor=requested_by,
        summary=f"Asked for {audit}",
        evidence={"parameters": audit.parameters, "trigger": trigger},
    )
    from .tasks import audit_run as audit_run_task  # the tasks module imports this one

    transaction.on_commit(lambda: audit_run_task.delay(audit.pk))
    return audit


def audit_run(*, audit_id: int) -> EquityAudit:
    """Compute a pending audit and store its findings, library versions and summary; a failure is stored too.

    A run happens once: an audit that already ran is returned as it is (its findings are the record).
    """
    with transaction.atomic():
        audit = EquityAudit.objects.select_for_update(of=("self",)).get(pk=audit_id)
        if audit.status != AuditStatus.PENDING:
            return audit
        try:
            people, reviews = audit_facts(
                role_id=audit.role_id, window_start=audit.window_start, window_end=audit.window_end
            )
            findings = audit_findings(
                people=people,
                reviews=reviews,
                dimensions=audit.dimensions,
                minimum_cell_size=int(audit.parameters.get("minimum_cell_size", DEFAULT_MINIMUM_CELL_SIZE)),
                seed=int(audit.parameters.get("seed", DEFAULT_SEED)),
            )
        except (ValueError, ArithmeticError) as error:
            # A statistics library refusing odd data must not lose the request: the run is kept with the reason.
            audit.status, audit.error = AuditStatus.FAILED, f"{type(error).__name__}: {error}"
        else:
            EquityFinding.objects.bulk_create(_finding_row(audit, finding) for finding in findings)
            audit.status = AuditStatus.SUCCEEDED
            audit.summary = {
                "people": len(people),
                "reviewed_attempts": len(reviews),
                "findings": len(findings),
                **{flag: sum(finding.flag == flag for finding in findings) for flag in FindingFlag.values},
            }
        audit.run_at = timezone.now()
        audit.library_versions = library_versions()
        audit.save(update_fields=["status", "error", "summary", "run_at", "library_versions"])
    return audit


def _finding_row(audit: EquityAudit, finding) -> EquityFinding:
    values = dataclasses.asdict(finding)
    hidden = finding.flag == FindingFlag.SUPPRESSED
    return EquityFinding(
        audit=audit,
        dimension=values["dimension"][:120],
        group=values["group"][:200],
        metric=values["metric"],
        reviewer_id=values["reviewer_id"],
        people=0 if hidden else values["people"],  # a suppressed group's size is exactly what must not show
        n=values["n"],
        events=values["events"],
        value=values["value"],
        interval_low=values["low"],
        interval_high=values["high"],
        reference_group=values["reference_group"],
        ratio=values["ratio"],
        ratio_low=values["ratio_low"],
        ratio_high=values["ratio_high"],
        test=values["test"],
        p_value=values["p_value"],
        p_adjusted=values["p_adjusted"],
        table_p_value=values["table_p_value"],
        one_person_flips=values["one_person_flips"],
        flag=values["flag"],
        note=values["note"][:300],
    )


def audits_request_scheduled(*, today: datetime.date | None = None) -> list[int]:
    """Beat: one audit per role with people, over the last SCHEDULED_WINDOW_DAYS days, every dimension."""
    today = today or timezone.localdate()
    ids = []
    for role in Role.objects.filter(people__active=True).distinct().order_by("pk"):
        audit = audit_request(
            role=role,
            window_start=today - datetime.timedelta(days=SCHEDULED_WINDOW_DAYS),
            window_end=today,
            trigger=AuditTrigger.SCHEDULE,
        )
        ids.append(audit.pk)
    return ids


def audit_repeat(*, audit: EquityAudit, requested_by: User | None) -> EquityAudit:
    """Ask for a new run with the same parameters (a stored run is never recomputed in place)."""
    if audit.role_id is None:
        raise ValidationError("This audit has no role: ask for a new one with a role.")
    return audit_request(
        role=audit.role,
        window_start=audit.window_start,
        window_end=audit.window_end,
        dimensions=audit.dimensions,
        minimum_cell_size=int(audit.parameters.get("minimum_cell_size", DEFAULT_MINIMUM_CELL_SIZE)),
        seed=int(audit.parameters.get("seed", DEFAULT_SEED)),
        requested_by=requested_by,
    )
