"""Program-wide Celery tasks."""

from celery import shared_task
from django.db import connection

from .incidents import services as incident_services
from .models import Person, PrometheusSource
from .operations import services as operations_services
from .operations.prometheus import PrometheusError


@shared_task
def worker_heartbeat() -> dict:
    """Prove the worker reaches the broker and the database: answers with what it sees."""
    return {"database": connection.vendor, "active_people": Person.objects.filter(active=True).count()}


@shared_task
def prometheus_pull_due_sources() -> list[int]:
    """Queue a pull of every Prometheus source whose interval has passed (beat runs this every minute)."""
    due = operations_services.prometheus_sources_due()
    for source_id in due:
        prometheus_source_pull.delay(source_id)
    return due


@shared_task(soft_time_limit=1740, time_limit=1800)
def prometheus_source_pull(source_id: int) -> dict:
    """Pull one source (resuming where it last ended); a failure is recorded on the source."""
    source = PrometheusSource.objects.filter(pk=source_id, active=True).first()
    if source is None:
        return {"skipped": "inactive or deleted"}
    try:
        result = operations_services.prometheus_source_pull(source=source)
    except PrometheusError as error:
        return {"failed": str(error)}
    return {"pages": result.pages, "samples": result.samples, "gaps": result.gaps, "rejected": result.rejected}


@shared_task(name="program.pagerduty_webhook_process", acks_late=True, max_retries=5, default_retry_delay=30)
def pagerduty_webhook_process(delivery_id: int) -> str:
    """Apply one kept PagerDuty delivery to its incident (idempotent: a processed delivery is left alone)."""
    return incident_services.pagerduty_webhook_process(delivery_id=delivery_id).status
