"""Writes of evidence and decisions: recording attempts and coaches' sign-offs."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from program.choices import AuditAction
from program.models import Person, TeamMembership
from program.services import audit_record
from roles.models import StandardVersion

from .choices import EvidenceSource, SignOffDecision
from .models import Attempt, Scenario, SignOff


@transaction.atomic
def attempt_record(
    *,
    person: Person,
    scenario: Scenario,
    score: Decimal,
    completed_at: datetime.datetime,
    rubric_version: StandardVersion | None = None,
    evidence_source: EvidenceSource = EvidenceSource.ADMIN,
    **details,
) -> Attempt:
    """Record one attempt: numbered per person and scenario, pass decided by the scenario's pass mark,
    the person's current team kept on the attempt so later moves leave it true."""
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
    return attempt


@transaction.atomic
def attempts_record_history(*, person: Person, attempts: list[dict]) -> list[Attempt]:
    """Record many past attempts of one person in one write (history imports, the demo org).

    Each dict holds `attempt_record`'s arguments (scenario, score, completed_at, optional rubric_version,
    evidence_source and details). The rules are `attempt_record`'s: numbered per person and scenario in time
    order, pass decided by the scenario's pass mark. Past attempts keep the team the person was on *then*
    (from the membership history), not the current one.
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
    return Attempt.objects.bulk_create(rows)


@transaction.atomic
def signoff_revoke(*, signoff: SignOff, by: Person, reason: str, at: datetime.datetime | None = None) -> SignOff:
    """Revoke a sign-off with a reason; it stays on record (never deleted) and the audit trail says why."""
    signoff = SignOff.objects.select_for_update().get(pk=signoff.pk)
    if signoff.is_revoked:
        raise ValidationError(f"{signoff} was already revoked on {signoff.revoked_at:%Y-%m-%d}.")
    if not reason.strip():
        raise ValidationError("A revocation needs a reason.")
    signoff.revoked_at = at or timezone.now()
    signoff.revoked_by = by
    signoff.revoke_reason = reason.strip()
    signoff.full_clean()
    signoff.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    audit_record(
        action=AuditAction.REVOKED,
        object_type="signoff",
        object_id=signoff.pk,
        subject_person=signoff.person,
        actor=by.user,
        summary=f"Revoked sign-off of {signoff.person} on {signoff.standard_version}",
        reason=signoff.revoke_reason,
    )
    return signoff


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
) -> SignOff:
    """Record a coach's decision against a published version; a coach signs off only their own learners."""
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
    signoff.full_clean()
    signoff.save()
    if evidence:
        signoff.evidence_reviewed.set(evidence)
    return signoff
