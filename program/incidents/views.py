"""The PagerDuty v3 webhook endpoint: verify, keep once, answer 202; the worker does the rest."""

import hashlib
import logging

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from program.models import PagerDutySubscription

from .pagerduty import signature_valid
from .services import pagerduty_subscription_secrets, pagerduty_webhook_receive

logger = logging.getLogger(__name__)

# PagerDuty's events are a few kB; anything far larger is not one of them.
MAX_BODY_BYTES = 512 * 1024


@csrf_exempt  # authenticated by the HMAC signature, not a session
@require_POST
def pagerduty_webhook(request, subscription_id: int):
    """Receive one PagerDuty v3 event for a subscription (202 once kept; 401 on a bad or missing signature)."""
    subscription = PagerDutySubscription.objects.filter(pk=subscription_id, active=True).first()
    if subscription is None:
        return JsonResponse({"detail": "No such webhook subscription."}, status=404)
    body = request.body
    if len(body) > MAX_BODY_BYTES:
        return JsonResponse({"detail": "Body too large."}, status=413)
    signature = request.headers.get("X-PagerDuty-Signature")
    if not signature_valid(body, signature, pagerduty_subscription_secrets(subscription)):
        logger.warning(
            "PagerDuty webhook refused: %s signature for subscription %s (webhook id %r, from %s)",
            "bad" if signature else "missing",
            subscription.pk,
            request.headers.get("X-Webhook-Id", "")[:100],
            request.META.get("REMOTE_ADDR", "?"),
        )
        return JsonResponse({"detail": "Invalid signature."}, status=401)
    # PagerDuty always sends the id; without one, the body's digest still dedupes an identical redelivery.
    webhook_id = request.headers.get("X-Webhook-Id", "").strip()[:100] or f"sha256:{hashlib.sha256(body).hexdigest()}"
    delivery, created = pagerduty_webhook_receive(subscription=subscription, webhook_id=webhook_id, body=body)
    return JsonResponse({"delivery": delivery.pk, "duplicate": not created}, status=202)
