"""The dashboards: heat map, trends, content, equity and the scorecard (page and weekly email): content,
who may open them, filters, charts with their text alternative, and query counts that do not grow."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from content.choices import ContentStatus, RefreshStatus
from equity.choices import FindingFlag
from program.constants import EXECUTIVE_GROUP, LEARNER_GROUP
from program.pages.scorecard_email import scorecard_recipients
from program.pages.selectors.content import ContentEffect
from program.pages.tasks import scorecard_email_weekly
from roles.choices import GateKind
from tests.assessments.factories import ScenarioFactory
from tests.assessments.readiness_factories import program_setup
from tests.content.factories import ContentItemFactory, ContentVersionFactory, RefreshTicketFactory
from tests.equity.factories import EquityFindingFactory
from tests.pages.builders import build_team, coach, days_from_now, executive, give_login, ld_admin
from tests.program.factories import ServiceFactory

pytestmark = pytest.mark.django_db
DASHBOARDS = ["pages:heatmap", "pages:trends", "pages:content", "pages:equity"]


def page_of(client, name, **params) -> str:
    response = client.get(reverse(name), params)
    assert response.status_code == 200, name
    return response.content.decode()


def world_with_service(people=12, program=None):
    world = build_team(people=people, program=program)
    service = ServiceFactory(
        team=world.team, name=f"{world.team.name} service", on_checkout_path=True, checkout_path_position=1
    )
    return world, service


def test_heat_map_shows_share_and_n_and_suppresses_small_cells(client):
    world, service = world_with_service(people=12)
    small, small_service = world_with_service(people=4, program=world.program)
    client.force_login(executive().user)
    page = page_of(client, "pages:heatmap")
    assert "<svg" in page and 'class="chart"' in page and "The numbers behind this chart" in page
    # 12 people, 3 signed off (members 0, 4, 8): 25%, n=12; the team of 4 is suppressed.
    assert "25% (n=12)" in page
    assert "n&lt;11" in page and "suppressed" in page
    assert "4 people" not in page and "(n=4)" not in page
    by_region = page_of(client, "pages:heatmap", by="region")
    assert "role × region" in by_region


def test_a_manager_sees_only_their_teams_on_the_dashboards_and_cannot_filter_to_another(client):
    world, _ = world_with_service(people=12)
    other, other_service = world_with_service(people=12, program=world.program)
    client.force_login(world.manager.user)
    page = page_of(client, "pages:heatmap")
    assert world.team.name in page and other_service.name not in page.split("<figure")[1]
    refused = page_of(client, "pages:heatmap", team=other.team.slug)
    assert "Select a valid choice" in refused and other_service.name not in refused.split("<figure")[1]
    assert client.get(reverse("pages:scorecard")).status_code == 403


@pytest.mark.parametrize("name", [*DASHBOARDS, "pages:scorecard"])
def test_learners_and_coaches_are_refused_and_anonymous_sent_to_log_in(client, name):
    world = build_team(people=1)
    give_login(world.members[0], "a-learner", LEARNER_GROUP)
    for user in (world.members[0].user, coach().user):
        client.force_login(user)
        assert client.get(reverse(name)).status_code == 403
    client.logout()
    assert client.get(reverse(name)).status_code == 302


def test_bad_filters_are_reported_never_a_500(client):
    client.force_login(ld_admin().user)
    page = page_of(client, "pages:trends", start="2026-10-01", end="2026-01-01", service="nope", team="x")
    assert "The end of the range comes before its start." in page and "Select a valid choice" in page
    assert "<svg" in page


def test_trends_show_readiness_and_scores_by_week_with_markers(client):
    world, service = world_with_service(people=8)
    item = ContentItemFactory(title="Rollback lab")
    ContentVersionFactory(item=item, number=2, published_at=days_from_now(-20))
    client.force_login(executive().user)
    page = page_of(client, "pages:trends", service=service.slug, start=(days_from_now(-60)).date().isoformat())
    assert f"Trends: {service.name}" in page
    assert "Rollback lab v2" in page and "Markers" in page
    assert "Mean assessment score" in page and "25%" in page  # 2 of 8 signed off over the last weeks


def test_content_view_says_which_items_were_followed_by_gains(client):
    program = program_setup(criteria=1)
    item = ContentItemFactory(
        title="Gateway timeouts lab", status=ContentStatus.PUBLISHED, review_by=days_from_now(-3).date()
    )
    ContentVersionFactory(item=item, number=2, published_at=days_from_now(-30))
    scenario = ScenarioFactory(content_item=item, standard_version=program.version)
    people = [program.learner() for _ in range(12)]
    for person in people:
        program.attempt(person, scenario=scenario, days_ago=45, score=60)
        program.attempt(person, scenario=scenario, days_ago=10, score=85)
    RefreshTicketFactory(item=item, owner=people[0], status=RefreshStatus.OPEN)
    client.force_login(ld_admin().user)
    page = page_of(client, "pages:content")
    assert "Gateway timeouts lab v2" in page and "followed by gains" in page and "+25.0" in page
    assert "Overdue reviews (1)" in page and people[0].full_name in page


@pytest.mark.parametrize(
    ("before_n", "after_n", "before", "after", "verdict"),
    [
        (20, 20, 70.0, 76.0, "followed by gains"),
        (20, 20, 70.0, 71.0, "moved nothing"),
        (20, 20, 70.0, 60.0, "followed by a drop"),
        (5, 20, 70.0, 90.0, "too little data"),
    ],
)
def test_content_verdicts(before_n, after_n, before, after, verdict):
    effect = ContentEffect(
        item="x",
        version=2,
        published_on=datetime.date(2026, 1, 1),
        before=before,
        before_n=before_n,
        after=after,
        after_n=after_n,
    )
    assert effect.verdict == verdict


def test_equity_view_shows_findings_and_suppressed_cells_as_suppressed(client):
    shown = EquityFindingFactory(group="region=emea", value=0.82, n=40, flag=FindingFlag.GREEN)
    shown.audit.run_at = days_from_now(-1)
    shown.audit.save()
    EquityFindingFactory(audit=shown.audit, group="region=apac", value=0.31, n=4, flag=FindingFlag.SUPPRESSED)
    client.force_login(executive().user)
    page = page_of(client, "pages:equity")
    assert "region=emea" in page and "82%" in page
    apac_row = page.split("All findings")[1].split("region=apac")[1].split("</tr>")[0]
    assert "suppressed" in apac_row and "31" not in apac_row and "0.31" not in page


def test_equity_view_without_an_audit_says_so(client):
    client.force_login(executive().user)
    assert "No equity audit has run yet." in page_of(client, "pages:equity")


def scorecard_world():
    world, service = world_with_service(people=8)
    world.program.gates[GateKind.ON_CALL].service = service
    world.program.gates[GateKind.ON_CALL].save()
    return world, service


def test_the_scorecard_has_a_light_with_a_word_and_the_week_on_week_change(client):
    world, service = scorecard_world()
    client.force_login(executive().user)
    page = page_of(client, "pages:scorecard")
    row = page[page.index(service.name) :].split("</tr>")[0]
    # 2 of 8 signed off: 25% against a 60% target.
    assert "Below target" in row and "✗" in row and "25%" in row
    assert "not measured" in row and "No data" in row
    assert "on last week" in row and "<svg" in row and "numbers" in row


def test_the_weekly_email_goes_to_executives_with_the_table_and_png_trends(client):
    world, service = scorecard_world()
    boss = executive("boss")
    boss.user.email = "boss@example.com"
    boss.user.save()
    ld_admin("not-an-executive")
    assert scorecard_recipients() == ["boss@example.com"]
    assert scorecard_email_weekly.delay().get() == 1
    [message] = mail.outbox
    assert message.to == ["boss@example.com"]
    assert "1 below target" in message.subject
    assert f"{service.name}" in message.body and "Readiness coverage: 25% — Below target" in message.body
    html = message.alternatives[0].content
    assert "✗" in html and "Below target" in html and "<svg" not in html
    assert f'src="cid:trend-{service.slug}"' in html and 'alt="Small line chart' in html
    raw = message.message().as_bytes()
    assert b"Content-Type: image/png" in raw and f"<trend-{service.slug}>".encode() in raw
    assert b"multipart/related" in raw


def test_no_executive_with_an_email_means_no_email():
    scorecard_world()
    assert scorecard_email_weekly.delay().get() == 0 and not mail.outbox


@pytest.mark.parametrize("name", [*DASHBOARDS, "pages:scorecard"])
def test_dashboard_query_counts_do_not_grow_with_the_data(client, name):
    program = program_setup(criteria=2)
    viewer = executive("exec-counts")

    def measure(people: int) -> int:
        world, service = world_with_service(people=people, program=program)
        finding = EquityFindingFactory(n=people + 20, value=0.7)
        finding.audit.run_at = days_from_now(-1)
        finding.audit.save()
        client.force_login(viewer.user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(name), {"service": service.slug}).status_code == 200
        return len(queries)

    assert measure(4) == measure(40)


def test_executive_group_exists_with_read_only_permissions():
    from django.contrib.auth.models import Group

    codenames = set(Group.objects.get(name=EXECUTIVE_GROUP).permissions.values_list("codename", flat=True))
    assert "view_team" in codenames and not any(code.startswith(("add_", "change_", "delete_")) for code in codenames)
