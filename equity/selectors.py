"""Reads of the equity app: the facts an audit is computed from, in a fixed number of queries."""

import datetime
import statistics
from collections import defaultdict

from django.db.models import Q, Sum
from django.utils import timezone

from assessments.choices import ScenarioKind, SignOffDecision
from assessments.models import Attempt, SignOff, Statement
from program.models import Person

from .statistics import PersonFacts, ReviewFact

NO_VALUE = "none"


def audit_facts(
    *, role_id: int, window_start: datetime.date, window_end: datetime.date
) -> tuple[list[PersonFacts], list[ReviewFact]]:
    """Everyone active in the role with their access and outcomes within the window, and the reviewed attempts.

    Four queries whatever the size: people, their attempts up to the window's end, their 'ready' sign-offs, and
    their xAPI practice time. Readiness is as of the window's end (signed, and neither revoked nor expired by
    then); time to readiness runs from the person's start (or first attempt) to their first 'ready' sign-off,
    censored at the window's end for those still training.
    """
    start = _day_start(window_start)
    end = _day_start(window_end + datetime.timedelta(days=1))
    people = list(
        Person.objects.filter(role_id=role_id, active=True)
        .order_by("id")
        .values("id", "region__code", "shift__code", "working_language", "start_date")
    )
    ids = [person["id"] for person in people]
    attempts = defaultdict(list)
    reviews: list[ReviewFact] = []
    for attempt in (
        Attempt.objects.filter(person_id__in=ids, completed_at__lt=end, voided_at__isnull=True)
        .order_by("completed_at", "id")
        .values(
            "person_id", "scenario__kind", "attempt_number", "passed", "score", "completed_at", "reviewer_id",
            "reviewer__full_name",
        )
    ):  # fmt: skip
        attempts[attempt["person_id"]].append(attempt)
        if attempt["reviewer_id"] and attempt["completed_at"] >= start:
            reviews.append(
                ReviewFact(
                    reviewer_id=attempt["reviewer_id"],
                    reviewer_name=attempt["reviewer__full_name"],
                    person_id=attempt["person_id"],
                    passed=attempt["passed"],
                )
            )
    signoffs = defaultdict(list)
    for signoff in (
        SignOff.objects.filter(person_id__in=ids, decision=SignOffDecision.READY, signed_at__lt=end)
        .order_by("signed_at", "id")
        .values("person_id", "signed_at", "revoked_at", "expires_at")
    ):
        signoffs[signoff["person_id"]].append(signoff)
    practice = {
        row["identity__person_id"]: row
        for row in Statement.objects.filter(identity__person_id__in=ids, timestamp__lt=end)
        .values("identity__person_id")
        .annotate(
            seconds=Sum("duration_seconds", filter=Q(timestamp__gte=start)),
        )
        .order_by()
    }
    facts = []
    for person in people:
        mine = attempts[person["id"]]
        in_window = [attempt for attempt in mine if attempt["completed_at"] >= start]
        firsts = [attempt for attempt in in_window if attempt["attempt_number"] == 1]
        scores = [float(attempt["score"]) for attempt in in_window]
        seconds = practice.get(person["id"], {}).get("seconds")
        origin = person["start_date"] or (mine[0]["completed_at"].date() if mine else None)
        first_ready = next((s for s in signoffs[person["id"]] if origin and s["signed_at"].date() >= origin), None)
        days_to_ready, reached = None, False
        if origin and origin <= window_end:
            if first_ready:
                days_to_ready, reached = float((first_ready["signed_at"].date() - origin).days), True
            else:
                days_to_ready = float((window_end - origin).days)
        facts.append(
            PersonFacts(
                person_id=person["id"],
                groups=(
                    ("region", person["region__code"] or NO_VALUE),
                    ("shift", person["shift__code"] or NO_VALUE),
                    ("language", person["working_language"] or NO_VALUE),
                ),
                enrolled=bool(mine) or person["id"] in practice,
                took_lab=any(attempt["scenario__kind"] == ScenarioKind.LAB for attempt in in_window),
                took_drill=any(attempt["scenario__kind"] == ScenarioKind.DRILL for attempt in in_window),
                practice_minutes=seconds / 60 if seconds else None,
                ready=any(_holds_at(signoff, end) for signoff in signoffs[person["id"]]),
                first_tries=len(firsts),
                first_try_passes=sum(attempt["passed"] for attempt in firsts),
                median_score=statistics.median(scores) if scores else None,
                days_to_ready=days_to_ready,
                reached_ready=reached,
            )
        )
    return facts, reviews


def _holds_at(signoff: dict, moment: datetime.datetime) -> bool:
    revoked, expires = signoff["revoked_at"], signoff["expires_at"]
    return (revoked is None or revoked >= moment) and (expires is None or expires >= moment)


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min), datetime.UTC)
