"""Webhooks to the buyer's ERP: what each event's JSON says, how it is signed, and one delivery attempt over HTTP.

The body of a delivery is ``{"event", "id", "created_at", "data"}``, serialised the same way on every attempt, so a
receiver can check ``X-Vendorcollab-Signature: sha256=<hex HMAC-SHA256 of the raw body with the endpoint's
secret>`` and drop a repeat by its ``id``. A failed attempt (a status outside 2xx, a redirect, a timeout, a
refused connection) is recorded and the next one scheduled with back-off; after ``MAX_ATTEMPTS`` the delivery has
failed and waits for an admin's "retry now".

Where a delivery may go (``target_check``): the URL's host is resolved, and every address it resolves to must be
on the internet. Loopback, private and shared (carrier-grade NAT) addresses are refused unless
``WEBHOOK_ALLOW_PRIVATE_NETWORKS`` is on (an ERP on the LAN); link-local, cloud metadata, multicast, reserved and
unspecified addresses always are. The check runs when an endpoint is saved and again before every attempt, and the
attempt connects to the very address that was checked (``_PinnedHTTPConnection``): a name whose DNS answer changes
between the check and the connection (DNS rebinding) cannot steer the post to an address the check refused.
Proxies from the environment are not used, since a proxy would make its own DNS lookup.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import secrets
import socket
import unicodedata
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from vendorcollab.common.events import Event, Payload
from vendorcollab.consignment.models import OwnershipChange
from vendorcollab.interop.documents import document_facts
from vendorcollab.interop.models import Document
from vendorcollab.invoicing.models import Invoice
from vendorcollab.purchasing.models import PurchaseOrder, Receipt, VendorResponse
from vendorcollab.shipping.models import ShipNotice

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
# What the delivery log keeps of an answer's body: its start, as text, without control characters.
EXCERPT_MAX_CHARACTERS = 2000
EXCERPT_READ_BYTES = 4 * EXCERPT_MAX_CHARACTERS  # UTF-8 takes at most 4 bytes a character


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


# A document's XML travels in its webhook up to this size; a larger one only as the link to the feed's XML.
DOCUMENT_XML_INLINE_MAX_BYTES = 512 * 1024


def _document_created(payload: Payload) -> dict[str, Any]:
    document = Document.objects.get(pk=payload["document"])
    xml = bytes(document.xml)
    inline = len(xml) <= DOCUMENT_XML_INLINE_MAX_BYTES
    return {
        **document_facts(document),
        "xml_url": f"{settings.SITE_URL}/api/v1/documents/{document.pk}/xml",
        "xml": xml.decode("utf-8", "replace") if inline else None,
    }


def _invoice_event(payload: Payload) -> dict[str, Any]:
    """An invoice as the ERP books it: its parties, dates, totals and POs, plus what the event adds (the match's
    exceptions, the reason of a rejection, the payment)."""
    invoice = Invoice.objects.select_related("company", "vendor").get(pk=payload["invoice_id"])
    purchase_orders = list(
        PurchaseOrder.objects.filter(pk__in=invoice.lines.values("purchase_order_id"))
        .order_by("number")
        .values("pk", "number")
    )
    return {
        "invoice": invoice.pk,
        "number": invoice.number,
        "kind": invoice.kind,
        "status": invoice.status,
        "company": invoice.company_id,
        "company_code": invoice.company.code,
        "vendor": invoice.vendor_id,
        "vendor_number": invoice.vendor.number,
        "credited_invoice": invoice.credited_invoice_id,
        "issue_date": invoice.issue_date.isoformat(),
        "due_date": invoice.due_date.isoformat() if invoice.due_date else None,
        "currency": invoice.currency,
        "tax_exclusive_total": str(invoice.tax_exclusive_total),
        "tax_total": str(invoice.tax_total),
        "payable_amount": str(invoice.payable_amount),
        "purchase_orders": [{"purchase_order": po["pk"], "number": po["number"]} for po in purchase_orders],
        "exceptions": invoice.exceptions or [],
        "reject_reason": invoice.reject_reason,
        "payment_date": invoice.payment_date.isoformat() if invoice.payment_date else None,
        "payment_reference": invoice.payment_reference,
        "actor": payload.get("actor_id"),
    }


def _ship_notice_event(payload: Payload) -> dict[str, Any]:
    """A ship notice as the ERP plans the receipt: its parties, dates, carrier and lines with the POs they ship,
    and, once received, what arrived per line and the receipts posted."""
    notice = ShipNotice.objects.select_related("company", "vendor", "site").get(pk=payload["ship_notice_id"])
    lines = notice.lines.select_related("purchase_order", "po_line__item").order_by("line_number")
    return {
        "ship_notice": notice.pk,
        "number": notice.number,
        "status": notice.status,
        "company": notice.company_id,
        "company_code": notice.company.code,
        "vendor": notice.vendor_id,
        "vendor_number": notice.vendor.number,
        "site": notice.site.code if notice.site else None,
        "despatch_date": notice.despatch_date.isoformat(),
        "expected_delivery_date": notice.expected_delivery_date.isoformat(),
        "received_date": notice.received_date.isoformat() if notice.received_date else None,
        "carrier": notice.carrier,
        "tracking_number": notice.tracking_number,
        "packages": notice.packages,
        "has_difference": notice.has_difference,
        "cancel_reason": notice.cancel_reason,
        "lines": [
            {
                "line_number": line.line_number,
                "purchase_order": line.purchase_order_id,
                "purchase_order_number": line.purchase_order.number,
                "po_line_number": line.po_line.line_number,
                "item": line.po_line.item.number if line.po_line.item else None,
                "quantity": str(line.quantity),
                "received_quantity": str(line.received_quantity) if line.received_quantity is not None else None,
                "difference": str(line.difference) if line.difference is not None else None,
            }
            for line in lines
        ],
        "receipts": payload.get("receipts", []),
        "actor": payload.get("actor_id"),
    }


DATA_BUILDERS = {
    Event.RESPONSE_SUBMITTED.value: _response_submitted,
    Event.PO_CONFIRMED.value: _po_confirmed,
    Event.RECEIPT_POSTED.value: _receipt_posted,
    Event.OWNERSHIP_CHANGE_POSTED.value: _ownership_change_posted,
    Event.DOCUMENT_CREATED.value: _document_created,
    **{
        event.value: _invoice_event
        for event in (
            Event.INVOICE_SUBMITTED,
            Event.INVOICE_ON_HOLD,
            Event.INVOICE_APPROVED,
            Event.INVOICE_REJECTED,
            Event.INVOICE_PAID,
        )
    },
    **{
        event.value: _ship_notice_event
        for event in (Event.SHIP_NOTICE_CREATED, Event.SHIP_NOTICE_CANCELLED, Event.SHIP_NOTICE_RECEIVED)
    },
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


# --- where a delivery may go ------------------------------------------------------------------------------------

# Cloud instance metadata services: AWS, Azure, GCP and others on IPv4, AWS on IPv6. Never a webhook's target.
METADATA_ADDRESSES = frozenset({ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")})
_NAT64 = ipaddress.ip_network("64:ff9b::/96")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class TargetRefused(Exception):
    """The URL's host is not an address a webhook may be posted to (``code`` ``private`` or ``forbidden``), or it
    does not resolve at all (``unresolvable``)."""

    def __init__(self, code: str, host: str, address: str = "") -> None:
        self.code, self.host, self.address = code, host, address
        super().__init__(self.describe())

    def describe(self) -> str:
        """The delivery log's line (technical, like the log's other answers)."""
        if self.code == "unresolvable":
            return f"Refused: the host {self.host} cannot be resolved"
        if self.code == "private":
            return (
                f"Refused: {self.host} resolves to {self.address}, a loopback or private address "
                "(allowed only with WEBHOOK_ALLOW_PRIVATE_NETWORKS)"
            )
        return f"Refused: {self.host} resolves to {self.address}, a link-local, metadata, multicast or reserved address"


def _embedded_ipv4(address: IPAddress) -> IPAddress:
    """The IPv4 address an IPv6 one carries (IPv4-mapped, NAT64, 6to4), which is where a connection ends up."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address in _NAT64:
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if address.sixtofour is not None:
            return address.sixtofour
    return address


def address_problem(address: IPAddress, *, allow_private: bool) -> str | None:
    """``forbidden``, ``private`` or None (fine) for one resolved address."""
    # An IPv6 address that carries an IPv4 one is judged by the IPv4 one (``::ffff:127.0.0.1`` is loopback).
    target = _embedded_ipv4(address)
    if target in METADATA_ADDRESSES:
        return "forbidden"
    if target.is_loopback:  # before the reserved ranges, which hold ::1
        return None if allow_private else "private"
    if target.is_link_local or target.is_multicast or target.is_unspecified or target.is_reserved:
        return "forbidden"
    if not target.is_global:
        # Loopback, RFC 1918 and unique local addresses, shared address space (100.64/10), and the like.
        return None if allow_private else "private"
    return None


def target_check(url: str) -> list[tuple[Any, ...]]:
    """Resolve the URL's host and refuse it (``TargetRefused``) when any address is not allowed; the addresses
    (``getaddrinfo`` entries) otherwise, the first one to connect to."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        entries = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM) if host else []
    except (OSError, ValueError, UnicodeError):
        entries = []
    if not entries:
        raise TargetRefused("unresolvable", host)
    allow_private = bool(getattr(settings, "WEBHOOK_ALLOW_PRIVATE_NETWORKS", False))
    for entry in entries:
        # An IPv6 link-local answer carries its zone ("fe80::1%eth0").
        address = ipaddress.ip_address(str(entry[4][0]).split("%", 1)[0])
        problem = address_problem(address, allow_private=allow_private)
        if problem:
            raise TargetRefused(problem, host, str(address))
    return entries


def excerpt(raw: bytes) -> str:
    """The start of an answer's body as text fit for the log: control characters (bar newline and tab) dropped."""
    text = raw.decode("utf-8", "replace")
    kept = "".join(ch for ch in text if ch in "\n\t" or not unicodedata.category(ch).startswith("C"))
    return kept[:EXCERPT_MAX_CHARACTERS]


# --- one attempt -----------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    status_code: int | None
    error: str
    excerpt: str = ""
    # The target itself was refused: no connection was made, and retrying will not help until someone acts.
    refused: bool = False

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not a new address: following it would post the event somewhere nobody set up."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _pinned(address: tuple[Any, ...]) -> Any:
    """A ``socket.create_connection`` that connects to the checked address whatever host it is asked for; TLS still
    checks the certificate against the URL's host name (``HTTPSConnection`` passes it as ``server_hostname``)."""

    def create_connection(target: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        return socket.create_connection((address[0], target[1]), *args, **kwargs)

    return create_connection


class _PinnedHTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, address: tuple[Any, ...]) -> None:
        super().__init__()
        self.address = address

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        def connection(host: str, **kwargs: Any) -> http.client.HTTPConnection:
            conn = http.client.HTTPConnection(host, **kwargs)
            conn._create_connection = _pinned(self.address)  # type: ignore[attr-defined]
            return conn

        return self.do_open(connection, req)


class _PinnedHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, address: tuple[Any, ...]) -> None:
        super().__init__()
        self.address = address

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        def connection(host: str, **kwargs: Any) -> http.client.HTTPSConnection:
            conn = http.client.HTTPSConnection(host, **kwargs)
            conn._create_connection = _pinned(self.address)  # type: ignore[attr-defined]
            return conn

        return self.do_open(connection, req, context=self._context)  # type: ignore[attr-defined]


def post(url: str, body: bytes, headers: dict[str, str]) -> Outcome:
    try:
        entries = target_check(url)
    except TargetRefused as refused:
        return Outcome(None, refused.describe()[:ERROR_MAX_LENGTH], refused=refused.code != "unresolvable")
    address = entries[0][4]
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({}), _NoRedirects, _PinnedHTTPHandler(address), _PinnedHTTPSHandler(address)
    )
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            return Outcome(response.status, "", excerpt(response.read(EXCERPT_READ_BYTES)))
    except urllib.error.HTTPError as error:
        answer = excerpt(error.read(EXCERPT_READ_BYTES)) if error.fp else ""
        detail = " ".join(answer.split())
        message = f"HTTP {error.code} {error.reason}: {detail}".strip(" :")[:ERROR_MAX_LENGTH]
        return Outcome(error.code, message, answer)
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
    delivery.response_excerpt = outcome.excerpt
    if outcome.ok:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = finished
        delivery.next_attempt_at = None
    elif delivery.attempts >= MAX_ATTEMPTS or not endpoint.is_active or outcome.refused:
        delivery.status = DeliveryStatus.FAILED
        delivery.next_attempt_at = None
        logger.warning("webhook delivery %s to %s failed for good: %s", delivery.pk, endpoint.url, outcome.error)
    else:
        delivery.next_attempt_at = finished + BACKOFF[delivery.attempts - 1]
        logger.info("webhook delivery %s attempt %s failed: %s", delivery.pk, delivery.attempts, outcome.error)
    delivery.save(
        update_fields=[
            "status",
            "last_status_code",
            "last_error",
            "response_excerpt",
            "delivered_at",
            "next_attempt_at",
        ],
    )
    return delivery


def due_delivery_ids(*, limit: int) -> list[int]:
    return list(
        WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
