"""Domain events: a service announces what happened; subscribers (mail, webhooks, documents, performance) act once the
transaction commits.

Services call ``publish`` inside their transaction; nothing runs until the commit, and nothing runs at all if the
transaction rolls back, so no mail or webhook ever tells of a change that did not happen. Subscribers must be quick
(enqueue a task, never send from here).

Where they run depends on the task queue. With a queue that runs tasks later (``TASKS_BACKEND=database``), the event
itself is one queued task (``common.tasks.deliver_event``), written in the change's own transaction: it commits and
rolls back with the change, so it can be lost neither between the commit and the queue nor by a crash there, and the
request writes one row instead of one per subscriber (a send, an answer, a confirmation each had two to four rows,
each in its own commit, and a read of the webhook endpoints). The worker then runs the subscribers. With the queue
that runs tasks at once (``immediate``: development and the tests), the subscribers run in the request right after
the commit, as a task enqueued inside the transaction would run before it.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from functools import partial
from typing import Any

from django.db import models, transaction
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks.backends.immediate import ImmediateBackend

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
    if _queue_runs_tasks_later():
        from . import tasks  # the tasks module imports this one

        tasks.deliver_event.enqueue(payload=payload)
    else:
        transaction.on_commit(partial(deliver, payload))


def deliver(payload: Payload) -> None:
    """Run every subscriber of the payload's event; one that fails is logged and does not stop the others."""
    for subscriber in list(_subscribers[payload["event"]]):
        try:
            subscriber(payload)
        except Exception:  # one failing subscriber must not silence the others; it is logged loudly
            logger.exception("subscriber %s failed for %s", subscriber, payload)


def _queue_runs_tasks_later() -> bool:
    return not isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], ImmediateBackend)
