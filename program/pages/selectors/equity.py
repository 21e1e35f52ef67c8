"""The equity view: the latest audit's findings with their intervals and flags; suppressed cells are shown as
suppressed (no value), never as a number. Two queries."""

from dataclasses import dataclass

from equity.choices import FindingFlag
from equity.models import EquityAudit, EquityFinding

from ..charts import Chart

SUPPRESSED = FindingFlag.SUPPRESSED
# The flag that asks for action: under four-fifths and significant after Holm.
ACTION_FLAGS = {FindingFlag.RED}
FLAG_SYMBOL = {
    "red": "▲ red",
    "amber": "● amber",
    "green": "✓ green",
    "reference": "◆ reference",
    "suppressed": "— suppressed",
}


@dataclass(frozen=True)
class FindingRow:
    finding: EquityFinding

    @property
    def suppressed(self) -> bool:
        return self.finding.flag == SUPPRESSED

    @property
    def interval(self) -> tuple[float, float] | None:
        low, high = getattr(self.finding, "interval_low", None), getattr(self.finding, "interval_high", None)
        return (low, high) if low is not None and high is not None and not self.suppressed else None

    @property
    def flag_text(self) -> str:
        return FLAG_SYMBOL.get(self.finding.flag, self.finding.get_flag_display())

    @property
    def value_text(self) -> str:
        if self.suppressed or self.finding.value is None:
            return "suppressed"
        value = self.finding.value
        return f"{value:.0%}" if 0 <= value <= 1 else f"{value:.1f}"


@dataclass(frozen=True)
class EquityView:
    audit: EquityAudit | None
    findings: list[FindingRow]
    metric: str | None
    metrics: list[tuple[str, str]]

    @property
    def action_count(self) -> int:
        return sum(1 for row in self.findings if row.finding.flag in ACTION_FLAGS)

    def chart(self) -> Chart | None:
        rows = [row for row in self.findings if row.finding.metric == self.metric]
        if not rows:
            return None
        values = []
        for row in rows:
            interval = row.interval
            values.append(
                {
                    "group": row.finding.group,
                    "value": None if row.suppressed else row.finding.value,
                    "low": interval[0] if interval else None,
                    "high": interval[1] if interval else None,
                    "flag": row.finding.flag,
                    "label": row.flag_text if row.suppressed else f"{row.value_text} {row.flag_text}",
                }
            )
        y = {"field": "group", "type": "nominal", "title": None, "axis": {"labelLimit": 240}}
        spec = {
            "data": {"values": values},
            "width": 420,
            "height": {"step": 24},
            "layer": [
                {
                    "mark": {"type": "rule", "color": "#5f6b7a"},
                    "encoding": {
                        "y": y,
                        "x": {"field": "low", "type": "quantitative", "title": "Value (interval)"},
                        "x2": {"field": "high"},
                    },
                },
                {
                    "mark": {"type": "point", "filled": True, "size": 70},
                    "encoding": {
                        "y": y,
                        "x": {"field": "value", "type": "quantitative"},
                        "shape": {"field": "flag", "type": "nominal", "title": "Flag"},
                        "color": {
                            "field": "flag",
                            "type": "nominal",
                            "title": "Flag",
                            "scale": {
                                "domain": ["red", "amber", "green", "reference"],
                                "range": ["#D55E00", "#E69F00", "#009E73", "#0072B2"],
                            },
                        },
                    },
                },
                {
                    "mark": {"type": "text", "align": "left", "dx": 8, "fontSize": 10},
                    "encoding": {"y": y, "x": {"value": 424}, "text": {"field": "label"}},
                },
            ],
        }
        label = dict(self.metrics).get(self.metric, self.metric)
        suppressed = sum(1 for row in rows if row.suppressed)
        return Chart(
            key="equity",
            title=f"{label}, by group",
            description=(
                f"Dot chart of {label} for {len(rows)} groups with their intervals as lines; shape and colour give the "
                f"flag, also written beside each dot; {suppressed} groups suppressed for being too small."
            ),
            spec=spec,
            columns=["Group", "Value", "Interval", "n", "Flag"],
            rows=[
                [
                    row.finding.group,
                    row.value_text,
                    f"{row.interval[0]:.2f}–{row.interval[1]:.2f}" if row.interval else "—",
                    "suppressed" if row.suppressed else row.finding.n,
                    row.flag_text,
                ]
                for row in rows
            ],
        )


def equity_view(*, metric: str | None = None) -> EquityView:
    """The latest audit that ran, its findings, and the metric the chart shows (the first, unless chosen)."""
    audit = EquityAudit.objects.filter(run_at__isnull=False).order_by("-run_at", "-id").first()
    findings = [FindingRow(finding) for finding in audit.findings.order_by("metric", "group", "pk")] if audit else []
    labels = dict(EquityFinding._meta.get_field("metric").choices)
    metrics = []
    for row in findings:
        if row.finding.metric not in [key for key, _ in metrics]:
            metrics.append((row.finding.metric, labels.get(row.finding.metric, row.finding.metric)))
    chosen = metric if metric in dict(metrics) else (metrics[0][0] if metrics else None)
    return EquityView(audit=audit, findings=findings, metric=chosen, metrics=metrics)
