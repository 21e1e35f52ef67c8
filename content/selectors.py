"""Reads of content as a product: what needs attention (no owner, review overdue, retired but still in a
path), overdue reviews per owner, and the owners' verdicts on matched tickets (for tuning the matcher)."""

import datetime

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet
from django.utils import timezone

from program.selectors import person_for_user, user_is_program_admin

from .choices import ContentStatus, MatchVerdict
from .models import ContentItem, RefreshTicket

ATTENTION_REASONS = ("no_owner", "overdue", "retired_in_path")


def _attention_conditions(today: datetime.date) -> dict[str, Q]:
    offered = ~Q(status=ContentStatus.RETIRED)
    return {
        "no_owner": offered & Q(owner__isnull=True),
        "overdue": offered & Q(review_by__lt=today),
        "retired_in_path": Q(status=ContentStatus.RETIRED, path_steps__isnull=False),
    }


def content_items_needing_attention(
    *, reason: str | None = None, today: datetime.date | None = None
) -> QuerySet[ContentItem]:
    """Items an L&D admin should act on: offered without an owner, past their review date, or retired while a
    learning path still points at them (`reason` narrows to one of ATTENTION_REASONS)."""
    conditions = _attention_conditions(today or timezone.localdate())
    if reason is not None:
        condition = conditions[reason]
    else:
        condition = conditions["no_owner"] | conditions["overdue"] | conditions["retired_in_path"]
    matching = ContentItem.objects.filter(condition).values("pk")
    return (
        ContentItem.objects.filter(pk__in=matching).select_related("owner", "replaced_by").order_by("review_by", "pk")
    )


def content_item_flags(item: ContentItem, *, today: datetime.date | None = None, in_a_path: bool = False) -> list[str]:
    """Why one item needs attention, in words (an empty list when it does not)."""
    today = today or timezone.localdate()
    flags = []
    if item.status != ContentStatus.RETIRED:
        if item.owner_id is None:
            flags.append("no owner")
        if item.review_by and item.review_by < today:
            flags.append(f"review overdue since {item.review_by.isoformat()}")
    elif in_a_path:
        flags.append(f"retired but still in a learning path (replacement: {item.replaced_by or 'none named'})")
    return flags


def content_overdue_for(user: User | AnonymousUser, *, today: datetime.date | None = None) -> QuerySet[ContentItem]:
    """Offered items past their review date: an owner sees their own, L&D admins every one."""
    overdue = ContentItem.objects.filter(review_by__lt=today or timezone.localdate()).exclude(
        status=ContentStatus.RETIRED
    )
    if not user_is_program_admin(user):
        person = person_for_user(user)
        overdue = overdue.filter(owner=person) if person else overdue.none()
    return overdue.select_related("owner").order_by("review_by", "pk")


def refresh_tickets_open_for(user: User | AnonymousUser) -> QuerySet[RefreshTicket]:
    """Open refresh tickets: an owner's own; L&D admins every one, coverage gaps included."""
    tickets = RefreshTicket.objects.filter(closed_at__isnull=True).select_related("item", "owner", "incident")
    if user_is_program_admin(user):
        return tickets
    person = person_for_user(user)
    return tickets.filter(owner=person) if person else tickets.none()


def refresh_match_feedback() -> list[dict]:
    """Owners' verdicts on tickets opened by matching, with score and threshold: the data to tune the
    threshold (a dismissed ticket scoring high says it is too low)."""
    return list(
        RefreshTicket.objects.filter(score__isnull=False)
        .exclude(verdict=MatchVerdict.PENDING)
        .order_by("-score", "pk")
        .values("pk", "item_id", "incident_id", "score", "verdict", "explanation__threshold")
    )
