"""The vendor's answer: an Order Response (T76) to the Order, an Order Response Advanced (T116) to an Order Change.

Both refer to the buyer's Order ID and line IDs, never to the portal's version label or line numbers, so that the
buyer's ERP can match them. Neither names a party by ``PartyName`` (T76-B01502, B02402): endpoint and legal name.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from lxml import etree

from vendorcollab.purchasing.models import LineAction, ResponseKind, ResponseLine, VendorResponse, VersionLine

from .common import (
    is_advanced,
    issued,
    line_id,
    named_party,
    note,
    order_id,
    party,
    period,
    profile,
    quantity,
    root_element,
    serialise,
    sub,
    unit_code,
)
from .order import item, order_document_id

ORDER_RESPONSE_NS = "urn:oasis:names:specification:ubl:schema:xsd:OrderResponse-2"
ORDER_RESPONSE_CUSTOMIZATION = "urn:fdc:peppol.eu:poacc:trns:order_response:3"
ORDER_RESPONSE_ADVANCED_CUSTOMIZATION = "urn:fdc:peppol.eu:poacc:trns:order_response_advanced:3"

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


def is_advanced_response(response: VendorResponse) -> bool:
    """An answer to an Order Change is an Order Response Advanced."""
    return response.version.number > 1 and is_advanced(response.version)


def response_document_id(response: VendorResponse) -> str:
    return f"{order_document_id(response.version)}-R"


def ubl_order_response(response: VendorResponse) -> bytes:
    """The vendor's answer: AP, RE, or CA with every line of the version (5 accepted, 7 not accepted, 3 changed; a
    split as one response line per schedule line, all referring to the order line; a substitute as
    ``cac:SellerSubstitutedLineItem``). T116 when it answers an Order Change, else T76."""
    version = response.version
    po = version.purchase_order
    advanced = is_advanced_response(response)
    root = root_element(ORDER_RESPONSE_NS, "OrderResponse")
    sub(
        root,
        "cbc:CustomizationID",
        ORDER_RESPONSE_ADVANCED_CUSTOMIZATION if advanced else ORDER_RESPONSE_CUSTOMIZATION,
    )
    sub(root, "cbc:ProfileID", profile(advanced))  # an Order Response is of the ordering profile even then
    sub(root, "cbc:ID", response_document_id(response))
    if response.vendor_reference:
        sub(root, "cbc:SalesOrderID", response.vendor_reference)
    issued(root, response.submitted_at)
    kind = ResponseKind(response.kind)
    sub(root, "cbc:OrderResponseCode", RESPONSE_CODES[kind])
    note(root, [response.note])
    sub(root, "cbc:DocumentCurrencyCode", version.currency)
    # The Order answered: the buyer's Order ID; for a later version sent without Order Change, the replacing Order.
    # (UBL 2.1 has no OrderChangeDocumentReference, and T116 allows no other reference to the Order Change.)
    sub(sub(root, "cac:OrderReference"), "cbc:ID", order_id(version) if advanced else order_document_id(version))
    party(sub(root, "cac:SellerSupplierParty"), po.vendor, named=named_party(version, "seller"), with_name=False)
    party(sub(root, "cac:BuyerCustomerParty"), po.company, named=named_party(version, "buyer"), with_name=False)
    if kind == ResponseKind.ACCEPTED_WITH_CHANGES:
        ordered = {line.line_number: line for line in version.lines.all()}
        for answer in response.lines.all():
            _response_lines(root, answer, ordered[answer.line_number])
    return serialise(root)


def _response_lines(root: etree._Element, answer: ResponseLine, line: VersionLine) -> None:
    action = LineAction(answer.action)
    if action == LineAction.SPLIT:
        parts = [(Decimal(part["quantity"]), date.fromisoformat(part["delivery_date"])) for part in answer.schedule]
        for position, (part_quantity, delivery_date) in enumerate(parts, 1):
            _response_line(root, answer, line, f"{line_id(line)}.{position}", part_quantity, delivery_date)
        return
    _response_line(root, answer, line, line_id(line), answer.quantity, answer.delivery_date)


def _response_line(
    root: etree._Element,
    answer: ResponseLine,
    line: VersionLine,
    response_line_id: str,
    line_quantity: Decimal | None,
    delivery_date: date | None,
) -> None:
    order_line = sub(root, "cac:OrderLine")
    item_line = sub(order_line, "cac:LineItem")
    sub(item_line, "cbc:ID", response_line_id)
    note(item_line, [answer.note])
    sub(item_line, "cbc:LineStatusCode", LINE_STATUS[LineAction(answer.action)])
    if answer.action != LineAction.REJECT and line_quantity is not None:
        quantity(item_line, "cbc:Quantity", line_quantity, unit_code(line))
    if answer.action != LineAction.REJECT and delivery_date is not None:
        period(sub(item_line, "cac:Delivery"), "cac:PromisedDeliveryPeriod", delivery_date)
    item(item_line, line)
    if answer.action == LineAction.SUBSTITUTE:
        substitute = sub(order_line, "cac:SellerSubstitutedLineItem")
        sub(substitute, "cbc:ID", line_id(line))
        substituted = sub(substitute, "cac:Item")
        sub(substituted, "cbc:Name", answer.external_description or answer.external_item_number)
        sub(sub(substituted, "cac:SellersItemIdentification"), "cbc:ID", answer.external_item_number)
    sub(sub(order_line, "cac:OrderLineReference"), "cbc:LineID", line_id(line))
