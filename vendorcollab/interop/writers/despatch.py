"""The vendor's ship notice as a PEPPOL BIS Despatch Advice 3 (transaction T16).

Callers pass a notice fetched with ``interop.selectors.ship_notice_for_document`` (or ``..._for_export``): its
vendor account, company, site and lines with their PO lines, items and POs loaded; writing queries nothing else.

Where the spec (poacc-upgrade-3, guides/profiles/30-despatchadvice) places what the notice holds:
- the notice number is the document's ID; a notice of one PO names it in the header ``OrderReference`` only, a notice
  of several POs has no header reference and names each line's PO in ``OrderLineReference/OrderReference`` (the
  spec's "order reference" section: never both ways at once);
- ``DespatchSupplierParty`` is the vendor account, ``DeliveryCustomerParty`` (the consignee) the company at the
  ship-to address: the site's when it has one, else the PO's delivery address, else the company's;
- ``Shipment``: the carrier in ``Consignment/CarrierParty`` (whose ``Consignment/ID`` is the tracking number, the
  carrier's consignment number), the tracking number in ``Delivery/TrackingID``, the packages in
  ``TotalTransportHandlingUnitQuantity``, the expected delivery as ``EstimatedDeliveryPeriod``, the despatch date as
  ``Despatch/ActualDespatchDate``; the site, by name and address, as the ``Delivery/DeliveryParty``;
- lines: the shipped quantity as ``DeliveredQuantity`` in the PO line's unit code, the item as the PO line has it.

PEPPOL-T16-R003 wants every item identified by the seller's or the standard identifier. A PO line that has neither
(the vendor never gave its own number, the item has no GTIN) is identified by what the vendor was ordered it by: the
buyer's item number as the seller's identifier, else the buyer's line reference ("<order id>/<line id>").
"""

from __future__ import annotations

from lxml import etree

from vendorcollab.purchasing.models import PurchaseOrder, PurchaseOrderLine
from vendorcollab.shipping.models import ShipNotice, ShipNoticeLine

from .common import (
    issued,
    line_id,
    named_party,
    note,
    order_id,
    orders_of,
    party,
    party_data,
    period,
    postal_address,
    quantity,
    root_element,
    serialise,
    sub,
    unit_code,
)

DESPATCH_ADVICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:DespatchAdvice-2"
DESPATCH_ADVICE_CUSTOMIZATION = "urn:fdc:peppol.eu:poacc:trns:despatch_advice:3"
DESPATCH_ADVICE_PROFILE = "urn:fdc:peppol.eu:poacc:bis:despatch_advice:3"
# The spec's dummy for an identifier the sender does not have (Shipment/ID, Consignment/ID are required in UBL).
NOT_AVAILABLE = "NA"


def despatch_document_id(notice: ShipNotice) -> str:
    """The document's ID: the notice number, the vendor's own (unique per vendor account)."""
    return notice.number


def ubl_despatch_advice(notice: ShipNotice) -> bytes:
    """The notice as a Despatch Advice (T16), issued when the notice was created."""
    lines = list(notice.lines.all())
    orders = orders_of(lines)
    first_po = orders[0] if orders else None

    root = root_element(DESPATCH_ADVICE_NS, "DespatchAdvice")
    sub(root, "cbc:CustomizationID", DESPATCH_ADVICE_CUSTOMIZATION)
    sub(root, "cbc:ProfileID", DESPATCH_ADVICE_PROFILE)
    sub(root, "cbc:ID", despatch_document_id(notice))
    issued(root, notice.created_at)
    note(root, [notice.note])
    if len(orders) == 1:
        sub(sub(root, "cac:OrderReference"), "cbc:ID", order_id(orders[0]))
    # The syntax allows no PartyName for these two roles: the legal name stands for it.
    party(
        sub(root, "cac:DespatchSupplierParty"),
        notice.vendor,
        named=named_party(first_po, "seller") if first_po else None,
        with_name=False,
        with_address=True,
        with_contact=True,
    )
    _consignee(root, notice, first_po)
    _shipment(root, notice)
    for row in lines:
        _line(root, row, several_orders=len(orders) > 1)
    return serialise(root)


def _consignee(root: etree._Element, notice: ShipNotice, po: PurchaseOrder | None) -> None:
    """The company as the consignee, at the address the goods go to (one notice, one ship-to): the site's, else the
    PO's delivery address, else the company's own."""
    company = notice.company
    element = sub(sub(root, "cac:DeliveryCustomerParty"), "cac:Party")
    sub(element, "cbc:EndpointID", company.endpoint_id, schemeID=company.endpoint_scheme)
    site = notice.site
    if site is not None and site.country_code:
        postal_address(element, site)
    elif po is not None and po.delivery_country_code:
        postal_address(element, po, prefix="delivery_")
    else:
        postal_address(element, company)
    name = party_data(company, named_party(po, "buyer") if po else None).name
    sub(sub(element, "cac:PartyLegalEntity"), "cbc:RegistrationName", name)


def _shipment(root: etree._Element, notice: ShipNotice) -> None:
    shipment = sub(root, "cac:Shipment")
    sub(shipment, "cbc:ID", NOT_AVAILABLE)
    if notice.packages:
        sub(shipment, "cbc:TotalTransportHandlingUnitQuantity", str(notice.packages))
    if notice.carrier:
        consignment = sub(shipment, "cac:Consignment")
        sub(consignment, "cbc:ID", notice.tracking_number or NOT_AVAILABLE)
        sub(sub(sub(consignment, "cac:CarrierParty"), "cac:PartyName"), "cbc:Name", notice.carrier)
    delivery = sub(shipment, "cac:Delivery")
    if notice.tracking_number:
        sub(delivery, "cbc:TrackingID", notice.tracking_number)
    period(delivery, "cac:EstimatedDeliveryPeriod", notice.expected_delivery_date)
    site = notice.site
    if site is not None:
        delivery_party = sub(delivery, "cac:DeliveryParty")
        sub(sub(delivery_party, "cac:PartyName"), "cbc:Name", site.name or site.code)
        postal_address(delivery_party, site)
    sub(sub(delivery, "cac:Despatch"), "cbc:ActualDespatchDate", notice.despatch_date.isoformat())


def _line(root: etree._Element, row: ShipNoticeLine, *, several_orders: bool) -> None:
    po_line = row.po_line
    element = sub(root, "cac:DespatchLine")
    sub(element, "cbc:ID", str(row.line_number))
    note(element, [row.note])
    quantity(element, "cbc:DeliveredQuantity", row.quantity, unit_code(po_line))
    reference = sub(element, "cac:OrderLineReference")
    sub(reference, "cbc:LineID", line_id(po_line))
    if several_orders:
        sub(sub(reference, "cac:OrderReference"), "cbc:ID", order_id(row.purchase_order))
    _item(element, po_line, row.purchase_order)


def _item(parent: etree._Element, po_line: PurchaseOrderLine, po: PurchaseOrder) -> None:
    """The item as the PO line has it: name, the buyer's, the seller's and the standard identifiers."""
    master = po_line.item
    element = sub(parent, "cac:Item")
    sub(element, "cbc:Name", po_line.description or (master.name if master else "") or line_id(po_line))
    buyers = po_line.buyers_item_id or (master.number if master else "")
    if buyers:
        sub(sub(element, "cac:BuyersItemIdentification"), "cbc:ID", buyers)
    standard = po_line.standard_item_id or (master.standard_item_id if master else "")
    sellers = po_line.external_item_number or po_line.sellers_item_id
    if not sellers and not standard:
        sellers = buyers or f"{order_id(po)}/{line_id(po_line)}"  # PEPPOL-T16-R003, see the module's note
    if sellers:
        sub(sub(element, "cac:SellersItemIdentification"), "cbc:ID", sellers)
    if standard:
        scheme = po_line.standard_item_scheme or "0160"
        sub(sub(element, "cac:StandardItemIdentification"), "cbc:ID", standard, schemeID=scheme)
