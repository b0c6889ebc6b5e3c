"""Subscribers to the domain events (vendorcollab.common.events); each enqueues the work, never does it here.

They run after the commit of the change (in production in the worker, from the event's own queued task:
``common.events``). Webhook deliveries are written here, before any delivery task runs, so the delivery log has them
even when the queue loses a delivery task: ``manage.py deliver_webhooks`` finds every due one.
"""

from __future__ import annotations

from vendorcollab.common.events import Payload, subscribe

from . import tasks, webhooks
from .models import MAIL_EVENTS, WEBHOOK_EVENTS


def queue_mail(payload: Payload) -> None:
    tasks.send_event_mail.enqueue(event=payload["event"], payload=payload)


def queue_webhooks(payload: Payload) -> None:
    for delivery in webhooks.deliveries_create(event=payload["event"], payload=payload):
        tasks.deliver_webhook.enqueue(delivery_id=delivery.pk)


for _event in MAIL_EVENTS:
    subscribe(_event)(queue_mail)
for _event in WEBHOOK_EVENTS:
    subscribe(_event)(queue_webhooks)
