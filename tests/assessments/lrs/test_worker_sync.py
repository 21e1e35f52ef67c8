"""The sync as it runs in production: queued on Redis, run by a real Celery worker, on PostgreSQL."""

import datetime
import time

import pytest
from django.utils import timezone

from assessments.choices import SyncRunStatus, SyncTrigger
from assessments.lrs.profile import scenario_activity_iri
from assessments.lrs.sync import connections_due
from assessments.models import Attempt, LRSSyncRun, Statement
from assessments.tasks import lrs_sync_connection, lrs_sync_due_connections
from tests.assessments.factories import ScenarioFactory
from tests.program.factories import PersonFactory

from .conftest import make_connection, make_statement


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_scheduled_sync_runs_on_a_real_worker(celery_worker_process, ralph):
    PersonFactory(email="learner@example.com")
    ScenarioFactory(key="checkout-latency-lab", xapi_activity_iri=scenario_activity_iri("checkout-latency-lab"))
    ralph.post([make_statement() for _ in range(25)])
    connection = make_connection(ralph.endpoint, page_size=10)

    queued = lrs_sync_due_connections.delay().get(timeout=60)
    assert queued == [connection.pk]
    deadline = timezone.now() + datetime.timedelta(seconds=60)
    while not LRSSyncRun.objects.exclude(status=SyncRunStatus.RUNNING).exists() and timezone.now() < deadline:
        time.sleep(0.2)

    run = LRSSyncRun.objects.get()
    assert (run.status, run.trigger, run.new) == (SyncRunStatus.SUCCEEDED, SyncTrigger.SCHEDULE, 25)
    assert Statement.objects.count() == 25 and Attempt.objects.count() == 25

    second_run_id = lrs_sync_connection.delay(connection.pk, SyncTrigger.ADMIN).get(timeout=60)
    assert LRSSyncRun.objects.get(pk=second_run_id).new == 0


@pytest.mark.django_db
def test_connections_are_due_on_their_own_schedule(ralph):
    now = timezone.now()
    never_synced = make_connection(ralph.endpoint, sync_interval_minutes=60)
    recent = make_connection(ralph.endpoint, sync_interval_minutes=60)
    recent.last_sync_started_at = now - datetime.timedelta(minutes=10)
    recent.save()
    make_connection(ralph.endpoint, sync_interval_minutes=None)  # on demand only
    make_connection(ralph.endpoint, enabled=False)

    assert connections_due(now=now) == [never_synced.pk]
    assert sorted(connections_due(now=now + datetime.timedelta(minutes=51))) == sorted([never_synced.pk, recent.pk])
