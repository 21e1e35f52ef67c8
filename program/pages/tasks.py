"""The pages' scheduled work: the weekly scorecard email (a thin wrapper; the work is in scorecard_email)."""

from celery import shared_task

from .scorecard_email import scorecard_email_send


@shared_task(name="pages.scorecard_email_weekly", soft_time_limit=270, time_limit=300)
def scorecard_email_weekly() -> int:
    return scorecard_email_send()
