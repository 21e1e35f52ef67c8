import datetime

import factory
from factory.django import DjangoModelFactory

from program.models import MetricSample, OperationalEvent, PrometheusSource, RejectedMetricSample, ServiceLevelObjective
from program.operations.choices import Metric, SampleOrigin
from tests.program.factories import ServiceFactory


class MetricSampleFactory(DjangoModelFactory):
    class Meta:
        model = MetricSample

    service = factory.SubFactory(ServiceFactory)
    region = None
    metric = Metric.AVAILABILITY
    at = factory.Sequence(lambda n: datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC) + datetime.timedelta(hours=n))
    step_seconds = 3600
    value = 0.9995
    origin = SampleOrigin.API


class RejectedMetricSampleFactory(DjangoModelFactory):
    class Meta:
        model = RejectedMetricSample

    origin = SampleOrigin.CSV
    batch = factory.Sequence(lambda n: f"metrics-{n}.csv")
    line = 2
    raw = "2026-06-01T00:00:00Z,ghost,,availability,0.9"
    reason = "service: no service 'ghost'"


class ServiceLevelObjectiveFactory(DjangoModelFactory):
    class Meta:
        model = ServiceLevelObjective

    service = factory.SubFactory(ServiceFactory)


class PrometheusSourceFactory(DjangoModelFactory):
    class Meta:
        model = PrometheusSource

    name = factory.Sequence(lambda n: f"prometheus-{n}")
    base_url = "http://127.0.0.1:9"


class OperationalEventFactory(DjangoModelFactory):
    class Meta:
        model = OperationalEvent
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Sale {n}")
    starts_at = factory.Sequence(
        lambda n: datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC) + datetime.timedelta(days=n)
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(days=2))
    required_share = 0.6

    @factory.post_generation
    def services(self, create, extracted, **kwargs):
        if create and extracted:
            self.services.set(extracted)


def operations_rows_create(*, service) -> None:
    """One row of every service-level model, about `service`."""
    source = PrometheusSourceFactory()
    MetricSampleFactory(service=service, source=source, origin=SampleOrigin.PROMETHEUS)
    RejectedMetricSampleFactory(source=source)
    ServiceLevelObjectiveFactory(service=service)
    OperationalEventFactory(services=[service])
