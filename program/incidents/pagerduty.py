"""PagerDuty v3 webhooks, pure: signature verification and event parsing (no database, no HTTP).

PagerDuty signs the raw body with HMAC-SHA256 and each subscription secret it holds, and sends every
signature in `X-PagerDuty-Signature: v1=<hex>,v1=<hex>` (several during a secret rotation). A delivery is
genuine when any signature matches any of our secrets; comparisons are constant-time.
"""

import datetime
import hashlib
import hmac
import json
from dataclasses import dataclass

from program.validators import text_problem

SIGNATURE_VERSION = "v1="
# The event types that move an incident; others (reassigned, priority_updated...) are kept and ignored.
INCIDENT_EVENT_TYPES = frozenset(
    {"incident.triggered", "incident.acknowledged", "incident.resolved", "incident.annotated"}
)


class MalformedEvent(ValueError):
    """The body is signed but is not an event the portal can read; the message says why."""


def signature_for(body: bytes, secret: str) -> str:
    """The `v1=` signature PagerDuty would send for this body and secret (used by tests and the demo)."""
    return SIGNATURE_VERSION + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_valid(body: bytes, header: str | None, secrets: list[str]) -> bool:
    """Whether any `v1=` signature of the header is the HMAC-SHA256 of `body` under any of `secrets`."""
    if not header or not secrets:
        return False
    offered = [part.strip() for part in header.split(",") if part.strip().startswith(SIGNATURE_VERSION)]
    expected = [signature_for(body, secret) for secret in secrets if secret]
    matched = False
    # Every pair is compared, so the time taken does not tell which one matched.
    for signature in offered:
        for candidate in expected:
            matched |= hmac.compare_digest(signature.encode(), candidate.encode())
    return matched


@dataclass(frozen=True)
class PagerDutyEvent:
    """What the portal reads from one event."""

    event_id: str
    event_type: str
    occurred_at: datetime.datetime
    incident_id: str
    title: str = ""
    urgency: str = ""
    created_at: datetime.datetime | None = None
    service_id: str = ""
    service_name: str = ""
    note: str = ""


def _timestamp(value, field: str) -> datetime.datetime:
    if not isinstance(value, str):
        raise MalformedEvent(f"{field} is missing or not a string")
    try:
        parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as error:
        raise MalformedEvent(f"{field} is not an ISO 8601 time: {value[:40]!r}") from error
    if parsed.tzinfo is None:
        raise MalformedEvent(f"{field} has no time zone: {value[:40]!r}")
    return parsed


def _text(container: dict, key: str, field: str, *, required: bool = True) -> str:
    value = container.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise MalformedEvent(f"{field} is missing or not a string")
    if problem := text_problem(value):  # e.g. a "\u0000" escape: PostgreSQL cannot store it
        raise MalformedEvent(f"{field}: {problem}")
    return value


def event_parse(body: bytes) -> PagerDutyEvent | None:
    """Read one v3 event; None for an event type the portal does not use; MalformedEvent says what is wrong."""
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise MalformedEvent(f"body is not JSON: {error}") from error
    event = payload.get("event") if isinstance(payload, dict) else None
    if not isinstance(event, dict):
        raise MalformedEvent("no `event` object")
    event_type = _text(event, "event_type", "event.event_type")
    if event_type not in INCIDENT_EVENT_TYPES:
        return None
    data = event.get("data")
    if not isinstance(data, dict):
        raise MalformedEvent("event.data is missing or not an object")
    event_id = _text(event, "id", "event.id")
    occurred_at = _timestamp(event.get("occurred_at"), "event.occurred_at")
    if event_type == "incident.annotated":
        incident = data.get("incident")
        if not isinstance(incident, dict):
            raise MalformedEvent("event.data.incident is missing or not an object")
        return PagerDutyEvent(
            event_id=event_id,
            event_type=event_type,
            occurred_at=occurred_at,
            incident_id=_text(incident, "id", "event.data.incident.id"),
            note=_text(data, "content", "event.data.content"),
        )
    service = data.get("service")
    if not isinstance(service, dict):
        raise MalformedEvent("event.data.service is missing or not an object")
    return PagerDutyEvent(
        event_id=event_id,
        event_type=event_type,
        occurred_at=occurred_at,
        incident_id=_text(data, "id", "event.data.id"),
        title=_text(data, "title", "event.data.title")[:200],
        urgency=_text(data, "urgency", "event.data.urgency", required=False),
        created_at=_timestamp(data.get("created_at"), "event.data.created_at"),
        service_id=_text(service, "id", "event.data.service.id"),
        service_name=_text(service, "summary", "event.data.service.summary", required=False),
    )
