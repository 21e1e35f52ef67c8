import pytest
from django.core.exceptions import ValidationError

from content.choices import ContentStatus, RefreshSource
from content.services import content_item_retire, content_version_release, refresh_ticket_open
from tests.content.factories import ContentItemFactory
from tests.program.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_release_numbers_versions_and_publishes():
    item = ContentItemFactory()
    first = content_version_release(item=item, change_note="First cut")
    second = content_version_release(item=item, change_note="New gateway timeout section")
    item.refresh_from_db()
    assert (first.number, second.number) == (1, 2)
    assert item.status == ContentStatus.PUBLISHED


def test_retire_keeps_history_and_refuses_new_versions():
    item = ContentItemFactory()
    content_version_release(item=item, change_note="First cut")
    content_item_retire(item=item)
    item.refresh_from_db()
    assert item.status == ContentStatus.RETIRED
    assert item.retired_at is not None
    assert item.versions.count() == 1
    with pytest.raises(ValidationError, match="retired"):
        content_version_release(item=item, change_note="Too late")


def test_refresh_ticket_defaults_to_item_owner():
    owner = PersonFactory()
    item = ContentItemFactory(owner=owner)
    ticket = refresh_ticket_open(item=item, reason="Gateway timeout lesson", source=RefreshSource.INCIDENT)
    assert ticket.owner == owner
    assert ticket.status == "open"
