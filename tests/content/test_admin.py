"""The content admin: versions are released through the service and never change; items retire by action."""

import pytest

from content.choices import ContentStatus, RefreshStatus
from content.models import ContentItem, ContentVersion, RefreshTicket
from content.services import content_item_retire, content_version_release
from program.models import AuditEntry
from tests.admin_support import (
    admin_url,
    all_messages,
    error_messages,
    inline_row,
    post_admin_form,
    query_count,
    run_action,
)
from tests.content.factories import ContentItemFactory, RefreshTicketFactory
from tests.program.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, ld_admin_user):
    client.force_login(ld_admin_user)
    return client


def test_retire_action_retires_and_reports(admin_client):
    live, retired = ContentItemFactory(title="Rollback lab"), ContentItemFactory(title="Old drill")
    content_item_retire(item=retired)
    response = run_action(admin_client, ContentItem, "retire_action", [live, retired])
    messages = all_messages(response)
    assert "Retired Rollback lab." in messages
    assert "Old drill was already retired." in messages
    live.refresh_from_db()
    assert live.status == ContentStatus.RETIRED
    assert live.retired_at is not None


def test_release_action_numbers_versions_and_publishes(admin_client):
    item = ContentItemFactory(title="Gateway timeouts")
    content_version_release(item=item, change_note="First cut")
    response = run_action(
        admin_client, ContentItem, "release_version_action", [item], change_note="New retry budget section"
    )
    assert "Released Gateway timeouts v2." in all_messages(response)
    assert list(item.versions.values_list("number", "change_note")) == [
        (2, "New retry budget section"),
        (1, "First cut"),
    ]


def test_release_action_needs_a_change_note(admin_client):
    item = ContentItemFactory()
    response = run_action(admin_client, ContentItem, "release_version_action", [item], change_note="  ")
    assert error_messages(response) == ["Write a change note to release a new version."]
    assert not item.versions.exists()


def test_release_action_reports_a_retired_item_as_an_error(admin_client):
    item = ContentItemFactory(title="Old drill")
    content_item_retire(item=item)
    response = run_action(admin_client, ContentItem, "release_version_action", [item], change_note="Refresh")
    assert response.status_code == 200
    assert error_messages(response) == ["Old drill: Old drill is retired; it takes no new versions."]
    assert not item.versions.exists()


def test_adding_a_version_releases_the_next_number(admin_client):
    item = ContentItemFactory()
    content_version_release(item=item, change_note="First cut")
    response = post_admin_form(
        admin_client,
        admin_url(ContentVersion, "add"),
        {"item": item.pk, "change_note": "Screenshots of the new console", "link": "https://learn.example.com/v2"},
    )
    assert response.status_code == 302
    assert item.versions.get(number=2).link == "https://learn.example.com/v2"


def test_versions_are_immutable(admin_client):
    item = ContentItemFactory()
    version = content_version_release(item=item, change_note="First cut")
    url = admin_url(ContentVersion, "change", version.pk)
    page = admin_client.get(url)
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert admin_client.post(url, {"change_note": "Rewritten"}).status_code == 403
    assert admin_client.post(admin_url(ContentVersion, "delete", version.pk), {"post": "yes"}).status_code == 403
    (versions_inline,) = admin_client.get(admin_url(ContentItem, "change", item.pk)).context["inline_admin_formsets"]
    assert not versions_inline.has_change_permission
    assert not versions_inline.has_delete_permission
    version.refresh_from_db()
    assert version.change_note == "First cut"


def test_a_new_inline_row_releases_a_version_and_old_rows_stay_put(admin_client):
    item = ContentItemFactory(title="Feature flags course")
    content_version_release(item=item, change_note="First cut")
    response = post_admin_form(
        admin_client,
        admin_url(ContentItem, "change", item.pk),
        {
            "versions-TOTAL_FORMS": "2",
            "versions-0-change_note": "Tampered",
            **inline_row("versions", 1, {"change_note": "Kill-switch drill added", "link": ""}),
        },
    )
    assert response.status_code == 302
    assert list(item.versions.values_list("number", "change_note")) == [
        (2, "Kill-switch drill added"),
        (1, "First cut"),
    ]


def test_status_is_not_editable_on_the_item_form(admin_client):
    item = ContentItemFactory()
    response = post_admin_form(admin_client, admin_url(ContentItem, "change", item.pk), {"status": "published"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == ContentStatus.DRAFT


def test_new_refresh_ticket_is_owned_by_the_item_owner(admin_client):
    owner = PersonFactory()
    item = ContentItemFactory(owner=owner)
    response = post_admin_form(
        admin_client,
        admin_url(RefreshTicket, "add"),
        {"item": item.pk, "reason": "Incident 4711 showed the runbook is stale", "source": "incident"},
    )
    assert response.status_code == 302
    assert RefreshTicket.objects.get(item=item).owner == owner


def test_closing_a_ticket_in_the_admin_goes_through_the_service(admin_client, ld_admin_user):
    ticket = RefreshTicketFactory(reason="Runbook step 4 is wrong", status=RefreshStatus.OPEN)
    url = admin_url(RefreshTicket, "change", ticket.pk)
    response = post_admin_form(admin_client, url, {"status": RefreshStatus.DONE, "reason": "Rewritten by hand"})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == RefreshStatus.DONE
    assert ticket.closed_at is not None  # set by refresh_ticket_set_status, never typed
    assert ticket.reason == "Runbook step 4 is wrong"  # what the ticket is about stays as opened
    entry = AuditEntry.objects.get(object_type="refresh-ticket", object_id=str(ticket.pk))
    assert entry.actor == ld_admin_user
    reopened = post_admin_form(admin_client, url, {"status": RefreshStatus.IN_PROGRESS})
    assert reopened.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.status, ticket.closed_at) == (RefreshStatus.IN_PROGRESS, None)
    assert admin_client.post(admin_url(RefreshTicket, "delete", ticket.pk), {"post": "yes"}).status_code == 403


def test_content_item_changelist_queries_do_not_grow(admin_client):
    ContentItemFactory(owner=PersonFactory())
    few = query_count(admin_client, admin_url(ContentItem))
    for _ in range(12):
        content_version_release(item=ContentItemFactory(owner=PersonFactory()), change_note="First cut")
    assert query_count(admin_client, admin_url(ContentItem)) == few


def test_admin_releases_and_retirements_are_audited_with_the_admin(admin_client, ld_admin_user):
    item = ContentItemFactory()
    run_action(admin_client, ContentItem, "release_version_action", [item], change_note="First cut")
    response = post_admin_form(admin_client, admin_url(ContentVersion, "add"), {"item": item.pk, "change_note": "v2"})
    assert response.status_code == 302
    post_admin_form(
        admin_client,
        admin_url(ContentItem, "change", item.pk),
        {"versions-TOTAL_FORMS": "3", **inline_row("versions", 2, {"change_note": "v3", "link": ""})},
    )
    run_action(admin_client, ContentItem, "retire_action", [item])
    released = AuditEntry.objects.filter(object_type="content-version").order_by("id")
    assert [(entry.actor, entry.evidence["number"]) for entry in released] == [
        (ld_admin_user, 1),
        (ld_admin_user, 2),
        (ld_admin_user, 3),
    ], "the action, the add page and the inline row each audit the admin"
    assert AuditEntry.objects.get(object_type="content-item", object_id=str(item.pk)).actor == ld_admin_user
