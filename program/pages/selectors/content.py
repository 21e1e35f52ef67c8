"""The content view: which items were followed by score gains and which moved nothing, overdue reviews, and
open refresh tickets by owner.

"Followed by" is an association: the mean score of the attempts at an item's scenarios in the WINDOW_DAYS
before its latest version against the WINDOW_DAYS after, with n on each side. Fewer than MIN_ATTEMPTS on either
side says "too little data" rather than guessing. Four queries, the averages computed in the database.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Avg, Count, F, Min, OuterRef, Q, Subquery
from django.utils import timezone

from assessments.models import Attempt
from content.choices import ContentStatus, RefreshStatus
from content.models import ContentItem, ContentVersion, RefreshTicket

from ..charts import Chart
from ..filters import Filters

WINDOW_DAYS = 60
MIN_ATTEMPTS = 11
GAIN_POINTS = 3.0


@dataclass(frozen=True)
class ContentEffect:
    item: str
    version: int
    published_on: datetime.date
    before: float | None
    before_n: int
    after: float | None
    after_n: int

    @property
    def change(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    @property
    def verdict(self) -> str:
        if self.before_n < MIN_ATTEMPTS or self.after_n < MIN_ATTEMPTS:
            return "too little data"
        if self.change >= GAIN_POINTS:
            return "followed by gains"
        if self.change <= -GAIN_POINTS:
            return "followed by a drop"
        return "moved nothing"


@dataclass(frozen=True)
class OwnerTickets:
    owner: str
    open: int
    oldest: datetime.datetime | None


@dataclass(frozen=True)
class ContentView:
    effects: list[ContentEffect]
    overdue: list[ContentItem]
    tickets_by_owner: list[OwnerTickets]

    def chart(self) -> Chart:
        values = [
            {"item": f"{effect.item} v{effect.version}", "change": round(effect.change, 1), "verdict": effect.verdict}
            for effect in self.effects
            if effect.change is not None
        ]
        spec = {
            "data": {"values": values},
            "width": 520,
            "height": {"step": 20},
            "mark": {"type": "bar"},
            "encoding": {
                "y": {"field": "item", "type": "nominal", "sort": "-x", "title": None, "axis": {"labelLimit": 260}},
                "x": {"field": "change", "type": "quantitative", "title": "Change in mean score (points)"},
                "color": {
                    "field": "verdict",
                    "type": "nominal",
                    "title": "Verdict",
                    "scale": {
                        "domain": ["followed by gains", "moved nothing", "followed by a drop", "too little data"],
                        "range": ["#009E73", "#999999", "#D55E00", "#E3E6EA"],
                    },
                    "legend": {"orient": "bottom"},
                },
            },
        }
        return Chart(
            key="content-effects",
            title="Score change after each item's latest version",
            description=(
                f"Bar chart of the change in mean score on each item's scenarios, {WINDOW_DAYS} days before its "
                f"latest version against {WINDOW_DAYS} days after, for {len(values)} items; an association, not "
                f"proof the content caused it."
            ),
            spec=spec,
            columns=["Item", "Published", "Before (n)", "After (n)", "Change", "Verdict"],
            rows=[
                [
                    f"{effect.item} v{effect.version}",
                    effect.published_on.isoformat(),
                    f"{effect.before:.1f} ({effect.before_n})"
                    if effect.before is not None
                    else f"— ({effect.before_n})",
                    f"{effect.after:.1f} ({effect.after_n})" if effect.after is not None else f"— ({effect.after_n})",
                    f"{effect.change:+.1f}" if effect.change is not None else "—",
                    effect.verdict,
                ]
                for effect in self.effects
            ],
        )


def content_view(filters: Filters) -> ContentView:
    latest = ContentVersion.objects.filter(item=OuterRef("scenario__content_item")).order_by("-number")
    window = datetime.timedelta(days=WINDOW_DAYS)
    attempts = Attempt.objects.filter(scenario__content_item__isnull=False, voided_at__isnull=True)
    team_ids = filters.team_ids()
    if team_ids is not None:
        attempts = attempts.filter(team_id__in=team_ids)
    if filters.region is not None:
        attempts = attempts.filter(person__region=filters.region)
    if filters.role is not None:
        attempts = attempts.filter(person__role=filters.role)
    rows = (
        attempts.annotate(
            published_at=Subquery(latest.values("published_at")[:1]),
            version=Subquery(latest.values("number")[:1]),
        )
        .filter(published_at__isnull=False)
        .values("scenario__content_item__title", "published_at", "version")
        .annotate(
            before=Avg(
                "score", filter=Q(completed_at__lt=F("published_at"), completed_at__gte=F("published_at") - window)
            ),
            before_n=Count(
                "id", filter=Q(completed_at__lt=F("published_at"), completed_at__gte=F("published_at") - window)
            ),
            after=Avg(
                "score", filter=Q(completed_at__gte=F("published_at"), completed_at__lt=F("published_at") + window)
            ),
            after_n=Count(
                "id", filter=Q(completed_at__gte=F("published_at"), completed_at__lt=F("published_at") + window)
            ),
        )
        .order_by("scenario__content_item__title")
    )
    effects = [
        ContentEffect(
            item=row["scenario__content_item__title"],
            version=row["version"],
            published_on=timezone.localdate(row["published_at"]),
            before=float(row["before"]) if row["before"] is not None else None,
            before_n=row["before_n"],
            after=float(row["after"]) if row["after"] is not None else None,
            after_n=row["after_n"],
        )
        for row in rows
    ]
    today = timezone.localdate()
    overdue = list(
        ContentItem.objects.filter(status=ContentStatus.PUBLISHED, review_by__lt=today)
        .select_related("owner")
        .order_by("review_by", "pk")
    )
    tickets = [
        OwnerTickets(owner=row["owner__full_name"] or "No owner", open=row["n"], oldest=row["oldest"])
        for row in RefreshTicket.objects.filter(status__in=(RefreshStatus.OPEN, RefreshStatus.IN_PROGRESS))
        .values("owner__full_name")
        .annotate(n=Count("id"), oldest=Min("created_at"))
        .order_by("-n", "owner__full_name")
    ]
    return ContentView(effects=effects, overdue=overdue, tickets_by_owner=tickets)
