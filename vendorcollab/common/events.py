"""Domain events: a service announces what happened; subscribers (mail, webhooks) act once the transaction commits.

Services call ``publish`` inside their transaction; nothing runs until the commit, and nothing runs at all if the
transaction rolls back, so no mail or webhook ever tells of a change that did not happen. Subscribers must be quick
(enqueue a task, never send from here): they run in the request that committed.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db import models, transaction

logger = logging.getLogger(__name__)

Payload = dict[str, Any]
Subscriber = Callable[[Payload], None]


class Event(models.TextChoices):
    PO_SENT = "po.sent"
    RESPONSE_SUBMITTED = "response.submitted"
    PO_CONFIRMED = "po.confirmed"
    PO_CANCELLED = "po.cancelled"
    RECEIPT_POSTED = "receipt.posted"
    OWNERSHIP_CHANGE_POSTED = "ownership_change.posted"
    DOCUMENT_CREATED = "document.created"
    # A vendor invoice or credit note (payload: invoice_id, vendor_id, company_id, kind, number, status, actor_id).
    INVOICE_SUBMITTED = "invoice.submitted"
    INVOICE_ON_HOLD = "invoice.on_hold"
    INVOICE_APPROVED = "invoice.approved"
    INVOICE_REJECTED = "invoice.rejected"
    INVOICE_PAID = "invoice.paid"
    # A vendor's ship notice (payload: ship_notice_id, vendor_id, company_id, number, status, actor_id).
    SHIP_NOTICE_CREATED = "ship_notice.created"
    SHIP_NOTICE_CANCELLED = "ship_notice.cancelled"
    # Received from, with ``has_difference`` when some line arrived with another quantity than announced.
    SHIP_NOTICE_RECEIVED = "ship_notice.received"


_subscribers: dict[str, list[Subscriber]] = defaultdict(list)


def subscribe(event: Event) -> Callable[[Subscriber], Subscriber]:
    """Register a function to run after the commit of every transaction that publishes ``event``."""

    def register(function: Subscriber) -> Subscriber:
        if function not in _subscribers[event]:
            _subscribers[event].append(function)
        return function

    return register


def publish(event: Event, **payload: Any) -> None:
    """Announce ``event`` with ``payload`` (ids and plain values only); subscribers run after the commit."""
    payload = {"event": str(event), **payload}

    def deliver() -> None:
        for subscriber in list(_subscribers[event]):
            try:
                subscriber(payload)
            except Exception:  # one failing subscriber must not silence the others; it is logged loudly
                logger.exception("subscriber %s failed for %s", subscriber, payload)

    transaction.on_commit(deliver)
