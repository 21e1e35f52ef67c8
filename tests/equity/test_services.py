"""Running an audit: facts loaded in a fixed number of queries, stored once, scheduled weekly, filters of the API."""

import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from equity.choices import AuditStatus, AuditTrigger, EquityMetric, FindingFlag
from equity.models import EquityAudit
from equity.selectors import audit_facts
from equity.services import audit_request, audit_run
from equity.tasks import audits_run_scheduled
from tests.assessments.factories import SignOffFactory
from tests.assessments.readiness_factories import program_setup
from tests.equity.factories import EquityAuditFactory, EquityFindingFactory
from tests.program.factories import PersonFactory, RegionFactory, ShiftFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
WINDOW = {"window_start": TODAY - datetime.timedelta(days=60), "window_end": TODAY}


def _org(program, count):
    regions = [RegionFactory(code="emea"), RegionFactory(code="apac")]
    shift = ShiftFactory(code="day")
    people = []
    for index in range(count):
        person = program.learner(region=regions[index % 2], shift=shift, start_date=TODAY - datetime.timedelta(50))
        program.attempt(person, days_ago=5, score=90, attempt_number=1, reviewer=PersonFactory())
        if index % 3 == 0:
            program.signoff(person, days_ago=2)
        people.append(person)
    return people


def _queries(role_id) -> int:
    with CaptureQueriesContext(connection) as queries:
        audit_facts(role_id=role_id, **WINDOW)
    return len(queries)


def test_facts_load_in_a_fixed_number_of_queries():
    program = program_setup(criteria=1)
    _org(program, 4)
    small = _queries(program.standard.role_id)
    _org(program, 12)
    assert _queries(program.standard.role_id) == small == 4


def test_facts_of_a_person():
    program = program_setup(criteria=1)
    person = program.learner(region=RegionFactory(code="emea"), shift=ShiftFactory(code="night"))
    person.start_date = TODAY - datetime.timedelta(days=40)
    person.save()
    program.attempt(person, days_ago=20, score=50, attempt_number=1)
    program.attempt(person, days_ago=10, score=90, attempt_number=2)
    program.signoff(person, days_ago=4)
    revoked = program.learner()
    SignOffFactory(
        person=revoked, standard_version=program.version, signed_at=timezone.now() - datetime.timedelta(days=3),
        revoked_at=timezone.now() - datetime.timedelta(days=1), revoke_reason="wrong evidence",
    )  # fmt: skip
    facts = {fact.person_id: fact for fact in audit_facts(role_id=program.standard.role_id, **WINDOW)[0]}
    mine = facts[person.pk]
    assert mine.group("region") == "emea" and mine.group("shift") == "night"
    assert (mine.first_tries, mine.first_try_passes, mine.median_score) == (1, 0, 70.0)
    assert mine.ready and mine.reached_ready and mine.days_to_ready == 16  # first attempt to sign-off
    assert mine.enrolled and mine.took_lab and not mine.took_drill and mine.practice_minutes is None
    assert not facts[revoked.pk].ready


def test_a_run_is_stored_once_with_its_versions(django_capture_on_commit_callbacks):
    program = program_setup(criteria=1)
    _org(program, 24)
    with django_capture_on_commit_callbacks(execute=True):
        audit = audit_request(role=program.standard.role, minimum_cell_size=5, **WINDOW)
    audit.refresh_from_db()
    assert audit.status == AuditStatus.SUCCEEDED
    assert audit.summary["people"] == 24 and audit.summary["findings"] == audit.findings.count()
    readiness = audit.findings.filter(metric=EquityMetric.READINESS, dimension="region")
    assert readiness.count() == 2 and all(f.interval_low <= f.value <= f.interval_high for f in readiness)
    count = audit.findings.count()
    assert audit_run(audit_id=audit.pk).findings.count() == count  # a second run changes nothing


def test_suppressed_groups_store_no_size():
    program = program_setup(criteria=1)
    _org(program, 14)
    audit = audit_request(role=program.standard.role, **WINDOW)
    audit_run(audit_id=audit.pk)
    suppressed = audit.findings.filter(flag=FindingFlag.SUPPRESSED)
    assert suppressed.exists()
    assert not suppressed.exclude(people=0).exists() and not suppressed.filter(value__isnull=False).exists()


def test_unknown_dimension_refused():
    program = program_setup(criteria=1)
    with pytest.raises(Exception, match="zodiac"):
        audit_request(role=program.standard.role, dimensions=["zodiac"], **WINDOW)


def test_the_weekly_audit_is_scheduled_for_every_role(django_capture_on_commit_callbacks):
    assert settings.CELERY_BEAT_SCHEDULE["equity-audits-weekly"]["task"] == audits_run_scheduled.name
    program = program_setup(criteria=1)
    _org(program, 3)
    with django_capture_on_commit_callbacks(execute=True):
        [audit_id] = audits_run_scheduled.delay().get()
    audit = EquityAudit.objects.get(pk=audit_id)
    assert (audit.trigger, audit.status, audit.role) == (
        AuditTrigger.SCHEDULE,
        AuditStatus.SUCCEEDED,
        program.standard.role,
    )


@pytest.mark.parametrize(
    ("url", "query", "make", "other"),
    [
        ("/api/equity-audits/", "status=failed", {"status": "failed"}, {"status": "succeeded"}),
        ("/api/equity-findings/", "dimension=shift", {"dimension": "shift"}, {"dimension": "region"}),
        ("/api/equity-findings/", "flag=red", {"flag": "red"}, {"flag": "green"}),
    ],
)
def test_api_filters(client, ld_admin_user, url, query, make, other):
    factory = EquityAuditFactory if "audits" in url else EquityFindingFactory
    wanted, _ = factory(**make), factory(**other)
    client.force_login(ld_admin_user)
    rows = client.get(f"{url}?{query}").json()["results"]
    assert [row["id"] for row in rows] == [wanted.pk]


def test_api_filter_audit_role(client, ld_admin_user):
    wanted, _ = EquityAuditFactory(), EquityAuditFactory()
    client.force_login(ld_admin_user)
    rows = client.get(f"/api/equity-audits/?role={wanted.role_id}").json()["results"]
    assert [row["id"] for row in rows] == [wanted.pk]
