"""The small services the demo loader added: reporting lines, team managers, revocation, history imports."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from assessments.models import Attempt
from assessments.services.attempts import attempt_record, attempts_record_history
from assessments.services.signoffs import signoff_record_history
from content.choices import RefreshStatus
from content.services import content_version_release, refresh_ticket_open, refresh_ticket_set_status
from program.models import AuditEntry
from program.services import person_join, person_move_team, person_set_reporting_lines, team_set_manager
from roles.services import standard_version_publish
from tests.assessments.factories import ScenarioFactory
from tests.content.factories import ContentItemFactory
from tests.program.factories import PersonFactory, TeamFactory
from tests.roles.factories import CriterionFactory

pytestmark = pytest.mark.django_db
WHEN = datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.UTC)


def test_reporting_lines_are_set_audited_and_never_point_at_oneself():
    person, manager, coach = PersonFactory(), PersonFactory(), PersonFactory()
    person_set_reporting_lines(person=person, manager=manager, coach=coach)
    person.refresh_from_db()
    assert (person.manager, person.coach) == (manager, coach)
    assert AuditEntry.objects.filter(object_type="person-reporting", subject_person=person).count() == 1

    person_set_reporting_lines(person=person, manager=manager, coach=coach)  # unchanged: no new entry
    assert AuditEntry.objects.filter(object_type="person-reporting").count() == 1
    with pytest.raises(ValidationError, match="own manager or coach"):
        person_set_reporting_lines(person=person, manager=manager, coach=person)
    person.refresh_from_db()
    assert person.coach == coach


def test_team_manager_is_set_and_audited():
    team, manager = TeamFactory(), PersonFactory()
    team_set_manager(team=team, manager=manager)
    team.refresh_from_db()
    assert team.manager == manager
    assert AuditEntry.objects.get(object_type="team-manager").subject_person == manager


def test_history_attempts_are_numbered_after_existing_ones_and_keep_the_team_of_their_time():
    cart, payments = TeamFactory(), TeamFactory()
    person = person_join(email="a@example.com", full_name="A", team=cart, started_on=datetime.date(2026, 1, 1))
    scenario = ScenarioFactory(pass_mark=80)
    attempt_record(person=person, scenario=scenario, score=60, completed_at=WHEN - datetime.timedelta(days=90))
    person_move_team(person=person, team=payments, on_date=datetime.date(2026, 5, 1))
    person.refresh_from_db()

    created = attempts_record_history(
        person=person,
        attempts=[
            {"scenario": scenario, "score": 85, "completed_at": WHEN},
            {"scenario": scenario, "score": 70, "completed_at": WHEN - datetime.timedelta(days=60)},
        ],
    )

    by_number = {attempt.attempt_number: attempt for attempt in Attempt.objects.filter(person=person)}
    assert sorted(by_number) == [1, 2, 3]
    assert [attempt.pk for attempt in created] == [by_number[2].pk, by_number[3].pk]  # in time order
    assert (by_number[2].team, by_number[2].passed) == (cart, False)  # April: still on cart
    assert (by_number[3].team, by_number[3].passed) == (payments, True)
    assert by_number[3].rubric_version == scenario.standard_version


def test_history_attempts_with_a_bad_score_are_refused_whole():
    person, scenario = PersonFactory(), ScenarioFactory()
    with pytest.raises(ValidationError, match="score"), transaction.atomic():
        attempts_record_history(
            person=person,
            attempts=[
                {"scenario": scenario, "score": 90, "completed_at": WHEN},
                {"scenario": scenario, "score": 140, "completed_at": WHEN},
            ],
        )
    assert not Attempt.objects.filter(person=person).exists()


def test_refresh_ticket_status_closes_and_reopens():
    ticket = refresh_ticket_open(item=ContentItemFactory(), reason="Review date passed")
    ticket = refresh_ticket_set_status(ticket=ticket, status=RefreshStatus.DONE, at=WHEN)
    assert (ticket.status, ticket.closed_at) == (RefreshStatus.DONE, WHEN)
    refresh_ticket_set_status(ticket=ticket, status=RefreshStatus.OPEN)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.closed_at) == (RefreshStatus.OPEN, None)


def test_history_loads_can_publish_and_release_at_their_real_time():
    version = CriterionFactory().version
    assert standard_version_publish(version=version, published_at=WHEN).published_at == WHEN
    release = content_version_release(item=ContentItemFactory(), change_note="First", published_at=WHEN)
    assert release.published_at == WHEN


@pytest.mark.parametrize(("queue_recompute", "callbacks"), [(True, 1), (False, 0)])
def test_bulk_callers_can_leave_the_readiness_recompute_to_one_call_at_the_end(
    django_capture_on_commit_callbacks, queue_recompute, callbacks
):
    coach = PersonFactory()
    person = PersonFactory(coach=coach)
    scenario = ScenarioFactory()
    with django_capture_on_commit_callbacks() as captured:
        attempts_record_history(
            person=person,
            attempts=[{"scenario": scenario, "score": 90, "completed_at": WHEN}],
            queue_recompute=queue_recompute,
        )
        signoff_record_history(
            coach=coach,
            person=person,
            standard_version=scenario.standard_version,
            decision="ready",
            signed_at=WHEN,
            queue_recompute=queue_recompute,
        )
    assert len(captured) == 2 * callbacks
