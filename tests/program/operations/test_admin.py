"""The service-level admin: CSV upload (all or nothing, refusals by line), Prometheus secret encrypted and never
shown back, an SLO's page showing its budget left."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from program.crypto import secret_decrypt
from program.models import MetricSample, PrometheusSource, ServiceLevelObjective
from program.operations.choices import Metric
from tests.admin_support import admin_url
from tests.program.factories import RegionFactory, ServiceFactory

from .factories import MetricSampleFactory, ServiceLevelObjectiveFactory

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/program/metricsample/import/"


@pytest.fixture
def cart(db):
    RegionFactory(code="emea")
    return ServiceFactory(slug="cart")


def upload(client, text: str):
    return client.post(IMPORT_URL, {"file": SimpleUploadedFile("m.csv", text.encode(), content_type="text/csv")})


def test_csv_upload_imports_a_valid_file(client, ld_admin_user, cart):
    client.force_login(ld_admin_user)
    assert b"Import CSV" in client.get(admin_url(MetricSample)).content
    response = upload(client, "time,service,region,metric,value\n2026-06-01T00:00:00Z,cart,emea,availability,0.999\n")
    assert response.status_code == 302
    assert MetricSample.objects.get().value == 0.999


def test_csv_upload_refuses_a_bad_file_naming_the_line(client, ld_admin_user, cart):
    client.force_login(ld_admin_user)
    text = "time,service,region,metric,value\n2026-06-01T00:00:00Z,cart,emea,availability,0.999\n,cart,emea,x,1\n"
    response = upload(client, text)
    assert response.status_code == 200
    assert "line 3: metric: &#x27;x&#x27; is not one of" in response.content.decode()
    assert not MetricSample.objects.exists()


def test_csv_upload_needs_the_add_permission(client, manager_user, cart):
    manager_user.is_staff = True
    manager_user.save()
    client.force_login(manager_user)
    assert upload(client, "time,service,region,metric,value\n").status_code == 403


def test_prometheus_secret_is_stored_encrypted_and_never_shown(client, ld_admin_user):
    client.force_login(ld_admin_user)
    source = PrometheusSource(name="prod", base_url="https://prometheus.example.com")
    data = {
        field: getattr(source, field)
        for field in [
            "name",
            "base_url",
            "availability_query",
            "latency_p95_query",
            "payment_error_rate_query",
            "service_label",
            "region_label",
            "step_seconds",
            "backfill_days",
            "reread_seconds",
            "interval_minutes",
            "timeout_seconds",
        ]
    } | {"auth": "bearer", "secret": "s3cret-token", "active": "on"}
    response = client.post(admin_url(PrometheusSource, "add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    stored = PrometheusSource.objects.get()
    assert "s3cret-token" not in stored.secret_encrypted
    assert secret_decrypt(stored.secret_encrypted) == "s3cret-token"
    assert b"s3cret-token" not in client.get(admin_url(PrometheusSource, "change", stored.pk)).content
    refused = client.post(admin_url(PrometheusSource, "add"), data | {"name": "other", "auth": "basic", "secret": ""})
    assert set(refused.context["adminform"].form.errors) == {"username", "secret"}


def test_slo_page_shows_the_budget_left(client, ld_admin_user, cart):
    objective = ServiceLevelObjectiveFactory(service=cart)  # 99.95% over 28 days
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    for hours_ago in range(1, 25):  # a day at 99.98%: 40% of the budget spent, 60% left
        MetricSampleFactory(
            service=cart, metric=Metric.AVAILABILITY, value=0.9998, at=now - datetime.timedelta(hours=hours_ago)
        )
    client.force_login(ld_admin_user)
    page = client.get(admin_url(ServiceLevelObjective, "change", objective.pk)).content.decode()
    assert "availability 99.9800%" in page
    assert "60% left" in page
    assert "none firing" in page
