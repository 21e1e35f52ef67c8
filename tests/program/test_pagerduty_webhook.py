"""The PagerDuty v3 webhook: signatures, dedupe, 202 then the worker, malformed bodies kept, incident times."""

import datetime
import json
import logging
import time

import pytest
from django.urls import reverse

from program.choices import IncidentSource, WebhookStatus
from program.incidents.pagerduty import signature_for, signature_valid
from program.incidents.services import pagerduty_subscription_save, pagerduty_subscription_secrets
from program.models import Incident, PagerDutyServiceMapping, ReceivedWebhook
from tests.program.factories import ServiceFactory

pytestmark = pytest.mark.django_db

SECRET = "pd-secret-current-0123456789"
OLD_SECRET = "pd-secret-previous-9876543210"
BODY = b'{"event": {"id": "01ABC", "event_type": "incident.triggered"}}'


# --- the signature, pure -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header, secrets, valid",
    [
        (signature_for(BODY, SECRET), [SECRET], True),
        # Rotation: PagerDuty sends one signature per secret it holds; any match is enough.
        (f"{signature_for(BODY, OLD_SECRET)},{signature_for(BODY, SECRET)}", [SECRET], True),
        # Rotation on our side: we keep the old and the new secret until PagerDuty signs with the new one only.
        (signature_for(BODY, OLD_SECRET), [SECRET, OLD_SECRET], True),
        (signature_for(BODY, "someone-else"), [SECRET], False),
        (None, [SECRET], False),
        ("", [SECRET], False),
        (signature_for(BODY, SECRET).replace("v1=", "v0="), [SECRET], False),
        (signature_for(BODY, SECRET), [], False),
    ],
    ids=["good", "rotated-theirs", "rotated-ours", "bad", "missing", "empty", "wrong-version", "no-secret"],
)
def test_signature_valid(header, secrets, valid):
    assert signature_valid(BODY, header, secrets) is valid


def test_a_tampered_body_fails_its_signature():
    header = signature_for(BODY, SECRET)
    assert not signature_valid(BODY.replace(b"triggered", b"resolved"), header, [SECRET])


# --- the endpoint ------------------------------------------------------------------------------------------


@pytest.fixture
def subscription():
    return pagerduty_subscription_save(name="Checkout on-call", secrets=[SECRET, OLD_SECRET])


@pytest.fixture
def gateway():
    service = ServiceFactory(slug="payments-gateway", name="Payments gateway")
    PagerDutyServiceMapping.objects.create(
        pagerduty_service_id="PGW1", pagerduty_service_name="Payments GW", service=service
    )
    return service


def _event(event_type: str, *, incident_id="Q1GATEWAY", occurred_at="2026-10-01T12:04:00Z", **data) -> dict:
    if event_type == "incident.annotated":
        payload = {"incident": {"id": incident_id}, "content": data.get("content", ""), "trimmed": False}
    else:
        payload = {
            "id": incident_id,
            "title": "Gateway timeouts at checkout",
            "urgency": "high",
            "created_at": "2026-10-01T12:00:00Z",
            "service": {"id": "PGW1", "summary": "Payments GW"},
        } | data
    return {
        "event": {
            "id": f"evt-{event_type}-{occurred_at}",
            "event_type": event_type,
            "resource_type": "incident",
            "occurred_at": occurred_at,
            "agent": None,
            "data": payload,
        }
    }


def _post(client, subscription, body: bytes, *, webhook_id="wh-1", secret=SECRET, signature=None):
    headers = {"X-Webhook-Id": webhook_id}
    if signature is not False:
        headers["X-PagerDuty-Signature"] = signature or signature_for(body, secret)
    return client.post(
        reverse("pagerduty-webhook", args=[subscription.pk]), body, content_type="application/json", headers=headers
    )


def test_secrets_are_encrypted_at_rest(subscription):
    assert SECRET not in subscription.secrets_encrypted
    assert pagerduty_subscription_secrets(subscription) == [SECRET, OLD_SECRET]


def test_signed_events_answer_202_and_the_worker_builds_the_incident(
    client, subscription, gateway, django_capture_on_commit_callbacks
):
    steps = [
        ("incident.triggered", "2026-10-01T12:03:00Z"),
        ("incident.acknowledged", "2026-10-01T12:07:00Z"),
        ("incident.resolved", "2026-10-01T12:38:00Z"),
    ]
    for number, (event_type, at) in enumerate(steps):
        body = json.dumps(_event(event_type, occurred_at=at)).encode()
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            response = _post(client, subscription, body, webhook_id=f"wh-{number}")
        assert response.status_code == 202
        assert len(callbacks) == 1  # the processing is queued, not done in the request

    incident = Incident.objects.get(source=IncidentSource.PAGERDUTY, external_id="Q1GATEWAY")
    utc = datetime.UTC
    assert incident.started_at == datetime.datetime(2026, 10, 1, 12, 0, tzinfo=utc)
    assert incident.detected_at == datetime.datetime(2026, 10, 1, 12, 3, tzinfo=utc)
    assert incident.acknowledged_at == datetime.datetime(2026, 10, 1, 12, 7, tzinfo=utc)
    assert incident.restored_at == datetime.datetime(2026, 10, 1, 12, 38, tzinfo=utc)
    assert incident.time_to_restore == datetime.timedelta(minutes=38)
    assert list(incident.services.all()) == [gateway]
    assert incident.severity == "sev2"
    assert set(ReceivedWebhook.objects.values_list("status", flat=True)) == {WebhookStatus.PROCESSED}


def test_an_annotation_appends_to_the_note(client, subscription, gateway, django_capture_on_commit_callbacks):
    for number, event in enumerate(
        [
            _event("incident.triggered"),
            _event("incident.annotated", content="Gateway p99 hit 30 s; retries doubled the load."),
            _event(
                "incident.annotated",
                content="Rolled back the client timeout change.",
                occurred_at="2026-10-01T12:30:00Z",
            ),
        ]
    ):
        with django_capture_on_commit_callbacks(execute=True):
            assert _post(client, subscription, json.dumps(event).encode(), webhook_id=f"wh-{number}").status_code == 202

    note = Incident.objects.get(external_id="Q1GATEWAY").note
    assert note == "Gateway p99 hit 30 s; retries doubled the load.\n\nRolled back the client timeout change."


@pytest.mark.parametrize("signature", ["v1=" + "0" * 64, False], ids=["bad", "missing"])
def test_a_bad_or_missing_signature_is_refused_and_logged(client, subscription, caplog, signature):
    body = json.dumps(_event("incident.triggered")).encode()
    with caplog.at_level(logging.WARNING, logger="program.incidents.views"):
        response = _post(client, subscription, body, signature=signature)

    assert response.status_code == 401
    assert not ReceivedWebhook.objects.exists()
    assert "PagerDuty webhook refused" in caplog.text


def test_a_tampered_body_is_refused(client, subscription):
    body = json.dumps(_event("incident.triggered")).encode()
    response = _post(client, subscription, body.replace(b"Gateway", b"Gateaux"), signature=signature_for(body, SECRET))
    assert response.status_code == 401


def test_a_signature_with_the_old_secret_still_passes_during_rotation(client, subscription, gateway):
    body = json.dumps(_event("incident.triggered")).encode()
    assert _post(client, subscription, body, secret=OLD_SECRET).status_code == 202


def test_an_inactive_or_unknown_subscription_is_404(client, subscription):
    subscription.active = False
    subscription.save()
    body = json.dumps(_event("incident.triggered")).encode()
    assert _post(client, subscription, body).status_code == 404


def test_a_redelivery_is_kept_and_processed_once(client, subscription, gateway, django_capture_on_commit_callbacks):
    body = json.dumps(_event("incident.annotated", content="first")).encode()
    trigger = json.dumps(_event("incident.triggered")).encode()
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, subscription, trigger, webhook_id="wh-trigger")
    for _ in range(3):  # PagerDuty retries when our 2xx was lost
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            response = _post(client, subscription, body, webhook_id="wh-note")
        assert response.status_code == 202

    assert response.json()["duplicate"] is True
    assert len(callbacks) == 0
    assert ReceivedWebhook.objects.filter(webhook_id="wh-note").count() == 1
    assert Incident.objects.get(external_id="Q1GATEWAY").note == "first"


@pytest.mark.parametrize(
    "body, reason",
    [
        (b"not json at all", "body is not JSON"),
        (
            b'{"event": {"id": "e1", "event_type": "incident.triggered", "occurred_at": "2026-10-01T12:00:00Z"}}',
            "event.data",
        ),
        (json.dumps(_event("incident.triggered", created_at="yesterday")).encode(), "event.data.created_at"),
        (json.dumps(_event("incident.resolved", occurred_at="2026-10-01T12:00:00")).encode(), "no time zone"),
    ],
    ids=["not-json", "no-data", "bad-time", "naive-time"],
)
def test_a_malformed_payload_is_kept_with_its_reason(
    client, subscription, django_capture_on_commit_callbacks, body, reason
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, subscription, body)

    assert response.status_code == 202  # signed, so PagerDuty must not retry it; we keep it instead
    delivery = ReceivedWebhook.objects.get()
    assert delivery.status == WebhookStatus.MALFORMED
    assert reason in delivery.reason
    assert delivery.body == body.decode()
    assert not Incident.objects.exists()


def test_an_unmapped_service_keeps_the_incident_and_says_why(client, subscription, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, subscription, json.dumps(_event("incident.triggered")).encode())

    delivery = ReceivedWebhook.objects.get()
    assert delivery.status == WebhookStatus.PROCESSED
    assert "PGW1" in delivery.reason and "not mapped" in delivery.reason
    assert delivery.incident.services.count() == 0


def test_other_event_types_are_ignored(client, subscription, django_capture_on_commit_callbacks):
    event = _event("incident.triggered")
    event["event"]["event_type"] = "incident.priority_updated"
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, subscription, json.dumps(event).encode())
    assert ReceivedWebhook.objects.get().status == WebhookStatus.IGNORED


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_real_worker_processes_a_delivery_after_the_202(client, celery_worker_process, gateway):
    subscription = pagerduty_subscription_save(name="Worker test", secrets=[SECRET])
    response = _post(client, subscription, json.dumps(_event("incident.triggered")).encode())
    assert response.status_code == 202

    delivery = ReceivedWebhook.objects.get(pk=response.json()["delivery"])
    deadline = time.monotonic() + 30
    while delivery.status == WebhookStatus.RECEIVED and time.monotonic() < deadline:
        time.sleep(0.2)
        delivery.refresh_from_db()
    assert delivery.status == WebhookStatus.PROCESSED
    assert delivery.incident.services.get() == gateway
