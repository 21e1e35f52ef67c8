"""CSV import (admin upload and `manage.py import_metrics`): all lines or none, refusals by line number and kept,
importing the same file again changes nothing."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from program.models import MetricSample, RejectedMetricSample
from program.operations.choices import Metric, SampleOrigin
from program.operations.services import metrics_csv_import
from tests.program.factories import RegionFactory, ServiceFactory

pytestmark = pytest.mark.django_db

GOOD = """time,service,region,metric,value
2026-06-01T00:00:00Z,cart,emea,availability,0.9993
2026-06-01T01:00:00Z,cart,emea,availability,0.9998
2026-06-01T00:00:00Z,cart,,latency_p95_ms,1100
1780275600,cart,emea,payment_error_rate,0.004
"""


@pytest.fixture
def org(db):
    return {"cart": ServiceFactory(slug="cart"), "emea": RegionFactory(code="emea")}


def run(text: str, batch: str = "metrics.csv"):
    return metrics_csv_import(text_stream=io.StringIO(text), batch=batch)


def test_a_valid_file_is_imported_with_its_units_and_times(org):
    result = run(GOOD)
    assert result.ok and result.imported == 4
    sample = MetricSample.objects.get(metric=Metric.LATENCY_P95)
    assert (sample.value, sample.region, sample.origin) == (1100.0, None, SampleOrigin.CSV)
    unix = MetricSample.objects.get(metric=Metric.PAYMENT_ERROR_RATE)
    assert unix.at == datetime.datetime(2026, 6, 1, 1, 0, tzinfo=datetime.UTC)
    assert unix.region == org["emea"]


def test_importing_the_same_file_again_replaces_and_never_doubles(org):
    run(GOOD)
    first = list(MetricSample.objects.order_by("pk").values_list("service", "region", "metric", "at", "value"))
    result = run(GOOD.replace("0.9998", "0.9997"))
    assert result.imported == 4
    again = list(MetricSample.objects.order_by("pk").values_list("service", "region", "metric", "at", "value"))
    assert len(again) == len(first) == 4
    assert 0.9997 in {row[4] for row in again} and 0.9998 not in {row[4] for row in again}


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("2026-06-01T02:00:00Z,ghost,emea,availability,0.99", "service: no service 'ghost'"),
        ("2026-06-01T02:00:00Z,cart,mars,availability,0.99", "region: no region 'mars'"),
        ("2026-06-01T02:00:00Z,cart,emea,uptime_pct,99.9", "metric: 'uptime_pct' is not one of"),
        ("2026-06-01T02:00:00Z,cart,emea,availability,99.9", "value: availability is a ratio between 0 and 1"),
        ("2026-06-01T02:00:00Z,cart,emea,availability,NaN", "value: NaN and ±Inf are gaps"),
        ("2026-06-01T02:00:00Z,cart,emea,latency_p95_ms,-3", "value: a latency in ms"),
        ("yesterday,cart,emea,availability,0.99", "time: 'yesterday' is neither ISO 8601 nor unix seconds"),
        ("2999-01-01T00:00:00Z,cart,emea,availability,0.99", "is in the future"),
        ("2026-06-01T02:00:00Z,cart,emea,availability", "4 cells where the header has 5"),
        ("2026-06-01T00:00:00Z,cart,emea,availability,0.99", "repeats the sample of line 2"),
    ],
)
def test_one_bad_line_refuses_the_file_naming_the_line(org, line, reason):
    result = run(GOOD + line + "\n")
    assert not result.ok
    assert result.imported == 0
    assert MetricSample.objects.count() == 0  # nothing half-imported
    [(number, why)] = result.errors
    assert number == 6
    assert reason in why
    kept = RejectedMetricSample.objects.get()
    assert (kept.line, kept.batch, kept.origin) == (6, "metrics.csv", SampleOrigin.CSV)
    assert reason in kept.reason


def test_a_wrong_header_is_refused_on_line_1(org):
    result = run("when,service,metric,value\n2026-06-01T00:00:00Z,cart,availability,0.99\n")
    assert result.errors == [(1, "header: missing column(s) time, region (expected time,service,region,metric,value)")]


def test_every_bad_line_is_listed(org):
    text = GOOD + "x,cart,emea,availability,0.9\n\n2026-06-02T00:00:00Z,cart,emea,availability,2\n"
    assert [line for line, _ in run(text).errors] == [6, 8]


def test_the_command_imports_or_fails_listing_lines(org, tmp_path):
    good = tmp_path / "good.csv"
    good.write_text(GOOD)
    out = io.StringIO()
    call_command("import_metrics", str(good), stdout=out)
    assert "4 samples imported" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_text(GOOD + "2026-06-03T00:00:00Z,ghost,emea,availability,0.9\n")
    with pytest.raises(CommandError, match=r"nothing imported, 1 refused\nline 6: service: no service 'ghost'"):
        call_command("import_metrics", str(bad))
    assert MetricSample.objects.count() == 4
