"""Writes to content: releasing versions, retiring items and opening refresh tickets."""

import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from program.choices import AuditAction
from program.models import Person
from program.services import audit_record

from .choices import ContentStatus, RefreshSource, RefreshStatus
from .models import ContentItem, ContentVersion, RefreshTicket


@transaction.atomic
def content_version_release(
    *,
    item: ContentItem,
    change_note: str,
    link: str = "",
    review_by: datetime.date | None = None,
    published_at: datetime.datetime | None = None,
) -> ContentVersion:
    """Release the next immutable version of an item and mark the item published.

    `published_at` defaults to now; loading past history (the demo org, an import) passes the real time.
    """
    item = ContentItem.objects.select_for_update().get(pk=item.pk)
    if item.status == ContentStatus.RETIRED:
        raise ValidationError(f"{item} is retired; it takes no new versions.")
    number = (item.versions.aggregate(top=Max("number"))["top"] or 0) + 1
    version = ContentVersion(
        item=item, number=number, change_note=change_note, link=link, published_at=published_at or timezone.now()
    )
    version.full_clean()
    version.save()
    item.status = ContentStatus.PUBLISHED
    if review_by is not None:
        item.review_by = review_by
    item.save(update_fields=["status", "review_by"])
    return version


@transaction.atomic
def refresh_ticket_set_status(
    *,
    ticket: RefreshTicket,
    status: RefreshStatus,
    actor: User | None = None,
    at: datetime.datetime | None = None,
) -> RefreshTicket:
    """Move a refresh ticket along; done and won't-do close it (with the time), reopening clears that. Audited
    with `actor` (the admin, the API caller). `at` is for loading past history only; people close tickets now."""
    ticket = RefreshTicket.objects.select_for_update().select_related("item").get(pk=ticket.pk)
    if status not in RefreshStatus.values:
        raise ValidationError({"status": f"Unknown status {status!r}."})
    if ticket.status == status:
        return ticket
    before = ticket.status
    closed = status in (RefreshStatus.DONE, RefreshStatus.WONT_DO)
    ticket.status = status
    ticket.closed_at = (at or timezone.now()) if closed else None
    ticket.full_clean()
    ticket.save(update_fields=["status", "closed_at"])
    audit_record(
        action=AuditAction.CHANGED,
        actor=actor,
        object_type="refresh-ticket",
        object_id=ticket.pk,
        summary=f"Refresh ticket of {ticket.item} moved from {before} to {status}",
        evidence={"from": before, "to": status, "closed_at": ticket.closed_at and ticket.closed_at.isoformat()},
    )
    return ticket


@transaction.atomic
def refresh_ticket_update(
    *,
    ticket: RefreshTicket,
    actor: User | None,
    status: RefreshStatus,
    owner: Person | None,
    due_on: datetime.date | None,
) -> RefreshTicket:
    """Change who owns a ticket and when it is due, and move its status (through `refresh_ticket_set_status`, so a
    closed ticket always has its `closed_at`). What it is about (item, reason, source) never changes."""
    current = RefreshTicket.objects.select_for_update().get(pk=ticket.pk)
    if (current.owner_id, current.due_on) != (getattr(owner, "pk", None), due_on):
        current.owner, current.due_on = owner, due_on
        current.full_clean()
        current.save(update_fields=["owner", "due_on"])
        audit_record(
            action=AuditAction.CHANGED,
            actor=actor,
            object_type="refresh-ticket",
            object_id=current.pk,
            subject_person=owner,
            summary=f"Refresh ticket {current.pk} now owned by {owner or 'nobody'}, due {due_on or 'whenever'}",
        )
    return refresh_ticket_set_status(ticket=current, status=status, actor=actor)


@transaction.atomic
def content_item_retire(*, item: ContentItem) -> ContentItem:
    """Retire an item: it stays for history but is no longer offered."""
    if item.status == ContentStatus.RETIRED:
        return item
    item.status = ContentStatus.RETIRED
    item.retired_at = timezone.now()
    item.save(update_fields=["status", "retired_at"])
    return item


def refresh_ticket_open(
    *,
    item: ContentItem,
    reason: str,
    source: RefreshSource = RefreshSource.MANUAL,
    source_reference: str = "",
    owner: Person | None = None,
    due_on: datetime.date | None = None,
) -> RefreshTicket:
    """Open a refresh ticket; the item's owner owns it unless someone else is named."""
    ticket = RefreshTicket(
        item=item,
        reason=reason,
        source=source,
        source_reference=source_reference,
        owner=owner or item.owner,
        due_on=due_on,
        status=RefreshStatus.OPEN,
    )
    ticket.full_clean()
    ticket.save()
    return ticket
