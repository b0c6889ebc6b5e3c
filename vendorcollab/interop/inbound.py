"""The one way in for PEPPOL BIS Ordering 3, Billing 3 and Despatch Advice 3 documents: read, dispatch on the
transaction, log.

``import_document`` reads any document the portal takes (Order T01, Order Change T114, Order Cancellation T115 from
the buyer's ERP; Order Response T76, Order Response Advanced T116, Invoice T10, Credit Note T14 and Despatch Advice
T16 from the vendor's ERP) and hands it to the service of its transaction. Which side may send which is fixed here:
a buyer's user may not answer an order or invoice or announce a shipment by document, a vendor's user may not
order. Every refusal is an ``AppError`` in the API's shape, naming the element.
"""

from __future__ import annotations

from dataclasses import replace

from vendorcollab.accounts.models import User
from vendorcollab.common.errors import AppError, ValidationFailed
from vendorcollab.partners.models import Company, Vendor
from vendorcollab.purchasing.errors import refused

from .despatch_reader import DespatchDoc, read_despatch_advice
from .documents import document_log_inbound, reasons_from_error
from .errors import MESSAGES, InteropErrorCode, UnreadableDocument
from .inbound_despatch import DespatchTaken, despatch_advice_import
from .inbound_invoice import invoice_import
from .invoice_reader import InvoiceDoc, read_invoice
from .models import Direction, InboundStatus
from .models import Document as LoggedDocument
from .services import order_import
from .services_inbound import Taken, order_cancellation_import, order_change_import, order_response_import
from .ubl_reader import (
    BILLING_TRANSACTIONS,
    NS,
    CancellationDoc,
    Document,
    OrderDoc,
    PartyRef,
    ResponseDoc,
    Transaction,
    parse,
    read_document,
    transaction_of,
)

FROM_BUYER = frozenset({Transaction.ORDER, Transaction.ORDER_CHANGE, Transaction.ORDER_CANCELLATION})
ORDER_RESPONSES = frozenset({Transaction.ORDER_RESPONSE, Transaction.ORDER_RESPONSE_ADVANCED})
FROM_VENDOR = ORDER_RESPONSES | {Transaction.INVOICE, Transaction.CREDIT_NOTE, Transaction.DESPATCH_ADVICE}


def import_document(*, actor: User, xml: bytes) -> LoggedDocument:
    """Take one inbound document of any transaction the actor's side sends, and return its entry in the document
    log (``import_ubl`` and the document feed's POST call this)."""
    taken = take_document(actor=actor, xml=xml)
    assert taken.document is not None
    return taken.document


def take_document(*, actor: User, xml: bytes, accept: frozenset[Transaction] | None = None) -> Taken:
    """Take one inbound document through the services of its transaction, and log it, taken or refused with its
    reasons. ``accept`` narrows the transactions a face takes (the buyer's import endpoint: ``FROM_BUYER``); the
    actor's side narrows them always. A change, cancellation or response whose document ID was taken before from
    the same parties changes nothing and answers as the first time did (an Order taken twice stays a 409
    ``number_taken``, as the order number says it is the same order)."""
    transaction: Transaction | None = None
    document: Document | InvoiceDoc | DespatchDoc | None = None
    try:
        root = parse(xml)
        transaction = transaction_of(root)
        side = FROM_VENDOR if actor.is_vendor_user else FROM_BUYER
        if transaction not in side:
            raise refused()  # the other side's document: a buyer does not answer, a vendor does not order
        allowed = side & accept if accept is not None else side
        if transaction not in allowed:
            raise _wrong_side(transaction, allowed)
        if transaction in BILLING_TRANSACTIONS:
            document, invoice_errors = read_invoice(xml)
            taken = invoice_import(actor=actor, document=document, errors=invoice_errors)
            return replace(taken, document=_log(actor, xml, transaction, document, InboundStatus.TAKEN, taken=taken))
        if transaction == Transaction.DESPATCH_ADVICE:
            document, despatch_errors = read_despatch_advice(xml)
            shipped = despatch_advice_import(actor=actor, document=document, errors=despatch_errors)
            taken = Taken(shipped.purchase_order, changed=True)
            logged = _log(actor, xml, transaction, document, InboundStatus.TAKEN, taken=taken, shipped=shipped)
            return replace(taken, document=logged)
        document, errors = read_document(xml)
        earlier = _taken_before(actor, transaction, document)
        if earlier is not None:
            taken = earlier
        elif isinstance(document, OrderDoc) and document.transaction == Transaction.ORDER:
            taken = Taken(order_import(actor=actor, order=document, errors=errors), created=True)
        elif isinstance(document, OrderDoc):
            taken = order_change_import(actor=actor, order=document, errors=errors)
        elif isinstance(document, CancellationDoc):
            errors.raise_if_any()
            taken = order_cancellation_import(actor=actor, document=document)
        else:
            assert isinstance(document, ResponseDoc)
            taken = order_response_import(actor=actor, document=document, errors=errors)
    except UnreadableDocument:
        raise  # not a document at all (not XML, too large, a DOCTYPE): nothing to file in the log
    except AppError as error:
        _log(actor, xml, transaction, document, InboundStatus.REFUSED, reasons=reasons_from_error(error))
        raise
    logged = _log(actor, xml, transaction, document, InboundStatus.TAKEN, taken=taken)
    return replace(taken, document=logged)


def _taken_before(actor: User, transaction: Transaction, document: Document) -> Taken | None:
    """What a document with this ID, taken before from the same buyer and seller, did."""
    if transaction == Transaction.ORDER or not document.number.text:
        return None
    logged = (
        LoggedDocument.objects.filter(
            direction=Direction.INBOUND,
            status=InboundStatus.TAKEN,
            transaction=transaction.value,
            document_id=document.number.text,
            purchase_order__isnull=False,
        )
        .select_related("purchase_order", "response", "company", "vendor")
        .order_by("-pk")
    )
    for row in logged:
        same_parties = _names(document.buyer, row.company) and _names(document.seller, row.vendor)
        if same_parties and (not actor.is_vendor_user or row.vendor_id in actor.vendor_ids):
            assert row.purchase_order is not None
            return Taken(row.purchase_order, row.response, changed=False)
    return None


def _names(party: PartyRef | None, partner: Company | Vendor | None) -> bool:
    if partner is None or party is None:
        return False
    return (party.scheme, party.endpoint_id) == (partner.endpoint_scheme, partner.endpoint_id)


def _log(
    actor: User,
    xml: bytes,
    transaction: Transaction | None,
    document: Document | InvoiceDoc | DespatchDoc | None,
    status: InboundStatus,
    *,
    reasons: list[dict[str, str]] | None = None,
    taken: Taken | None = None,
    shipped: DespatchTaken | None = None,
) -> LoggedDocument:
    """The document in the log; the import's own transaction is over (committed or rolled back) by now."""
    po = taken.purchase_order if taken else None
    response = taken.response if taken else None
    invoice = taken.invoice if taken else None
    # A refused invoice or despatch advice is filed under the poster's own vendor account it names, so that its ERP
    # sees the refusal in its feed; never under another's.
    own_documents = (InvoiceDoc, DespatchDoc)
    vendor = _own_vendor(actor, document.supplier) if taken is None and isinstance(document, own_documents) else None
    return document_log_inbound(
        actor=actor,
        company=vendor.company if vendor else None,
        vendor=vendor,
        transaction_code=transaction.value if transaction else "",
        document_id=document.number.text if document else _document_id(xml),
        xml=xml,
        status=status,
        reasons=reasons or (),
        purchase_order=po,
        version=(response.version if response else po.latest_version) if po else None,
        response=response,
        invoice=invoice,
        ship_notice=shipped.ship_notice if shipped else None,
    )


def _own_vendor(actor: User, party: PartyRef | None) -> Vendor | None:
    if party is None or not actor.is_vendor_user:
        return None
    accounts = Vendor.objects.filter(
        pk__in=actor.vendor_ids, endpoint_scheme=party.scheme, endpoint_id=party.endpoint_id
    ).select_related("company")
    found = list(accounts[:2])
    return found[0] if len(found) == 1 else None


def _document_id(xml: bytes) -> str:
    """The ``cbc:ID`` of a document refused before it was read (another transaction, the wrong side), if any."""
    try:
        return " ".join((parse(xml).findtext("cbc:ID", "", NS) or "").split())
    except AppError:
        return ""


def _wrong_side(transaction: Transaction, allowed: frozenset[Transaction]) -> ValidationFailed:
    where = ", ".join(sorted(allowed)) or "-"
    text = str(MESSAGES[InteropErrorCode.UBL_NOT_FOR_THIS_ENDPOINT]) % {
        "transaction": transaction.value,
        "where": where,
    }
    element = "CustomizationID"
    return ValidationFailed(
        InteropErrorCode.UBL_NOT_FOR_THIS_ENDPOINT,
        MESSAGES["element_problem"],
        params={"element": element, "problem": text},
        fields={element: text},
        field_codes={element: InteropErrorCode.UBL_NOT_FOR_THIS_ENDPOINT},
    )
