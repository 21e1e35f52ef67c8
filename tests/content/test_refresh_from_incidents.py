"""Post-incident notes → explained refresh tickets; owners' verdicts; closing by a new version; content flags."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from content.choices import ContentStatus, MatchVerdict, RefreshStatus, TicketKind, VersionTrigger
from content.matching import ItemFacts, NoteFacts, SkillFacts, note_matches
from content.models import RefreshTicket
from content.selectors import content_items_needing_attention, content_overdue_for, refresh_match_feedback
from content.services import (
    content_item_retire,
    content_version_release,
    incident_note_refresh,
    refresh_ticket_review,
)
from program.choices import RootCauseCategory
from program.constants import LD_ADMIN_GROUP
from program.incidents.services import incident_record, incident_save
from tests.content.factories import ContentItemFactory, LearningPathFactory, PathStepFactory
from tests.program.factories import IncidentFactory, PersonFactory, ServiceFactory, UserFactory
from tests.roles.factories import SkillFactory, SkillTagFactory

pytestmark = pytest.mark.django_db

GATEWAY_NOTE = (
    "Checkout payments failed for 38 minutes. The payment gateway timed out under Black Friday load and our "
    "client retried without backoff, so the timeouts doubled the traffic. Responders did not know the "
    "gateway timeout budget. Mitigated by lowering the retry count; restored after the provider scaled."
)


@pytest.fixture
def catalogue():
    """Three items: one on gateway timeouts (payments), one on safe rollback (release safety), one unrelated."""
    payments, release = SkillTagFactory(name="payments"), SkillTagFactory(name="release-safety")
    timeouts = SkillFactory(key="payment-gateway-timeouts", name="Payment gateway timeouts")
    timeouts.tags.add(payments)
    rollback = SkillFactory(key="safe-rollback", name="Safe rollback")
    rollback.tags.add(release)
    owner, other_owner = PersonFactory(email="sam@example.com"), PersonFactory(email="ines@example.com")
    gateway_lab = ContentItemFactory(
        key="lab-gateway-timeouts",
        title="Lab: payment gateway timeouts",
        summary="Practise a gateway timeout: retries with backoff, the timeout budget, failing over to the backup "
        "provider without double charges.",
        owner=owner,
        status=ContentStatus.PUBLISHED,
    )
    gateway_lab.skills.add(timeouts)
    rollback_lab = ContentItemFactory(
        key="lab-safe-rollback",
        title="Lab: roll back a bad deploy",
        summary="Roll back a checkout deploy within ten minutes and confirm the error rate recovers.",
        owner=other_owner,
        status=ContentStatus.PUBLISHED,
    )
    rollback_lab.skills.add(rollback)
    ContentItemFactory(key="course-accessibility", title="Accessible forms", summary="Labels, focus and contrast.")
    return {"gateway_lab": gateway_lab, "rollback_lab": rollback_lab, "owner": owner}


def _incident(note=GATEWAY_NOTE, root_cause=RootCauseCategory.DEPENDENCY_TIMEOUT):
    return IncidentFactory(
        title="Gateway timeouts on Black Friday",
        note=note,
        root_cause=root_cause,
        services=[ServiceFactory(name="Payments gateway")],
    )


def test_a_note_opens_an_explained_ticket_for_the_owner(catalogue, settings):
    settings.REFRESH_TICKET_DUE_DAYS = 7
    incident = _incident()

    tickets = incident_note_refresh(incident_id=incident.pk, today=datetime.date(2026, 11, 30))

    assert [ticket.item for ticket in tickets] == [catalogue["gateway_lab"]]
    ticket = tickets[0]
    assert ticket.owner == catalogue["owner"]
    assert ticket.due_on == datetime.date(2026, 12, 7)
    assert ticket.incident == incident
    explanation = ticket.explanation
    assert explanation["score"] >= explanation["threshold"] == settings.REFRESH_MATCH_THRESHOLD
    assert {"gateway", "timeout"} & set(" ".join(explanation["matched_terms"]).split())
    assert explanation["skill"] == {"key": "payment-gateway-timeouts", "name": "Payment gateway timeouts"}
    assert explanation["services"] == ["Payments gateway"]
    assert "gateway" in explanation["note_excerpt"].lower()
    assert explanation["note_excerpt"] in GATEWAY_NOTE
    assert explanation["covers_root_cause"] is True
    assert not RefreshTicket.objects.filter(kind=TicketKind.COVERAGE_GAP).exists()


def test_the_owner_is_emailed(catalogue, django_capture_on_commit_callbacks):
    incident = _incident()
    with django_capture_on_commit_callbacks(execute=True):
        incident_note_refresh(incident_id=incident.pk)

    assert [message.to for message in mail.outbox] == [["sam@example.com"]]
    assert "Lab: payment gateway timeouts" in mail.outbox[0].body
    assert "From the note" in mail.outbox[0].body


def test_running_again_never_opens_a_second_ticket(catalogue):
    incident = _incident()
    incident_note_refresh(incident_id=incident.pk)
    assert incident_note_refresh(incident_id=incident.pk) == []
    assert RefreshTicket.objects.filter(incident=incident).count() == 1

    # The constraint holds even if two runs raced past the check.
    with pytest.raises(IntegrityError), transaction.atomic():
        RefreshTicket.objects.create(item=catalogue["gateway_lab"], incident=incident, reason="again")


def test_a_dismissed_pair_is_not_reopened_and_the_verdict_is_kept(catalogue, ld_admin_user):
    incident = _incident()
    (ticket,) = incident_note_refresh(incident_id=incident.pk)

    refresh_ticket_review(ticket=ticket, verdict=MatchVerdict.DISMISSED, by=ld_admin_user, note="covered already")
    incident.note += " The gateway timeout budget was unknown to the secondary on-call too."
    incident_save(incident=incident, previous_note=GATEWAY_NOTE)
    incident_note_refresh(incident_id=incident.pk)

    ticket.refresh_from_db()
    assert ticket.status == RefreshStatus.WONT_DO and ticket.verdict == MatchVerdict.DISMISSED
    assert RefreshTicket.objects.filter(incident=incident, item=catalogue["gateway_lab"]).count() == 1
    assert refresh_match_feedback() == [
        {
            "pk": ticket.pk,
            "item_id": catalogue["gateway_lab"].pk,
            "incident_id": incident.pk,
            "score": ticket.score,
            "verdict": "dismissed",
            "explanation__threshold": ticket.explanation["threshold"],
        }
    ]


def test_confirming_moves_the_ticket_on(catalogue):
    (ticket,) = incident_note_refresh(incident_id=_incident().pk)
    ticket = refresh_ticket_review(ticket=ticket, verdict=MatchVerdict.CONFIRMED)
    assert (ticket.status, ticket.verdict, ticket.closed_at) == (RefreshStatus.IN_PROGRESS, "confirmed", None)


def test_a_root_cause_nothing_covers_opens_a_coverage_gap_for_the_admins(catalogue, django_capture_on_commit_callbacks):
    admin = UserFactory(username="ld1", email="ld1@example.com")
    admin.groups.add(Group.objects.get(name=LD_ADMIN_GROUP))
    incident = _incident(
        note="The orders table lost its index after a migration; the confirmation query scanned 40M rows and "
        "checkout confirmation pages took 12 s. Found by a customer, not by an alert.",
        root_cause=RootCauseCategory.SLOW_QUERY,
    )
    with django_capture_on_commit_callbacks(execute=True):
        tickets = incident_note_refresh(incident_id=incident.pk)

    gap = [ticket for ticket in tickets if ticket.kind == TicketKind.COVERAGE_GAP]
    assert len(gap) == 1 and gap[0].item is None and gap[0].owner is None
    assert gap[0].explanation["skill_tags_wanted"] == ["performance"]
    assert "Slow query" in gap[0].reason
    assert ["ld1@example.com"] in [message.to for message in mail.outbox]
    # Once per incident.
    incident_note_refresh(incident_id=incident.pk)
    assert RefreshTicket.objects.filter(incident=incident, kind=TicketKind.COVERAGE_GAP).count() == 1


def test_saving_a_changed_note_queues_the_refresh(catalogue, django_capture_on_commit_callbacks):
    incident = _incident(note="")
    with django_capture_on_commit_callbacks(execute=True):
        incident_save(incident=incident, previous_note="")
    assert not RefreshTicket.objects.exists()

    incident.note = GATEWAY_NOTE
    with django_capture_on_commit_callbacks(execute=True):
        incident_save(incident=incident, previous_note="")
    assert RefreshTicket.objects.filter(incident=incident, item=catalogue["gateway_lab"]).exists()


def test_a_new_version_referencing_the_ticket_closes_it_with_the_time_to_refresh(catalogue):
    incident = _incident()
    (ticket,) = incident_note_refresh(incident_id=incident.pk)
    published = incident.started_at + datetime.timedelta(days=6, hours=2)

    version = content_version_release(
        item=catalogue["gateway_lab"],
        change_note="Backoff drill added",
        published_at=published,
        refresh_tickets=[ticket],
    )

    ticket.refresh_from_db()
    assert (ticket.status, ticket.closed_by_version, ticket.closed_at) == (RefreshStatus.DONE, version, published)
    assert ticket.time_to_refresh == datetime.timedelta(days=6, hours=2)
    assert (version.trigger, version.trigger_incident) == (VersionTrigger.INCIDENT, incident)


def test_a_version_cannot_close_another_items_ticket(catalogue):
    (ticket,) = incident_note_refresh(incident_id=_incident().pk)
    with pytest.raises(ValidationError):
        content_version_release(item=catalogue["rollback_lab"], change_note="x", refresh_tickets=[ticket])


def test_the_service_loads_the_catalogue_in_a_constant_number_of_queries(catalogue, django_capture_on_commit_callbacks):
    def queries_for_one_note() -> int:
        incident = _incident()
        with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=False):
            assert incident_note_refresh(incident_id=incident.pk)
        return len(queries)

    small = queries_for_one_note()
    for number in range(40):
        item = ContentItemFactory(summary=f"Gateway timeout variant {number}", owner=PersonFactory())
        item.skills.add(*catalogue["gateway_lab"].skills.all())
    # Savepoint, incident, services, tags, skills, item skills, items, existing tickets, owners, insert, release.
    assert queries_for_one_note() == small <= 11


def test_the_matcher_explains_and_ranks_without_a_database():
    skill = SkillFacts(id=1, key="feature-flags", name="Feature flags", tags=frozenset({"release-safety"}))
    items = [
        ItemFacts(
            id=1, title="Kill switches", summary="Turn a feature flag off fast when checkout breaks.", skills=(skill,)
        ),
        ItemFacts(id=2, title="Accessible forms", summary="Labels, focus order and contrast."),
    ]
    note = NoteFacts(
        text="A feature flag for the new wallet was left on after the test; turning the flag off fixed checkout.",
        root_cause="feature_flag",
        cause_tags=frozenset({"release-safety"}),
    )
    (match,) = note_matches(note, items, threshold=0.3)
    assert match.item_id == 1 and match.covers_root_cause
    assert "flag" in match.matched_terms
    assert match.skill == skill


# --- content as a product ----------------------------------------------------------------------------------


def test_items_needing_attention_and_overdue_reviews(learner_user):
    today = datetime.date(2026, 12, 1)
    owner = PersonFactory(user=learner_user)
    overdue = ContentItemFactory(owner=owner, review_by=today - datetime.timedelta(days=3))
    ContentItemFactory(owner=owner, review_by=today + datetime.timedelta(days=3))
    orphan = ContentItemFactory(owner=None, review_by=today + datetime.timedelta(days=30))
    someone_elses = ContentItemFactory(owner=PersonFactory(), review_by=today - datetime.timedelta(days=1))

    assert set(content_items_needing_attention(today=today)) == {overdue, orphan, someone_elses}
    assert list(content_items_needing_attention(reason="no_owner", today=today)) == [orphan]
    assert list(content_overdue_for(learner_user, today=today)) == [overdue]


def test_retiring_names_a_replacement_and_flags_paths_still_pointing_at_it():
    old, new = ContentItemFactory(), ContentItemFactory()
    PathStepFactory(path=LearningPathFactory(), content_item=old)

    content_item_retire(item=old, replacement=new)

    old.refresh_from_db()
    assert (old.status, old.replaced_by) == (ContentStatus.RETIRED, new)
    assert list(content_items_needing_attention(reason="retired_in_path")) == [old]
    with pytest.raises(ValidationError):
        content_item_retire(item=new, replacement=new)


def test_a_pushed_incident_with_a_note_produces_tickets_in_one_run(catalogue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        incident = incident_record(
            title="Gateway timeouts",
            services=[ServiceFactory()],
            started_at=datetime.datetime(2026, 11, 27, 9, tzinfo=datetime.UTC),
            root_cause=RootCauseCategory.DEPENDENCY_TIMEOUT,
            note=GATEWAY_NOTE,
            source="api",
            external_id="INC-1",
        )
    assert RefreshTicket.objects.filter(incident=incident, item=catalogue["gateway_lab"]).exists()


def test_an_empty_or_wordless_catalogue_matches_nothing_without_failing():
    note = NoteFacts(text="Gateway timeouts at checkout.", cause_tags=frozenset({"payments"}))
    assert note_matches(note, [], threshold=0.3) == []
    assert note_matches(note, [ItemFacts(id=1, title="The", summary="")], threshold=0.3) == []
