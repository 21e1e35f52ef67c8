"""Celery tasks of the assessments app: ids in, one service call."""

import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.db import OperationalError
from django.utils import timezone

from .choices import SyncTrigger
from .coverage import event_coverage_warnings_send
from .lrs.sync import (
    SyncSkipped,
    connection_sync,
    connections_due,
    connections_sync_queue,
    lease_holder_here,
    runs_close_abandoned,
)
from .services.calibration import spot_checks_select
from .services.expiry import signoffs_expire_and_remind
from .services.readiness import readiness_recompute_for_people, readiness_recompute_for_standard

logger = logging.getLogger(__name__)

# Every task is idempotent, acknowledged late and redelivered if its worker dies (settings: CELERY_TASK_*), and
# has a soft time limit (raised inside the task, which records why it stopped) and a hard one. The longest hard
# limit is CELERY_LONGEST_TASK_SECONDS, which the broker's visibility timeout outlasts.


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5, soft_time_limit=840, time_limit=900)
def readiness_recompute(person_ids: list[int]) -> int:
    """Recompute the readiness and gates of these people only (queued when their evidence or sign-offs change)."""
    return readiness_recompute_for_people(person_ids=person_ids)


@shared_task(
    name="assessments.readiness_recompute_for_standard",  # queued by name from roles (below): never rename
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=1740,
    time_limit=1800,
)
def readiness_recompute_for_standard_task(standard_id: int, role_members: bool) -> int:
    """Recompute the people a standard concerns after it changed in roles (a version published, a gate saved)."""
    return readiness_recompute_for_standard(standard_id=standard_id, role_members=role_members)


@shared_task(soft_time_limit=1740, time_limit=1800)
def readiness_expire_daily() -> dict[str, int]:
    """Daily: expire sign-offs past their validity and send the reminders due (beat: CELERY_BEAT_SCHEDULE)."""
    return signoffs_expire_and_remind()


@shared_task(
    bind=True,
    soft_time_limit=settings.LRS_SYNC_RUN_SECONDS + 300,
    time_limit=settings.LRS_SYNC_RUN_SECONDS + 360,
)
def lrs_sync_connection(self, connection_id: int, trigger: str = SyncTrigger.SCHEDULE) -> int | None:
    """Sync one LRS connection; returns the run id (None when another sync of it holds the lease).

    The task's id names the lease holder, so the same task redelivered after its worker died takes its lease back
    at once. A run that used up LRS_SYNC_RUN_SECONDS queues its own continuation (the cursor is committed)."""
    try:
        run = connection_sync(
            connection_id=connection_id,
            trigger=trigger,
            holder=lease_holder_here(self.request.id),
            run_seconds=None if self.request.is_eager else settings.LRS_SYNC_RUN_SECONDS,
        )
    except SyncSkipped as skipped:
        logger.warning("LRS sync of connection %s skipped: %s", connection_id, skipped)
        return None
    if run.more_to_read:
        lrs_sync_connection.delay(connection_id, trigger)
    return run.pk


@shared_task
def lrs_sync_due_connections() -> list[int]:
    """Run by beat every minute: close the runs of syncs that died, and queue a sync of each connection whose
    schedule is due."""
    runs_close_abandoned()
    due = connections_due()
    connections_sync_queue(connection_ids=due, trigger=SyncTrigger.SCHEDULE)
    return due


@shared_task(soft_time_limit=570, time_limit=600)
def event_coverage_warnings_daily() -> int:
    """Daily: warn L&D admins and service managers about events whose on-call coverage is short (beat)."""
    return event_coverage_warnings_send()


@shared_task
def spot_checks_select_daily() -> int:
    """Daily: pick the configured share of the last day's reviewed assessments for a blind second scoring."""
    since = timezone.now() - datetime.timedelta(days=1)
    return len(spot_checks_select(since=since))
