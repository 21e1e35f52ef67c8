"""The readiness heat map: roles × services (or × regions), the share of people meeting their role's standard.

A person counts for the services their team owns. Every cell shows its n; a cell of fewer than MIN_CELL people
shows no share (the equity audits' small-cell rule), so nobody can be singled out.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, F

from assessments.choices import ReadinessStatus
from assessments.models import PersonReadiness
from program.models import Service

from ..charts import Chart
from ..filters import Filters

MIN_CELL = 11
CURRENT = (ReadinessStatus.SIGNED_OFF, ReadinessStatus.EXPIRING_SOON)


@dataclass(frozen=True)
class Cell:
    row: str
    column: str
    n: int
    ready: int

    @property
    def suppressed(self) -> bool:
        return self.n < MIN_CELL

    @property
    def share(self) -> float | None:
        return None if self.suppressed or not self.n else self.ready / self.n

    @property
    def label(self) -> str:
        return f"n<{MIN_CELL}" if self.suppressed else f"{self.share:.0%} (n={self.n})"


@dataclass(frozen=True)
class HeatMap:
    by: str
    rows: list[str]
    columns: list[str]
    cells: list[Cell]
    people: int

    def cell(self, row: str, column: str) -> Cell | None:
        return next((cell for cell in self.cells if cell.row == row and cell.column == column), None)

    @property
    def table(self) -> list[tuple[str, list[Cell | None]]]:
        return [(row, [self.cell(row, column) for column in self.columns]) for row in self.rows]

    def chart(self) -> Chart:
        by_label = "Service" if self.by == "service" else "Region"
        values = [
            {
                "role": cell.row,
                "column": cell.column,
                "share": cell.share,
                "label": cell.label,
                "status": "suppressed" if cell.suppressed else "reported",
            }
            for cell in self.cells
        ]
        spec = {
            "data": {"values": values},
            "width": {"step": 92},
            "height": {"step": 34},
            "encoding": {
                "x": {
                    "field": "column",
                    "type": "nominal",
                    "title": by_label,
                    "sort": self.columns,
                    "axis": {"labelAngle": -30, "labelLimit": 140},
                },
                "y": {
                    "field": "role",
                    "type": "nominal",
                    "title": "Role",
                    "sort": self.rows,
                    "axis": {"labelLimit": 200},
                },
            },
            "layer": [
                {
                    "mark": {"type": "rect", "stroke": "white"},
                    "encoding": {
                        "color": {
                            "condition": {"test": "datum.share === null", "value": "#e3e6ea"},
                            "field": "share",
                            "type": "quantitative",
                            "title": "Share meeting the standard",
                            "scale": {"domain": [0, 1], "scheme": "blues"},
                            "legend": {"format": ".0%"},
                        }
                    },
                },
                {
                    "mark": {"type": "text", "fontSize": 10},
                    "encoding": {
                        "text": {"field": "label"},
                        "color": {"condition": {"test": "datum.share > 0.6", "value": "white"}, "value": "#1d2330"},
                    },
                },
            ],
        }
        suppressed = sum(1 for cell in self.cells if cell.suppressed)
        return Chart(
            key=f"heatmap-{self.by}",
            title=f"Share meeting the standard, role × {by_label.lower()}",
            description=(
                f"Heat map of the share of people meeting their role's readiness standard by role and "
                f"{by_label.lower()}; {len(self.cells)} cells, {suppressed} suppressed because fewer than "
                f"{MIN_CELL} people."
            ),
            spec=spec,
            columns=["Role", by_label, "Meeting the standard", "n"],
            rows=[
                [
                    cell.row,
                    cell.column,
                    "suppressed" if cell.suppressed else f"{cell.share:.0%}",
                    f"<{MIN_CELL}" if cell.suppressed else cell.n,
                ]
                for cell in self.cells
            ],
        )


def readiness_heatmap(filters: Filters, *, by: str = "service") -> HeatMap:
    """The heat map's cells, in two queries whatever the number of people: readiness counted by role, team,
    region and status in the database, and the services each team owns."""
    rows = PersonReadiness.objects.filter(person__active=True, person__role_id=F("standard__role_id"))
    team_ids = filters.team_ids()
    if team_ids is not None:
        rows = rows.filter(person__team_id__in=team_ids)
    if filters.region is not None:
        rows = rows.filter(person__region=filters.region)
    if filters.role is not None:
        rows = rows.filter(person__role=filters.role)
    counts = (
        rows.values("person__role__name", "person__team_id", "person__region__name", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    services_by_team: dict[int, list[str]] = defaultdict(list)
    services = Service.objects.order_by(F("checkout_path_position").asc(nulls_last=True), "name")
    if filters.service is not None:
        services = services.filter(pk=filters.service.pk)
    service_order = []
    for name, team_id in services.values_list("name", "team_id"):
        services_by_team[team_id].append(name)
        service_order.append(name)
    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    people = 0
    for row in counts:
        if by == "service":
            columns = services_by_team.get(row["person__team_id"], [])
        else:
            if filters.service is not None and filters.service.name not in services_by_team.get(
                row["person__team_id"], []
            ):
                continue
            columns = [row["person__region__name"] or "No region"]
        if columns:
            people += row["n"]
        for column in columns:
            total = totals[(row["person__role__name"], column)]
            total[0] += row["n"]
            total[1] += row["n"] if row["status"] in CURRENT else 0
    role_names = sorted({role for role, _ in totals})
    present = {column for _, column in totals}
    columns = [name for name in service_order if name in present] if by == "service" else sorted(present)
    cells = [
        Cell(row=role, column=column, n=totals[(role, column)][0], ready=totals[(role, column)][1])
        for role in role_names
        for column in columns
        if (role, column) in totals
    ]
    return HeatMap(by=by, rows=role_names, columns=columns, cells=cells, people=people)
