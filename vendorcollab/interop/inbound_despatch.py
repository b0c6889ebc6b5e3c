"""A Despatch Advice (T16) from the vendor's ERP, through the same shipping service as the pages and the API
(``ship_notice_create``, origin ``ubl``), so it meets the same rules (open confirmed POs of one vendor account and
one ship-to, never more than still to announce, under the PO lines' locks) and answers with the same codes.

Decisions, each visible in a refusal's message:

- The vendor account is the one whose endpoint ``DespatchSupplierParty`` carries, in the company whose endpoint the
  consignee (``DeliveryCustomerParty``, the one party the spec requires on the buyer's side) carries; the posting
  user must be one of its users.
- Each line's PO is the vendor account's PO that its ``OrderLineReference/OrderReference/ID`` names, else the one of
  the header's ``OrderReference/ID``, found as every answer to an order finds it (the buyer's Order ID, else the PO
  number). An order the vendor account does not have is ``ubl_unknown_order`` (404), in the log with the reason.
- A line ships the PO line whose ID in the buyer's Order (``order_line_id``) its ``OrderLineReference/LineID`` names
  (the first such line where an ERP repeated an ID). Several despatch lines on one order line (lots, best-before
  dates, handling units) are one notice line with their quantities added, as a notice holds one line per PO line.
  A line delivering 0 announces nothing and is left out.
- The quantity must be in the PO line's unit (``unitCode``): 4.25 KGM is not 4.25 pieces.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from vendorcollab.accounts.models import User
from vendorcollab.common.errors import AppError, NotFound, ValidationFailed
from vendorcollab.purchasing.models import PurchaseOrder, PurchaseOrderLine
from vendorcollab.shipping.inputs import ShipNoticeInput, ShipNoticeLineInput
from vendorcollab.shipping.models import ShipNotice, ShipNoticeOrigin
from vendorcollab.shipping.services import ship_notice_create

from .despatch_reader import LINE_NOTE_LENGTH, DespatchDoc, DespatchLineDoc
from .errors import DocumentErrors, InteropErrorCode, shown
from .services_inbound import _orders_of, _parties, _refusal
from .ubl_reader import Value
from .writers.common import unit_code


@dataclass(frozen=True)
class DespatchTaken:
    """What a despatch advice did: the notice it created and the first PO it ships (the log files it there)."""

    ship_notice: ShipNotice
    purchase_order: PurchaseOrder


def despatch_advice_import(*, actor: User, document: DespatchDoc, errors: DocumentErrors) -> DespatchTaken:
    """Create the ship notice the document is; refused whole, with every problem on its element, when any part of
    it cannot be taken."""
    company, vendor = _parties(actor, document.customer, document.supplier)
    if vendor.pk not in actor.vendor_ids:
        # Another vendor account's document: as unknown to this user as the account itself.
        assert document.supplier is not None
        raise _refusal(
            document.supplier.path,
            InteropErrorCode.UBL_UNKNOWN_SELLER,
            NotFound,
            company=company.code,
            scheme=shown(document.supplier.scheme),
            value=shown(document.supplier.endpoint_id),
        )
    orders = _orders_of_lines(document, company.pk, vendor.pk, errors)
    po_lines = _po_lines(orders.values())
    quantities: dict[PurchaseOrderLine, Decimal] = defaultdict(Decimal)
    notes: dict[PurchaseOrderLine, list[str]] = defaultdict(list)
    first_of: dict[PurchaseOrderLine, DespatchLineDoc] = {}
    for line in document.lines:
        po = orders.get(id(line))
        if po is None:
            continue  # its order is missing or unknown: said already
        po_line = po_lines.get((po.pk, line.order_line_id.text))
        if po_line is None:
            errors.add(line.order_line_id.path, InteropErrorCode.UBL_UNKNOWN_LINE, value=shown(line.order_line_id.text))
            continue
        expected_unit = unit_code(po_line)
        if line.unit_code and expected_unit and line.unit_code.upper() != expected_unit.upper():
            errors.add(
                f"{line.paths['quantity']}/@unitCode",
                InteropErrorCode.UBL_INVALID_CODE,
                value=shown(line.unit_code),
                allowed=expected_unit,
            )
            continue
        if not line.quantity:
            continue  # nothing of this line ships now
        quantities[po_line] += line.quantity
        if line.note:
            notes[po_line].append(line.note)
        first_of.setdefault(po_line, line)
    errors.raise_if_any()
    shipped = list(quantities)
    data = ShipNoticeInput(
        lines=tuple(
            ShipNoticeLineInput(
                purchase_order_id=po_line.purchase_order_id,
                line_number=po_line.line_number,
                quantity=quantities[po_line],
                note="; ".join(notes[po_line])[:LINE_NOTE_LENGTH],
            )
            for po_line in shipped
        ),
        number=document.number.text,
        despatch_date=document.despatch_date,
        expected_delivery_date=document.expected_delivery_date,
        carrier=document.carrier,
        tracking_number=document.tracking_number,
        packages=document.packages,
        note=document.note,
    )
    try:
        notice = ship_notice_create(actor=actor, data=data, origin=ShipNoticeOrigin.UBL)
    except AppError as error:
        raise _on_elements(error, document, [first_of[po_line] for po_line in shipped]) from None
    # The PO of the notice's first line (a line that shipped 0 is not on the notice, nor perhaps its PO).
    by_pk = {po.pk: po for po in orders.values()}
    return DespatchTaken(notice, by_pk[shipped[0].purchase_order_id])


def _orders_of_lines(
    document: DespatchDoc, company_id: int, vendor_id: int, errors: DocumentErrors
) -> dict[int, PurchaseOrder]:
    """Each line's PO, by the line's ``id()`` (a line is a mutable dataclass, so not hashable), in the order the
    lines name them; an unknown order is refused outright (404), as for every other document that names one."""
    header = document.order_references[0] if len(document.order_references) == 1 else None
    found: dict[str, PurchaseOrder] = {}
    orders: dict[int, PurchaseOrder] = {}
    for line in document.lines:
        reference: Value | None = line.order_reference or header
        if reference is None:
            errors.add(f"{line.path}/OrderLineReference/OrderReference/ID", InteropErrorCode.UBL_MISSING)
            continue
        if reference.text not in found:
            po, _version = _orders_of(company_id, vendor_id, reference.text)
            if po is None:
                raise _refusal(
                    reference.path, InteropErrorCode.UBL_UNKNOWN_ORDER, NotFound, value=shown(reference.text)
                )
            found[reference.text] = po
        orders[id(line)] = found[reference.text]
        line.paths["order_reference"] = reference.path
    return orders


def _po_lines(orders: Iterable[PurchaseOrder]) -> dict[tuple[int, str], PurchaseOrderLine]:
    """The lines of the POs by (PO, ID in the buyer's Order), the first of an ID kept: one query."""
    purchase_orders = {po.pk for po in orders}
    by_reference: dict[tuple[int, str], PurchaseOrderLine] = {}
    rows = PurchaseOrderLine.objects.filter(purchase_order_id__in=purchase_orders).select_related("item")
    for po_line in rows.order_by("purchase_order_id", "line_number"):
        by_reference.setdefault((po_line.purchase_order_id, po_line.order_line_id), po_line)
    return by_reference


def _on_elements(error: AppError, document: DespatchDoc, lines: list[DespatchLineDoc]) -> AppError:
    """A refusal of the shipping service (``lines.0.quantity``, ``expected_delivery_date``) with its fields moved
    onto the document's elements, under the service's codes."""
    root = "DespatchAdvice"
    places = {
        "number": document.number.path,
        "despatch_date": document.paths.get("despatch_date", f"{root}/IssueDate"),
        "expected_delivery_date": document.paths.get("expected_delivery_date", f"{root}/Shipment/Delivery"),
        "carrier": document.paths.get("carrier", f"{root}/Shipment/Consignment"),
        "tracking_number": document.paths.get("tracking_number", f"{root}/Shipment/Delivery/TrackingID"),
        "packages": document.paths.get("packages", f"{root}/Shipment/TotalTransportHandlingUnitQuantity"),
        "note": document.paths.get("note", f"{root}/Note"),
        "lines": f"{root}/DespatchLine",
    }
    for index, line in enumerate(lines):
        places[f"lines.{index}"] = line.path
        places[f"lines.{index}.quantity"] = line.paths["quantity"]
        places[f"lines.{index}.line_number"] = line.paths["order_line_id"]
        places[f"lines.{index}.purchase_order_id"] = line.paths["order_line_id"]
        places[f"lines.{index}.purchase_order"] = line.paths.get("order_reference", line.paths["order_line_id"])
        places[f"lines.{index}.note"] = f"{line.path}/Note"

    def place(key: str) -> str:
        # An unforeseen sub-field of a line lands on the line; anything else on the document.
        return places.get(key) or places.get(".".join(key.split(".")[:2])) or root

    if not isinstance(error, ValidationFailed):
        # A conflict (over-announced, decided under the locks) keeps its status; its message names PO and line.
        return error.with_fields_renamed({key: place(key) for key in error.fields})
    # Input refused: as every refused document, a message that names the element ("…/ActualDespatchDate: …").
    errors = DocumentErrors()
    for key, message in error.fields.items():
        errors.add_text(place(key), error.field_codes.get(key, error.code), str(message))
    return errors.error() or error
