"""The manager's one-page guide per team: content, CSV, who may open it, and a query count that does not grow."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from program.constants import LEARNER_GROUP
from tests.assessments.factories import GateExceptionFactory
from tests.assessments.readiness_factories import program_setup, recompute
from tests.pages.builders import LAB_ERROR, build_team, coach, days_from_now, executive, give_login, ld_admin

pytestmark = pytest.mark.django_db


def guide_url(world) -> str:
    return reverse("pages:team-guide", args=[world.team.slug])


def csv_url(world) -> str:
    return reverse("pages:team-guide-csv", args=[world.team.slug])


def section(page: str, heading: str) -> str:
    return page.split(heading)[1].split("</section>")[0]


def test_the_guide_says_who_is_ready_until_when_who_is_one_away_what_to_coach_and_what_expires(client):
    world = build_team(people=8)
    GateExceptionFactory(person=world.members[2], gate=world.program.gates["on-call"], ends_at=days_from_now(9))
    waiting = world.program.learner(team=world.team, full_name="Waiting Wanda")
    world.program.meet_all(waiting)
    recompute(waiting)
    client.force_login(world.manager.user)
    page = client.get(guide_url(world)).content.decode()
    ready = section(page, "Who is ready for what, and until when")
    assert "Deploy rights" in ready and "On-call entry" in ready and "Change approval" in ready
    assert f"{world.team.name} member 000" in ready and f"{world.team.name} member 004" in ready
    assert f"{world.team.name} member 001" not in ready
    assert f"{world.team.name} member 002*" in ready  # the exception is marked as one
    away = section(page, "Closest to ready")
    assert f"{world.team.name} member 001" in away and world.program.criteria[1].title in away
    assert "Waiting for a coach's sign-off (1)" in away and "Waiting Wanda" in away
    assert f"{world.team.name} member 003" not in away  # not started: two criteria away
    coach_next = section(page, "What to coach next")
    assert LAB_ERROR in coach_next and "Skipped the canary" in coach_next
    expiries = section(page, "Expiring in the next 60 days")
    assert f"{world.team.name} member 000" in expiries and f"{world.team.name} member 004" not in expiries
    assert "Exception: " in expiries
    assert "Coverage for upcoming events" in page
    assert "@media print" in page and "Print this guide" in page


def test_the_csv_has_the_same_rows_and_neutralises_formulas(client):
    world = build_team(people=4)
    waiting = world.program.learner(team=world.team, full_name="Waiting Wanda")
    world.program.meet_all(waiting)
    recompute(waiting)
    world.members[0].full_name = '=HYPERLINK("http://evil.example")'
    world.members[0].save()
    client.force_login(world.manager.user)
    response = client.get(csv_url(world))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["section", "person", "role", "what", "until_or_count", "detail"]
    sections = {row[0] for row in rows[1:]}
    assert {"ready", "waiting-for-sign-off", "one-criterion-away", "coach-next", "expiry"} <= sections
    people = [row[1] for row in rows[1:]]
    assert '\'=HYPERLINK("http://evil.example")' in people
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row)
    assert [row for row in rows if row[0] == "coach-next" and row[3] == LAB_ERROR][0][4] == "1"


def test_a_manager_opens_only_their_teams_and_a_learner_or_coach_is_refused(client):
    world = build_team(people=2)
    other = build_team(people=2, program=world.program)
    client.force_login(world.manager.user)
    assert client.get(guide_url(world)).status_code == 200
    assert client.get(guide_url(other)).status_code == 404
    assert client.get(csv_url(other)).status_code == 404
    team_list = client.get(reverse("pages:team-list")).content.decode()
    assert world.team.name in team_list and other.team.name not in team_list
    member = world.members[1]
    give_login(member, "member-login", LEARNER_GROUP)
    for user in (member.user, coach().user):
        client.force_login(user)
        assert client.get(guide_url(world)).status_code == 403
        assert client.get(csv_url(world)).status_code == 403
        assert client.get(reverse("pages:team-list")).status_code == 403
    client.logout()
    assert client.get(guide_url(world)).status_code == 302


def test_a_manager_of_a_parent_team_opens_the_teams_below(client):
    world = build_team(people=1)
    child = build_team(people=1, program=world.program)
    child.team.parent = world.team
    child.team.save()
    client.force_login(world.manager.user)
    assert client.get(guide_url(child)).status_code == 200


@pytest.mark.parametrize("who", [executive, ld_admin])
def test_executives_and_ld_admins_open_every_guide(client, who):
    world = build_team(people=2)
    client.force_login(who().user)
    assert client.get(guide_url(world)).status_code == 200
    assert client.get(csv_url(world)).status_code == 200


@pytest.mark.parametrize("url", [guide_url, csv_url])
def test_guide_query_count_does_not_grow_with_the_team(client, url):
    program = program_setup(criteria=2)

    def measure(people: int) -> int:
        world = build_team(people=people, program=program)
        client.force_login(world.manager.user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(world)).status_code == 200
        return len(queries)

    assert measure(4) == measure(40)
