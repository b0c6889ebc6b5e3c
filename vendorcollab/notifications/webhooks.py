"""Webhooks to the buyer's ERP: what each event's JSON says, how it is signed, and one delivery attempt over HTTP.

The body of a delivery is ``{"event", "id", "created_at", "data"}``, serialised the same way on every attempt, so a
receiver can check ``X-Vendorcollab-Signature: sha256=<hex HMAC-SHA256 of the raw body with the endpoint's
secret>`` and drop a repeat by its ``id``. A failed attempt (a status outside 2xx, a redirect, a timeout, a
refused connection) is recorded and the next one scheduled with back-off; after ``MAX_ATTEMPTS`` the delivery has
failed and waits for an admin's "retry now".
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import F
from django.utils import timezone

from vendorcollab.common.events import Event, Payload
from vendorcollab.purchasing.models import PurchaseOrder, Receipt, VendorResponse

from .models import BACKOFF, MAX_ATTEMPTS, DeliveryStatus, WebhookDelivery, WebhookEndpoint

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Vendorcollab-Signature"
EVENT_HEADER = "X-Vendorcollab-Event"
DELIVERY_HEADER = "X-Vendorcollab-Delivery"
TIMEOUT_SECONDS = 5
# How long an attempt in progress keeps the delivery to itself: far longer than the timeout, so a second worker
# never posts it at the same time, short enough that a crashed worker's delivery is picked up again soon.
LEASE = timedelta(minutes=2)
USER_AGENT = "vendorcollab-webhooks/1"
ERROR_MAX_LENGTH = 500


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def body_of(delivery: WebhookDelivery) -> bytes:
    envelope = {
        "event": delivery.event,
        "id": delivery.pk,
        "created_at": delivery.created_at.isoformat(),
        "data": delivery.payload,
    }
    return json.dumps(envelope, separators=(",", ":"), ensure_ascii=False).encode()


# --- what each event tells the ERP ---------------------------------------------------------------------------


def _po_facts(po: PurchaseOrder) -> dict[str, Any]:
    return {
        "purchase_order": po.pk,
        "number": po.number,
        "company": po.company_id,
        "company_code": po.company.code,
        "vendor": po.vendor_id,
        "vendor_number": po.vendor.number,
        "status": po.status,
        "origin": po.origin,
    }


def _load_po(pk: int) -> PurchaseOrder:
    return PurchaseOrder.objects.select_related("company", "vendor").get(pk=pk)


def _response_submitted(payload: Payload) -> dict[str, Any]:
    po = _load_po(payload["purchase_order"])
    response = VendorResponse.objects.get(pk=payload["response"])
    return {
        **_po_facts(po),
        "version": payload["version"],
        "version_label": f"{po.number}-{payload['version']}",
        "response": response.pk,
        "response_kind": response.kind,
        "vendor_reference": response.vendor_reference,
        "submitted_at": response.submitted_at.isoformat(),
    }


def _po_confirmed(payload: Payload) -> dict[str, Any]:
    po = _load_po(payload["purchase_order"])
    return {
        **_po_facts(po),
        "version": payload["version"],
        "version_label": f"{po.number}-{payload['version']}",
        "automatic": bool(payload.get("automatic")),
        "confirmed_at": po.confirmed_at.isoformat() if po.confirmed_at else None,
    }


def _receipt_posted(payload: Payload) -> dict[str, Any]:
    po = _load_po(payload["purchase_order"])
    receipt = Receipt.objects.get(pk=payload["receipt"])
    lines = [
        {"line_number": line_number, "quantity": str(quantity)}
        for line_number, quantity in receipt.lines.order_by("line__line_number").values_list(
            "line__line_number", "quantity"
        )
    ]
    return {
        **_po_facts(po),
        "receipt": receipt.pk,
        "received_date": receipt.received_date.isoformat(),
        "complete": bool(payload.get("complete")),
        "lines": lines,
    }


def _ownership_change_posted(payload: Payload) -> dict[str, Any]:
    from vendorcollab.consignment.models import OwnershipChange  # consignment sits above purchasing

    journal = OwnershipChange.objects.select_related("company", "vendor", "purchase_order").get(
        pk=payload["ownership_change"]
    )
    lines = [
        {
            "line_number": line.line_number,
            "item": line.item_id,
            "item_number": line.item.number,
            "quantity": str(line.quantity),
            "site": line.site_id,
            "warehouse": line.warehouse_id,
            "color": line.color,
            "size": line.size,
            "style": line.style,
            "configuration": line.configuration,
        }
        for line in journal.lines.select_related("item").order_by("line_number")
    ]
    return {
        "ownership_change": journal.pk,
        "number": journal.number,
        "company": journal.company_id,
        "company_code": journal.company.code,
        "vendor": journal.vendor_id,
        "vendor_number": journal.vendor.number,
        "transfer_date": journal.transfer_date.isoformat(),
        "purchase_order": journal.purchase_order_id,
        "purchase_order_number": journal.purchase_order.number,
        "lines": lines,
    }


DATA_BUILDERS = {
    Event.RESPONSE_SUBMITTED.value: _response_submitted,
    Event.PO_CONFIRMED.value: _po_confirmed,
    Event.RECEIPT_POSTED.value: _receipt_posted,
    Event.OWNERSHIP_CHANGE_POSTED.value: _ownership_change_posted,
}


def deliveries_create(*, event: str, payload: Payload) -> list[WebhookDelivery]:
    """One pending delivery per active endpoint that subscribed to ``event``, due now. Called after the commit of
    the change, so the data is what was committed."""
    endpoints = [endpoint for endpoint in WebhookEndpoint.objects.filter(is_active=True) if endpoint.wants(event)]
    if not endpoints:
        return []
    data = DATA_BUILDERS[event](payload)
    now = timezone.now()
    return [
        WebhookDelivery.objects.create(
            endpoint=endpoint, event=event, payload=data, created_at=now, next_attempt_at=now
        )
        for endpoint in endpoints
    ]


# --- one attempt -----------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    status_code: int | None
    error: str

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not a new address: following it would post the event somewhere nobody set up."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def post(url: str, body: bytes, headers: dict[str, str]) -> Outcome:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            return Outcome(response.status, "")
    except urllib.error.HTTPError as error:
        detail = error.read(ERROR_MAX_LENGTH).decode("utf-8", "replace") if error.fp else ""
        return Outcome(error.code, f"HTTP {error.code} {error.reason}: {detail}".strip(" :")[:ERROR_MAX_LENGTH])
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        return Outcome(None, f"{type(error).__name__}: {reason}"[:ERROR_MAX_LENGTH])


def delivery_attempt(*, delivery_id: int) -> WebhookDelivery | None:
    """Post a pending delivery that is due; record what happened and when the next attempt is due.

    Returns None when the delivery is not due (delivered, failed, not yet time, or another worker has it).
    """
    now = timezone.now()
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now
    ).update(next_attempt_at=now + LEASE, attempts=F("attempts") + 1, last_attempt_at=now)
    if not claimed:
        return None
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    endpoint = delivery.endpoint
    if not endpoint.is_active:
        outcome = Outcome(None, "endpoint switched off")
    else:
        body = body_of(delivery)
        outcome = post(
            endpoint.url,
            body,
            {
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
                SIGNATURE_HEADER: sign(endpoint.secret, body),
                EVENT_HEADER: delivery.event,
                DELIVERY_HEADER: str(delivery.pk),
            },
        )
    finished = timezone.now()
    delivery.last_status_code = outcome.status_code
    delivery.last_error = outcome.error
    if outcome.ok:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = finished
        delivery.next_attempt_at = None
    elif delivery.attempts >= MAX_ATTEMPTS or not endpoint.is_active:
        delivery.status = DeliveryStatus.FAILED
        delivery.next_attempt_at = None
        logger.warning("webhook delivery %s to %s failed for good: %s", delivery.pk, endpoint.url, outcome.error)
    else:
        delivery.next_attempt_at = finished + BACKOFF[delivery.attempts - 1]
        logger.info("webhook delivery %s attempt %s failed: %s", delivery.pk, delivery.attempts, outcome.error)
    delivery.save(
        update_fields=["status", "last_status_code", "last_error", "delivered_at", "next_attempt_at"],
    )
    return delivery


def due_delivery_ids(*, limit: int) -> list[int]:
    return list(
        WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
