"""The readiness recompute: load the facts of a batch of people in a fixed number of queries, apply the pure rules
of `assessments.readiness`, store one row per person and standard, then let gate grants follow."""

import datetime
import itertools
import logging
from collections import defaultdict
from collections.abc import Iterable

from django.db import OperationalError, transaction
from django.db.models import Q
from django.utils import timezone

from program.models import Person
from program.validators import NOTE_MAX_LENGTH, storable_text
from roles.choices import VersionStatus
from roles.models import Criterion, ReadinessStandard, StandardVersion
from roles.services import criteria_diff

from ..calibration import calibrated_at
from ..choices import SignOffDecision
from ..constants import RECOMPUTE_BATCH_SIZE
from ..models import Attempt, PersonReadiness, ReadinessFailure, ReviewerCalibration, Scenario, SignOff
from ..readiness import AttemptFact, CriterionRule, SignOffFact, decide_status, evaluate_criterion
from .grants import gate_grants_sync

logger = logging.getLogger(__name__)


def readiness_recompute_queue(person_ids: Iterable[int]) -> None:
    """Recompute these people's readiness (and gates) in a Celery task once the current transaction commits."""
    ids = sorted({int(pk) for pk in person_ids})
    if not ids:
        return
    from ..tasks import readiness_recompute  # the tasks module imports this one: import at call time

    transaction.on_commit(lambda: readiness_recompute.delay(ids))


def readiness_recompute_for_standard(*, standard_id: int, role_members: bool) -> int:
    """Recompute everyone a standard concerns: the people signed off on any of its versions, and, when
    `role_members`, the people of its role (after a publish). Returns rows written."""
    concerned = Q(signoffs__standard_version__standard_id=standard_id)
    if role_members:
        concerned |= Q(role__standard__pk=standard_id)
    return readiness_recompute_for_people(
        person_ids=Person.objects.filter(concerned).values_list("pk", flat=True).distinct()
    )


def readiness_recompute_for_people(*, person_ids: Iterable[int], now: datetime.datetime | None = None) -> int:
    """Recompute the readiness rows and gate grants of these people only, in batches; returns rows written.

    Idempotent: running it twice changes nothing the second time (no duplicate grants or audit entries).
    """
    now = now or timezone.now()
    written = 0
    for batch in itertools.batched(sorted(set(person_ids)), RECOMPUTE_BATCH_SIZE):
        written += _readiness_recompute_isolated(list(batch), now)
    return written


def _readiness_recompute_isolated(person_ids: list[int], now: datetime.datetime) -> int:
    """Recompute a batch; when it fails, halve it until the people whose data fails are alone, record a
    `ReadinessFailure` for each of them, and compute everyone else. A transient database error (a lock timeout,
    a lost connection) is not about anyone's data: it propagates, so the task retries the whole batch."""
    try:
        written = _readiness_recompute_batch(person_ids, now)
    except OperationalError:
        raise
    except Exception as error:
        if len(person_ids) > 1:
            middle = len(person_ids) // 2
            return _readiness_recompute_isolated(person_ids[:middle], now) + _readiness_recompute_isolated(
                person_ids[middle:], now
            )
        logger.exception("Readiness recompute failed for person %s", person_ids[0])
        _readiness_failure_record(person_id=person_ids[0], error=error, now=now)
        return 0
    ReadinessFailure.objects.filter(person_id__in=person_ids).delete()
    return written


def _readiness_failure_record(*, person_id: int, error: Exception, now: datetime.datetime) -> None:
    """Keep (or refresh) the one failure row of a person, with the error in words an L&D admin can pass on."""
    message = storable_text(f"{type(error).__name__}: {error}")[:NOTE_MAX_LENGTH]
    with transaction.atomic():
        if not Person.objects.filter(pk=person_id).exists():
            return
        failure, created = ReadinessFailure.objects.select_for_update(of=("self",)).get_or_create(
            person_id=person_id, defaults={"failed_at": now, "error": message}
        )
        if not created:
            failure.failed_at, failure.error, failure.attempts = now, message, failure.attempts + 1
            failure.save(update_fields=["failed_at", "error", "attempts"])


def _signoffs_that_count(signoff_rows: list[dict], standards: dict) -> list[dict]:
    """Drop sign-offs by coaches whose latest calibration before signing had not passed, where the standard asks.

    One query, and only when some standard requires calibrated coaches (docs/equity.md).
    """
    strict = {pk for pk, standard in standards.items() if standard.requires_calibrated_coach}
    if not strict:
        return signoff_rows
    coach_ids = {row["coach_id"] for row in signoff_rows if row["standard_version__standard_id"] in strict}
    results = defaultdict(list)
    for reviewer_id, analysed_at, passed in ReviewerCalibration.objects.filter(reviewer_id__in=coach_ids).values_list(
        "reviewer_id", "analysed_at", "passed"
    ):
        results[reviewer_id].append((analysed_at, passed))
    return [
        row
        for row in signoff_rows
        if row["standard_version__standard_id"] not in strict
        or calibrated_at(results[row["coach_id"]], row["signed_at"])
    ]


@transaction.atomic
def _readiness_recompute_batch(person_ids: list[int], now: datetime.datetime) -> int:
    # Locking the people serialises concurrent recomputes of the same person (one active grant per gate).
    people = list(Person.objects.select_for_update(of=("self",)).filter(pk__in=person_ids).order_by("pk"))
    signoff_rows = list(
        SignOff.objects.filter(person_id__in=person_ids, decision=SignOffDecision.READY).values(
            "id",
            "person_id",
            "standard_version_id",
            "standard_version__standard_id",
            "signed_at",
            "expires_at",
            "revoked_at",
            "revoke_reason",
            "coach_id",
        )
    )
    role_ids = {person.role_id for person in people if person.role_id}
    signed_standard_ids = {row["standard_version__standard_id"] for row in signoff_rows}
    standards = {
        standard.pk: standard
        for standard in ReadinessStandard.objects.filter(Q(role_id__in=role_ids) | Q(pk__in=signed_standard_ids))
    }
    versions = {
        version.pk: version
        for version in StandardVersion.objects.filter(standard_id__in=standards, status=VersionStatus.PUBLISHED)
    }
    current_version = {}
    for version in versions.values():
        best = current_version.get(version.standard_id)
        if best is None or version.number > best.number:
            current_version[version.standard_id] = version
    criteria_by_version = defaultdict(list)
    for criterion in (
        Criterion.objects.filter(version_id__in=versions)
        .select_related("skill")
        .prefetch_related("required_scenarios")
        .order_by("position", "key")
    ):
        criteria_by_version[criterion.version_id].append(criterion)
    skill_ids = {c.skill_id for version in current_version.values() for c in criteria_by_version[version.pk]}
    scenarios_by_skill = defaultdict(set)
    for scenario_id, skill_id in Scenario.skills.through.objects.filter(skill_id__in=skill_ids).values_list(
        "scenario_id", "skill_id"
    ):
        scenarios_by_skill[skill_id].add(scenario_id)
    scenario_titles = dict(
        Scenario.objects.filter(
            Q(pk__in={sid for sids in scenarios_by_skill.values() for sid in sids})
            | Q(required_by_criteria__version_id__in=[v.pk for v in current_version.values()])
        ).values_list("pk", "title")
    )
    attempts_by_person = defaultdict(list)
    for row in Attempt.objects.filter(
        person_id__in=person_ids, voided_at__isnull=True, scenario_id__in=scenario_titles
    ).values(
        "id",
        "person_id",
        "scenario_id",
        "completed_at",
        "score",
        "passed",
        "level_achieved",
        "errors_made",
        "time_to_detect_seconds",
        "time_to_mitigate_seconds",
        "time_to_restore_seconds",
    ):
        person_id = row.pop("person_id")
        row["errors_made"] = tuple(str(error) for error in row["errors_made"] or ())
        attempts_by_person[person_id].append(AttemptFact(**row))
    signoff_rows = _signoffs_that_count(signoff_rows, standards)
    signoffs_by_person_standard = defaultdict(list)
    signed_standards_by_person = defaultdict(set)
    for row in signoff_rows:
        signed_standards_by_person[row["person_id"]].add(row["standard_version__standard_id"])
        signoffs_by_person_standard[(row["person_id"], row["standard_version__standard_id"])].append(
            SignOffFact(
                id=row["id"],
                version_id=row["standard_version_id"],
                signed_at=row["signed_at"],
                expires_at=row["expires_at"],
                revoked_at=row["revoked_at"],
                revoke_reason=row["revoke_reason"],
            )
        )
    rules_by_version = {
        version.pk: [
            CriterionRule(
                key=c.key,
                title=c.title,
                skill_id=c.skill_id,
                skill_name=c.skill.name,
                required_level=c.required_level,
                minimum_score=c.minimum_score,
                evidence_validity_days=c.evidence_validity_days,
                required_scenario_ids=tuple(s.pk for s in c.required_scenarios.all()),
            )
            for c in criteria_by_version[version.pk]
        ]
        for version in current_version.values()
    }
    changed_keys_cache: dict[tuple[int, int], list[str]] = {}

    def changed_keys_since(old_version_id: int, new_version_id: int) -> list[str]:
        key = (old_version_id, new_version_id)
        if key not in changed_keys_cache:
            changed_keys_cache[key] = criteria_diff(
                old_criteria=criteria_by_version[old_version_id], new_criteria=criteria_by_version[new_version_id]
            ).reassess_keys
        return changed_keys_cache[key]

    rows = []
    for person in people:
        person_standard_ids = {s.pk for s in standards.values() if s.role_id == person.role_id}
        person_standard_ids |= signed_standards_by_person[person.pk]
        attempts = attempts_by_person[person.pk]
        for standard_id in sorted(person_standard_ids):
            version = current_version.get(standard_id)
            if version is None:
                continue
            rules = rules_by_version[version.pk]
            version_scenarios = {sid for rule in rules for sid in scenarios_by_skill[rule.skill_id]}
            version_scenarios |= {sid for rule in rules for sid in rule.required_scenario_ids}
            results = [
                evaluate_criterion(
                    rule=rule,
                    attempts=attempts,
                    scenario_ids_for_skill=scenarios_by_skill[rule.skill_id],
                    scenario_titles=scenario_titles,
                    now=now,
                )
                for rule in rules
            ]
            signoffs = signoffs_by_person_standard[(person.pk, standard_id)]
            decision = decide_status(
                version_id=version.pk,
                grandfathering=standards[standard_id].grandfathering,
                results=results,
                changed_keys_since={
                    s.version_id: changed_keys_since(s.version_id, version.pk)
                    for s in signoffs
                    if s.version_id != version.pk
                },
                signoffs=signoffs,
                has_any_attempt=any(attempt.scenario_id in version_scenarios for attempt in attempts),
                now=now,
            )
            considered = set(decision.reassess_keys) if decision.needs_reassessment else {r["key"] for r in results}
            unmet = [
                {"key": r["key"], "title": r["title"], "reason": r["reason"]}
                for r in results
                if r["key"] in considered and not r["met"]
            ]
            rows.append(
                PersonReadiness(
                    person_id=person.pk,
                    standard_id=standard_id,
                    standard_version_id=version.pk,
                    status=decision.status,
                    criteria_met=not unmet,
                    needs_reassessment=decision.needs_reassessment,
                    criteria=results,
                    unmet_criteria=unmet,
                    reassess_criteria=decision.reassess_keys,
                    signoff_id=decision.signoff.id if decision.signoff else None,
                    expires_at=decision.signoff.expires_at if decision.signoff else None,
                    computed_at=now,
                )
            )
    kept = {(row.person_id, row.standard_id) for row in rows}
    stale = [
        pk
        for pk, person_id, standard_id in PersonReadiness.objects.filter(person_id__in=person_ids).values_list(
            "pk", "person_id", "standard_id"
        )
        if (person_id, standard_id) not in kept
    ]
    if stale:
        PersonReadiness.objects.filter(pk__in=stale).delete()
    PersonReadiness.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["person", "standard"],
        update_fields=[
            "standard_version",
            "status",
            "criteria_met",
            "needs_reassessment",
            "criteria",
            "unmet_criteria",
            "reassess_criteria",
            "signoff",
            "expires_at",
            "computed_at",
        ],
    )
    gate_grants_sync(people=people, rows=rows, versions=versions, now=now)
    return len(rows)
