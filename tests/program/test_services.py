import datetime

import pytest

from program.models import AuditEntry, TeamMembership
from program.selectors import team_of_person_on
from program.services import audit_record, person_join, person_move_team
from tests.assessments.factories import ScenarioFactory
from tests.program.factories import TeamFactory
from tests.roles.factories import RoleFactory

pytestmark = pytest.mark.django_db


def test_team_move_keeps_history_and_past_attempts():
    from assessments.services.attempts import attempt_record

    cart, payments = TeamFactory(name="Cart"), TeamFactory(name="Payments")
    person = person_join(
        email="Ana@Example.com", full_name="Ana", team=cart, role=RoleFactory(), started_on=datetime.date(2026, 1, 1)
    )
    assert person.email == "ana@example.com"
    old_attempt = attempt_record(
        person=person,
        scenario=ScenarioFactory(),
        score=90,
        completed_at=datetime.datetime(2026, 2, 1, tzinfo=datetime.UTC),
    )

    person_move_team(person=person, team=payments, on_date=datetime.date(2026, 3, 1))

    person.refresh_from_db()
    assert person.team == payments
    history = list(TeamMembership.objects.filter(person=person).order_by("started_on"))
    assert [(m.team, m.ended_on) for m in history] == [(cart, datetime.date(2026, 3, 1)), (payments, None)]
    assert team_of_person_on(person=person, on_date=datetime.date(2026, 2, 1)) == cart
    assert team_of_person_on(person=person, on_date=datetime.date(2026, 4, 1)) == payments
    old_attempt.refresh_from_db()
    assert old_attempt.team == cart and old_attempt.person == person


def test_team_move_before_join_is_refused():
    person = person_join(email="b@example.com", full_name="B", team=TeamFactory(), started_on=datetime.date(2026, 5, 1))
    with pytest.raises(ValueError, match="must come after"):
        person_move_team(person=person, team=TeamFactory(), on_date=datetime.date(2026, 4, 1))


def test_audit_entries_are_append_only():
    entry = audit_record(action="changed", object_type="test", summary="something happened")
    entry.summary = "rewritten"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    assert AuditEntry.objects.get(pk=entry.pk).summary == "something happened"
