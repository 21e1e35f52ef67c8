"""Writes of evidence and decisions: recording attempts and coaches' sign-offs."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from program.models import Person
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
