"""Attempts recorded by hand, by the API or from a history import: numbered per person and scenario, passed by the
scenario's pass mark, kept on the team the person was on at the time. (Attempts made from xAPI statements are the
LRS package's: `assessments.lrs.attempts`.)"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from program.models import Person, TeamMembership
from roles.models import StandardVersion

from ..choices import EvidenceSource
from ..constants import CLIENT_CLOCK_SKEW_SECONDS
from ..models import Attempt, Scenario
from .readiness import readiness_recompute_queue


def _refuse_future(completed_at: datetime.datetime) -> None:
    """An attempt dated ahead of the server's clock would stay "recent" evidence for as long as it is ahead."""
    if completed_at > timezone.now() + datetime.timedelta(seconds=CLIENT_CLOCK_SKEW_SECONDS):
        raise ValidationError({"completed_at": "An attempt cannot be completed in the future."})


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
    _refuse_future(completed_at)
    reviewer = details.get("reviewer")
    if reviewer is not None and reviewer.pk == person.pk:
        raise ValidationError({"reviewer": "Nobody reviews their own attempt."})
    last_number = (
        Attempt.objects.select_for_update(of=("self",))
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
    Person.objects.select_for_update(of=("self",)).filter(pk=person.pk).first()  # one writer per person at a time
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
            if membership.covers(day):
                team_id = membership.team_id
        return team_id

    rows = []
    for values in sorted(attempts, key=lambda values: values["completed_at"]):
        _refuse_future(values["completed_at"])
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
