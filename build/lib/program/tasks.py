"""Program-wide Celery tasks."""

from celery import shared_task
from django.db import connection

from .models import Person


@shared_task
def worker_heartbeat() -> dict:
    """Prove the worker reaches the broker and the database: answers with what it sees."""
    return {"database": connection.vendor, "active_people": Person.objects.filter(active=True).count()}
