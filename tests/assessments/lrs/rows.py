"""One row of every LRS model, for the admin-wide tests (tests/program/test_admin.py)."""

import uuid

from django.utils import timezone

from assessments.lrs.connections import connection_create
from assessments.lrs.ingest import incoming_from_data, incoming_from_text, statements_ingest
from assessments.models import LRSSyncRun


def lrs_rows_create() -> None:
    """A connection, a run, a stored statement whose actor waits in the review queue, and a quarantined one."""
    connection = connection_create(
        name=f"lrs-{uuid.uuid4().hex[:8]}", endpoint="https://lrs.example.com/xAPI/", key="portal", secret="s3cret"
    )
    run = LRSSyncRun.objects.create(connection=connection, started_at=timezone.now())
    statement = {
        "id": str(uuid.uuid4()),
        "actor": {"mbox": f"mailto:someone-{uuid.uuid4().hex[:6]}@lrs.example.com"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
        "object": {"id": "https://readiness-portal.example/xapi/activities/content/intro"},
        "stored": timezone.now().isoformat(),
    }
    statements_ingest([incoming_from_data(statement), incoming_from_text("{not json")], connection=connection, run=run)
