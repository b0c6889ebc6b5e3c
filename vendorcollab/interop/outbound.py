"""The one entry point for outbound PEPPOL documents: which transactions a send, a cancel or an answer produces.

The document log calls these after commit with objects fetched through ``interop.selectors`` (lines, charges, notes
and response lines prefetched); each returns the documents to store and deliver, in order, possibly none.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from vendorcollab.purchasing.models import PurchaseOrder, PurchaseOrderVersion, VendorResponse

from . import ubl_writer


class Transaction(StrEnum):
    """The transactions of PEPPOL BIS Ordering 3 that the portal writes and reads."""

    T01 = "T01"  # Order
    T114 = "T114"  # Order Change
    T115 = "T115"  # Order Cancellation
    T76 = "T76"  # Order Response
    T116 = "T116"  # Order Response Advanced


@dataclass(frozen=True)
class OutboundDocument:
    transaction: Transaction
    document_id: str  # the document's cbc:ID
    xml: bytes


def documents_for_version_sent(version: PurchaseOrderVersion) -> list[OutboundDocument]:
    """The Order (T01) for the first version sent to the vendor; an Order Change (T114) for a later one."""
    if version.number == 1:
        return [OutboundDocument(Transaction.T01, version.label, ubl_writer.ubl_order(version))]
    return []


def documents_for_cancellation(po: PurchaseOrder) -> list[OutboundDocument]:
    """The Order Cancellation (T115) of a PO the vendor has received; nothing for a PO never sent."""
    return []


def documents_for_response(response: VendorResponse) -> list[OutboundDocument]:
    """The Order Response (T76) to version 1, the Order Response Advanced (T116) to a later version; nothing for an
    Order that expects no response."""
    if response.version.number == 1:
        return [
            OutboundDocument(Transaction.T76, f"{response.version.label}-R", ubl_writer.ubl_order_response(response))
        ]
    return []
