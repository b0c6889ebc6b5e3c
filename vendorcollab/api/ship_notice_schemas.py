"""What vendor and buyer users read and send about ship notices (DESIGN.md sections 8 and 12).

A notice's shape is built from objects a query already loaded (``build``): the lists prefetch the lines with their
purchase orders and PO lines, so building queries nothing. Both sides read the same shape; what the vendor may do
and what the buyer may do differ only in ``actions``.

Input follows the API's conventions: unknown fields are refused, output-only fields that a client sends back (a
notice read with `GET`, edited and posted as a new one) are ignored (Google's AIP-203).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import BeforeValidator

from vendorcollab.accounts.models import User
from vendorcollab.common.errors import FieldErrors
from vendorcollab.shipping import transitions
from vendorcollab.shipping.errors import MESSAGES as SHIPPING_MESSAGES
from vendorcollab.shipping.errors import ShippingErrorCode
from vendorcollab.shipping.inputs import NoticeReceiptLineInput, ShipNoticeInput, ShipNoticeLineInput
from vendorcollab.shipping.models import ShipNotice, ShipNoticeOrigin, ShipNoticeStatus
from vendorcollab.shipping.transitions import ShipNoticeAction

from .buyer_schemas import IGNORED, BuyerInput, Quantity
from .schemas import Id, NoNullCharacters, OutSchema, Text
from .vendor_schemas import LineNumber

# The columns' lengths (``shipping.models``); the services check them too, with the same codes as the pages.
NUMBER_LENGTH = 30
CARRIER_LENGTH = 100
NOTE_LENGTH = 4000
LINE_NOTE_LENGTH = 300
MAX_LINES = 500
# Far above any real shipment; PositiveIntegerField's range on every database.
MAX_PACKAGES = 2**31 - 1


def _none_as_empty_list(value: object) -> object:
    return [] if value is None else value


# --- reading --------------------------------------------------------------------------------------------------------


class ShipNoticeLineOut(OutSchema):
    line_number: int = Field(description="The notice line's own number: what `receive` names.")
    purchase_order: int
    purchase_order_number: str
    po_line_number: int = Field(description="The number of the purchase order line it ships.")
    item: int | None = Field(description="Null for a free-text line.")
    item_number: str
    description: str
    unit: str
    quantity: Decimal = Field(description="Shipped: what the vendor announced.")
    received_quantity: Decimal | None = Field(description="What the receiving clerk received; null until received.")
    difference: Decimal | None = Field(
        description="Received minus shipped once received: negative when short, positive when more arrived."
    )
    note: str


ACTIONS_DESCRIPTION = (
    "The codes of the actions the caller may take on this notice now, as the portal's pages offer them (the life "
    "cycle table's answer for this caller's roles and this status): `cancel` for the vendor, `receive` for the "
    "buyer's receiving roles. New codes may be added."
)


class ShipNoticeOut(OutSchema):
    """A ship notice: a shipment the vendor announced against open confirmed purchase orders."""

    id: int
    number: str = Field(description="The vendor's own number, unique per vendor account (the Despatch Advice's ID).")
    vendor: int
    company: int
    status: ShipNoticeStatus
    origin: ShipNoticeOrigin
    site: int | None = Field(description="The ship-to site of its lines; null when they name none.")
    purchase_orders: list[int] = Field(description="The purchase orders its lines ship.")
    despatch_date: date
    expected_delivery_date: date
    carrier: str
    tracking_number: str
    packages: int | None
    note: str
    received_date: date | None = Field(description="When it was received in full; null before.")
    has_difference: bool = Field(description="Some line was received with another quantity than shipped.")
    cancelled_at: datetime | None
    cancel_reason: str
    created_at: datetime
    updated_at: datetime
    lines: list[ShipNoticeLineOut]
    actions: list[ShipNoticeAction] = Field(description=ACTIONS_DESCRIPTION)

    @classmethod
    def build(cls, notice: ShipNotice, *, actor: User) -> ShipNoticeOut:
        """From a notice with ``lines__purchase_order`` and ``lines__po_line__item`` prefetched."""
        lines = list(notice.lines.all())
        return cls.model_construct(
            id=notice.pk,
            number=notice.number,
            vendor=notice.vendor_id,
            company=notice.company_id,
            status=ShipNoticeStatus(notice.status),
            origin=ShipNoticeOrigin(notice.origin),
            site=notice.site_id,
            purchase_orders=sorted({line.purchase_order_id for line in lines}),
            despatch_date=notice.despatch_date,
            expected_delivery_date=notice.expected_delivery_date,
            carrier=notice.carrier,
            tracking_number=notice.tracking_number,
            packages=notice.packages,
            note=notice.note,
            received_date=notice.received_date,
            has_difference=notice.has_difference,
            cancelled_at=notice.cancelled_at,
            cancel_reason=notice.cancel_reason,
            created_at=notice.created_at,
            updated_at=notice.updated_at,
            lines=[
                ShipNoticeLineOut.model_construct(
                    line_number=line.line_number,
                    purchase_order=line.purchase_order_id,
                    purchase_order_number=line.purchase_order.number,
                    po_line_number=line.po_line.line_number,
                    item=line.po_line.item_id,
                    item_number=line.po_line.item.number if line.po_line.item else "",
                    description=line.po_line.description,
                    unit=line.po_line.unit,
                    quantity=line.quantity,
                    received_quantity=line.received_quantity,
                    difference=line.difference,
                    note=line.note,
                )
                for line in lines
            ],
            actions=sorted(transitions.available(notice, actor)),
        )


# --- filters --------------------------------------------------------------------------------------------------------


class VendorShipNoticeFilters(NoNullCharacters, Schema):
    status: ShipNoticeStatus | None = Field(None, description="Only notices with this status.")
    purchase_order: Id | None = Field(None, description="Only notices with a line of this purchase order.")
    vendor: Id | None = Field(None, description="Only this vendor account's.")
    company: Id | None = Field(None, description="Only those shipped to this company.")
    q: str = Field("", max_length=100, description="Search: the notice number or the tracking number.")


class BuyerShipNoticeFilters(VendorShipNoticeFilters):
    expected_from: date | None = Field(None, description="Only notices expected on or after this date.")
    expected_to: date | None = Field(None, description="Only notices expected on or before this date.")


# --- writing --------------------------------------------------------------------------------------------------------


def _ignored() -> Any:
    # ``readOnly`` tells generators the field need not be sent; it is accepted when it is, and never used.
    return Field(None, description=IGNORED, json_schema_extra={"readOnly": True})


class ShipNoticeLineIn(BuyerInput):
    purchase_order: Id | None = Field(
        None, description="The purchase order of this line; the notice's `purchase_order` when left out."
    )
    line_number: LineNumber | None = Field(
        None, description="The purchase order line's number (unless `po_line_number` is sent, as `GET` returns it)."
    )
    po_line_number: LineNumber | None = Field(
        None,
        description="The purchase order line's number as `GET` returns it: when sent, it names the PO line and "
        "`line_number` is read as the notice's own line number, which the portal assigns.",
    )
    quantity: Quantity = Field(description="Shipped: at most what is still open and not already announced (409).")
    note: Text = Field("", max_length=LINE_NOTE_LENGTH)

    purchase_order_number: str | None = _ignored()
    item: int | None = _ignored()
    item_number: str | None = _ignored()
    description: str | None = _ignored()
    unit: str | None = _ignored()
    received_quantity: Decimal | None = _ignored()
    difference: Decimal | None = _ignored()

    @property
    def order_line_number(self) -> int | None:
        """The PO line this line ships: ``po_line_number`` when a notice read with `GET` is sent back, else
        ``line_number`` as DESIGN.md's body has it."""
        return self.po_line_number if self.po_line_number is not None else self.line_number


ShipNoticeLines = Annotated[list[ShipNoticeLineIn], BeforeValidator(_none_as_empty_list)]


class ShipNoticeIn(BuyerInput):
    """A new notice. Lines of several purchase orders are allowed when they belong to one vendor account and one
    ship-to site: then each line names its own `purchase_order`."""

    purchase_order: Id | None = Field(None, description="The purchase order of every line that names none.")
    number: Text = Field(
        "",
        max_length=NUMBER_LENGTH,
        description="The vendor's own number, unique per vendor account; assigned (SN-000001, …) when left out.",
    )
    despatch_date: date | None = Field(None, description="Today when left out; never in the future.")
    expected_delivery_date: date | None = Field(None, description="Required; not before the despatch date.")
    carrier: Text = Field("", max_length=CARRIER_LENGTH)
    tracking_number: Text = Field("", max_length=CARRIER_LENGTH)
    packages: int | None = Field(None, le=MAX_PACKAGES, description="At least 1 when given.")
    note: Text = Field("", max_length=NOTE_LENGTH)
    lines: ShipNoticeLines = Field(default_factory=list, max_length=MAX_LINES)

    id: int | None = _ignored()
    vendor: int | None = _ignored()
    company: int | None = _ignored()
    status: str | None = _ignored()
    origin: str | None = _ignored()
    site: int | None = _ignored()
    purchase_orders: list[int] | None = _ignored()
    received_date: date | None = _ignored()
    has_difference: bool | None = _ignored()
    cancelled_at: datetime | None = _ignored()
    cancel_reason: str | None = _ignored()
    created_at: datetime | None = _ignored()
    updated_at: datetime | None = _ignored()
    actions: list[object] | None = _ignored()

    def to_input(self) -> ShipNoticeInput:
        """The service's input. A line needs its purchase order (its own or the notice's) and its PO line number:
        one that names neither is refused here on its own field, with the code the service uses for a missing
        value, since the service's input has no way to say "not given"."""
        errors = FieldErrors(SHIPPING_MESSAGES)
        lines = []
        for index, line in enumerate(self.lines):
            purchase_order_id = line.purchase_order or self.purchase_order
            line_number = line.order_line_number
            if purchase_order_id is None:
                errors.add(f"lines.{index}.purchase_order", ShippingErrorCode.REQUIRED)
            if line_number is None:
                errors.add(f"lines.{index}.line_number", ShippingErrorCode.REQUIRED)
            if purchase_order_id is not None and line_number is not None:
                lines.append(
                    ShipNoticeLineInput(
                        purchase_order_id=purchase_order_id,
                        line_number=line_number,
                        quantity=line.quantity,
                        note=line.note,
                    )
                )
        errors.raise_if_any()
        return ShipNoticeInput(
            lines=tuple(lines),
            number=self.number.strip(),
            despatch_date=self.despatch_date,
            expected_delivery_date=self.expected_delivery_date,
            carrier=self.carrier,
            tracking_number=self.tracking_number,
            packages=self.packages,
            note=self.note,
        )


class CancelIn(BuyerInput):
    reason: Text = Field("", max_length=1000, description="Optional: why, for the buyer.")


class NoticeReceiptLineIn(BuyerInput):
    line_number: LineNumber = Field(description="The notice line's number (`lines[].line_number` of `GET`).")
    quantity: Quantity = Field(description="Received; 0 when nothing of it arrived.")

    def to_input(self) -> NoticeReceiptLineInput:
        return NoticeReceiptLineInput(line_number=self.line_number, quantity=self.quantity)


class NoticeReceiptIn(BuyerInput):
    """Lines left out stay in transit and can be received later."""

    received_date: date | None = Field(None, description="Today when left out; never in the future.")
    lines: list[NoticeReceiptLineIn] = Field(min_length=1, max_length=MAX_LINES)
