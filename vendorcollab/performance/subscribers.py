"""Subscribers to the domain events that change what performance measures: an answer, a confirmation, a
cancellation, a receipt, a received ship notice. Each queues the refresh of the PO's (or notice's) facts.

They run after the commit of the change (``common.events.publish``), so the facts are computed from what was
committed, outside the change's row locks, and a request never recomputes more than its own PO.
"""

from __future__ import annotations

from vendorcollab.common.events import Event, Payload, subscribe

from . import tasks


@subscribe(Event.RESPONSE_SUBMITTED)
@subscribe(Event.PO_CONFIRMED)
@subscribe(Event.PO_CANCELLED)
@subscribe(Event.RECEIPT_POSTED)
def queue_purchase_order_refresh(payload: Payload) -> None:
    tasks.refresh_purchase_order.enqueue(purchase_order=payload["purchase_order"])


@subscribe(Event.SHIP_NOTICE_RECEIVED)
def queue_ship_notice_refresh(payload: Payload) -> None:
    tasks.refresh_ship_notice.enqueue(ship_notice=payload["ship_notice_id"])
