"""Program-wide Celery tasks."""

from celery import shared_task
from django.db import connection

from .incidents import services as incident_services
from .models import Person


@shared_task
def worker_heartbeat() -> dict:
    """Prove the worker reaches the broker and the database: answers with what it sees."""
    return {"database": connection.vendor, "active_people": Person.objects.filter(active=True).count()}


@shared_task(name="program.pagerduty_webhook_process", acks_late=True, max_retries=5, default_retry_delay=30)
def pagerduty_webhook_process(delivery_id: int) -> str:
    """Apply one kept PagerDuty delivery to its incident (idempotent: a processed delivery is left alone)."""
    return incident_services.pagerduty_webhook_process(delivery_id=delivery_id).status
