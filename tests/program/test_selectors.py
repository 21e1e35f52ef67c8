import pytest
from django.contrib.auth.models import Group

from program.constants import INTEGRATION_GROUP
from program.selectors import people_visible_to, teams_visible_to
from tests.program.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_integrations_read_everyone_and_plain_users_nobody():
    people = PersonFactory.create_batch(3)
    integration = UserFactory(username="bi-export")
    integration.groups.add(Group.objects.get(name=INTEGRATION_GROUP))
    assert set(people_visible_to(integration)) == set(people)
    assert teams_visible_to(integration).count() == 3
    assert not people_visible_to(UserFactory(username="nobody")).exists()


def test_a_person_sees_self_coachees_reports_and_managed_teams_only():
    viewer = PersonFactory(user=UserFactory(username="viewer"))
    coachee, report, stranger = PersonFactory(coach=viewer), PersonFactory(manager=viewer), PersonFactory()
    managed_team = PersonFactory().team
    managed_team.manager = viewer
    managed_team.save()
    on_managed_team = PersonFactory(team=managed_team)
    visible = set(people_visible_to(viewer.user))
    assert {viewer, coachee, report, on_managed_team} <= visible
    assert stranger not in visible
