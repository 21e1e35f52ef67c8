"""Celery tasks of the assessments app: ids in, one service call."""

from celery import shared_task
from django.db import OperationalError

from . import services


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5, time_limit=900)
def readiness_recompute(person_ids: list[int]) -> int:
    """Recompute the readiness and gates of these people only (queued when their evidence or sign-offs change)."""
    return services.readiness_recompute_for_people(person_ids=person_ids)


@shared_task(time_limit=3600)
def readiness_expire_daily() -> dict[str, int]:
    """Daily: expire sign-offs past their validity and send the reminders due (beat: CELERY_BEAT_SCHEDULE)."""
    return services.signoffs_expire_and_remind()
