"""The background work of the document log, as django-tasks tasks: enqueued after the commit by the subscribers.

Arguments are ids, so that every backend can store them. A task that fails is logged here: the in-process backend
keeps the error only in its result object, which nobody reads; the change it tells of stands.
"""

from __future__ import annotations

import logging

from django_tasks import task

from . import documents

logger = logging.getLogger(__name__)


@task()
def write_outbound_documents(
    kind: str, purchase_order: int = 0, version: int = 0, response: int = 0, invoice: int = 0, ship_notice: int = 0
) -> list[int]:
    """Write and store the documents of a send (``kind`` "sent", with the version's number), a cancellation
    ("cancelled"), a vendor's answer ("answered", with the response's id), a submitted invoice or credit note
    ("invoiced", with the invoice's id) or a created ship notice ("shipped", with the notice's id); returns the ids
    stored."""
    try:
        if kind == "sent":
            stored = documents.outbound_for_version_sent(purchase_order_id=purchase_order, version_number=version)
        elif kind == "cancelled":
            stored = documents.outbound_for_cancellation(purchase_order_id=purchase_order)
        elif kind == "answered":
            stored = documents.outbound_for_response(response_id=response)
        elif kind == "invoiced":
            stored = documents.outbound_for_invoice(invoice_id=invoice)
        elif kind == "shipped":
            stored = documents.outbound_for_ship_notice(ship_notice_id=ship_notice)
        else:
            raise ValueError(f"unknown kind of outbound documents: {kind!r}")
    except Exception:
        logger.exception(
            "outbound documents (%s) for purchase order %s, invoice %s, ship notice %s failed",
            kind,
            purchase_order,
            invoice,
            ship_notice,
        )
        raise
    return [document.pk for document in stored]
