"""Writing UBL 2.1 documents: a PO version as an Order (PEPPOL T01), a vendor response as an Order Response (T76).

Both are valid against the UBL 2.1 schemas (the tests check every kind against the XSD). The Order's ``cbc:ID`` is
the version's label (``PO-000123-2``) and the Order Response refers to it in ``cac:OrderReference``, so an ERP can
tell every version and its answer apart. Callers pass objects fetched through ``interop.selectors`` (lines, charges,
notes and response lines prefetched); writing queries nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone
from lxml import etree

from vendorcollab.common.text import xml_safe
from vendorcollab.partners.models import Company, Vendor
from vendorcollab.purchasing.models import (
    LineAction,
    PurchaseOrderVersion,
    ResponseKind,
    ResponseLine,
    VendorResponse,
    VersionLine,
)

from .ubl_reader import CAC, CBC, ORDER_NS

ORDER_RESPONSE_NS = "urn:oasis:names:specification:ubl:schema:xsd:OrderResponse-2"
ORDER_CUSTOMIZATION = "urn:fdc:peppol.eu:poacc:trns:order:3"
ORDER_RESPONSE_CUSTOMIZATION = "urn:fdc:peppol.eu:poacc:trns:order_response:3"
PROFILE = "urn:fdc:peppol.eu:poacc:bis:ordering:3"
ORDER_TYPE_STANDARD = "220"

# OrderResponseCode (UNCL 4343 subset of PEPPOL BIS Ordering 3).
RESPONSE_CODES = {
    ResponseKind.ACCEPTED: "AP",
    ResponseKind.REJECTED: "RE",
    ResponseKind.ACCEPTED_WITH_CHANGES: "CA",
}
# LineStatusCode (UNCL 1229 subset): 5 accepted, 7 not accepted, 3 changed.
LINE_STATUS = {
    LineAction.ACCEPT: "5",
    LineAction.REJECT: "7",
    LineAction.CHANGE: "3",
    LineAction.SPLIT: "3",
    LineAction.SUBSTITUTE: "3",
}
# UNCL 5189: the allowance reason of a line's percentage discount.
DISCOUNT_REASON_CODE = "95"
# A charge code that can stand as an UNCL 7161 / 5189 reason code; any other code is written as the reason's text.
_REASON_CODE = re.compile(r"[A-Z0-9]{1,3}")
_DIMENSIONS = (("color", "Color"), ("size", "Size"), ("style", "Style"), ("configuration", "Configuration"))
CENT = Decimal("0.01")


def ubl_order(version: PurchaseOrderVersion) -> bytes:
    """The version as a UBL 2.1 Order. Lines cancelled for the record (a rejection the buyer accepted) are not
    ordered, so they and their charges are left out; the totals are those of what is written."""
    po = version.purchase_order
    currency = version.currency
    root = etree.Element(f"{{{ORDER_NS}}}Order", nsmap={None: ORDER_NS, "cac": CAC, "cbc": CBC})
    _sub(root, "cbc:CustomizationID", ORDER_CUSTOMIZATION)
    _sub(root, "cbc:ProfileID", PROFILE)
    _sub(root, "cbc:ID", version.label)
    _issued(root, version.created_at)
    _sub(root, "cbc:OrderTypeCode", ORDER_TYPE_STANDARD)
    notes = list(version.notes.all())
    _note(root, (note.text for note in notes if note.line_number is None))
    _sub(root, "cbc:DocumentCurrencyCode", currency)
    _party(
        _sub(root, "cac:BuyerCustomerParty"),
        po.company,
        contact=(version.buyer_contact_name, version.buyer_contact_email),
    )
    _party(_sub(root, "cac:SellerSupplierParty"), po.vendor)
    lines = [line for line in version.lines.all() if not line.is_cancelled]
    charges = list(version.charges.all())
    header_charges = [charge for charge in charges if charge.line_number is None]
    for charge in header_charges:
        _allowance_charge(root, charge.amount, currency, code=charge.code, reason=charge.description)
    line_totals = {}
    for line in lines:
        line_charges = [charge for charge in charges if charge.line_number == line.line_number]
        line_totals[line.line_number] = line.amount + sum((charge.amount for charge in line_charges), Decimal(0))
    total = _sub(root, "cac:AnticipatedMonetaryTotal")
    lines_amount = sum(line_totals.values(), Decimal(0))
    allowances = -sum((charge.amount for charge in header_charges if charge.amount < 0), Decimal(0))
    added = sum((charge.amount for charge in header_charges if charge.amount > 0), Decimal(0))
    _amount(total, "cbc:LineExtensionAmount", lines_amount, currency)
    if allowances:
        _amount(total, "cbc:AllowanceTotalAmount", allowances, currency)
    if added:
        _amount(total, "cbc:ChargeTotalAmount", added, currency)
    _amount(total, "cbc:PayableAmount", lines_amount - allowances + added, currency)
    for line in lines:
        order_line = _sub(root, "cac:OrderLine")
        _note(order_line, (note.text for note in notes if note.line_number == line.line_number))
        item_line = _sub(order_line, "cac:LineItem")
        _sub(item_line, "cbc:ID", str(line.line_number))
        _quantity(item_line, "cbc:Quantity", line.quantity, line.unit)
        _amount(item_line, "cbc:LineExtensionAmount", line_totals[line.line_number], currency)
        if line.schedule:
            for part in line.schedule:
                delivery = _sub(item_line, "cac:Delivery")
                _quantity(delivery, "cbc:Quantity", Decimal(part["quantity"]), line.unit)
                _period(delivery, "cac:RequestedDeliveryPeriod", date.fromisoformat(part["delivery_date"]))
        else:
            _period(_sub(item_line, "cac:Delivery"), "cac:RequestedDeliveryPeriod", line.delivery_date)
        if line.discount_percent:
            gross = (line.quantity * line.unit_price).quantize(CENT)
            _allowance_charge(
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
                _allowance_charge(item_line, charge.amount, currency, code=charge.code, reason=charge.description)
        price = _sub(item_line, "cac:Price")
        _amount(price, "cbc:PriceAmount", line.unit_price, currency, places=None)
        _quantity(price, "cbc:BaseQuantity", Decimal(1), line.unit)
        _item(item_line, line, with_dimensions=True)
    return _serialise(root)


def ubl_order_response(response: VendorResponse) -> bytes:
    """The vendor's answer as a UBL 2.1 Order Response: AP, RE, or CA with every line of the version (5 accepted,
    7 not accepted, 3 changed; a split as one response line per schedule line, all referring to the order line; a
    substitute as ``cac:SellerSubstitutedLineItem``)."""
    version = response.version
    po = version.purchase_order
    root = etree.Element(
        f"{{{ORDER_RESPONSE_NS}}}OrderResponse", nsmap={None: ORDER_RESPONSE_NS, "cac": CAC, "cbc": CBC}
    )
    _sub(root, "cbc:CustomizationID", ORDER_RESPONSE_CUSTOMIZATION)
    _sub(root, "cbc:ProfileID", PROFILE)
    _sub(root, "cbc:ID", f"{version.label}-R")
    if response.vendor_reference:
        _sub(root, "cbc:SalesOrderID", response.vendor_reference)
    _issued(root, response.submitted_at)
    kind = ResponseKind(response.kind)
    _sub(root, "cbc:OrderResponseCode", RESPONSE_CODES[kind])
    _note(root, [response.note])
    _sub(root, "cbc:DocumentCurrencyCode", version.currency)
    _sub(_sub(root, "cac:OrderReference"), "cbc:ID", version.label)
    _party(_sub(root, "cac:SellerSupplierParty"), po.vendor)
    _party(_sub(root, "cac:BuyerCustomerParty"), po.company)
    if kind == ResponseKind.ACCEPTED_WITH_CHANGES:
        ordered = {line.line_number: line for line in version.lines.all()}
        for answer in response.lines.all():
            _response_lines(root, answer, ordered[answer.line_number])
    return _serialise(root)


def _response_lines(root: etree._Element, answer: ResponseLine, line: VersionLine) -> None:
    action = LineAction(answer.action)
    if action == LineAction.SPLIT:
        parts = [(Decimal(part["quantity"]), date.fromisoformat(part["delivery_date"])) for part in answer.schedule]
        for position, (quantity, delivery_date) in enumerate(parts, 1):
            _response_line(root, answer, line, f"{line.line_number}.{position}", quantity, delivery_date)
        return
    _response_line(root, answer, line, str(line.line_number), answer.quantity, answer.delivery_date)


def _response_line(
    root: etree._Element,
    answer: ResponseLine,
    line: VersionLine,
    line_id: str,
    quantity: Decimal | None,
    delivery_date: date | None,
) -> None:
    order_line = _sub(root, "cac:OrderLine")
    item_line = _sub(order_line, "cac:LineItem")
    _sub(item_line, "cbc:ID", line_id)
    _note(item_line, [answer.note])
    _sub(item_line, "cbc:LineStatusCode", LINE_STATUS[LineAction(answer.action)])
    if answer.action != LineAction.REJECT and quantity is not None:
        _quantity(item_line, "cbc:Quantity", quantity, line.unit)
    if answer.action != LineAction.REJECT and delivery_date is not None:
        _period(_sub(item_line, "cac:Delivery"), "cac:PromisedDeliveryPeriod", delivery_date)
    _item(item_line, line)
    if answer.action == LineAction.SUBSTITUTE:
        substitute = _sub(order_line, "cac:SellerSubstitutedLineItem")
        _sub(substitute, "cbc:ID", str(line.line_number))
        item = _sub(substitute, "cac:Item")
        _sub(item, "cbc:Name", answer.external_description or answer.external_item_number)
        _sub(_sub(item, "cac:SellersItemIdentification"), "cbc:ID", answer.external_item_number)
    _sub(_sub(order_line, "cac:OrderLineReference"), "cbc:LineID", str(line.line_number))


# --- building blocks ---------------------------------------------------------------------------------------------


def _sub(parent: etree._Element, name: str, text: str | None = None, **attributes: str) -> etree._Element:
    """Every text and attribute passes ``xml_safe``: a row stored before the input rules could hold a character that
    XML cannot, and lxml would refuse it, making the document unreachable."""
    prefix, local = name.split(":")
    safe = {key: xml_safe(value) for key, value in attributes.items()}
    element = etree.SubElement(parent, f"{{{CAC if prefix == 'cac' else CBC}}}{local}", safe)
    if text is not None:
        element.text = xml_safe(text)
    return element


def _issued(root: etree._Element, moment: datetime) -> None:
    local = timezone.localtime(moment)
    _sub(root, "cbc:IssueDate", local.date().isoformat())
    _sub(root, "cbc:IssueTime", local.time().replace(microsecond=0).isoformat())


def _note(parent: etree._Element, texts: Iterable[str]) -> None:
    text = "\n\n".join(text.strip() for text in texts if text and text.strip())
    if text:
        _sub(parent, "cbc:Note", text)


def _number(value: Decimal) -> str:
    """``Decimal("30.0000")`` as "30", never "3E+1"."""
    return format(value.normalize(), "f")


def _amount(parent: etree._Element, name: str, value: Decimal, currency: str, *, places: Decimal | None = CENT) -> None:
    text = f"{value.quantize(places):f}" if places is not None else _number(value)
    _sub(parent, name, text, currencyID=currency)


def _quantity(parent: etree._Element, name: str, value: Decimal, unit: str) -> None:
    # UN/ECE Recommendation 20 codes are upper case ("EA", "NAR"); the portal's default unit is "ea".
    _sub(parent, name, _number(value), unitCode=unit.upper())


def _period(parent: etree._Element, name: str, day: date) -> None:
    period = _sub(parent, name)
    _sub(period, "cbc:StartDate", day.isoformat())
    _sub(period, "cbc:EndDate", day.isoformat())


def _party(
    role: etree._Element, partner: Company | Vendor, *, contact: tuple[str, str] | None = None
) -> etree._Element:
    party = _sub(role, "cac:Party")
    if partner.endpoint_id:
        _sub(
            party,
            "cbc:EndpointID",
            partner.endpoint_id,
            **({"schemeID": partner.endpoint_scheme} if partner.endpoint_scheme else {}),
        )
    _sub(_sub(party, "cac:PartyName"), "cbc:Name", partner.name)
    _sub(_sub(party, "cac:PartyLegalEntity"), "cbc:RegistrationName", partner.name)
    if contact and any(contact):
        name, email = contact
        person = _sub(party, "cac:Contact")
        if name:
            _sub(person, "cbc:Name", name)
        if email:
            _sub(person, "cbc:ElectronicMail", email)
    return party


def _allowance_charge(
    parent: etree._Element,
    amount: Decimal,
    currency: str,
    *,
    code: str,
    reason: str,
    percent: Decimal | None = None,
    base: Decimal | None = None,
    is_charge: bool | None = None,
) -> None:
    """A charge (a positive amount) or an allowance (a negative one), written with its amount as a positive number."""
    element = _sub(parent, "cac:AllowanceCharge")
    _sub(element, "cbc:ChargeIndicator", "true" if (amount >= 0 if is_charge is None else is_charge) else "false")
    if _REASON_CODE.fullmatch(code):
        _sub(element, "cbc:AllowanceChargeReasonCode", code)
    text = reason or code
    if text:
        _sub(element, "cbc:AllowanceChargeReason", text)
    if percent is not None:
        _sub(element, "cbc:MultiplierFactorNumeric", _number(percent))
    _amount(element, "cbc:Amount", abs(amount), currency)
    if base is not None:
        _amount(element, "cbc:BaseAmount", base, currency)


def _item(item_line: etree._Element, line: VersionLine, *, with_dimensions: bool = False) -> None:
    item = _sub(item_line, "cac:Item")
    if line.external_description:
        _sub(item, "cbc:Description", line.external_description)
    _sub(item, "cbc:Name", line.description or (line.item.name if line.item else ""))
    buyers_item_id = line.item.number if line.item else line.buyers_item_id
    if buyers_item_id:
        _sub(_sub(item, "cac:BuyersItemIdentification"), "cbc:ID", buyers_item_id)
    if line.external_item_number:
        _sub(_sub(item, "cac:SellersItemIdentification"), "cbc:ID", line.external_item_number)
    if with_dimensions:
        for field, label in _DIMENSIONS:
            value = getattr(line, field)
            if value:
                prop = _sub(item, "cac:AdditionalItemProperty")
                _sub(prop, "cbc:Name", label)
                _sub(prop, "cbc:Value", value)


def _serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
