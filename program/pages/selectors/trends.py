"""Trends for a service: the share of its team meeting the standard and their mean assessment score, week by
week, with markers where content versions and standard versions were published.

Weeks start on Monday. A fixed number of queries whatever the size of the data: the sign-offs of the people in
scope, the weekly score averages (grouped in the database), and the two kinds of publication.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Avg, Count, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone

from assessments.choices import SignOffDecision
from assessments.models import Attempt, SignOff
from content.models import ContentVersion
from program.models import Person, Service
from roles.choices import VersionStatus
from roles.models import StandardVersion

from ..charts import Chart
from ..filters import Filters


@dataclass(frozen=True)
class Week:
    start: datetime.date
    readiness_share: float | None
    people: int
    mean_score: float | None
    attempts: int


@dataclass(frozen=True)
class Marker:
    on: datetime.date
    label: str
    kind: str


@dataclass(frozen=True)
class Trends:
    service: Service | None
    weeks: list[Week]
    markers: list[Marker]

    def chart(self) -> Chart:
        values = []
        for week in self.weeks:
            if week.readiness_share is not None:
                values.append(
                    {
                        "week": week.start.isoformat(),
                        "series": "Meeting the standard (%)",
                        "value": round(100 * week.readiness_share, 1),
                    }
                )
            if week.mean_score is not None:
                values.append(
                    {
                        "week": week.start.isoformat(),
                        "series": "Mean assessment score",
                        "value": round(week.mean_score, 1),
                    }
                )
        markers = [
            {"on": marker.on.isoformat(), "number": str(index), "kind": marker.kind}
            for index, marker in enumerate(self.markers, start=1)
        ]
        x = {"field": "week", "type": "temporal", "title": "Week", "axis": {"format": "%d %b"}}
        layers = [
            {
                "data": {"values": values},
                "mark": {"type": "line", "point": True, "strokeWidth": 2},
                "encoding": {
                    "x": x,
                    "y": {
                        "field": "value",
                        "type": "quantitative",
                        "title": "Percent / score (0–100)",
                        "scale": {"domain": [0, 100]},
                    },
                    "color": {"field": "series", "type": "nominal", "title": None, "legend": {"orient": "bottom"}},
                    "strokeDash": {"field": "series", "type": "nominal", "legend": None},
                },
            }
        ]
        if markers:
            layers += [
                {
                    "data": {"values": markers},
                    "mark": {"type": "rule", "color": "#5f6b7a", "strokeDash": [2, 3]},
                    "encoding": {"x": {"field": "on", "type": "temporal"}},
                },
                {
                    "data": {"values": markers},
                    "mark": {
                        "type": "text",
                        "angle": 270,
                        "align": "left",
                        "dx": 4,
                        "dy": -4,
                        "fontSize": 9,
                        "color": "#5f6b7a",
                    },
                    "encoding": {
                        "x": {"field": "on", "type": "temporal"},
                        "y": {"value": 4},
                        "text": {"field": "label"},
                    },
                },
            ]
        name = self.service.name if self.service else "all services"
        return Chart(
            key="trends",
            title=f"Readiness and scores over time, {name}",
            description=(
                f"Line chart of the weekly share of people meeting the standard and their mean assessment score "
                f"for {name}, over {len(self.weeks)} weeks, with {len(self.markers)} dashed markers where content "
                f"or standard versions were published."
            ),
            spec={"width": 640, "height": 260, "layer": layers},
            columns=["Week", "Meeting the standard", "People", "Mean score", "Attempts"],
            rows=[
                [
                    week.start.isoformat(),
                    f"{week.readiness_share:.0%}" if week.readiness_share is not None else "—",
                    week.people,
                    f"{week.mean_score:.1f}" if week.mean_score is not None else "—",
                    week.attempts,
                ]
                for week in self.weeks
            ],
        )


def _weeks(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    monday = start - datetime.timedelta(days=start.weekday())
    return [monday + datetime.timedelta(weeks=index) for index in range(((end - monday).days // 7) + 1)]


def default_service() -> Service | None:
    return Service.objects.filter(on_checkout_path=True).order_by("checkout_path_position").first()


def readiness_trends(filters: Filters) -> Trends:
    """Week by week for the people of the service's team (or the chosen team), within the viewer's teams."""
    service = filters.service or default_service()
    people = Person.objects.filter(active=True, role__isnull=False)
    if filters.team is not None:
        people = people.filter(team=filters.team)
    elif service is not None:
        people = people.filter(team_id=service.team_id)
    if filters.team_scope is not None:
        people = people.filter(team_id__in=filters.team_scope)
    if filters.region is not None:
        people = people.filter(region=filters.region)
    if filters.role is not None:
        people = people.filter(role=filters.role)
    weeks = _weeks(filters.start, filters.end)
    tz = timezone.get_current_timezone()
    week_ends = [
        datetime.datetime.combine(week + datetime.timedelta(days=7), datetime.time(), tzinfo=tz) for week in weeks
    ]
    headcount = people.count()
    signoffs: dict[int, list[tuple]] = defaultdict(list)
    for person_id, signed_at, expires_at, revoked_at in SignOff.objects.filter(
        person__in=people.values("pk"), decision=SignOffDecision.READY, signed_at__lt=week_ends[-1]
    ).values_list("person_id", "signed_at", "expires_at", "revoked_at"):
        signoffs[person_id].append((signed_at, expires_at, revoked_at))
    scores = {
        timezone.localdate(row["week"]) if isinstance(row["week"], datetime.datetime) else row["week"]: row
        for row in Attempt.objects.filter(
            person__in=people.values("pk"),
            voided_at__isnull=True,
            completed_at__date__gte=weeks[0],
            completed_at__date__lte=filters.end,
        )
        .annotate(week=TruncWeek("completed_at"))
        .values("week")
        .annotate(mean=Avg("score"), n=Count("id"))
        .order_by()
    }
    result = []
    for week, week_end in zip(weeks, week_ends, strict=True):
        ready = sum(
            1
            for held in signoffs.values()
            if any(
                signed < week_end
                and (expires is None or expires > week_end)
                and (revoked is None or revoked > week_end)
                for signed, expires, revoked in held
            )
        )
        row = scores.get(week)
        result.append(
            Week(
                start=week,
                readiness_share=ready / headcount if headcount else None,
                people=headcount,
                mean_score=float(row["mean"]) if row else None,
                attempts=row["n"] if row else 0,
            )
        )
    markers = [
        Marker(
            on=timezone.localdate(version.published_at), label=f"{version.item.title} v{version.number}", kind="content"
        )
        for version in ContentVersion.objects.filter(
            published_at__date__gte=weeks[0], published_at__date__lte=filters.end
        )
        .select_related("item")
        .order_by("published_at")[:12]
    ]
    markers += [
        Marker(
            on=timezone.localdate(version.published_at),
            label=f"{version.standard.name} v{version.number}",
            kind="standard",
        )
        for version in StandardVersion.objects.filter(
            Q(status=VersionStatus.PUBLISHED), published_at__date__gte=weeks[0], published_at__date__lte=filters.end
        )
        .select_related("standard")
        .order_by("published_at")[:6]
    ]
    return Trends(service=service, weeks=result, markers=sorted(markers, key=lambda marker: marker.on))
