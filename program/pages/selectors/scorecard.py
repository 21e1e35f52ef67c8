"""The weekly executive scorecard: per service, a traffic light for each measure against its target, with the
week-on-week change and a short trend; every colour has a word and a symbol beside it (colour alone is not
enough, WCAG 1.4.1).

Readiness coverage is the share of a service's on-call roster (the people of its owning team whose role works
towards the standard its on-call gate requires) signed off on that standard, or holding an exception. Uptime, p95
latency, MTTR and error budget join it once the portal keeps operational metrics (issue 11); until then they say
"not measured", never a made-up number.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import F
from django.utils import timezone

from program.models import Service

from ..charts import Chart
from .coverage import OnCallCoverage

TREND_WEEKS = 8
# Until targets for readiness coverage are set per service in the admin, the program's own bar: 60% of a
# service's team on the on-call rota, as the events calendar asks before a sale (and amber 10 points below).
COVERAGE_TARGET = 0.6
AMBER_MARGIN = 0.1


@dataclass(frozen=True)
class Light:
    colour: str  # green / amber / red / grey
    word: str
    symbol: str

    @classmethod
    def for_share(cls, value: float | None, target: float) -> "Light":
        if value is None:
            return cls("grey", "No data", "–")
        if value >= target:
            return cls("green", "On target", "✓")
        if value >= target - AMBER_MARGIN:
            return cls("amber", "Near target", "!")
        return cls("red", "Below target", "✗")


@dataclass(frozen=True)
class Measure:
    name: str
    value_text: str
    target_text: str
    light: Light
    change_text: str


@dataclass(frozen=True)
class ServiceScore:
    service: Service
    people: int
    coverage: list[float | None]  # oldest first, the last is this week
    measures: list[Measure]

    @property
    def worst(self) -> str:
        order = ["red", "amber", "grey", "green"]
        return min((measure.light.colour for measure in self.measures), key=order.index)

    def sparkline(self) -> Chart:
        values = [
            {"week": index - len(self.coverage) + 1, "coverage": round(100 * share, 1)}
            for index, share in enumerate(self.coverage)
            if share is not None
        ]
        return Chart(
            key=f"trend-{self.service.slug}",
            title=f"{self.service.name}: readiness coverage, last {len(self.coverage)} weeks",
            description=(
                f"Small line chart of the on-call readiness coverage of {self.service.name} over the last "
                f"{len(self.coverage)} weeks, against the {COVERAGE_TARGET:.0%} target (dashed)."
            ),
            spec={
                "width": 140,
                "height": 36,
                "layer": [
                    {
                        "data": {"values": values},
                        "mark": {"type": "line", "point": {"size": 12}, "color": "#0072B2"},
                        "encoding": {
                            "x": {"field": "week", "type": "quantitative", "axis": None},
                            "y": {
                                "field": "coverage",
                                "type": "quantitative",
                                "axis": None,
                                "scale": {"domain": [0, 100]},
                            },
                        },
                    },
                    {
                        "data": {"values": [{"target": 100 * COVERAGE_TARGET}]},
                        "mark": {"type": "rule", "strokeDash": [3, 3], "color": "#5f6b7a"},
                        "encoding": {"y": {"field": "target", "type": "quantitative"}},
                    },
                ],
            },
            columns=["Weeks ago", "Coverage"],
            rows=[
                [len(self.coverage) - 1 - index, f"{share:.0%}" if share is not None else "—"]
                for index, share in enumerate(self.coverage)
            ],
        )


@dataclass(frozen=True)
class Scorecard:
    week_ending: datetime.date
    services: list[ServiceScore]

    @property
    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for score in self.services:
            counts[score.worst] += 1
        return dict(counts)


def weekly_scorecard(*, now: datetime.datetime | None = None, team_scope: frozenset[int] | None = None) -> Scorecard:
    """Every service (within the team scope, if any), this week and the TREND_WEEKS - 1 before (coverage as in
    `coverage.OnCallCoverage`). Five queries."""
    now = now or timezone.now()
    services = list(
        Service.objects.select_related("team").order_by(F("checkout_path_position").asc(nulls_last=True), "name")
    )
    if team_scope is not None:
        services = [service for service in services if service.team_id in team_scope]
    coverage_of = OnCallCoverage(services, until=now)
    moments = [now - datetime.timedelta(weeks=weeks) for weeks in range(TREND_WEEKS - 1, -1, -1)]
    scores = []
    for service in services:
        roster = coverage_of.roster(service)
        coverage = [coverage_of.share(service, moment) for moment in moments]
        people_count = len(roster)
        this_week, last_week = coverage[-1], coverage[-2] if len(coverage) > 1 else None
        change = f"{100 * (this_week - last_week):+.0f} pts" if this_week is not None and last_week is not None else "—"
        measures = [
            Measure(
                name="Readiness coverage",
                value_text=f"{this_week:.0%}" if this_week is not None else "—",
                target_text=f"≥ {COVERAGE_TARGET:.0%}",
                light=Light.for_share(this_week, COVERAGE_TARGET),
                change_text=change,
            )
        ]
        measures += [
            Measure(
                name=name,
                value_text="not measured",
                target_text="—",
                light=Light("grey", "No data", "–"),
                change_text="—",
            )
            for name in ("Uptime", "p95 latency", "MTTR", "Error budget left")
        ]
        scores.append(ServiceScore(service=service, people=people_count, coverage=coverage, measures=measures))
    return Scorecard(week_ending=timezone.localdate(now), services=scores)
