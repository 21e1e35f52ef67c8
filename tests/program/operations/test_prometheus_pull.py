"""Pulls from a real Prometheus (tests/program/operations/conftest.py): the values stored are the values loaded,
NaN and ±Inf are gaps, long ranges are split, both ends are aligned to the step, and a re-pull replaces."""

import datetime
import math

import pytest

from program.models import MetricSample, PrometheusSource, RejectedMetricSample
from program.operations.choices import Metric, PullStatus, SampleOrigin
from program.operations.prometheus import PrometheusError
from program.operations.services import prometheus_source_pull, prometheus_source_set_secret
from program.tasks import prometheus_pull_due_sources
from tests.program.factories import RegionFactory, ServiceFactory

from .conftest import DAY, HOUR, MINUTE, SPLIT_RANGE_DAYS, availability_at, p95_seconds_at, payment_error_ratio_at

pytestmark = pytest.mark.django_db

GAUGE_QUERIES = {
    "availability_query": "demo_availability_ratio",
    "latency_p95_query": "demo_p95_seconds",
    "payment_error_rate_query": "demo_payment_error_ratio",
}


@pytest.fixture
def org(db):
    emea, apac = RegionFactory(code="emea"), RegionFactory(code="apac")
    return {
        "cart": ServiceFactory(slug="cart"),
        "checkout": ServiceFactory(slug="checkout-web"),
        "deploy": ServiceFactory(slug="deploy-pipeline"),
        "emea": emea,
        "apac": apac,
    }


def gauge_source(prometheus_data, step: int) -> PrometheusSource:
    return PrometheusSource.objects.create(
        name=f"test {step}", base_url=prometheus_data.url, step_seconds=step, **GAUGE_QUERIES
    )


def series(service, metric, region=None) -> dict[datetime.datetime, float]:
    rows = MetricSample.objects.filter(service=service, metric=metric)
    rows = rows.filter(region=region) if region else rows.filter(region__isnull=True)
    return dict(rows.values_list("at", "value"))


def expected(prometheus_data, function, start: int, end: int, step: int, scale: float = 1.0) -> dict:
    """What a pull over [start, end] must store: each finite loaded value at t as the interval [t − step, t)."""
    wanted = {}
    for timestamp in range(start, end + 1, step):
        value = function(prometheus_data.index(timestamp))
        if math.isfinite(value):
            wanted[prometheus_data.at(timestamp - step)] = value * scale
    return wanted


def test_hourly_pull_stores_the_loaded_values_with_gaps(prometheus_data, org):
    source = gauge_source(prometheus_data, HOUR)
    start, end = prometheus_data.gauge_start, prometheus_data.end
    result = prometheus_source_pull(source=source, start=prometheus_data.at(start), end=prometheus_data.at(end))

    availability = expected(prometheus_data, availability_at, start, end, HOUR)
    assert len(availability) < (end - start) // HOUR + 1, "the data has NaN/+Inf hours: they must be gaps"
    assert series(org["cart"], Metric.AVAILABILITY, org["emea"]) == availability
    assert series(org["cart"], Metric.LATENCY_P95, org["emea"]) == pytest.approx(
        expected(prometheus_data, p95_seconds_at, start, end, HOUR, scale=1000.0)
    )
    assert series(org["cart"], Metric.PAYMENT_ERROR_RATE, org["emea"]) == expected(
        prometheus_data, payment_error_ratio_at, start, end, HOUR
    )
    # A series without a region label is the service's global series.
    assert set(series(org["deploy"], Metric.AVAILABILITY).values()) == {0.995}
    assert result.gaps == (end - start) // HOUR + 1 - len(availability)
    assert MetricSample.objects.filter(origin=SampleOrigin.PROMETHEUS, source=source).count() == result.samples
    # The series of an unknown service is refused with its reason, never stored.
    refused = RejectedMetricSample.objects.get(source=source, origin=SampleOrigin.PROMETHEUS)
    assert "ghost" in refused.reason and "no service" in refused.reason
    source.refresh_from_db()
    assert source.last_pull_status == PullStatus.OK
    assert source.pulled_until == prometheus_data.at(end)


def test_one_minute_pull_is_split_under_the_points_limit(prometheus_data, org):
    source = gauge_source(prometheus_data, MINUTE)
    end = prometheus_data.end
    start = end - SPLIT_RANGE_DAYS * DAY  # 12,961 points: Prometheus refuses it as one query
    # The second page starts 11,000 minutes in: inside the loaded data, so a doubled or lost point would show.
    assert prometheus_data.gauge_start < start + 11_000 * MINUTE < end
    result = prometheus_source_pull(source=source, start=prometheus_data.at(start), end=prometheus_data.at(end))

    assert result.pages == 3 * 2  # three metrics, two pages each
    stored = series(org["cart"], Metric.AVAILABILITY, org["emea"])
    data_start = prometheus_data.gauge_start
    assert stored == expected(prometheus_data, availability_at, data_start, end, MINUTE)
    nan_minutes = sum(1 for i in range((end - data_start) // MINUTE + 1) if not math.isfinite(availability_at(i)))
    assert len(stored) == (end - data_start) // MINUTE + 1 - nan_minutes  # nothing doubled at the page boundary


def test_a_smaller_points_limit_makes_more_pages_and_the_same_rows(prometheus_data, org):
    source = gauge_source(prometheus_data, HOUR)
    window = {"start": prometheus_data.at(prometheus_data.gauge_start), "end": prometheus_data.at(prometheus_data.end)}
    prometheus_source_pull(source=source, **window)
    whole = sorted(MetricSample.objects.values_list("service", "region", "metric", "at", "value"))
    MetricSample.objects.all().delete()
    result = prometheus_source_pull(source=source, max_points=10, **window)
    assert result.pages == 3 * math.ceil((2 * 24 + 1) / 10)
    assert sorted(MetricSample.objects.values_list("service", "region", "metric", "at", "value")) == whole


def test_both_ends_are_aligned_to_the_step(prometheus_data, org):
    source = gauge_source(prometheus_data, HOUR)
    start = prometheus_data.gauge_start + 17 * MINUTE + 5
    end = prometheus_data.end - 18 * MINUTE
    result = prometheus_source_pull(source=source, start=prometheus_data.at(start), end=prometheus_data.at(end))
    stored = series(org["cart"], Metric.AVAILABILITY, org["emea"])
    assert all(at.timestamp() % HOUR == 0 for at in stored)
    aligned_start, aligned_end = start // HOUR * HOUR, end // HOUR * HOUR
    assert result.start == prometheus_data.at(aligned_start)
    assert stored == expected(prometheus_data, availability_at, aligned_start, aligned_end, HOUR)


def test_pulling_a_window_again_replaces_and_never_doubles(prometheus_data, org):
    source = gauge_source(prometheus_data, HOUR)
    window = {"start": prometheus_data.at(prometheus_data.gauge_start), "end": prometheus_data.at(prometheus_data.end)}
    prometheus_source_pull(source=source, **window)
    first = sorted(MetricSample.objects.values_list("service", "region", "metric", "at", "value", "origin"))
    # Someone edits a stored value, and a CSV sample lands on a pulled key: the re-pull puts the source's back.
    sample = MetricSample.objects.filter(service=org["cart"], metric=Metric.AVAILABILITY).first()
    MetricSample.objects.filter(pk=sample.pk).update(value=0.5, origin=SampleOrigin.CSV)

    prometheus_source_pull(source=source, **window)

    assert sorted(MetricSample.objects.values_list("service", "region", "metric", "at", "value", "origin")) == first


def test_default_queries_compute_ratios_and_a_quantile_of_summed_buckets(prometheus_data, org):
    source = PrometheusSource.objects.create(name="defaults", base_url=prometheus_data.url, step_seconds=HOUR)
    start, end = prometheus_data.counter_start + HOUR, prometheus_data.end  # every rate window inside the data
    prometheus_source_pull(source=source, start=prometheus_data.at(start), end=prometheus_data.at(end))
    hours = (end - start) // HOUR + 1
    availability = series(org["checkout"], Metric.AVAILABILITY, org["apac"])
    assert len(availability) == hours
    assert list(availability.values()) == pytest.approx([0.999] * hours, abs=1e-9)
    latency = series(org["checkout"], Metric.LATENCY_P95, org["apac"])
    assert list(latency.values()) == pytest.approx([1500.0] * hours)  # interpolated in the 1–2 s bucket
    errors = series(org["checkout"], Metric.PAYMENT_ERROR_RATE, org["apac"])
    assert list(errors.values()) == pytest.approx([0.005] * hours, abs=1e-9)


def test_a_refused_query_is_recorded_on_the_source(prometheus_data, org):
    source = gauge_source(prometheus_data, HOUR)
    source.latency_p95_query = "histogram_quantile(0.95, sum by (le) ("  # broken PromQL
    source.save()
    with pytest.raises(PrometheusError, match="400"):
        prometheus_source_pull(source=source, start=prometheus_data.at(prometheus_data.end - 2 * HOUR))
    source.refresh_from_db()
    assert source.last_pull_status == PullStatus.FAILED
    assert "parse error" in source.last_pull_message
    assert source.pulled_until is None


def test_the_beat_task_pulls_due_sources_from_where_they_ended(prometheus_data, org):
    source = gauge_source(prometheus_data, HOUR)
    prometheus_source_set_secret(source=source, secret="not-used-without-auth")
    assert prometheus_pull_due_sources() == [source.pk]
    source.refresh_from_db()
    assert source.last_pull_status == PullStatus.OK, source.last_pull_message
    assert source.pulled_until is not None and source.pulled_until.timestamp() % HOUR == 0
    assert series(org["cart"], Metric.AVAILABILITY, org["emea"])
    assert prometheus_pull_due_sources() == []  # not due again before its interval
