"""Reading a PEPPOL BIS Despatch Advice 3 (T16) from a vendor's ERP into plain values, without the database, with the
same safe parsing and per-element problems as the other documents (``ubl_reader``).

What the portal keeps of a despatch advice is what a ship notice holds: the number, the dates, carrier, tracking
number, packages, the note, and per line the order line it ships and the quantity. The rest (weights, lots, serial
numbers, hazard codes, handling units' measures) travels in the document, which the log keeps as it came.

Where each value is read from (the spec's places, the portal's writer writes them there too):
- despatch date: ``Shipment/Delivery/Despatch/ActualDespatchDate``, else the issue date (a despatch advice is sent
  when the goods leave);
- expected delivery date: the end of ``Shipment/Delivery/EstimatedDeliveryPeriod``, else its start (the day the
  goods are due by);
- carrier: ``Shipment/Consignment/CarrierParty/PartyName/Name``; tracking number: ``Shipment/Delivery/TrackingID``,
  else the consignment's ID (the carrier's consignment number) unless it is the spec's dummy "NA";
- packages: ``Shipment/TotalTransportHandlingUnitQuantity``, else the number of distinct transport handling units
  the lines name (an SSCC each, the dummy "NA" aside);
- a line's order: its ``OrderLineReference/OrderReference/ID``, else the header's ``OrderReference/ID``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from lxml import etree

from vendorcollab.common.text import Limit
from vendorcollab.shipping.models import ShipNotice, ShipNoticeLine

from .errors import DocumentErrors, InteropErrorCode, shown
from .ubl_reader import (
    NS,
    NUMBER_LENGTH,
    QUANTITY,
    REFERENCE_LENGTH,
    UNIT_LENGTH,
    PartyRef,
    Transaction,
    Value,
    _Reader,
    parse,
    transaction_of,
)

# The limits of the ship notice's columns (``shipping.models``), read from them so that they cannot drift.
CARRIER_LENGTH: int = ShipNotice._meta.get_field("carrier").max_length or 0
TRACKING_LENGTH: int = ShipNotice._meta.get_field("tracking_number").max_length or 0
LINE_NOTE_LENGTH: int = ShipNoticeLine._meta.get_field("note").max_length or 0
NOTE_LENGTH = Limit.NOTE
# The spec's dummy for an identifier the sender does not have.
NOT_AVAILABLE = "NA"
PACKAGES_MAX = 1_000_000


@dataclass
class DespatchLineDoc:
    """One ``DespatchLine``: what it ships of which order line."""

    path: str
    line_id: str
    # ``OrderLineReference/OrderReference/ID`` when the line names its order (a despatch of several orders).
    order_reference: Value | None
    order_line_id: Value
    quantity: Decimal
    unit_code: str
    note: str
    handling_units: list[str] = field(default_factory=list)
    paths: dict[str, str] = field(default_factory=dict)


@dataclass
class DespatchDoc:
    number: Value
    issue_date: date
    despatch_date: date | None
    expected_delivery_date: date | None
    # The header's ``OrderReference/ID`` values (the spec: one when every line ships the same order, else none).
    order_references: list[Value]
    supplier: PartyRef | None
    customer: PartyRef | None
    carrier: str
    tracking_number: str
    packages: int | None
    note: str
    lines: list[DespatchLineDoc]
    transaction: Transaction = Transaction.DESPATCH_ADVICE
    paths: dict[str, str] = field(default_factory=dict)


def read_despatch_advice(document: bytes) -> tuple[DespatchDoc, DocumentErrors]:
    """The despatch advice's values, and the problems found while reading them."""
    root = parse(document)
    transaction_of(root)
    return _DespatchReader().despatch_advice(root)


class _DespatchReader(_Reader):
    def despatch_advice(self, root: etree._Element) -> tuple[DespatchDoc, DocumentErrors]:
        path = "DespatchAdvice"
        paths: dict[str, str] = {}
        number = self.text(root, path, "cbc:ID", required=True, limit=NUMBER_LENGTH)
        issue_date, paths["issue_date"] = self.day(root, path, "cbc:IssueDate", required=True)
        references = [
            value
            for element, reference_path in self.children(root, path, "cac:OrderReference")
            if (value := self.text(element, reference_path, "cbc:ID", required=True, limit=REFERENCE_LENGTH))
        ]
        supplier = self.party(root, path, "cac:DespatchSupplierParty")
        customer = self.party(root, path, "cac:DeliveryCustomerParty")

        shipment, shipment_path = self.child(root, path, "cac:Shipment")
        delivery, delivery_path = self.child(shipment, shipment_path, "cac:Delivery")
        despatch, despatch_path = self.child(delivery, delivery_path, "cac:Despatch")
        despatch_date, paths["despatch_date"] = self.day(despatch, despatch_path, "cbc:ActualDespatchDate")
        if despatch_date is None:
            despatch_date, paths["despatch_date"] = issue_date, paths["issue_date"]
        estimated, estimated_path = self.child(delivery, delivery_path, "cac:EstimatedDeliveryPeriod")
        paths["expected_delivery_date"] = estimated_path
        end, end_path = self.day(estimated, estimated_path, "cbc:EndDate")
        start, start_path = self.day(estimated, estimated_path, "cbc:StartDate")
        expected = end or start
        if expected is not None:
            paths["expected_delivery_date"] = end_path if end is not None else start_path

        consignment, consignment_path = self.child(shipment, shipment_path, "cac:Consignment")
        carrier_party, carrier_path = self.child(consignment, consignment_path, "cac:CarrierParty")
        carrier = self.plain(*self.child(carrier_party, carrier_path, "cac:PartyName"), "cbc:Name", CARRIER_LENGTH)
        paths["carrier"] = f"{carrier_path}/PartyName/Name"
        tracking = self.text(delivery, delivery_path, "cbc:TrackingID", limit=TRACKING_LENGTH)
        if tracking is None:
            consignment_id = self.text(consignment, consignment_path, "cbc:ID", limit=TRACKING_LENGTH)
            tracking = consignment_id if consignment_id and consignment_id.text != NOT_AVAILABLE else None
        paths["tracking_number"] = tracking.path if tracking else f"{delivery_path}/TrackingID"

        lines = [
            self.despatch_line(element, line_path)
            for element, line_path in self.children(root, path, "cac:DespatchLine")
        ]
        if not lines:
            self.errors.add(f"{path}/DespatchLine", InteropErrorCode.UBL_MISSING)
        read_lines = [line for line in lines if line is not None]
        packages, paths["packages"] = self.packages(shipment, shipment_path, read_lines)
        paths["note"] = f"{path}/Note"
        document = DespatchDoc(
            number=number or Value("", f"{path}/ID"),
            issue_date=issue_date or date.min,
            despatch_date=despatch_date,
            expected_delivery_date=expected,
            order_references=references,
            supplier=supplier,
            customer=customer,
            carrier=carrier,
            tracking_number=tracking.text if tracking else "",
            packages=packages,
            note=self.notes(root)[:NOTE_LENGTH],
            lines=read_lines,
            paths=paths,
        )
        return document, self.errors

    def packages(
        self, shipment: etree._Element | None, path: str, lines: list[DespatchLineDoc]
    ) -> tuple[int | None, str]:
        """The packages the shipment counts, else the distinct handling units its lines name."""
        count, count_path = self.decimal(shipment, path, "cbc:TotalTransportHandlingUnitQuantity", QUANTITY)
        if count is not None:
            if count != count.to_integral_value() or not 0 < count <= PACKAGES_MAX:
                self.errors.add(count_path, InteropErrorCode.UBL_INVALID_NUMBER, value=shown(str(count.normalize())))
                return None, count_path
            return int(count), count_path
        units = {unit for line in lines for unit in line.handling_units}
        return (len(units) or None), count_path

    def despatch_line(self, element: etree._Element, path: str) -> DespatchLineDoc | None:
        paths: dict[str, str] = {}
        line_id = self.text(element, path, "cbc:ID", required=True)
        quantity, paths["quantity"] = self.decimal(element, path, "cbc:DeliveredQuantity", QUANTITY, required=True)
        if quantity is not None and quantity < 0:
            self.errors.add(paths["quantity"], InteropErrorCode.UBL_NOT_POSITIVE, value=shown(str(quantity)))
            quantity = None
        quantity_element = element.find("cbc:DeliveredQuantity", NS)
        unit = (quantity_element.get("unitCode") or "").strip() if quantity_element is not None else ""
        if len(unit) > UNIT_LENGTH:
            self.errors.add(
                f"{paths['quantity']}/@unitCode", InteropErrorCode.UBL_TOO_LONG, value=shown(unit), limit=UNIT_LENGTH
            )
        reference, reference_path = self.child(element, path, "cac:OrderLineReference")
        order_line_id = self.text(reference, reference_path, "cbc:LineID", required=True, limit=REFERENCE_LENGTH)
        order = self.text(
            *self.child(reference, reference_path, "cac:OrderReference"), "cbc:ID", limit=REFERENCE_LENGTH
        )
        paths["order_line_id"] = order_line_id.path if order_line_id else f"{reference_path}/LineID"
        shipment, shipment_path = self.child(element, path, "cac:Shipment")
        units = []
        if shipment is not None:
            for unit_element, unit_path in self.children(shipment, shipment_path, "cac:TransportHandlingUnit"):
                unit_id = self.plain(unit_element, unit_path, "cbc:ID", REFERENCE_LENGTH)
                if unit_id and unit_id != NOT_AVAILABLE:
                    units.append(unit_id)
        if line_id is None or quantity is None or order_line_id is None:
            return None
        return DespatchLineDoc(
            path=path,
            line_id=line_id.text,
            order_reference=order,
            order_line_id=order_line_id,
            quantity=quantity,
            unit_code=unit,
            note=self.notes(element)[:LINE_NOTE_LENGTH],
            handling_units=units,
            paths=paths,
        )
