"""How a sync recovers: from a dead holder, a bad answer, a slow LRS, and settings that would lose statements.

Against `FakeLRS`, a real HTTP LRS in a thread whose habits each test chooses (tests/assessments/lrs/fake_lrs.py).
"""

import datetime
import io
import sys
import threading
import time

import pytest
from django.core.management import CommandError, call_command
from django.db import connection as db_connection
from django.utils import timezone

from assessments.choices import SyncRunStatus
from assessments.lrs import ingest
from assessments.lrs import sync as sync_module
from assessments.lrs.profile import scenario_activity_iri
from assessments.lrs.sync import SyncSkipped, connection_sync
from assessments.models import ActorIdentity, Attempt, LRSConnection, LRSSyncRun, Statement
from tests.assessments.factories import ScenarioFactory
from tests.program.factories import PersonFactory

from .conftest import make_connection, make_statement
from .fake_lrs import BASE_TIME, FakeLRS

pytestmark = pytest.mark.django_db


@pytest.fixture
def evidence_setup():
    """The learner and the scenario the statements name, so each statement also makes an attempt."""
    PersonFactory(email="learner@example.com")
    ScenarioFactory(key="checkout-latency-lab", xapi_activity_iri=scenario_activity_iri("checkout-latency-lab"))


@pytest.fixture
def fake_lrs():
    lrs = FakeLRS()
    yield lrs
    lrs.close()


@pytest.fixture
def timestamp_lrs():
    lrs = FakeLRS(since_field="timestamp")
    yield lrs
    lrs.close()


def assert_each_statement_stored_once(lrs: FakeLRS) -> None:
    assert set(Statement.objects.values_list("statement_id", flat=True)) == lrs.ids()
    assert Statement.objects.count() == len(lrs.ids())
    sources = list(Attempt.objects.values_list("source_statement_id", flat=True))
    assert len(sources) == len(set(sources)) == len(lrs.ids())


def test_whole_second_stored_and_no_overlap_killed_mid_sync_loses_nothing(fake_lrs, fast_retries, evidence_setup):
    # Ten statements share each second of `stored`; pages of 7 split the seconds.
    for number in range(50):
        fake_lrs.add(make_statement(), stored=BASE_TIME + datetime.timedelta(seconds=number // 10))
    connection = make_connection(fake_lrs.endpoint, page_size=7, since_mode="stored")
    LRSConnection.objects.filter(pk=connection.pk).update(overlap_seconds=0)  # as a row saved before the minimum
    fake_lrs.outage_after = 2  # the sync dies after two pages: 14 statements, the cursor inside second 1

    killed = connection_sync(connection_id=connection.pk)
    assert killed.status == SyncRunStatus.FAILED and killed.new == 14
    fake_lrs.outage_after = None
    requests_before = len(fake_lrs.requests)
    resumed = connection_sync(connection_id=connection.pk)

    assert resumed.status == SyncRunStatus.SUCCEEDED, resumed.error
    # Read from a second before the cursor (`since` is exclusive), whatever the connection's overlap says.
    assert "since=2026-11-02T09%3A00%3A00%2B00%3A00" in fake_lrs.requests[requests_before]
    assert resumed.new == 36 and resumed.skipped == 4  # the cursor's second was read again, and deduplicated
    assert_each_statement_stored_once(fake_lrs)


def test_overlap_below_the_minimum_is_refused_by_the_connection():
    with pytest.raises(Exception, match="overlap_seconds"):
        make_connection("https://lrs.example.com/xAPI/", overlap_seconds=0)


def test_lrs_filtering_since_on_timestamp_stops_the_sync_before_the_cursor_moves(
    timestamp_lrs, fast_retries, evidence_setup
):
    # Offline statements: the later one arrived (stored), the older its timestamp, as Ralph orders and filters them.
    for number in range(50):
        timestamp_lrs.add(
            make_statement(),
            stored=BASE_TIME + datetime.timedelta(milliseconds=number),
            timestamp=BASE_TIME - datetime.timedelta(minutes=number),
        )
    connection = make_connection(timestamp_lrs.endpoint, page_size=10, since_mode="stored")  # the default mode
    timestamp_lrs.outage_after = 2  # and the sync would die after two pages

    stopped = connection_sync(connection_id=connection.pk)
    timestamp_lrs.outage_after = None
    again = connection_sync(connection_id=connection.pk)

    for run in (stopped, again):
        assert run.status == SyncRunStatus.FAILED
        assert "LRSNotConformant" in run.error and "since mode to `timestamp`" in run.error
    connection.refresh_from_db()
    assert connection.cursor_stored is None and not Statement.objects.exists()  # the cursor never moved

    LRSConnection.objects.filter(pk=connection.pk).update(since_mode="timestamp")
    timestamp_lrs.outage_after = 3
    assert connection_sync(connection_id=connection.pk).status == SyncRunStatus.FAILED
    timestamp_lrs.outage_after = None
    resumed = connection_sync(connection_id=connection.pk)

    assert resumed.status == SyncRunStatus.SUCCEEDED, resumed.error
    assert_each_statement_stored_once(timestamp_lrs)


def test_statement_stored_before_since_stops_the_sync(timestamp_lrs, evidence_setup):
    timestamp_lrs.add(make_statement(), stored=BASE_TIME)
    connection = make_connection(timestamp_lrs.endpoint, page_size=10, since_mode="stored")
    assert connection_sync(connection_id=connection.pk).status == SyncRunStatus.SUCCEEDED
    # Sent with a timestamp hours ahead of its arrival: an LRS filtering on timestamp answers it to any `since`.
    timestamp_lrs.add(
        make_statement(),
        stored=BASE_TIME - datetime.timedelta(hours=1),
        timestamp=BASE_TIME + datetime.timedelta(hours=3),
    )

    run = connection_sync(connection_id=connection.pk)

    assert run.status == SyncRunStatus.FAILED and "to a request for statements stored since" in run.error
    connection.refresh_from_db()
    assert connection.cursor_stored == BASE_TIME and Statement.objects.count() == 1


def test_truncated_page_is_read_again(fake_lrs, fast_retries, evidence_setup):
    for number in range(25):
        fake_lrs.add(make_statement(), stored=BASE_TIME + datetime.timedelta(milliseconds=number))
    connection = make_connection(fake_lrs.endpoint, page_size=10, since_mode="stored")
    fake_lrs.truncate_next = 1

    run = connection_sync(connection_id=connection.pk)

    assert run.status == SyncRunStatus.SUCCEEDED, run.error
    assert len(fake_lrs.requests) == fake_lrs.pages_answered == 4  # 3 pages, the first one twice
    assert_each_statement_stored_once(fake_lrs)


def test_a_page_cut_short_every_time_fails_the_run_with_the_reason(fake_lrs, fast_retries, evidence_setup):
    fake_lrs.add(make_statement(), stored=BASE_TIME)
    fake_lrs.truncate_next = 100

    run = connection_sync(connection_id=make_connection(fake_lrs.endpoint).pk)

    assert run.status == SyncRunStatus.FAILED
    assert "after 4 attempts" in run.error and "did not return a StatementResult" in run.error


def test_a_trickling_lrs_is_timed_out_by_the_total_deadline(fake_lrs, fast_retries, settings, evidence_setup):
    settings.LRS_SYNC_TIMEOUT_SECONDS = 1
    for number in range(5):
        fake_lrs.add(make_statement(), stored=BASE_TIME + datetime.timedelta(milliseconds=number))
    connection = make_connection(fake_lrs.endpoint, page_size=10, since_mode="stored")
    fake_lrs.trickle_next, fake_lrs.trickle_seconds = 1, 4.0  # each piece well within the read timeout

    started = time.monotonic()
    run = connection_sync(connection_id=connection.pk)

    assert run.status == SyncRunStatus.SUCCEEDED, run.error
    assert time.monotonic() - started < 3.5  # not the 4 s the trickled page would take
    assert fake_lrs.requests[0] == fake_lrs.requests[1]  # the first page was asked again
    assert_each_statement_stored_once(fake_lrs)


def test_a_dead_sync_is_taken_over_once_its_lease_expires_and_its_run_closed_with_the_reason(fake_lrs):
    fake_lrs.add(make_statement(), stored=BASE_TIME)
    connection = make_connection(fake_lrs.endpoint)
    assert sync_module._lease_acquire(connection.pk, "pid 1 on a-dead-host") is not None
    dead = LRSSyncRun.objects.create(connection=connection, started_at=timezone.now())

    with pytest.raises(SyncSkipped, match="already running \\(pid 1 on a-dead-host"):
        connection_sync(connection_id=connection.pk)
    # No heartbeat comes: the lease runs out (LRS_SYNC_LEASE_SECONDS after the last one).
    LRSConnection.objects.filter(pk=connection.pk).update(lease_expires_at=timezone.now() - datetime.timedelta(1))
    run = connection_sync(connection_id=connection.pk)

    assert run.status == SyncRunStatus.SUCCEEDED and run.new == 1
    dead.refresh_from_db()
    assert dead.status == SyncRunStatus.FAILED and dead.finished_at is not None
    assert dead.error.startswith("Abandoned: this sync stopped without finishing")
    assert "took the connection over" in dead.error


def test_a_redelivered_task_takes_its_own_lease_back_at_once(fake_lrs):
    fake_lrs.add(make_statement(), stored=BASE_TIME)
    connection = make_connection(fake_lrs.endpoint)
    holder = "celery task 6a0c7b6e-0d9b-4b8e-9d59-0d2f3b4c8a11"
    assert sync_module._lease_acquire(connection.pk, holder) is not None  # its worker was SIGKILLed

    with pytest.raises(SyncSkipped):
        connection_sync(connection_id=connection.pk, holder="celery task another-one")
    run = connection_sync(connection_id=connection.pk, holder=holder)

    assert run.status == SyncRunStatus.SUCCEEDED and run.new == 1


def test_beat_closes_runs_whose_sync_died(fake_lrs):
    connection = make_connection(fake_lrs.endpoint)
    dead = LRSSyncRun.objects.create(connection=connection, started_at=timezone.now())
    held = make_connection(fake_lrs.endpoint)
    sync_module._lease_acquire(held.pk, "pid 2 on a-live-host")
    alive = LRSSyncRun.objects.create(connection=held, started_at=timezone.now())

    assert sync_module.runs_close_abandoned() == 1

    dead.refresh_from_db()
    alive.refresh_from_db()
    assert (dead.status, alive.status) == (SyncRunStatus.FAILED, SyncRunStatus.RUNNING)
    assert "its lease expired" in dead.error


def test_sync_lrs_says_why_and_exits_non_zero_when_a_sync_holds_the_connection(fake_lrs):
    connection = make_connection(fake_lrs.endpoint, name="hosted")
    sync_module._lease_acquire(connection.pk, "celery task 1234")
    errors = io.StringIO()

    with pytest.raises(CommandError, match="not synced"):
        call_command("sync_lrs", "--connection", "hosted", stderr=errors, verbosity=0)

    assert "hosted: NOT SYNCED: a sync of hosted is already running (celery task 1234" in errors.getvalue()
    assert not LRSSyncRun.objects.exists()


def test_sync_now_in_the_admin_says_when_a_sync_holds_the_connection(fake_lrs, admin_client):
    held = make_connection(fake_lrs.endpoint, name="held")
    free = make_connection(fake_lrs.endpoint, name="free")
    sync_module._lease_acquire(held.pk, "celery task 1234")

    response = admin_client.post(
        "/admin/assessments/lrsconnection/",
        {"action": "sync_now", "_selected_action": [held.pk, free.pk]},
        follow=True,
    )

    shown = [str(message) for message in response.context["messages"]]
    assert any(text.startswith("Not queued: a sync of held is already running (celery task 1234") for text in shown)
    assert "Queued a sync of 1 connection(s); see LRS sync runs." in shown
    page = admin_client.get(f"/admin/assessments/lrsconnection/{held.pk}/change/")
    assert b"is already running (celery task 1234" in page.content and b"Ralph does" in page.content


def test_every_task_acknowledges_late_with_time_limits_inside_the_visibility_timeout(settings):
    from program import celery_app

    celery_app.loader.import_default_modules()
    visibility = celery_app.conf.broker_transport_options["visibility_timeout"]
    ours = [task for name, task in celery_app.tasks.items() if not name.startswith("celery.")]
    assert ours
    for task in ours:
        soft = task.soft_time_limit or celery_app.conf.task_soft_time_limit
        hard = task.time_limit or celery_app.conf.task_time_limit
        assert soft and hard and soft < hard, task.name
        assert hard <= settings.CELERY_LONGEST_TASK_SECONDS < visibility, task.name
        assert task.acks_late and task.reject_on_worker_lost, task.name
    assert settings.LRS_SYNC_RUN_SECONDS < celery_app.tasks["assessments.tasks.lrs_sync_connection"].soft_time_limit


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_connections_syncing_the_same_statements_at_once_store_each_once(fake_lrs, monkeypatch):
    if db_connection.vendor != "postgresql":
        pytest.skip("SQLite lets one writer in at a time: the race needs PostgreSQL")
    person = PersonFactory(email="learner@example.com")
    ScenarioFactory(key="checkout-latency-lab", xapi_activity_iri=scenario_activity_iri("checkout-latency-lab"))
    ActorIdentity.objects.create(kind="mbox", key="mbox:mailto:learner@example.com", person=person)
    for number in range(40):
        fake_lrs.add(make_statement(), stored=BASE_TIME + datetime.timedelta(milliseconds=number))
    connections = [make_connection(fake_lrs.endpoint, page_size=100, since_mode="stored") for _ in range(2)]
    # Both syncs look for the attempts already made before either stores its own: the race, made certain.
    mapping = sys.modules[ingest.attempts_record_from_statements.__module__]
    real_values_present = mapping.values_present
    both_looked = threading.Barrier(2, timeout=3)

    def values_present_then_wait(model, field_name, values):
        found = real_values_present(model, field_name, values)
        if model is Attempt:
            try:
                both_looked.wait()
            except threading.BrokenBarrierError:
                pass  # the other one waits for the lock this one holds
        return found

    monkeypatch.setattr(mapping, "values_present", values_present_then_wait)
    runs = {}

    def sync_in_a_thread(connection):
        try:
            runs[connection.pk] = connection_sync(connection_id=connection.pk)
        finally:
            db_connection.close()

    threads = [threading.Thread(target=sync_in_a_thread, args=(connection,)) for connection in connections]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert [runs[connection.pk].status for connection in connections] == [SyncRunStatus.SUCCEEDED] * 2, [
        run.error for run in runs.values()
    ]
    assert_each_statement_stored_once(fake_lrs)
    assert sum(run.new for run in runs.values()) == 40 == sum(run.attempts_created for run in runs.values())
    assert sorted(Attempt.objects.values_list("attempt_number", flat=True)) == list(range(1, 41))


def test_a_queued_sync_stops_after_its_run_time_and_the_next_one_continues(fake_lrs, evidence_setup):
    for number in range(25):
        fake_lrs.add(make_statement(), stored=BASE_TIME + datetime.timedelta(milliseconds=number))
    connection = make_connection(fake_lrs.endpoint, page_size=10, since_mode="stored")

    first = connection_sync(connection_id=connection.pk, run_seconds=0.001)
    second = connection_sync(connection_id=connection.pk)

    assert (first.status, first.pages, first.more_to_read) == (SyncRunStatus.SUCCEEDED, 1, True)
    assert (second.status, second.more_to_read) == (SyncRunStatus.SUCCEEDED, False)
    assert_each_statement_stored_once(fake_lrs)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_slow_page_does_not_let_the_lease_expire_while_its_sync_is_alive(fake_lrs, settings):
    if db_connection.vendor != "postgresql":
        pytest.skip("a second sync at the same time needs PostgreSQL")
    settings.LRS_SYNC_LEASE_SECONDS = 1  # a heartbeat every 0.25 s
    for number in range(15):
        fake_lrs.add(make_statement(), stored=BASE_TIME + datetime.timedelta(milliseconds=number))
    connection = make_connection(fake_lrs.endpoint, page_size=10, since_mode="stored")
    fake_lrs.hold_after = 1  # the second page takes 3 s to come
    threading.Timer(3, fake_lrs.released.set).start()
    runs = []

    def sync_in_a_thread():
        try:
            runs.append(connection_sync(connection_id=connection.pk))
        finally:
            db_connection.close()

    thread = threading.Thread(target=sync_in_a_thread)
    thread.start()
    time.sleep(2)  # twice the lease: without the heartbeat it would have expired
    with pytest.raises(SyncSkipped, match="already running"):
        connection_sync(connection_id=connection.pk)
    thread.join(timeout=30)

    assert runs[0].status == SyncRunStatus.SUCCEEDED and runs[0].new == 15
