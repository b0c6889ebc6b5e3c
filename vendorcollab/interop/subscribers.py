"""Subscribers to the domain events: a send, a cancellation, a vendor's answer, a submitted invoice or credit note and
a created ship notice queue their outbound documents.

They run after the commit of the change (``common.events.publish``), so the documents are written from what was
committed and never inside the change's row lock.
"""

from __future__ import annotations

from vendorcollab.common.events import Event, Payload, subscribe

from . import tasks


@subscribe(Event.PO_SENT)
def queue_order(payload: Payload) -> None:
    tasks.write_outbound_documents.enqueue(
        kind="sent", purchase_order=payload["purchase_order"], version=payload["version"]
    )


@subscribe(Event.PO_CANCELLED)
def queue_cancellation(payload: Payload) -> None:
    tasks.write_outbound_documents.enqueue(kind="cancelled", purchase_order=payload["purchase_order"])


@subscribe(Event.RESPONSE_SUBMITTED)
def queue_response(payload: Payload) -> None:
    tasks.write_outbound_documents.enqueue(
        kind="answered", purchase_order=payload["purchase_order"], response=payload["response"]
    )


@subscribe(Event.INVOICE_SUBMITTED)
def queue_invoice(payload: Payload) -> None:
    tasks.write_outbound_documents.enqueue(kind="invoiced", invoice=payload["invoice_id"])


@subscribe(Event.SHIP_NOTICE_CREATED)
def queue_despatch_advice(payload: Payload) -> None:
    tasks.write_outbound_documents.enqueue(kind="shipped", ship_notice=payload["ship_notice_id"])
