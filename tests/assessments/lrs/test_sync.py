"""The sync, end to end against a real LRS (Ralph on 127.0.0.1), and through a fault-injecting proxy."""

import datetime
import uuid

import pytest
from django.db import connection as db_connection

from assessments.choices import EvidenceSource, StatementStatus, SyncRunStatus
from assessments.lrs import sync as sync_module
from assessments.lrs.profile import EXTENSION_BY_NAME, scenario_activity_iri
from assessments.lrs.review import identity_map
from assessments.lrs.sync import connection_sync
from assessments.models import ActorIdentity, Attempt, LRSConnection, QuarantinedStatement, Statement
from tests.assessments.factories import ScenarioFactory
from tests.program.factories import PersonFactory

from .conftest import RALPH_PASSWORD, make_connection, make_statement, void_statement
from .fake_lrs import BASE_TIME, FakeLRS

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario():
    return ScenarioFactory(
        key="checkout-latency-lab", xapi_activity_iri=scenario_activity_iri("checkout-latency-lab"), pass_mark=80
    )


@pytest.fixture
def learner():
    return PersonFactory(email="learner@example.com")


def sync(connection):
    run = connection_sync(connection_id=connection.pk)
    assert run is not None
    return run


def test_pagination_over_pages_stores_each_statement_once_and_makes_attempts(ralph, scenario, learner):
    statements = [make_statement(raw=30 + i % 20) for i in range(35)]
    ralph.post(statements)
    connection = make_connection(ralph.endpoint, page_size=10)

    run = sync(connection)

    assert run.status == SyncRunStatus.SUCCEEDED, run.error
    assert run.pages >= 4  # 35 statements at 10 a page (plus the empty page that ends it)
    assert (run.fetched, run.new, run.skipped, run.quarantined) == (35, 35, 0, 0)
    assert Statement.objects.count() == 35
    assert set(Statement.objects.values_list("statement_id", flat=True)) == {uuid.UUID(s["id"]) for s in statements}
    attempts = Attempt.objects.filter(person=learner, scenario=scenario)
    assert attempts.count() == 35 == run.attempts_created
    assert sorted(attempts.values_list("attempt_number", flat=True)) == list(range(1, 36))
    assert set(attempts.values_list("evidence_source", flat=True)) == {EvidenceSource.LRS}
    connection.refresh_from_db()
    assert connection.cursor_stored == max(Statement.objects.values_list("stored", flat=True))


def test_second_run_adds_nothing(ralph, scenario, learner):
    ralph.post([make_statement() for _ in range(25)])
    connection = make_connection(ralph.endpoint)
    sync(connection)

    second = sync(connection)

    assert second.status == SyncRunStatus.SUCCEEDED
    assert second.new == 0 and second.attempts_created == 0
    assert second.skipped == 25  # read again (Ralph: from the start), and each was recognised by its id
    assert Statement.objects.count() == 25 and Attempt.objects.count() == 25


def test_crash_inside_a_page_rolls_it_back_and_the_next_run_resumes_cleanly(ralph, scenario, learner, monkeypatch):
    ralph.post([make_statement() for _ in range(30)])
    connection = make_connection(ralph.endpoint, page_size=10)
    real_advance = sync_module._cursor_advance
    calls = []

    def crash_on_second_page(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("worker killed mid-page")
        return real_advance(*args, **kwargs)

    monkeypatch.setattr(sync_module, "_cursor_advance", crash_on_second_page)
    crashed = sync(connection)

    assert crashed.status == SyncRunStatus.FAILED and "worker killed" in crashed.error
    assert Statement.objects.count() == 10  # page 1 committed; page 2 rolled back with its cursor
    connection.refresh_from_db()
    assert connection.cursor_stored == max(Statement.objects.values_list("stored", flat=True))
    assert connection.lease_token == ""  # the failed run let go of the connection

    monkeypatch.setattr(sync_module, "_cursor_advance", real_advance)
    resumed = sync(connection)

    assert resumed.status == SyncRunStatus.SUCCEEDED
    assert resumed.new == 20
    assert Statement.objects.count() == 30 and Attempt.objects.count() == 30
    assert sorted(Attempt.objects.values_list("attempt_number", flat=True)) == list(range(1, 31))


def test_lrs_outage_mid_sync_then_clean_resume(ralph, fault_proxy, fast_retries, scenario, learner):
    ralph.post([make_statement() for _ in range(30)])
    connection = make_connection(fault_proxy.endpoint, page_size=10)
    fault_proxy.fail_after = 2  # two pages, then the LRS goes down for good

    failed = sync(connection)

    assert failed.status == SyncRunStatus.FAILED
    assert "500" in failed.error and "after 4 attempts" in failed.error
    assert failed.new == 20 and Statement.objects.count() == 20

    fault_proxy.fail_after = None
    resumed = sync(connection)

    assert resumed.status == SyncRunStatus.SUCCEEDED
    assert Statement.objects.count() == 30 and Attempt.objects.count() == 30


def test_500_and_429_are_retried_with_backoff_then_the_sync_completes(ralph, fault_proxy, fast_retries, scenario):
    ralph.post([make_statement() for _ in range(15)])
    connection = make_connection(fault_proxy.endpoint, page_size=10)
    fault_proxy.faults = [500, 429, 503]

    run = sync(connection)

    assert run.status == SyncRunStatus.SUCCEEDED, run.error
    assert run.new == 15
    assert len(fault_proxy.requests) == fault_proxy.forwarded + 3


def test_requests_follow_the_xapi_rules(scenario):
    lrs = FakeLRS()  # conformant: `since` on `stored`, so the connection reads from its cursor
    try:
        for number in range(12):
            lrs.add(make_statement(), stored=BASE_TIME + datetime.timedelta(milliseconds=number))
        connection = make_connection(lrs.endpoint, page_size=5, since_mode="stored")
        sync(connection)
        sync(connection)
    finally:
        lrs.close()

    first, *_, resumed = [path for path in lrs.requests if "after=" not in path]
    assert "ascending=true" in first and "limit=5" in first and "since" not in first
    # The second run re-reads an overlap window before its cursor, with a URL-encoded time zone.
    assert "since=" in resumed and "%2B00%3A00" in resumed
    assert any("after=" in path for path in lrs.requests)  # `more` links were followed


def test_void_after_its_target_retracts_the_attempt(ralph, scenario, learner):
    target = make_statement()
    ralph.post([target])
    connection = make_connection(ralph.endpoint)
    sync(connection)
    assert Attempt.objects.get().voided_at is None

    ralph.post([void_statement(target["id"])])
    run = sync(connection)

    assert run.voided == 1
    assert Statement.objects.get(statement_id=target["id"]).status == StatementStatus.VOIDED
    assert Attempt.objects.get().voided_at is not None


def test_void_before_its_target_is_kept_and_applied_when_the_target_arrives(ralph, scenario, learner):
    target = make_statement()
    ralph.post([void_statement(target["id"])])
    connection = make_connection(ralph.endpoint)
    sync(connection)
    assert Statement.objects.get().status == StatementStatus.VOIDING  # the tombstone

    ralph.post([target])
    sync(connection)

    assert Statement.objects.get(statement_id=target["id"]).status == StatementStatus.VOIDED
    assert not Attempt.objects.exists()  # voided evidence never becomes an attempt


def test_unknown_actor_waits_then_mapping_processes_its_statements(ralph, scenario):
    ralph.post([make_statement("newcomer@Example.COM"), make_statement("newcomer@example.com")])
    connection = make_connection(ralph.endpoint)
    sync(connection)

    identity = ActorIdentity.objects.get()  # the domain is case-insensitive: one identity
    assert identity.key == "mbox:mailto:newcomer@example.com" and identity.person is None
    assert Statement.objects.filter(status=StatementStatus.AWAITING_IDENTITY).count() == 2
    assert not Attempt.objects.exists()

    person = PersonFactory(email="someone.else@example.com")
    processed = identity_map(identity=identity, person=person)

    assert processed == 2
    assert Attempt.objects.filter(person=person, scenario=scenario).count() == 2
    assert not Statement.objects.filter(status=StatementStatus.AWAITING_IDENTITY).exists()


def test_malformed_statement_is_quarantined_and_does_not_stop_the_sync(ralph, scenario, learner):
    bad = make_statement()
    bad["result"]["score"] = {"raw": 70, "min": 0, "max": 50}  # Ralph stores it; the xAPI rules forbid it
    unmapped = make_statement(scenario_key="no-such-scenario")
    ralph.post([make_statement(), bad, unmapped, make_statement()])
    connection = make_connection(ralph.endpoint)

    run = sync(connection)
    again = sync(connection)

    assert run.status == SyncRunStatus.SUCCEEDED
    assert (run.new, run.quarantined) == (2, 2)
    reasons = dict(QuarantinedStatement.objects.values_list("statement_id", "reason"))
    assert "raw 70.0 is outside min…max" in reasons[uuid.UUID(bad["id"])]
    assert "no scenario has the activity IRI" in reasons[uuid.UUID(unmapped["id"])]
    assert (again.quarantined, QuarantinedStatement.objects.count()) == (0, 2)  # read again, kept once


def test_statement_with_a_timestamp_far_older_than_stored_still_arrives(ralph, scenario, learner):
    # Ralph filters `since` on timestamp: the connection says so, and the sync reads from the start.
    connection = make_connection(ralph.endpoint)
    ralph.post([make_statement() for _ in range(3)])
    sync(connection)
    offline = make_statement(timestamp="2024-01-15T09:30:00+00:00")
    ralph.post([offline])

    run = sync(connection)

    assert run.new == 1
    stored = Statement.objects.get(statement_id=offline["id"])
    assert stored.timestamp == datetime.datetime(2024, 1, 15, 9, 30, tzinfo=datetime.UTC)
    assert stored.stored - stored.timestamp > datetime.timedelta(days=300)
    assert Attempt.objects.get(source_statement_id=offline["id"]).completed_at == stored.timestamp


def test_statement_maps_rubric_version_timings_steps_and_errors(ralph, learner):
    scenario = ScenarioFactory(
        key="payments-drill",
        xapi_activity_iri=scenario_activity_iri("payments-drill"),
        scoring_rule="key_steps",
        key_steps=["page", "mitigate", "rollback", "verify"],
        pass_mark=75,
    )
    later_version = scenario.standard_version.__class__.objects.create(
        standard=scenario.standard_version.standard, number=scenario.standard_version.number + 1
    )
    ralph.post(
        [
            make_statement(
                scenario_key="payments-drill",
                raw=None,
                extensions={
                    EXTENSION_BY_NAME["steps_completed"]: ["page", "mitigate", "verify"],
                    EXTENSION_BY_NAME["errors"]: ["skipped rollback"],
                    EXTENSION_BY_NAME["rubric_version"]: later_version.number,
                    EXTENSION_BY_NAME["time_to_detect"]: 95,
                    EXTENSION_BY_NAME["time_to_mitigate"]: "PT7M30S",
                    EXTENSION_BY_NAME["time_to_restore"]: "PT20M",
                    EXTENSION_BY_NAME["role"]: "sre",
                },
            )
        ]
    )
    sync(make_connection(ralph.endpoint))

    attempt = Attempt.objects.get()
    assert (attempt.score, attempt.passed) == (75, True)
    assert attempt.rubric_version == later_version
    assert attempt.key_steps_completed == ["page", "mitigate", "verify"]
    assert attempt.errors_made == ["skipped rollback"]
    assert (attempt.time_to_detect_seconds, attempt.time_to_mitigate_seconds, attempt.time_to_restore_seconds) == (
        95,
        450,
        1200,
    )
    assert Statement.objects.get().role_key == "sre"


def test_only_one_sync_per_connection_runs_at_a_time(ralph):
    connection = make_connection(ralph.endpoint)
    assert sync_module._lease_acquire(connection.pk) is not None

    with pytest.raises(sync_module.SyncSkipped, match="already running"):
        connection_sync(connection_id=connection.pk)
    assert not connection.sync_runs.exists()


def test_secret_is_encrypted_in_the_database(ralph):
    connection = make_connection(ralph.endpoint)
    with db_connection.cursor() as cursor:
        cursor.execute("SELECT secret_encrypted FROM assessments_lrsconnection WHERE id = %s", [connection.pk])
        (stored,) = cursor.fetchone()
    assert RALPH_PASSWORD not in stored and stored.startswith("gAAAA")  # a Fernet token
    assert LRSConnection.objects.get().secret_encrypted == stored


def test_queries_per_page_do_not_grow_with_the_page(ralph, scenario, learner, django_assert_max_num_queries):
    def queries_for(count: int) -> int:
        Statement.objects.all().delete()
        Attempt.objects.all().delete()
        ralph.reset()
        ralph.post([make_statement() for _ in range(count)])
        connection = make_connection(ralph.endpoint, page_size=1000)
        with django_assert_max_num_queries(1000) as captured:
            sync(connection)
        return len(captured.captured_queries)

    queries_for(1)  # the learner's identity is created once, on first sight
    assert queries_for(5) == queries_for(200)
