"""The sync as it runs in production: queued on Redis, run by a real Celery worker, on PostgreSQL."""

import datetime
import time

import pytest
from django.utils import timezone

from assessments.choices import SyncRunStatus, SyncTrigger
from assessments.lrs.profile import scenario_activity_iri
from assessments.lrs.sync import connections_due
from assessments.models import Attempt, LRSConnection, LRSSyncRun, Statement
from assessments.tasks import lrs_sync_connection, lrs_sync_due_connections
from tests.assessments.factories import ScenarioFactory
from tests.program.factories import PersonFactory

from .conftest import make_connection, make_statement
from .fake_lrs import BASE_TIME, FakeLRS


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


def _wait_for(condition, *, timeout: float, worker, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}; worker log:\n{worker.log()}")


def _sync_killed_mid_run(worker, kill) -> tuple[FakeLRS, LRSConnection]:
    """Start a sync on the worker, let it commit three pages while the LRS holds the fourth, then `kill`."""
    PersonFactory(email="learner@example.com")
    ScenarioFactory(key="checkout-latency-lab", xapi_activity_iri=scenario_activity_iri("checkout-latency-lab"))
    lrs = FakeLRS()
    for number in range(60):
        lrs.add(make_statement(), stored=BASE_TIME + datetime.timedelta(milliseconds=number))
    connection = make_connection(lrs.endpoint, page_size=5, since_mode="stored")
    lrs.hold_after = 3
    worker.start()
    lrs_sync_connection.apply_async((connection.pk, SyncTrigger.ADMIN), queue=worker.queue)
    _wait_for(
        lambda: LRSSyncRun.objects.filter(pages=3, status=SyncRunStatus.RUNNING).exists(),
        timeout=60,
        worker=worker,
        what="three pages committed",
    )
    kill()
    lrs.released.set()  # the LRS answers again; the run the kill interrupted stays "running"
    return lrs, connection


def _assert_completed_by_itself(lrs: FakeLRS, worker) -> None:
    finished = _wait_for(
        lambda: LRSSyncRun.objects.filter(status=SyncRunStatus.SUCCEEDED).first(),
        timeout=90,
        worker=worker,
        what="the redelivered sync to finish",
    )
    killed = LRSSyncRun.objects.exclude(pk=finished.pk).get()
    assert killed.status == SyncRunStatus.FAILED and killed.error.startswith("Abandoned: ")
    assert killed.new == 15 and finished.new == 45  # what the killed run committed was kept and not read again
    assert set(Statement.objects.values_list("statement_id", flat=True)) == lrs.ids()
    assert Statement.objects.count() == 60
    sources = list(Attempt.objects.values_list("source_statement_id", flat=True))
    assert len(sources) == len(set(sources)) == 60
    assert LRSConnection.objects.get().lease_token == ""


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sync_survives_a_sigkill_of_the_whole_worker_and_completes_after_restart(killable_worker):
    lrs, _ = _sync_killed_mid_run(killable_worker, killable_worker.kill)
    try:
        assert LRSSyncRun.objects.get().status == SyncRunStatus.RUNNING  # nobody is left to close it

        killable_worker.start()  # Redis redelivers the unacknowledged task once its visibility timeout passes

        _assert_completed_by_itself(lrs, killable_worker)
    finally:
        lrs.close()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sync_survives_a_sigkill_of_its_pool_child(killable_worker):
    lrs, _ = _sync_killed_mid_run(killable_worker, killable_worker.kill_pool_child)
    try:
        # The worker notices its child died and puts the task back on the queue (reject_on_worker_lost).
        _assert_completed_by_itself(lrs, killable_worker)
    finally:
        lrs.close()
