"""Content's Celery tasks (thin: an id in, one service call)."""

from celery import shared_task

from .services import incident_note_refresh as incident_note_refresh_service


@shared_task(name="content.incident_note_refresh", acks_late=True, max_retries=3, default_retry_delay=10)
def incident_note_refresh(incident_id: int) -> int:
    """Match a post-incident note to content and open the refresh tickets (queued by program by this name)."""
    return len(incident_note_refresh_service(incident_id=incident_id))
