"""Celery tasks of the assessments app: ids in, one service call."""

from celery import shared_task
from django.db import OperationalError

from .choices import SyncTrigger
from .lrs.sync import connection_sync, connections_due, connections_sync_queue
from .services.expiry import signoffs_expire_and_remind
from .services.readiness import readiness_recompute_for_people, readiness_recompute_for_standard


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5, time_limit=900)
def readiness_recompute(person_ids: list[int]) -> int:
    """Recompute the readiness and gates of these people only (queued when their evidence or sign-offs change)."""
    return readiness_recompute_for_people(person_ids=person_ids)


@shared_task(
    name="assessments.readiness_recompute_for_standard",  # queued by name from roles (below): never rename
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
    time_limit=3600,
)
def readiness_recompute_for_standard_task(standard_id: int, role_members: bool) -> int:
    """Recompute the people a standard concerns after it changed in roles (a version published, a gate saved)."""
    return readiness_recompute_for_standard(standard_id=standard_id, role_members=role_members)


@shared_task(time_limit=3600)
def readiness_expire_daily() -> dict[str, int]:
    """Daily: expire sign-offs past their validity and send the reminders due (beat: CELERY_BEAT_SCHEDULE)."""
    return signoffs_expire_and_remind()


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
