"""Service levels over the API: pushing samples (all or nothing, refusals by index and kept, idempotent, scoped,
permission-checked) and an SLO's status (budget left, burn-rate alerts)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from program.choices import ApiScope
from program.models import MetricSample, RejectedMetricSample
from program.operations.choices import Metric, SampleOrigin
from tests.program.factories import RegionFactory, ServiceFactory
from tests.program.operations.factories import MetricSampleFactory, ServiceLevelObjectiveFactory

from .conftest import client_for, token_client

pytestmark = pytest.mark.django_db

PUSH_URL = "/api/metric-samples/"


@pytest.fixture
def cart(db):
    RegionFactory(code="emea")
    return ServiceFactory(slug="cart")


def batch(*values: float) -> dict:
    return {
        "samples": [
            {"time": f"2026-06-01T{hour:02d}:00:00Z", "service": "cart", "region": "emea", "metric": "availability"}
            | {"value": value}
            for hour, value in enumerate(values)
        ]
    }


def test_push_stores_a_valid_batch_idempotently(cart, ld_admin_user):
    client = token_client(ld_admin_user, [ApiScope.OPERATIONS_WRITE])
    response = client.post(PUSH_URL, batch(0.9995, 0.9990), format="json")
    assert response.status_code == 200, response.content
    assert response.json() == {"imported": 2}
    assert client.post(PUSH_URL, batch(0.9995, 0.9991), format="json").json() == {"imported": 2}
    assert sorted(MetricSample.objects.values_list("value", flat=True)) == [0.9991, 0.9995]
    assert set(MetricSample.objects.values_list("origin", flat=True)) == {SampleOrigin.API}


def test_push_refuses_the_whole_batch_naming_each_bad_sample(cart, ld_admin_user):
    client = token_client(ld_admin_user, [ApiScope.OPERATIONS_WRITE])
    body = batch(0.9995, 1.5)
    body["samples"].append({"time": "2026-06-01T05:00:00Z", "service": "ghost", "metric": "availability", "value": 1})
    response = client.post(PUSH_URL, body, format="json")
    assert response.status_code == 400
    first, second = response.json()["samples"]
    assert first.startswith("1: value:") and "ratio between 0 and 1" in first
    assert second == "2: service: no service 'ghost'"
    assert not MetricSample.objects.exists()
    assert RejectedMetricSample.objects.filter(origin=SampleOrigin.API).count() == 2


@pytest.mark.parametrize("body", [{}, {"samples": []}, {"samples": "x"}, {"samples": [1]}, []])
def test_push_of_a_malformed_body_is_a_400_naming_the_field(cart, ld_admin_user, body):
    client = token_client(ld_admin_user, [ApiScope.OPERATIONS_WRITE])
    response = client.post(PUSH_URL, body, format="json")
    assert response.status_code == 400
    assert "samples" in response.json() or "non_field_errors" in response.json()


def test_push_needs_the_write_scope_and_the_model_permission(cart, ld_admin_user, learner_user):
    reader = token_client(ld_admin_user, [ApiScope.OPERATIONS_READ])
    assert reader.post(PUSH_URL, batch(0.999), format="json").status_code == 403
    assert client_for(learner_user).post(PUSH_URL, batch(0.999), format="json").status_code == 403
    assert client_for(None).post(PUSH_URL, batch(0.999), format="json").status_code == 401
    assert not MetricSample.objects.exists()


def test_slo_status_reports_budget_and_alerts(cart, learner_user):
    objective = ServiceLevelObjectiveFactory(service=cart)  # 99.95% over 28 days
    now = timezone.now()
    for hours_ago in range(1, 49):  # two days at 99.98%, then the last hour at 99% (20× the budget)
        MetricSampleFactory(
            service=cart,
            metric=Metric.AVAILABILITY,
            value=0.99 if hours_ago == 1 else 0.9998,
            at=now - datetime.timedelta(hours=hours_ago),
        )
    response = client_for(learner_user).get(reverse("program-api:servicelevelobjective-status", args=[objective.pk]))
    assert response.status_code == 200
    body = response.json()
    assert body["availability"]["error_budget"] == pytest.approx(0.0005)
    assert 0 < body["availability"]["budget_left"] < 1
    fast = next(alert for alert in body["availability_alerts"] if alert["rule"] == "fast burn")
    assert fast["long_burn_rate"] > 14.4 and fast["firing"]
    assert body["latency_within_target"] is None  # no p95 samples: unknown, not perfect
