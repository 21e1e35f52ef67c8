"""Reads of the equity app: the facts an audit is computed from, in a fixed number of queries."""

import datetime
import statistics
from collections import defaultdict

from django.db.models import Avg, Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from assessments.choices import ReadinessStatus, ScenarioKind, SignOffDecision
from assessments.models import Attempt, SignOff, Statement
from program.models import Person, Service

from .statistics import PersonFacts, ReviewFact

NO_VALUE = "none"


def audit_facts(
    *, role_id: int, window_start: datetime.date, window_end: datetime.date
) -> tuple[list[PersonFacts], list[ReviewFact]]:
    """Everyone active in the role with their access and outcomes within the window, and the reviewed attempts.

    Four queries whatever the size: people, their attempts up to the window's end, their 'ready' sign-offs, and
    their xAPI practice time. Readiness is as of the window's end (signed, and neither revoked nor expired by
    then); time to readiness runs from the person's first attempt to their first 'ready' sign-off, censored at
    the window's end for those still training.
    """
    start = _day_start(window_start)
    end = _day_start(window_end + datetime.timedelta(days=1))
    people = list(
        Person.objects.filter(role_id=role_id, active=True)
        .order_by("id")
        .values("id", "region__code", "shift__code", "working_language")
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
        # The clock starts when the person starts the path (their first attempt), not when they joined the
        # company: tenured engineers joined years before the program existed.
        origin = mine[0]["completed_at"].date() if mine else None
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


MTTR = "mttr_minutes"


def impact_unit_series(
    *,
    metric: str,
    trained_service_ids: list[int],
    holdout_service_ids: list[int],
    start: datetime.date,
    end: datetime.date,
    by_region: bool = False,
    severities: list[str] | None = None,
) -> tuple[list, frozenset[datetime.date]]:
    """The series of each unit (service, or service × region) for an impact analysis, and the event days.

    Three queries: the metric (daily means of the samples, or one value per restored incident for MTTR), the
    events calendar (every day of a sale or freeze is left out of both arms) and the share of each service's
    team currently signed off (the dose). The operations models arrive with issue 11 (program.operations,
    program.Incident); they are imported here, at call time, so this app does not need them to load.
    """
    from program.operations.models import MetricSample, OperationalEvent  # issue 11

    from .impact import UnitSeries

    service_ids = [*trained_service_ids, *holdout_service_ids]
    low, high = _day_start(start), _day_start(end + datetime.timedelta(days=1))
    observations: dict[tuple, list] = defaultdict(list)
    if metric == MTTR:
        from program.models import Incident  # issue 11

        incidents = Incident.objects.filter(
            services__id__in=service_ids, started_at__gte=low, started_at__lt=high, restored_at__isnull=False
        )
        if severities:
            incidents = incidents.filter(severity__in=severities)
        for service_id, started_at, restored_at in incidents.values_list("services__id", "started_at", "restored_at"):
            minutes = max((restored_at - started_at).total_seconds() / 60, 1.0)  # logs need a positive value
            observations[(service_id, None)].append((started_at.date(), minutes))
    else:
        rows = (
            MetricSample.objects.filter(service_id__in=service_ids, metric=metric, at__gte=low, at__lt=high)
            .annotate(day=TruncDate("at"))
            .values("service_id", "day", *(["region__code"] if by_region else []))
            .annotate(value=Avg("value"))
            .order_by()
        )
        for row in rows:
            observations[(row["service_id"], row.get("region__code"))].append((row["day"], row["value"]))
    excluded = set()
    for starts_at, ends_at in OperationalEvent.objects.filter(starts_at__lt=high, ends_at__gt=low).values_list(
        "starts_at", "ends_at"
    ):
        day = starts_at.date()
        while day <= ends_at.date():
            excluded.add(day)
            day += datetime.timedelta(days=1)
    doses = _signed_off_share_by_service(service_ids)
    names = dict(Service.objects.filter(pk__in=service_ids).values_list("pk", "slug"))
    units = [
        UnitSeries(
            unit=names[service_id] + (f"/{region}" if region else ""),
            treated=service_id in trained_service_ids,
            observations=tuple(sorted(values)),
            dose=doses.get(service_id),
        )
        for (service_id, region), values in sorted(
            observations.items(), key=lambda item: (item[0][0], item[0][1] or "")
        )
    ]
    return units, frozenset(excluded)


def _signed_off_share_by_service(service_ids: list[int]) -> dict[int, float]:
    current = [ReadinessStatus.SIGNED_OFF, ReadinessStatus.EXPIRING_SOON]
    shares = {}
    for row in (
        Service.objects.filter(pk__in=service_ids)
        .annotate(
            people=Count("team__members", filter=Q(team__members__active=True), distinct=True),
            ready=Count(
                "team__members",
                filter=Q(team__members__active=True, team__members__readiness__status__in=current),
                distinct=True,
            ),
        )
        .values("pk", "people", "ready")
    ):
        if row["people"]:
            shares[row["pk"]] = row["ready"] / row["people"]
    return shares


# Days in each of the pre and post windows when none is given. Daily metrics have a value every day, so two
# weeks are plenty; incidents are rare (the demo has one per service every month or two), so MTTR needs
# windows long enough to hold at least one incident per unit on each side.
DEFAULT_WINDOW_DAYS = 14
METRIC_WINDOW_DAYS = {MTTR: 60}


def impact_window_days(*, metric: str, change_date: datetime.date, gap_days: int, today: datetime.date) -> int:
    """The metric's default window, shortened when the post window would run past today.

    Both windows shrink together (equal pre and post), and the length depends only on the metric and the dates,
    never on the data, so choosing it cannot favour a result.
    """
    available = (today - (change_date + datetime.timedelta(days=gap_days))).days
    return max(0, min(METRIC_WINDOW_DAYS.get(metric, DEFAULT_WINDOW_DAYS), available))


def impact_analysis(
    *,
    metric: str,
    trained_service_ids: list[int],
    holdout_service_ids: list[int],
    change_date: datetime.date,
    gap_days: int,
    lower_is_better: bool,
    window_days: int | None = None,
    by_region: bool = False,
    randomised: bool = False,
    today: datetime.date | None = None,
):
    """The impact analysis of a metric for trained against holdout services: (ImpactResult, Design).

    Loads the units with `impact_unit_series` and hands them to the pure `equity.impact.analyse`. MTTR is
    summarised by the mean of logs (heavy-tailed, few incidents) and always one unit per service (incidents
    have no region); without `window_days` the metric's default window is used (`impact_window_days`).
    """
    from .impact import Design, Summary, analyse

    if window_days is None:
        window_days = impact_window_days(
            metric=metric, change_date=change_date, gap_days=gap_days, today=today or timezone.localdate()
        )
    design = Design(
        change_date=change_date,
        window_days=window_days,
        gap_days=gap_days,
        summary=Summary.LOG_MEAN if metric == MTTR else Summary.MEAN,
        lower_is_better=lower_is_better,
        randomised=randomised,
    )
    units, excluded = impact_unit_series(
        metric=metric,
        trained_service_ids=trained_service_ids,
        holdout_service_ids=holdout_service_ids,
        start=design.placebo_date() - datetime.timedelta(days=window_days),
        end=change_date + datetime.timedelta(days=gap_days + window_days),
        by_region=by_region and metric != MTTR,
    )
    design = Design(**{**design.__dict__, "excluded_days": excluded})
    return analyse(units, design, metric_label=metric), design
