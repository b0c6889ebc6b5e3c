"""The one entry point for outbound PEPPOL documents: which transactions a send, a cancel, an answer, an invoice or a
ship notice produces.

The document log calls these after commit with objects fetched through ``interop.selectors`` (lines, charges, notes
and response lines prefetched); each returns the documents to store and deliver, in order, possibly none.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils import timezone

from vendorcollab.invoicing.models import Invoice
from vendorcollab.purchasing.models import (
    EventKind,
    POStatus,
    PurchaseOrder,
    PurchaseOrderVersion,
    VendorResponse,
    VersionKind,
)
from vendorcollab.shipping.models import ShipNotice

from .writers import (
    cancellation_document_id,
    is_advanced_response,
    order_document_id,
    response_document_id,
    ubl_order,
    ubl_order_cancellation,
    ubl_order_change,
    ubl_order_response,
)
from .writers.common import is_advanced
from .writers.despatch import despatch_document_id, ubl_despatch_advice
from .writers.invoice import invoice_document_id, ubl_credit_note, ubl_invoice


class Transaction(StrEnum):
    """The transactions of PEPPOL BIS Ordering 3, Billing 3 and Despatch Advice 3 that the portal writes and reads."""

    T01 = "T01"  # Order
    T114 = "T114"  # Order Change
    T115 = "T115"  # Order Cancellation
    T76 = "T76"  # Order Response
    T116 = "T116"  # Order Response Advanced
    T10 = "T10"  # Invoice (Billing 3)
    T14 = "T14"  # Credit Note (Billing 3)
    T16 = "T16"  # Despatch Advice


@dataclass(frozen=True)
class OutboundDocument:
    transaction: Transaction
    document_id: str  # the document's cbc:ID
    xml: bytes


def documents_for_version_sent(version: PurchaseOrderVersion) -> list[OutboundDocument]:
    """The Order (T01) for the first version sent to the vendor. A later one is an Order Change (T114) to a vendor
    account on the advanced ordering profile, and to one on the ordering profile (which has no Order Change) an
    Order that replaces the first and names it. A confirmation version (the buyer applying the vendor's own changes)
    is sent as nothing: the vendor's answer already said it."""
    if version.kind != VersionKind.SENT:
        return []
    if version.number > 1 and is_advanced(version):
        return [OutboundDocument(Transaction.T114, order_document_id(version), ubl_order_change(version))]
    return [OutboundDocument(Transaction.T01, order_document_id(version), ubl_order(version))]


def documents_for_cancellation(po: PurchaseOrder) -> list[OutboundDocument]:
    """The Order Cancellation (T115) of a cancelled PO the vendor has received. Nothing for a PO never sent, nor to
    a vendor account on the ordering profile, which has no cancellation (it sees the cancel in the portal)."""
    if po.latest_version_id is None or po.status != POStatus.CANCELLED or not is_advanced(po):
        return []
    event = po.events.filter(kind=EventKind.CANCELLED).order_by("-created_at", "-id").first()
    reason = str(event.data.get("reason", "")) if event else ""
    moment = event.created_at if event else timezone.now()
    document = ubl_order_cancellation(po, reason=reason, moment=moment)
    return [OutboundDocument(Transaction.T115, cancellation_document_id(po), document)]


def documents_for_response(response: VendorResponse) -> list[OutboundDocument]:
    """The Order Response (T76) to an Order, the Order Response Advanced (T116) to an Order Change; nothing when
    the Order expects no response (PEPPOL ``order_only``)."""
    if not response.version.response_expected:
        return []
    transaction = Transaction.T116 if is_advanced_response(response) else Transaction.T76
    return [OutboundDocument(transaction, response_document_id(response), ubl_order_response(response))]


def transaction_of_invoice(invoice: Invoice) -> Transaction:
    return Transaction.T14 if invoice.is_credit_note else Transaction.T10


def documents_for_invoice(invoice: Invoice) -> list[OutboundDocument]:
    """The Invoice (T10) of a submitted invoice, the Credit Note (T14) of a submitted credit note; nothing for a
    draft, which the buyer has not seen."""
    if invoice.is_draft:
        return []
    document = ubl_credit_note(invoice) if invoice.is_credit_note else ubl_invoice(invoice)
    return [OutboundDocument(transaction_of_invoice(invoice), invoice_document_id(invoice), document)]


def documents_for_ship_notice(notice: ShipNotice) -> list[OutboundDocument]:
    """The Despatch Advice (T16) of a ship notice just created, whatever its origin: the buyer's ERP reads the
    notice as the portal holds it (a vendor ERP's own T16 stays in the log as it came)."""
    return [OutboundDocument(Transaction.T16, despatch_document_id(notice), ubl_despatch_advice(notice))]
