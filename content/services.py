"""Writes to content: releasing versions, retiring items, refresh tickets and the note → tickets loop."""

import datetime
import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from program.choices import AuditAction, RootCauseCategory
from program.constants import LD_ADMIN_GROUP
from program.models import Incident, Person
from program.selectors import user_is_program_admin
from program.services import audit_record
from roles.models import Skill

from .choices import ContentStatus, MatchVerdict, RefreshSource, RefreshStatus, TicketKind, VersionTrigger
from .constants import ROOT_CAUSE_SKILL_TAGS
from .matching import (
    ItemFacts,
    Match,
    NoteFacts,
    SkillFacts,
    TfidfIndex,
    index_for,
    note_matches,
    root_cause_covered,
)
from .models import ContentItem, ContentVersion, RefreshTicket

logger = logging.getLogger(__name__)


@transaction.atomic
def content_version_release(
    *,
    item: ContentItem,
    change_note: str,
    link: str = "",
    review_by: datetime.date | None = None,
    published_at: datetime.datetime | None = None,
    trigger: str = VersionTrigger.NEW,
    refresh_tickets: Iterable[RefreshTicket] = (),
    actor: User | None = None,
) -> ContentVersion:
    """Release the next immutable version of an item and mark the item published.

    `published_at` defaults to now; loading past history (the demo org, an import) passes the real time.
    `trigger` records what made the version necessary; the `refresh_tickets` it answers (open tickets of this
    item) are closed by it, each with its time to refresh (incident start → this version), and an incident
    behind them becomes the version's trigger. Audited with `actor` (the admin, the API caller; None only for loads).
    """
    item = ContentItem.objects.select_for_update(of=("self",)).get(pk=item.pk)
    if item.status == ContentStatus.RETIRED:
        raise ValidationError(f"{item} is retired; it takes no new versions.")
    tickets = list(
        RefreshTicket.objects.select_for_update(of=("self",))
        .select_related("incident")
        .filter(pk__in=[ticket.pk for ticket in refresh_tickets])
        .order_by("pk")
    )
    for ticket in tickets:
        if ticket.item_id != item.pk:
            raise ValidationError({"refresh_tickets": f"Ticket {ticket.pk} is about another item."})
        if ticket.closed_at is not None:
            raise ValidationError({"refresh_tickets": f"Ticket {ticket.pk} is already closed."})
    incident = next((ticket.incident for ticket in tickets if ticket.incident_id), None)
    if incident is not None:
        trigger = VersionTrigger.INCIDENT
    number = (item.versions.aggregate(top=Max("number"))["top"] or 0) + 1
    version = ContentVersion(
        item=item,
        number=number,
        change_note=change_note,
        link=link,
        published_at=published_at or timezone.now(),
        trigger=trigger,
        trigger_incident=incident,
    )
    version.full_clean()
    version.save()
    for ticket in tickets:
        ticket.status = RefreshStatus.DONE
        ticket.closed_at = version.published_at
        ticket.closed_by_version = version
        if ticket.incident_id:
            ticket.time_to_refresh = version.published_at - ticket.incident.started_at
        ticket.save(update_fields=["status", "closed_at", "closed_by_version", "time_to_refresh"])
    item.status = ContentStatus.PUBLISHED
    if review_by is not None:
        item.review_by = review_by
    item.save(update_fields=["status", "review_by"])
    audit_record(
        action=AuditAction.PUBLISHED,
        actor=actor,
        object_type="content-version",
        object_id=version.pk,
        summary=f"Released {version}",
        evidence={"item": item.pk, "number": number, "trigger": trigger, "refresh_tickets": [t.pk for t in tickets]},
    )
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
    ticket = RefreshTicket.objects.select_for_update(of=("self",)).select_related("item").get(pk=ticket.pk)
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
    current = RefreshTicket.objects.select_for_update(of=("self",)).get(pk=ticket.pk)
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
def content_item_retire(
    *, item: ContentItem, replacement: ContentItem | None = None, actor: User | None = None
) -> ContentItem:
    """Retire an item: it stays for history but is no longer offered; `replacement` names what learners take
    instead (learning paths still pointing at the retired item are then flagged, see selectors). Audited with
    `actor` (the admin, the API caller)."""
    if replacement is not None:
        if replacement.pk == item.pk:
            raise ValidationError({"replacement": "An item cannot replace itself."})
        if replacement.status == ContentStatus.RETIRED:
            raise ValidationError({"replacement": f"{replacement} is retired too."})
    if item.status == ContentStatus.RETIRED and (replacement is None or item.replaced_by_id == replacement.pk):
        return item
    item.status = ContentStatus.RETIRED
    item.retired_at = item.retired_at or timezone.now()
    item.replaced_by = replacement or item.replaced_by
    item.full_clean()
    item.save(update_fields=["status", "retired_at", "replaced_by"])
    audit_record(
        action=AuditAction.REMOVED,
        actor=actor,
        object_type="content-item",
        object_id=item.pk,
        summary=f"Retired {item}" + (f", replaced by {item.replaced_by}" if item.replaced_by_id else ""),
        evidence={"replaced_by": item.replaced_by_id},
    )
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
    if item is None:
        raise ValidationError({"item": "A refresh ticket is about an item (coverage gaps come from incidents)."})
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


# --- the owner's verdict --------------------------------------------------------------------------------


@transaction.atomic
def refresh_ticket_review(
    *, ticket: RefreshTicket, verdict: str, by: User | None = None, note: str = ""
) -> RefreshTicket:
    """The owner confirms a matched ticket (it moves to in progress) or dismisses it (closed as won't do; the
    same incident and item never open a ticket again). The verdict stays on the ticket for tuning."""
    if verdict not in (MatchVerdict.CONFIRMED, MatchVerdict.DISMISSED):
        raise ValidationError({"verdict": "Confirm or dismiss."})
    ticket = RefreshTicket.objects.select_for_update(of=("self",)).select_related("owner").get(pk=ticket.pk)
    if by is not None and not user_is_program_admin(by) and (ticket.owner is None or ticket.owner.user_id != by.pk):
        raise PermissionDenied("Only the ticket's owner or an L&D admin gives its verdict.")
    if ticket.closed_at is not None and ticket.status == RefreshStatus.DONE:
        raise ValidationError({"verdict": "The ticket is already closed by a new version."})
    now = timezone.now()
    ticket.verdict, ticket.verdict_note, ticket.verdict_at = verdict, note, now
    if verdict == MatchVerdict.DISMISSED:
        ticket.status, ticket.closed_at = RefreshStatus.WONT_DO, now
    else:
        ticket.status, ticket.closed_at = RefreshStatus.IN_PROGRESS, None
    ticket.full_clean()
    ticket.save(update_fields=["verdict", "verdict_note", "verdict_at", "status", "closed_at"])
    audit_record(
        action=AuditAction.CHANGED,
        actor=by,
        object_type="refresh-ticket",
        object_id=ticket.pk,
        summary=f"{ticket} {verdict}",
        reason=note,
        evidence={"score": ticket.score, "explanation": ticket.explanation},
    )
    return ticket


# --- post-incident note → refresh tickets -----------------------------------------------------------------


def _catalogue_index() -> TfidfIndex:
    """The fitted matching index of every item still offered, with its skills and their tags.

    Four queries whatever the catalogue's size; their raw rows are the index's fingerprint, so the index is
    refitted only when an item's text, its skills or their tags changed."""
    tag_rows = tuple(Skill.tags.through.objects.order_by("pk").values_list("skill_id", "skilltag__name"))
    skill_rows = tuple(Skill.objects.order_by("pk").values_list("id", "key", "name", "description"))
    link_rows = tuple(
        ContentItem.skills.through.objects.order_by("contentitem_id", "skill_id").values_list(
            "contentitem_id", "skill_id"
        )
    )
    item_rows = tuple(
        ContentItem.objects.exclude(status=ContentStatus.RETIRED).order_by("pk").values_list("id", "title", "summary")
    )

    def items() -> list[ItemFacts]:
        skill_tags: dict[int, set[str]] = {}
        for skill_id, tag_name in tag_rows:
            skill_tags.setdefault(skill_id, set()).add(tag_name)
        skills = {
            skill_id: SkillFacts(
                id=skill_id, key=key, name=name, description=description, tags=frozenset(skill_tags.get(skill_id, ()))
            )
            for skill_id, key, name, description in skill_rows
        }
        item_skills: dict[int, list[SkillFacts]] = {}
        for item_id, skill_id in link_rows:
            item_skills.setdefault(item_id, []).append(skills[skill_id])
        return [
            ItemFacts(id=item_id, title=title, summary=summary, skills=tuple(item_skills.get(item_id, ())))
            for item_id, title, summary in item_rows
        ]

    # Python's hash of the rows (C speed): the cache lives in this process, so a per-process hash will do.
    return index_for(hash((tag_rows, skill_rows, link_rows, item_rows)), items)


def note_facts_for(incident: Incident) -> NoteFacts:
    """What the matcher needs to know about an incident's note (one query for its services)."""
    return NoteFacts(
        text=incident.note,
        root_cause=incident.root_cause,
        root_cause_label=RootCauseCategory(incident.root_cause).label,
        service_names=tuple(incident.services.order_by("name").values_list("name", flat=True)),
        cause_tags=ROOT_CAUSE_SKILL_TAGS.get(incident.root_cause, frozenset()),
    )


def _reason(incident: Incident, match: Match) -> str:
    skill = f" ({match.skill.name})" if match.skill else ""
    terms = ", ".join(match.matched_terms[:4]) or "similar wording"
    return (
        f"Incident “{incident.title}” ({incident.started_at:%Y-%m-%d}) matched this item{skill} on {terms}: "
        f"score {match.score:.2f} ≥ {match.threshold:.2f}."
    )


@transaction.atomic
def incident_note_refresh(
    *, incident_id: int, today: datetime.date | None = None, notify: bool = True
) -> list[RefreshTicket]:
    """Match an incident's post-incident note to content and open the tickets it calls for.

    One refresh ticket per matching item above `REFRESH_MATCH_THRESHOLD`, for the item's owner, due in
    `REFRESH_TICKET_DUE_DAYS`, with its explanation; a coverage-gap ticket for the L&D admins when no match
    covers the root cause. An item that already has a ticket for this incident (open, done or dismissed) gets
    none, so a changed note only adds what is new. Owners (and, for a gap, the admins) are emailed after
    commit (`notify=False` when loading past history). A constant number of queries, whatever the size of the
    catalogue.
    """
    # Locking the incident serializes two runs for one note (two quick edits).
    incident = Incident.objects.select_for_update(of=("self",)).filter(pk=incident_id).first()
    if incident is None or not incident.note.strip():
        return []
    note = note_facts_for(incident)
    threshold = settings.REFRESH_MATCH_THRESHOLD
    matches = note_matches(note, _catalogue_index(), threshold=threshold)
    existing = set(RefreshTicket.objects.filter(incident=incident).values_list("kind", "item_id"))
    owners = dict(ContentItem.objects.filter(pk__in=[match.item_id for match in matches]).values_list("pk", "owner_id"))
    due_on = (today or timezone.localdate()) + datetime.timedelta(days=settings.REFRESH_TICKET_DUE_DAYS)
    new_tickets = [
        RefreshTicket(
            kind=TicketKind.REFRESH,
            item_id=match.item_id,
            incident=incident,
            reason=_reason(incident, match),
            source=RefreshSource.INCIDENT,
            source_reference=f"incident:{incident.pk}",
            owner_id=owners.get(match.item_id),
            due_on=due_on,
            score=round(match.score, 4),
            explanation=match.explanation(note),
        )
        for match in matches
        if (TicketKind.REFRESH, match.item_id) not in existing
    ]
    if not root_cause_covered(note, matches) and (TicketKind.COVERAGE_GAP, None) not in existing:
        new_tickets.append(
            RefreshTicket(
                kind=TicketKind.COVERAGE_GAP,
                incident=incident,
                reason=(
                    f"No content covers the root cause of “{incident.title}” "
                    f"({RootCauseCategory(incident.root_cause).label}) above the threshold {threshold:.2f}."
                ),
                source=RefreshSource.INCIDENT,
                source_reference=f"incident:{incident.pk}",
                due_on=due_on,
                explanation={
                    "root_cause": incident.root_cause,
                    "skill_tags_wanted": sorted(note.cause_tags),
                    "services": list(note.service_names),
                    "threshold": threshold,
                    "best_matches": [match.explanation(note) for match in matches[:3]],
                    "note_excerpt": incident.note[:280],
                },
            )
        )
    created = RefreshTicket.objects.bulk_create(new_tickets)
    if created and notify:
        transaction.on_commit(lambda: refresh_tickets_notify(ticket_ids=[ticket.pk for ticket in created]))
    return created


def refresh_tickets_notify(*, ticket_ids: list[int]) -> int:
    """Email each owner their new tickets, and the L&D admins the coverage gaps; returns emails sent."""
    tickets = RefreshTicket.objects.filter(pk__in=ticket_ids).select_related("item", "owner", "incident")
    by_recipient: dict[str, list[RefreshTicket]] = {}
    admin_emails: list[str] = []
    for ticket in tickets:
        if ticket.kind == TicketKind.COVERAGE_GAP:
            if not admin_emails:
                admin_emails = list(
                    User.objects.filter(groups__name=LD_ADMIN_GROUP, is_active=True)
                    .exclude(email="")
                    .order_by("email")
                    .values_list("email", flat=True)
                    .distinct()
                )
            for email in admin_emails:
                by_recipient.setdefault(email, []).append(ticket)
        elif ticket.owner and ticket.owner.email:
            by_recipient.setdefault(ticket.owner.email, []).append(ticket)
    sent = 0
    for email, own in sorted(by_recipient.items()):
        lines = []
        for ticket in own:
            explanation = ticket.explanation
            lines.append(f"- {ticket.item or 'Coverage gap'}, due {ticket.due_on}: {ticket.reason}")
            if explanation.get("note_excerpt"):
                lines.append(f"  From the note: “{explanation['note_excerpt']}”")
        subject = f"{len(own)} content refresh ticket{'s' if len(own) > 1 else ''} from a post-incident note"
        sent += send_mail(subject, "\n".join(lines), settings.DEFAULT_FROM_EMAIL, [email], fail_silently=False)
    return sent
