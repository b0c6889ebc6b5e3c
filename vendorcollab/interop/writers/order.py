"""The buyer's documents: a PO version as an Order (T01) or, from version 2 on with an advanced ordering vendor, as
an Order Change (T114); a cancelled PO as an Order Cancellation (T115).

Callers pass objects fetched through ``interop.selectors`` (lines, charges and notes prefetched); writing queries
nothing else. Lines cancelled for the record (a rejection the buyer accepted) are not ordered: they and their
charges are left out of an Order, and an Order Change names them as cancelled (LineStatusCode 1).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from lxml import etree

from vendorcollab.purchasing.models import PurchaseOrder, PurchaseOrderVersion, VersionLine

from ..ubl_reader import ORDER_NS
from .common import (
    CENT,
    allowance_charge,
    amount,
    is_advanced,
    issued,
    line_id,
    named_party,
    note,
    number,
    order_id,
    party,
    period,
    postal_address,
    profile,
    quantity,
    root_element,
    serialise,
    sub,
    unit_code,
)

ORDER_CHANGE_NS = "urn:oasis:names:specification:ubl:schema:xsd:OrderChange-2"
ORDER_CANCELLATION_NS = "urn:oasis:names:specification:ubl:schema:xsd:OrderCancellation-2"
ORDER_CUSTOMIZATION = "urn:fdc:peppol.eu:poacc:trns:order:3"
ORDER_CHANGE_CUSTOMIZATION = "urn:fdc:peppol.eu:poacc:trns:order_change:3"
ORDER_CANCELLATION_CUSTOMIZATION = "urn:fdc:peppol.eu:poacc:trns:order_cancellation:3"
ORDER_TYPE_STANDARD = "220"
# LineStatusCode of an Order Change line (UNCL 1229): 1 added, 2 deleted (cancelled), 3 changed.
LINE_ADDED, LINE_CANCELLED, LINE_CHANGED = "1", "2", "3"
# UNCL 5189: the allowance reason of a line's percentage discount.
DISCOUNT_REASON_CODE = "95"
NOT_SUBJECT_TO_TAX = "O"  # UNCL 5305
_DIMENSIONS = (("color", "Color"), ("size", "Size"), ("style", "Style"), ("configuration", "Configuration"))


def order_document_id(version: PurchaseOrderVersion) -> str:
    """The ID of the document a version is sent as: the buyer's Order ID for the Order; for a later version that
    goes out as an Order Change, or as a replacing Order to a vendor without Order Change, the ID with the
    version's number."""
    return order_id(version) if version.number == 1 else f"{order_id(version)}-{version.number}"


def ubl_order(version: PurchaseOrderVersion) -> bytes:
    """The version as an Order (T01)."""
    return _write(version, change=False)


def ubl_order_change(version: PurchaseOrderVersion) -> bytes:
    """Version n >= 2 as an Order Change (T114), sequence n - 1, referring to the Order."""
    return _write(version, change=True)


def _write(version: PurchaseOrderVersion, *, change: bool) -> bytes:
    po = version.purchase_order
    currency = version.currency
    advanced = change or is_advanced(version)
    if change:
        root = root_element(ORDER_CHANGE_NS, "OrderChange")
        sub(root, "cbc:CustomizationID", ORDER_CHANGE_CUSTOMIZATION)
    else:
        root = root_element(ORDER_NS, "Order")
        sub(root, "cbc:CustomizationID", ORDER_CUSTOMIZATION)
    sub(root, "cbc:ProfileID", profile(advanced))
    sub(root, "cbc:ID", order_document_id(version))
    issued(root, version.created_at)
    if change:
        sub(root, "cbc:SequenceNumberID", str(version.number - 1))
    else:
        sub(root, "cbc:OrderTypeCode", ORDER_TYPE_STANDARD)
    notes = list(version.notes.all())
    note(root, (item.text for item in notes if item.line_number is None))
    sub(root, "cbc:DocumentCurrencyCode", currency)
    # In each schema's order: an Order names the quotation first, an Order Change the Order it changes first.
    if change:
        sub(sub(root, "cac:OrderReference"), "cbc:ID", order_id(version))
    if version.quotation_reference:
        sub(sub(root, "cac:QuotationDocumentReference"), "cbc:ID", version.quotation_reference)
    if not change and version.number > 1:
        # A vendor without Order Change gets the new version as an Order that names the one it replaces.
        sub(sub(root, "cac:OrderDocumentReference"), "cbc:ID", order_id(version))
    reference = version.originator_reference
    if reference:
        sub(sub(root, "cac:OriginatorDocumentReference"), "cbc:ID", reference)
    contract = version.contract_reference
    if contract:
        sub(sub(root, "cac:Contract"), "cbc:ID", contract)
    party(
        sub(root, "cac:BuyerCustomerParty"),
        po.company,
        named=named_party(version, "buyer"),
        with_address=True,
        with_tax=True,
        with_contact=True,
        contact=(version.buyer_contact_name, "", version.buyer_contact_email),
    )
    party(
        sub(root, "cac:SellerSupplierParty"),
        po.vendor,
        named=named_party(version, "seller"),
        with_address=True,  # T01-B07202: the seller's postal address
        with_contact=True,  # (and no PartyTaxScheme: the seller's has none in an Order, T01-B07204)
    )
    _delivery(root, version)
    delivery_terms = version.delivery_terms
    delivery_terms_code = version.delivery_terms_code
    if delivery_terms or delivery_terms_code:
        element = sub(root, "cac:DeliveryTerms")
        if delivery_terms_code:
            sub(element, "cbc:ID", delivery_terms_code)
        if delivery_terms:
            sub(element, "cbc:SpecialTerms", delivery_terms)
    payment_terms = version.payment_terms
    if payment_terms:
        sub(sub(root, "cac:PaymentTerms"), "cbc:Note", payment_terms)
    all_lines = list(version.lines.all())
    lines = [line for line in all_lines if not line.is_cancelled]
    charges = list(version.charges.all())
    header_charges = [charge for charge in charges if charge.line_number is None]
    for charge in header_charges:
        allowance_charge(root, charge.amount, currency, code=charge.code, reason=charge.description)
    line_totals = {}
    for line in lines:
        line_charges = [charge for charge in charges if charge.line_number == line.line_number]
        line_totals[line.line_number] = line.amount + sum((charge.amount for charge in line_charges), Decimal(0))
    total = sub(root, "cac:AnticipatedMonetaryTotal")
    lines_amount = sum(line_totals.values(), Decimal(0))
    allowances = -sum((charge.amount for charge in header_charges if charge.amount < 0), Decimal(0))
    added = sum((charge.amount for charge in header_charges if charge.amount > 0), Decimal(0))
    amount(total, "cbc:LineExtensionAmount", lines_amount, currency)
    if allowances:
        amount(total, "cbc:AllowanceTotalAmount", allowances, currency)
    if added:
        amount(total, "cbc:ChargeTotalAmount", added, currency)
    amount(total, "cbc:PayableAmount", lines_amount - allowances + added, currency)
    for line in lines:
        order_line = sub(root, "cac:OrderLine")
        texts = [item.text for item in notes if item.line_number == line.line_number]
        if line.schedule:
            # An Order has one requested delivery period per line and no quantity per delivery (T01-B24702): a
            # schedule is written as the period from its first to its last date, and spelt out in the line's note.
            texts.append(
                "Delivery schedule: "
                + "; ".join(f"{part['quantity']} on {part['delivery_date']}" for part in line.schedule)
            )
        note(order_line, texts)
        item_line = sub(order_line, "cac:LineItem")
        sub(item_line, "cbc:ID", line_id(line))
        if change:
            sub(item_line, "cbc:LineStatusCode", LINE_CHANGED)
        quantity(item_line, "cbc:Quantity", line.quantity, unit_code(line))
        amount(item_line, "cbc:LineExtensionAmount", line_totals[line.line_number], currency)
        _line_delivery(item_line, line)
        if line.discount_percent:
            gross = (line.quantity * line.unit_price).quantize(CENT)
            allowance_charge(
                item_line,
                line.amount - gross,
                currency,
                code=DISCOUNT_REASON_CODE,
                reason="Discount",
                percent=line.discount_percent,
                base=gross,
                is_charge=False,
            )
        for charge in charges:
            if charge.line_number == line.line_number:
                allowance_charge(item_line, charge.amount, currency, code=charge.code, reason=charge.description)
        price = sub(item_line, "cac:Price")
        amount(price, "cbc:PriceAmount", line.unit_price, currency, places=None)
        quantity(price, "cbc:BaseQuantity", Decimal(1), unit_code(line))
        item(item_line, line, with_dimensions=True, with_tax=True)
    return serialise(root)


def _delivery(root: etree._Element, version: PurchaseOrderVersion) -> None:
    """The order's delivery place, as the Order named it."""
    location_id = version.delivery_location_id
    has_address = bool(version.delivery_country_code)
    party_name = version.delivery_party_name
    if not (location_id or has_address or party_name):
        return
    delivery = sub(root, "cac:Delivery")
    if location_id or has_address:
        location = sub(delivery, "cac:DeliveryLocation")
        if location_id:
            scheme = version.delivery_location_scheme
            sub(location, "cbc:ID", location_id, **({"schemeID": scheme} if scheme else {}))
        postal_address(location, version, name="cac:Address", prefix="delivery_")
    if party_name:
        sub(sub(sub(delivery, "cac:DeliveryParty"), "cac:PartyName"), "cbc:Name", party_name)


def _line_delivery(item_line: etree._Element, line: VersionLine) -> None:
    start, end = line.requested_start, line.requested_end
    if line.schedule:
        days = sorted(date.fromisoformat(part["delivery_date"]) for part in line.schedule)
        start, end = days[0], days[-1]
    elif not (start and end):
        start = end = line.delivery_date
    assert start is not None
    period(sub(item_line, "cac:Delivery"), "cac:RequestedDeliveryPeriod", start, end)


def item(
    item_line: etree._Element,
    line: VersionLine,
    *,
    with_dimensions: bool = False,
    with_tax: bool = False,
    with_standard: bool = True,
) -> None:
    """The ordered item: name, the buyer's, seller's and standard identifiers, tax and dimensions."""
    element = sub(item_line, "cac:Item")
    if line.external_description:
        sub(element, "cbc:Description", line.external_description)
    master = line.item
    sub(element, "cbc:Name", line.description or (master.name if master else "") or line_id(line))
    buyers = line.buyers_item_id or (master.number if master else "")
    if buyers:
        sub(sub(element, "cac:BuyersItemIdentification"), "cbc:ID", buyers)
    sellers = line.external_item_number or line.sellers_item_id
    if sellers:
        sub(sub(element, "cac:SellersItemIdentification"), "cbc:ID", sellers)
    standard = line.standard_item_id or (master.standard_item_id if master else "")
    if standard and with_standard:
        scheme = line.standard_item_scheme or "0160"
        sub(sub(element, "cac:StandardItemIdentification"), "cbc:ID", standard, schemeID=scheme)
    if with_tax:
        # A category needs its rate (T01-R029, R030), except "not subject to tax" (O): a standard-rated line whose
        # rate is not known is written without a tax category, which an Order may leave out.
        category, percent = line.tax_category, line.tax_percent
        if category and (percent is not None or category == NOT_SUBJECT_TO_TAX):
            tax = sub(element, "cac:ClassifiedTaxCategory")
            sub(tax, "cbc:ID", category)
            if percent is not None and category != NOT_SUBJECT_TO_TAX:
                sub(tax, "cbc:Percent", number(Decimal(percent)))
            sub(sub(tax, "cac:TaxScheme"), "cbc:ID", "VAT")
    if with_dimensions:
        for field, label in _DIMENSIONS:
            value = getattr(line, field)
            if value:
                prop = sub(element, "cac:AdditionalItemProperty")
                sub(prop, "cbc:Name", label)
                sub(prop, "cbc:Value", value)


def cancellation_document_id(po: PurchaseOrder) -> str:
    return f"{order_id(po)}-C"


def ubl_order_cancellation(po: PurchaseOrder, *, reason: str, moment: datetime) -> bytes:
    """The cancellation of a sent PO (T115), referring to the buyer's Order ID."""
    root = root_element(ORDER_CANCELLATION_NS, "OrderCancellation")
    sub(root, "cbc:CustomizationID", ORDER_CANCELLATION_CUSTOMIZATION)
    sub(root, "cbc:ProfileID", profile(True))
    sub(root, "cbc:ID", cancellation_document_id(po))
    issued(root, moment)
    sub(root, "cbc:CancellationNote", reason.strip() or "Cancelled by the buyer")
    sub(sub(root, "cac:OrderReference"), "cbc:ID", order_id(po))
    party(sub(root, "cac:BuyerCustomerParty"), po.company, named=named_party(po, "buyer"), with_name=False)
    party(sub(root, "cac:SellerSupplierParty"), po.vendor, named=named_party(po, "seller"), with_address=True)
    return serialise(root)
