"""Writes of evidence and decisions: attempts (by hand or from xAPI statements), sign-offs, readiness, gate grants
and gate exceptions."""

import datetime
import itertools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import CharField, Exists, Max, OuterRef, Q
from django.db.models.functions import Cast
from django.utils import timezone

from program.choices import AuditAction
from program.models import AuditEntry, Person, TeamMembership
from program.selectors import person_for_user, team_ids_with_descendants, user_is_program_admin
from program.services import audit_record
from roles.choices import VersionStatus
from roles.models import Criterion, Gate, ReadinessStandard, StandardVersion
from roles.services import criteria_diff, standard_version_publish

from .choices import EvidenceSource, ReadinessStatus, SignOffDecision, StatementStatus
from .constants import EXPIRY_WARNING_DAYS, GATE_EXCEPTION_MAX_DAYS, RECOMPUTE_BATCH_SIZE
from .lrs.bulk import rows_insert, values_present
from .lrs.mapping import MappingError, attempt_values, makes_attempt, scenario_for
from .lrs.parsing import ParsedStatement
from .models import Attempt, ExpiryReminder, GateException, GateGrant, PersonReadiness, Scenario, SignOff, Statement
from .readiness import AttemptFact, CriterionRule, SignOffFact, decide_status, evaluate_criterion


@transaction.atomic
def attempt_record(
    *,
    person: Person,
    scenario: Scenario,
    score: Decimal,
    completed_at: datetime.datetime,
    rubric_version: StandardVersion | None = None,
    evidence_source: EvidenceSource = EvidenceSource.ADMIN,
    queue_recompute: bool = True,
    **details,
) -> Attempt:
    """Record one attempt: numbered per person and scenario, pass decided by the scenario's pass mark,
    the person's current team kept on the attempt so later moves leave it true.

    The person's readiness is recomputed after commit; a bulk caller passes `queue_recompute=False` and calls
    `readiness_recompute_queue` once with everyone it touched."""
    last_number = (
        Attempt.objects.select_for_update()
        .filter(person=person, scenario=scenario)
        .aggregate(top=Max("attempt_number"))["top"]
    )
    score = Decimal(str(score)).quantize(Decimal("0.01"))
    attempt = Attempt(
        person=person,
        scenario=scenario,
        rubric_version=rubric_version or scenario.standard_version,
        team_id=person.team_id,
        attempt_number=(last_number or 0) + 1,
        completed_at=completed_at,
        score=score,
        passed=score >= scenario.pass_mark,
        evidence_source=evidence_source,
        **details,
    )
    attempt.full_clean()
    attempt.save()
    if queue_recompute:
        readiness_recompute_queue([person.pk])
    return attempt


@transaction.atomic
def attempts_record_history(*, person: Person, attempts: list[dict], queue_recompute: bool = True) -> list[Attempt]:
    """Record many past attempts of one person in one write (history imports, the demo org).

    Each dict holds `attempt_record`'s arguments (scenario, score, completed_at, optional rubric_version,
    evidence_source and details). The rules are `attempt_record`'s: numbered per person and scenario in time
    order, pass decided by the scenario's pass mark. Past attempts keep the team the person was on *then*
    (from the membership history), not the current one. Readiness is recomputed after commit, unless a bulk
    caller passes `queue_recompute=False` and recomputes everyone it touched once.
    """
    Person.objects.select_for_update().filter(pk=person.pk).first()  # one writer per person at a time
    numbers = dict(
        Attempt.objects.filter(person=person)
        .values_list("scenario_id")
        .annotate(top=Max("attempt_number"))
        .values_list("scenario_id", "top")
    )
    memberships = list(TeamMembership.objects.filter(person=person).order_by("started_on", "id"))

    def team_id_on(day: datetime.date) -> int | None:
        team_id = person.team_id
        for membership in memberships:
            if membership.started_on <= day and (membership.ended_on is None or day < membership.ended_on):
                team_id = membership.team_id
        return team_id

    rows = []
    for values in sorted(attempts, key=lambda values: values["completed_at"]):
        values = dict(values)
        scenario = values.pop("scenario")
        score = Decimal(str(values.pop("score"))).quantize(Decimal("0.01"))
        numbers[scenario.pk] = numbers.get(scenario.pk, 0) + 1
        attempt = Attempt(
            person=person,
            scenario=scenario,
            rubric_version=values.pop("rubric_version", None) or scenario.standard_version,
            team_id=team_id_on(timezone.localdate(values["completed_at"])),
            attempt_number=numbers[scenario.pk],
            score=score,
            passed=score >= scenario.pass_mark,
            **values,
        )
        # Related rows are passed as saved instances and numbers are computed under the person lock, so only
        # the field checks run here; the database enforces the constraints on insert.
        attempt.full_clean(
            exclude=["person", "scenario", "rubric_version", "team", "reviewer"],
            validate_unique=False,
            validate_constraints=False,
        )
        rows.append(attempt)
    created = Attempt.objects.bulk_create(rows)
    if queue_recompute:
        readiness_recompute_queue([person.pk])
    return created


@transaction.atomic
def signoff_create(
    *,
    coach: Person,
    person: Person,
    standard_version: StandardVersion,
    decision: SignOffDecision,
    signed_at: datetime.datetime,
    reflection_notes: str = "",
    evidence: list[Attempt] | None = None,
    queue_recompute: bool = True,
) -> SignOff:
    """Record a coach's decision against a published version; a coach signs off only their own learners.

    As with `attempt_record`, a bulk caller passes `queue_recompute=False` and recomputes everyone it touched once."""
    if coach.pk == person.pk:
        raise ValidationError("A coach cannot sign off themselves.")
    if person.coach_id != coach.pk:
        raise ValidationError(f"{coach} is not the coach of {person}.")
    if not standard_version.is_published:
        raise ValidationError(f"{standard_version} is a draft; sign-offs are made against published versions.")
    expires_at = None
    if decision == SignOffDecision.READY:
        expires_at = signed_at + datetime.timedelta(days=standard_version.standard.signoff_validity_days)
    signoff = SignOff(
        person=person,
        coach=coach,
        standard_version=standard_version,
        decision=decision,
        reflection_notes=reflection_notes,
        signed_at=signed_at,
        expires_at=expires_at,
    )
    if evidence and any(attempt.person_id != person.pk for attempt in evidence):
        raise ValidationError("Evidence reviewed must be attempts of the person being signed off.")
    signoff.full_clean()
    signoff.save()
    if evidence:
        signoff.evidence_reviewed.set(evidence)
    audit_record(
        action=AuditAction.SIGNED_OFF,
        object_type="signoff",
        object_id=signoff.pk,
        summary=f"{coach} signed off {person} as {signoff.get_decision_display().lower()} on {standard_version}",
        actor=coach.user,
        subject_person=person,
        reason=reflection_notes,
        evidence={"attempts": sorted(attempt.pk for attempt in evidence or [])},
    )
    if queue_recompute:
        readiness_recompute_queue([person.pk])
    return signoff


@transaction.atomic
def signoff_revoke(
    *,
    signoff: SignOff,
    actor: User,
    reason: str,
    at: datetime.datetime | None = None,
    queue_recompute: bool = True,
) -> SignOff:
    """Revoke a sign-off with a reason (it is kept, never deleted); the person's coach or an L&D admin may."""
    signoff = SignOff.objects.select_for_update().select_related("person").get(pk=signoff.pk)
    revoker = person_for_user(actor)
    may_revoke = user_is_program_admin(actor) or (
        revoker is not None
        and revoker.pk != signoff.person_id
        and revoker.pk in (signoff.person.coach_id, signoff.coach_id)
    )
    if not may_revoke:
        raise ValidationError(f"Only {signoff.person}'s coach or an L&D admin may revoke this sign-off.")
    if signoff.is_revoked:
        raise ValidationError(f"This sign-off was already revoked on {signoff.revoked_at:%Y-%m-%d}.")
    if not reason.strip():
        raise ValidationError("A revocation needs a reason.")
    signoff.revoked_at = at or timezone.now()
    signoff.revoked_by = revoker
    signoff.revoke_reason = reason.strip()
    signoff.full_clean()
    signoff.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    audit_record(
        action=AuditAction.REVOKED,
        object_type="signoff",
        object_id=signoff.pk,
        summary=f"Revoked the sign-off of {signoff.person} on {signoff.standard_version}",
        actor=actor,
        subject_person=signoff.person,
        reason=signoff.revoke_reason,
        evidence={"signoff": signoff.pk, "signed_at": signoff.signed_at.isoformat()},
    )
    if queue_recompute:
        readiness_recompute_queue([signoff.person_id])
    return signoff


@transaction.atomic
def standard_version_release(*, version: StandardVersion, by: User | None = None) -> StandardVersion:
    """Publish a draft and recompute the readiness of the people it concerns (its role, and anyone signed off
    on an earlier version of its standard). Use this, not `roles.services.standard_version_publish`, from pages."""
    version = standard_version_publish(version=version, by=by)
    person_ids = Person.objects.filter(
        Q(role_id=version.standard.role_id) | Q(signoffs__standard_version__standard_id=version.standard_id)
    ).values_list("pk", flat=True)
    readiness_recompute_queue(person_ids)
    return version


@transaction.atomic
def gate_save(*, gate: Gate) -> Gate:
    """Create or change a gate, then recompute the people signed off on its standard so grants follow at once."""
    gate.full_clean()
    gate.save()
    readiness_recompute_queue(
        SignOff.objects.filter(standard_version__standard_id=gate.required_standard_id).values_list(
            "person_id", flat=True
        )
    )
    return gate


def readiness_recompute_queue(person_ids: Iterable[int]) -> None:
    """Recompute these people's readiness (and gates) in a Celery task once the current transaction commits."""
    ids = sorted({int(pk) for pk in person_ids})
    if not ids:
        return
    from .tasks import readiness_recompute  # the tasks module imports this one: import at call time

    transaction.on_commit(lambda: readiness_recompute.delay(ids))


def readiness_recompute_for_people(*, person_ids: Iterable[int], now: datetime.datetime | None = None) -> int:
    """Recompute the readiness rows and gate grants of these people only, in batches; returns rows written.

    Idempotent: running it twice changes nothing the second time (no duplicate grants or audit entries).
    """
    now = now or timezone.now()
    written = 0
    for batch in itertools.batched(sorted(set(person_ids)), RECOMPUTE_BATCH_SIZE):
        written += _readiness_recompute_batch(list(batch), now)
    return written


@transaction.atomic
def _readiness_recompute_batch(person_ids: list[int], now: datetime.datetime) -> int:
    # Locking the people serialises concurrent recomputes of the same person (one active grant per gate).
    people = list(Person.objects.select_for_update().filter(pk__in=person_ids).order_by("pk"))
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
    _gate_grants_sync(people=people, rows=rows, versions=versions, now=now)
    return len(rows)


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


def _gate_grants_sync(
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


def _may_approve_exception(*, approver: User, person: Person) -> bool:
    """L&D admins, the person's manager, or a manager of their team (or a team above) approve exceptions."""
    if user_is_program_admin(approver):
        return True
    approver_person = person_for_user(approver)
    if approver_person is None:
        return False
    if person.manager_id == approver_person.pk:
        return True
    managed = team_ids_with_descendants(set(approver_person.managed_teams.values_list("id", flat=True)))
    return person.team_id in managed


def gate_exception_check(
    *,
    person: Person,
    reason: str,
    requested_by: User,
    approved_by: User,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
) -> None:
    """The rules of an exception (raises ValidationError); forms call it to show errors before saving."""
    if not reason.strip():
        raise ValidationError("An exception needs a reason.")
    if approved_by.pk == requested_by.pk:
        raise ValidationError("The approver of an exception cannot be the person who requested it.")
    if ends_at <= starts_at:
        raise ValidationError("An exception must end after it starts.")
    if ends_at <= timezone.now():
        raise ValidationError("An exception must end in the future.")
    if ends_at - starts_at > datetime.timedelta(days=GATE_EXCEPTION_MAX_DAYS):
        raise ValidationError(f"An exception lasts at most {GATE_EXCEPTION_MAX_DAYS} days.")
    if not _may_approve_exception(approver=approved_by, person=person):
        raise ValidationError(f"{approved_by} may not approve exceptions for {person}: ask their manager.")


@transaction.atomic
def gate_exception_create(
    *,
    person: Person,
    gate: Gate,
    reason: str,
    requested_by: User,
    approved_by: User,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
) -> GateException:
    """Let a person pass a gate for a bounded time without a current sign-off, with a reason and a second pair
    of eyes: the approver is not the requester and is an L&D admin or the person's manager."""
    gate_exception_check(
        person=person,
        reason=reason,
        requested_by=requested_by,
        approved_by=approved_by,
        starts_at=starts_at,
        ends_at=ends_at,
    )
    exception = GateException(
        person=person,
        gate=gate,
        reason=reason.strip(),
        requested_by=requested_by,
        approved_by=approved_by,
        starts_at=starts_at,
        ends_at=ends_at,
    )
    exception.full_clean()
    exception.save()
    audit_record(
        action=AuditAction.EXCEPTION_GRANTED,
        object_type="gate-exception",
        object_id=exception.pk,
        summary=f"Exception to {gate} for {person} until {ends_at:%Y-%m-%d}",
        actor=approved_by,
        subject_person=person,
        reason=exception.reason,
        evidence={
            "requested_by": requested_by.get_username(),
            "starts_at": starts_at.isoformat(),
            "ends_at": ends_at.isoformat(),
        },
    )
    return exception


@transaction.atomic
def gate_exception_end(*, exception: GateException, actor: User, reason: str) -> GateException:
    """End an exception before its end date (it is kept, with when and why)."""
    exception = GateException.objects.select_for_update().select_related("person").get(pk=exception.pk)
    now = timezone.now()
    if exception.ended_early_at is not None or exception.ends_at <= now:
        raise ValidationError("This exception has already ended.")
    if not reason.strip():
        raise ValidationError("Ending an exception early needs a reason.")
    if not _may_approve_exception(approver=actor, person=exception.person):
        raise ValidationError(f"{actor} may not end exceptions for {exception.person}.")
    exception.ended_early_at = now
    exception.end_reason = reason.strip()
    exception.save(update_fields=["ended_early_at", "end_reason"])
    audit_record(
        action=AuditAction.EXCEPTION_ENDED,
        object_type="gate-exception",
        object_id=exception.pk,
        summary=f"Ended the exception to {exception.gate} for {exception.person} early",
        actor=actor,
        subject_person=exception.person,
        reason=exception.end_reason,
    )
    return exception


def signoffs_expire_and_remind(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """The daily run: move people whose sign-off nears or passes expiry (closing gates at expiry), then email
    each learner, coach and manager once, EXPIRY_WARNING_DAYS before the sign-off expires."""
    now = now or timezone.now()
    warning_until = now + datetime.timedelta(days=EXPIRY_WARNING_DAYS)
    due = set(
        PersonReadiness.objects.filter(
            status__in=[ReadinessStatus.SIGNED_OFF, ReadinessStatus.EXPIRING_SOON], expires_at__lte=warning_until
        ).values_list("person_id", flat=True)
    )
    due |= set(
        GateGrant.objects.filter(removed_at__isnull=True, expires_at__lte=now).values_list("person_id", flat=True)
    )
    readiness_recompute_for_people(person_ids=due, now=now)
    reminded = 0
    for row in PersonReadiness.objects.filter(
        status=ReadinessStatus.EXPIRING_SOON, signoff__isnull=False, signoff__expiry_reminder__isnull=True
    ).select_related("person__coach", "person__manager", "person__team__manager", "signoff__coach", "standard"):
        person = row.person
        coach = person.coach or row.signoff.coach
        manager = person.manager or (person.team.manager if person.team else None)
        recipients = sorted({p.email for p in (person, coach, manager) if p is not None and p.email})
        with transaction.atomic():
            ExpiryReminder.objects.create(signoff=row.signoff, sent_at=now, recipients=recipients)
            send_mail(
                f"Readiness sign-off for {person.full_name} expires on {row.expires_at:%d %b %Y}",
                (
                    f"{person.full_name}'s sign-off on {row.standard} expires on {row.expires_at:%d %b %Y}.\n\n"
                    "After that date the gates it opens close until a coach signs off again. Plan a re-assessment "
                    "with the coach now; the learner's page lists any criteria whose evidence has lapsed.\n"
                ),
                None,
                recipients,
            )
        reminded += 1
    return {"recomputed": len(due), "reminded": reminded, "exceptions_lapsed": gate_exceptions_audit_lapsed(now=now)}


def gate_exceptions_audit_lapsed(*, now: datetime.datetime) -> int:
    """Write the audit entry of each exception that reached its end date (once each; the gate check already
    refuses it from that moment). Idempotent: an exception whose end is already audited is skipped."""
    already_audited = AuditEntry.objects.filter(
        object_type="gate-exception",
        action=AuditAction.EXCEPTION_ENDED,
        object_id=Cast(OuterRef("pk"), output_field=CharField()),
    )
    lapsed = (
        GateException.objects.filter(ended_early_at__isnull=True, ends_at__lte=now)
        .exclude(Exists(already_audited))
        .select_related("person", "gate__service")
    )
    count = 0
    for exception in lapsed:
        audit_record(
            action=AuditAction.EXCEPTION_ENDED,
            object_type="gate-exception",
            object_id=exception.pk,
            summary=f"The exception to {exception.gate} for {exception.person} reached its end date",
            subject_person=exception.person,
            reason="Time-boxed exception ended on its end date.",
            evidence={"ends_at": exception.ends_at.isoformat()},
        )
        count += 1
    return count


@dataclass
class StatementAttempts:
    """What `attempts_record_from_statements` did: how many attempts it made, for which (person id, scenario id)
    pairs, and the statements it could not map {statement_id: reason}."""

    created: int = 0
    people_and_scenarios: set = field(default_factory=set)
    rejected: dict = field(default_factory=dict)


@transaction.atomic
def attempts_record_from_statements(
    *, statements: list["Statement | ParsedStatement"], evidence_source: EvidenceSource = EvidenceSource.LRS
) -> StatementAttempts:
    """The one place attempts are made from xAPI statements, in bulk with a constant number of queries.

    A statement makes an attempt when its verb records one, its activity is a scenario, its actor is mapped
    to a person and it is not voided; its attempt is numbered after the person's earlier attempts in
    timestamp order. Sets `status` to ATTEMPT on those statements (the caller saves them); statements on a
    scenario that cannot be mapped come back in `rejected` {statement_id: reason}. Rows go in by COPY on
    PostgreSQL: model instances cost more than the whole budget of an import (5,000 statements/s).
    """
    result = StatementAttempts()
    candidates = [
        statement
        for statement in statements
        if makes_attempt(statement)
        and statement.status != StatementStatus.VOIDED
        and statement.identity is not None
        and statement.identity.person_id is not None
    ]
    if not candidates:
        return result
    iris = {statement.activity_iri for statement in candidates}
    keys = {statement.extensions["scenario"] for statement in candidates if "scenario" in statement.extensions}
    scenarios = list(
        Scenario.objects.filter(Q(xapi_activity_iri__in=iris) | Q(key__in=keys)).select_related("standard_version")
    )
    by_iri = {scenario.xapi_activity_iri: scenario for scenario in scenarios if scenario.xapi_activity_iri}
    by_key = {scenario.key: scenario for scenario in scenarios}
    mapped = []
    for statement in candidates:
        try:
            scenario = scenario_for(statement, by_iri, by_key)
        except MappingError as error:
            result.rejected[statement.statement_id] = str(error)
            continue
        if scenario is not None:
            mapped.append((statement, scenario))
    if not mapped:
        return result
    versions = {
        (version.standard_id, version.number): version
        for version in StandardVersion.objects.filter(
            standard_id__in={scenario.standard_version.standard_id for _, scenario in mapped}
        )
    }
    already = values_present(Attempt, "source_statement_id", [statement.statement_id for statement, _ in mapped])
    person_ids = {statement.identity.person_id for statement, _ in mapped}
    # Locking the people serialises numbering with any other writer of their attempts.
    team_by_person = dict(Person.objects.select_for_update().filter(pk__in=person_ids).values_list("id", "team_id"))
    last_numbers = _last_attempt_numbers(
        {(statement.identity.person_id, scenario.pk) for statement, scenario in mapped}
    )
    rows = []
    for statement, scenario in sorted(mapped, key=lambda pair: (pair[0].timestamp, str(pair[0].statement_id))):
        if statement.statement_id in already:
            statement.status = StatementStatus.ATTEMPT
            continue
        try:
            values = attempt_values(statement, scenario, versions)
        except MappingError as error:
            result.rejected[statement.statement_id] = str(error)
            continue
        person_id = statement.identity.person_id
        number = last_numbers.get((person_id, scenario.pk), 0) + 1
        last_numbers[(person_id, scenario.pk)] = number
        rows.append(
            {
                "person_id": person_id,
                "team_id": team_by_person.get(person_id),
                "attempt_number": number,
                "evidence_source": evidence_source,
                **values,
            }
        )
        result.people_and_scenarios.add((person_id, scenario.pk))
        statement.status = StatementStatus.ATTEMPT
    rows_insert(Attempt, rows)
    result.created = len(rows)
    readiness_recompute_queue(person for person, _ in result.people_and_scenarios)
    return result


def _last_attempt_numbers(pairs: set[tuple[int, int]]) -> dict[tuple[int, int], int]:
    """The highest attempt number of each (person id, scenario id). On PostgreSQL one query whose cost does not
    grow with the attempts table: each pair's max is one backward step in the unique index on (person, scenario,
    attempt_number), where a GROUP BY would read every attempt of those people."""
    if connection.vendor != "postgresql":
        return {
            (row["person_id"], row["scenario_id"]): row["top"]
            for row in Attempt.objects.filter(
                person_id__in={person for person, _ in pairs}, scenario_id__in={scenario for _, scenario in pairs}
            )
            .values("person_id", "scenario_id")
            .annotate(top=Max("attempt_number"))
        }
    people, scenarios = zip(*pairs, strict=True) if pairs else ((), ())
    table = Attempt._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT pair.person_id, pair.scenario_id, (SELECT max(attempt.attempt_number) FROM {table} attempt"
            " WHERE attempt.person_id = pair.person_id AND attempt.scenario_id = pair.scenario_id)"
            " FROM unnest(%s::bigint[], %s::bigint[]) AS pair(person_id, scenario_id)",
            [list(people), list(scenarios)],
        )
        return {(person, scenario): top for person, scenario, top in cursor.fetchall() if top is not None}


def attempts_void_for_statements(*, statement_ids: list, voided_at: datetime.datetime) -> int:
    """Retract the attempts made from voided statements (kept, marked voided, so they never count again), and
    recompute their people's readiness."""
    attempts = Attempt.objects.filter(source_statement_id__in=statement_ids, voided_at__isnull=True)
    person_ids = set(attempts.values_list("person_id", flat=True))
    voided = attempts.update(voided_at=voided_at)
    readiness_recompute_queue(person_ids)
    return voided
