"""Writes of incidents: recording them (admin, API), PagerDuty deliveries, and handing the note to content.

The post-incident note feeds the content refresh loop, which lives above program: when a note is new or
changed we queue the content app's task by its registered name (`INCIDENT_NOTE_TASK`), never importing it.
"""

import datetime
import logging
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from program.choices import IncidentSeverity, IncidentSource, RootCauseCategory, WebhookStatus
from program.crypto import secret_decrypt, secret_encrypt
from program.models import (
    Incident,
    PagerDutyServiceMapping,
    PagerDutySubscription,
    Person,
    ReceivedWebhook,
    Service,
)
from program.services import task_queue_by_name
from program.validators import NOTE_MAX_LENGTH, storable_text

from .pagerduty import MalformedEvent, PagerDutyEvent, event_parse

logger = logging.getLogger(__name__)

# Implemented by content/tasks.py: match the note to content and open refresh tickets.
INCIDENT_NOTE_TASK = "content.incident_note_refresh"
WEBHOOK_PROCESS_TASK = "program.pagerduty_webhook_process"
# PagerDuty's urgency is all a webhook says about severity; an admin refines it.
SEVERITY_BY_URGENCY = {"high": IncidentSeverity.SEV2, "low": IncidentSeverity.SEV3}


def incident_note_refresh_queue(*, incident: Incident) -> None:
    """Ask the content app to match this incident's note to content (after commit)."""
    task_queue_by_name(INCIDENT_NOTE_TASK, incident.pk)


@transaction.atomic
def incident_record(
    *,
    title: str,
    services: Iterable[Service],
    started_at: datetime.datetime,
    severity: str = IncidentSeverity.SEV3,
    detected_at: datetime.datetime | None = None,
    acknowledged_at: datetime.datetime | None = None,
    mitigated_at: datetime.datetime | None = None,
    restored_at: datetime.datetime | None = None,
    root_cause: str = RootCauseCategory.UNKNOWN,
    responders: Iterable[Person] = (),
    note: str = "",
    source: str = IncidentSource.MANUAL,
    external_id: str = "",
) -> Incident:
    """Record an incident, or update the one with the same `source` and `external_id` (a push is idempotent:
    sending it again replaces, never doubles). A new or changed note queues the content refresh."""
    incident = None
    if external_id:
        incident = (
            Incident.objects.select_for_update(of=("self",)).filter(source=source, external_id=external_id).first()
        )
    previous_note = incident.note if incident else ""
    incident = incident or Incident(source=source, external_id=external_id)
    for field, value in {
        "title": title,
        "severity": severity,
        "started_at": started_at,
        "detected_at": detected_at,
        "acknowledged_at": acknowledged_at,
        "mitigated_at": mitigated_at,
        "restored_at": restored_at,
        "root_cause": root_cause,
        "note": note,
    }.items():
        setattr(incident, field, value)
    incident.full_clean()
    incident.save()
    incident.services.set(services)
    incident.responders.set(responders)
    if incident.note.strip() and incident.note != previous_note:
        incident_note_refresh_queue(incident=incident)
    return incident


@transaction.atomic
def incident_save(*, incident: Incident, previous_note: str) -> Incident:
    """Save an incident edited in the admin; a new or changed note queues the content refresh."""
    incident.full_clean()
    incident.save()
    if incident.note.strip() and incident.note != previous_note:
        incident_note_refresh_queue(incident=incident)
    return incident


# --- PagerDuty ------------------------------------------------------------------------------------------


def pagerduty_subscription_secrets(subscription: PagerDutySubscription) -> list[str]:
    """The subscription's signing secrets in clear (one per line when stored)."""
    if not subscription.secrets_encrypted:
        return []
    return [line.strip() for line in secret_decrypt(subscription.secrets_encrypted).splitlines() if line.strip()]


@transaction.atomic
def pagerduty_subscription_save(
    *, name: str, secrets: list[str] | None = None, active: bool = True, subscription=None
) -> PagerDutySubscription:
    """Create or update a subscription; `secrets` (when given) replace the stored ones, encrypted."""
    subscription = subscription or PagerDutySubscription()
    subscription.name = name
    subscription.active = active
    if secrets is not None:
        cleaned = [secret.strip() for secret in secrets if secret.strip()]
        if not cleaned:
            raise ValueError("A subscription needs at least one signing secret.")
        subscription.secrets_encrypted = secret_encrypt("\n".join(cleaned))
    subscription.full_clean()
    subscription.save()
    return subscription


@transaction.atomic
def pagerduty_webhook_receive(
    *, subscription: PagerDutySubscription, webhook_id: str, body: bytes
) -> tuple[ReceivedWebhook, bool]:
    """Keep a signed delivery once (a redelivery with the same webhook id is a no-op) and queue its processing.

    Returns the delivery and whether it is new."""
    delivery, created = ReceivedWebhook.objects.get_or_create(
        subscription=subscription,
        webhook_id=webhook_id,
        # Kept as text PostgreSQL can store; the signature was checked on the raw bytes already.
        defaults={"body": storable_text(body.decode("utf-8", errors="replace"))},
    )
    if created:
        task_queue_by_name(WEBHOOK_PROCESS_TASK, delivery.pk)
    return delivery, created


def _finish(delivery: ReceivedWebhook, status: str, reason: str = "", incident: Incident | None = None) -> None:
    delivery.status = status
    delivery.reason = reason
    delivery.incident = incident
    delivery.processed_at = timezone.now()
    delivery.save(update_fields=["status", "reason", "incident", "processed_at", "event_type"])


@transaction.atomic
def pagerduty_webhook_process(*, delivery_id: int) -> ReceivedWebhook:
    """Apply one received delivery to its incident: triggered, acknowledged and resolved set the times,
    annotated adds the note. A malformed body is kept with its reason; processing twice changes nothing."""
    delivery = ReceivedWebhook.objects.select_for_update(of=("self",)).get(pk=delivery_id)
    if delivery.status != WebhookStatus.RECEIVED:
        return delivery
    try:
        event = event_parse(delivery.body.encode())
    except MalformedEvent as error:
        logger.warning("PagerDuty delivery %s is malformed: %s", delivery.webhook_id, error)
        _finish(delivery, WebhookStatus.MALFORMED, str(error))
        return delivery
    if event is None:
        _finish(delivery, WebhookStatus.IGNORED, "an event type the portal does not use")
        return delivery
    delivery.event_type = event.event_type
    if event.event_type == "incident.annotated":
        incident = Incident.objects.filter(source=IncidentSource.PAGERDUTY, external_id=event.incident_id).first()
        if incident is None:
            _finish(delivery, WebhookStatus.IGNORED, f"a note on {event.incident_id}, which the portal has not seen")
            return delivery
        note = f"{incident.note.rstrip()}\n\n{storable_text(event.note).strip()}".strip()
        # A very long annotation thread keeps its start: the note is a summary, PagerDuty keeps the rest.
        incident.note = note if len(note) <= NOTE_MAX_LENGTH else note[: NOTE_MAX_LENGTH - 1] + "…"
        incident.save(update_fields=["note", "updated_at"])
        incident_note_refresh_queue(incident=incident)
        _finish(delivery, WebhookStatus.PROCESSED, incident=incident)
        return delivery
    incident, reason = _incident_from_event(event)
    _finish(delivery, WebhookStatus.PROCESSED, reason, incident)
    return delivery


def _incident_from_event(event: PagerDutyEvent) -> tuple[Incident, str]:
    """Create or move the incident of a triggered/acknowledged/resolved event; the reason notes an unmapped
    PagerDuty service (the incident is kept, counted for no service until a mapping is added)."""
    incident = (
        Incident.objects.select_for_update(of=("self",))
        .filter(source=IncidentSource.PAGERDUTY, external_id=event.incident_id)
        .first()
    )
    if incident is None:
        incident = Incident(
            source=IncidentSource.PAGERDUTY,
            external_id=storable_text(event.incident_id)[:100],
            title=storable_text(event.title or event.incident_id)[:200],
            started_at=event.created_at,
            severity=SEVERITY_BY_URGENCY.get(event.urgency, IncidentSeverity.SEV3),
        )
    # A clock a little behind PagerDuty's must not put a step before the start.
    at = max(event.occurred_at, incident.started_at)
    if event.event_type == "incident.triggered":
        incident.detected_at = incident.detected_at or at
    elif event.event_type == "incident.acknowledged":
        incident.detected_at = incident.detected_at or at
        incident.acknowledged_at = incident.acknowledged_at or at
    elif event.event_type == "incident.resolved":
        incident.restored_at = at
    incident.full_clean()
    incident.save()
    mapping = PagerDutyServiceMapping.objects.filter(pagerduty_service_id=event.service_id).first()
    if mapping is None:
        return incident, f"PagerDuty service {event.service_id} ({event.service_name}) is not mapped to a service"
    incident.services.add(mapping.service_id)
    return incident, ""
