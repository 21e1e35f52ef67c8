"""On-call coverage before events (assessments/coverage.py): roster and signed-off counts per service, grants that
expire before the event do not count, the daily warning reaches L&D admins and the service's managers."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from assessments.coverage import coverage_for_events, event_coverage_warnings_send, events_upcoming_with_coverage
from assessments.tasks import event_coverage_warnings_daily
from roles.choices import GateKind
from tests.assessments.factories import GateGrantFactory
from tests.program.factories import PersonFactory, RegionFactory, ServiceFactory, TeamFactory
from tests.program.operations.factories import OperationalEventFactory
from tests.roles.factories import GateFactory, RoleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(ld_admin_user):
    """Cart's on-call gate needs the SRE standard; 4 SREs in EMEA (2 signed off, one of whom expires early), 1 in
    APAC (signed off), 1 inactive SRE, 2 people in another role."""
    ld_admin_user.email = "ld-admin@example.com"
    ld_admin_user.save()
    now = timezone.now()
    emea, apac = RegionFactory(code="emea"), RegionFactory(code="apac")
    manager = PersonFactory(email="cart.manager@example.com")
    team = TeamFactory(manager=manager)
    cart = ServiceFactory(slug="cart", team=team)
    sre = RoleFactory(key="sre")
    gate = GateFactory(kind=GateKind.ON_CALL, service=cart, required_standard__role=sre)
    emea_sres = [PersonFactory(role=sre, region=emea) for _ in range(4)]
    apac_sre = PersonFactory(role=sre, region=apac)
    PersonFactory(role=sre, region=emea, active=False)
    PersonFactory(role=RoleFactory(), region=emea)
    GateGrantFactory(person=emea_sres[0], gate=gate)
    GateGrantFactory(person=emea_sres[1], gate=gate, expires_at=now + datetime.timedelta(days=2))  # lapses first
    GateGrantFactory(person=apac_sre, gate=gate)
    sale = OperationalEventFactory(
        name="Sale",
        starts_at=now + datetime.timedelta(days=5),
        ends_at=now + datetime.timedelta(days=6),
        region=emea,
        required_share=0.5,
        services=[cart, ServiceFactory(slug="no-gate")],
    )
    return {"now": now, "cart": cart, "sale": sale, "emea": emea}


def test_coverage_counts_the_roster_and_grants_valid_at_the_start(setup):
    cart_row, no_gate_row = coverage_for_events([setup["sale"]])[setup["sale"].pk]
    assert cart_row.service == setup["cart"]
    assert (cart_row.roster, cart_row.signed_off) == (4, 1)  # EMEA only; the early-expiring grant does not count
    assert cart_row.share == 0.25 and cart_row.short
    assert not no_gate_row.has_on_call_gate and no_gate_row.short
    assert "1 of 4 on the on-call roster signed off (25%), 50% required" in cart_row.describe()


def test_an_event_in_every_region_counts_every_region(setup):
    setup["sale"].region = None
    setup["sale"].save()
    cart_row = coverage_for_events([setup["sale"]])[setup["sale"].pk][0]
    assert (cart_row.roster, cart_row.signed_off) == (5, 2)


def test_upcoming_lists_events_within_the_window_only(setup):
    assert [event for event, _ in events_upcoming_with_coverage(now=setup["now"], within_days=14)] == [setup["sale"]]
    assert events_upcoming_with_coverage(now=setup["now"], within_days=3) == []


def test_the_daily_task_warns_admins_and_the_service_managers(setup):
    assert event_coverage_warnings_daily() == 1
    [message] = mail.outbox
    assert "On-call coverage is short for Sale" in message.subject
    assert set(message.to) == {"ld-admin@example.com", "cart.manager@example.com"}
    assert "1 of 4 on the on-call roster signed off (25%), 50% required" in message.body
    assert "no on-call gate, so no roster to count" in message.body


def test_no_warning_when_coverage_meets_the_requirement(setup):
    setup["sale"].required_share = 0.25
    setup["sale"].save()
    setup["sale"].services.remove(setup["sale"].services.get(slug="no-gate"))
    assert event_coverage_warnings_send(now=setup["now"]) == 0
    assert mail.outbox == []
