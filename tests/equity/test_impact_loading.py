"""Loading an impact analysis from the service levels (issue 11's models): daily series, event days, doses.

Skipped until program.operations is on the branch (it comes with the operations issue).
"""

import datetime

import numpy as np
import pytest
from django.core.management import call_command

from equity.impact import Design, analyse
from equity.selectors import impact_unit_series
from tests.program.factories import RegionFactory, ServiceFactory

operations = pytest.importorskip("program.operations.models")

pytestmark = pytest.mark.django_db

CHANGE = datetime.date(2026, 6, 1)


def _samples(service, region, *, effect, rng):
    rows = []
    for offset in range(-60, 60):
        day = CHANGE + datetime.timedelta(days=offset)
        value = 1100 + rng.normal(0, 20) + (effect if offset >= 28 else 0)
        if day == CHANGE - datetime.timedelta(days=3):
            value += 5000  # a sale day: left out
        for hour in (0, 12):
            at = datetime.datetime.combine(day, datetime.time(hour), datetime.UTC)
            rows.append(
                operations.MetricSample(
                    service=service, region=region, metric="latency_p95_ms", at=at, value=value, origin="demo"
                )
            )
    operations.MetricSample.objects.bulk_create(rows)


def test_series_events_and_the_effect_recovered():
    rng = np.random.default_rng(3)
    regions = [RegionFactory(code=code) for code in ("americas", "emea", "apac")]
    trained = [ServiceFactory() for _ in range(2)]
    holdout = [ServiceFactory() for _ in range(2)]
    for service in trained + holdout:
        for region in regions:
            _samples(service, region, effect=-250 if service in trained else 0, rng=rng)
    sale = datetime.datetime.combine(CHANGE - datetime.timedelta(days=3), datetime.time(8), datetime.UTC)
    operations.OperationalEvent.objects.create(name="Sale", starts_at=sale, ends_at=sale + datetime.timedelta(hours=10))
    units, excluded = impact_unit_series(
        metric="latency_p95_ms",
        trained_service_ids=[s.pk for s in trained],
        holdout_service_ids=[s.pk for s in holdout],
        start=CHANGE - datetime.timedelta(days=60),
        end=CHANGE + datetime.timedelta(days=59),
        by_region=True,
    )
    assert len(units) == 12 and excluded == {CHANGE - datetime.timedelta(days=3)}
    design = Design(change_date=CHANGE, window_days=14, gap_days=28, excluded_days=excluded, lower_is_better=True)
    result = analyse(units, design, metric_label="p95 latency")
    assert result.main.low <= -250 <= result.main.high and result.main.detected
    assert result.placebo.covers_zero
    assert "associated with an improvement" in result.wording


def test_command_refuses_unknown_services():
    with pytest.raises(Exception, match="Unknown services"):
        call_command("impact_analysis", trained="nope", holdout="none", change_date=CHANGE)
