"""Celery tasks of the equity app: ids in, one service call."""

from celery import shared_task

from . import services


@shared_task(soft_time_limit=1740, time_limit=1800)
def audit_run(audit_id: int) -> str:
    """Run one requested equity audit; returns its status."""
    return services.audit_run(audit_id=audit_id).status


@shared_task
def audits_run_scheduled() -> list[int]:
    """Beat (weekly): ask for an audit of every role over the last 90 days (each runs in its own task)."""
    return services.audits_request_scheduled()
