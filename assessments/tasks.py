"""Celery tasks of the assessments app: ids in, one service call."""

from celery import shared_task

from .choices import SyncTrigger
from .lrs.sync import connection_sync, connections_due, connections_sync_queue


@shared_task
def lrs_sync_connection(connection_id: int, trigger: str = SyncTrigger.SCHEDULE) -> int | None:
    """Sync one LRS connection; returns the run id (None when a sync of it was already running)."""
    run = connection_sync(connection_id=connection_id, trigger=trigger)
    return run.pk if run else None


@shared_task
def lrs_sync_due_connections() -> list[int]:
    """Run by beat every minute: queue a sync of each connection whose schedule is due."""
    due = connections_due()
    connections_sync_queue(connection_ids=due, trigger=SyncTrigger.SCHEDULE)
    return due
