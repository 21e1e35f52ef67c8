"""Home and navigation: each kind of user sees what needs their attention, and only links they can follow."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from content.choices import ContentStatus
from equity.choices import FindingFlag
from program.constants import LEARNER_GROUP
from tests.assessments.factories import GateExceptionFactory
from tests.assessments.readiness_factories import program_setup
from tests.content.factories import ContentItemFactory
from tests.equity.factories import EquityFindingFactory
from tests.pages.builders import build_team, coach, days_from_now, executive, give_login, ld_admin

pytestmark = pytest.mark.django_db
HOME = reverse("home")


def nav_links(page: str) -> list[str]:
    nav = page.split('<nav aria-label="Main">')[1].split("</nav>")[0]
    return re.findall(r'href="([^"]+)"', nav)


def every_link_opens(client, page: str) -> list[str]:
    links = nav_links(page)
    for url in links:
        assert client.get(url).status_code == 200, url
    return links


def test_a_learner_sees_what_is_left_and_why_and_no_manager_or_admin_links(client):
    world = build_team(people=4)
    one_away = world.members[1]
    give_login(one_away, "jo-learner", LEARNER_GROUP)
    client.force_login(one_away.user)
    page = client.get(HOME).content.decode()
    assert "Where you stand" in page and "In progress" in page
    assert "What is left (1), and why" in page and world.program.criteria[1].title in page
    links = every_link_opens(client, page)
    assert reverse("assessments:learner-home") in links
    assert reverse("pages:team-list") not in links and reverse("admin:index") not in links
    assert reverse("assessments:coach-queue") not in links
    assert client.get(reverse("pages:team-list")).status_code == 403


def test_a_signed_off_learner_sees_when_their_sign_off_and_gates_expire(client):
    world = build_team(people=1)
    member = world.members[0]
    give_login(member, "signed-learner")
    client.force_login(member.user)
    page = client.get(HOME).content.decode()
    assert "Signed off" in page or "Expiring soon" in page
    assert "expires on <strong>" in page
    assert "Deploy rights" in page and " until " in page


def test_a_coach_sees_who_is_ready_for_sign_off(client):
    world = build_team(people=0)
    me = coach()
    ready = world.program.learner(coach=me, full_name="Ready Rosa")
    world.program.meet_all(ready)
    from tests.assessments.readiness_factories import recompute

    recompute(ready)
    client.force_login(me.user)
    page = client.get(HOME).content.decode()
    assert "Ready for your sign-off: 1" in page and "Ready Rosa" in page
    links = every_link_opens(client, page)
    assert reverse("assessments:coach-queue") in links and reverse("pages:team-list") not in links


def test_a_manager_sees_their_teams_gaps_and_expiries_and_only_their_teams(client):
    world = build_team(people=8)
    other = build_team(people=4, program=world.program)
    GateExceptionFactory(person=world.members[3], gate=world.program.gates["deploy"], ends_at=days_from_now(5))
    client.force_login(world.manager.user)
    page = client.get(HOME).content.decode()
    assert "Your teams" in page and world.team.name in page and other.team.name not in page
    assert world.program.criteria[1].title in page  # the most common gap
    assert "Expiring within 30 days" in page and f"{world.team.name} member 000" in page
    assert "exception for" in page
    links = every_link_opens(client, page)
    assert reverse("pages:team-list") in links and reverse("admin:index") not in links
    assert reverse("pages:team-guide", args=[world.team.slug]) in page


def test_an_ld_admin_sees_the_program_queues_with_links(client):
    ContentItemFactory(title="Stale rollback lab", status=ContentStatus.PUBLISHED, review_by=days_from_now(-10).date())
    finding = EquityFindingFactory(flag=FindingFlag.RED, group="region=apac", value=0.61, n=44)
    finding.audit.run_at = days_from_now(-1)
    finding.audit.save()
    admin = ld_admin()
    client.force_login(admin.user)
    page = client.get(HOME).content.decode()
    assert "Program queues" in page and "statements in the quarantine" in page
    assert "Stale rollback lab" in page and "region=apac" in page and "n=44" in page
    links = every_link_opens(client, page)
    assert reverse("admin:index") in links and reverse("pages:team-list") in links
    for url in re.findall(r'href="(/admin/[^"]+)"', page):
        assert client.get(url).status_code == 200, url


def test_an_executive_opens_every_team_guide_but_not_the_admin(client):
    world = build_team(people=2)
    boss = executive()
    client.force_login(boss.user)
    page = client.get(HOME).content.decode()
    links = every_link_opens(client, page)
    assert reverse("pages:team-list") in links and reverse("admin:index") not in links
    assert world.team.name in client.get(reverse("pages:team-list")).content.decode()
    assert "This week's scorecard" in page and "services need a look" in page


def test_anonymous_is_sent_to_login(client):
    response = client.get(HOME)
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize("who", ["manager", "admin", "learner", "executive"])
def test_home_query_count_does_not_grow_with_the_data(client, who):
    program = program_setup(criteria=2)

    def measure(people: int, suffix: str) -> int:
        world = build_team(people=people, program=program, manager_login=f"m-{who}-{suffix}")
        if who == "manager":
            user = world.manager.user
        elif who == "admin":
            user = ld_admin(f"ld-{suffix}").user
        elif who == "executive":
            user = executive(f"ex-{suffix}").user
        else:
            member = world.members[0]
            give_login(member, f"l-{suffix}")
            user = member.user
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(HOME).status_code == 200
        return len(queries)

    assert measure(3, "small") == measure(30, "large")
