"""The typed inputs of the purchasing services; faces turn forms, JSON and UBL into these."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from vendorcollab.common.receiving import LineQuantity
from vendorcollab.partners.models import Item, Site, Warehouse

from ..models import LineAction


@dataclass(frozen=True)
class LineInput:
    """A PO line as the buyer enters it. ``line_number`` is assigned when left out."""

    item: Item
    quantity: Decimal
    unit_price: Decimal
    delivery_date: date
    line_number: int | None = None
    description: str = ""
    unit: str = ""
    discount_percent: Decimal = Decimal("0")
    site: Site | None = None
    warehouse: Warehouse | None = None
    color: str = ""
    size: str = ""
    style: str = ""
    configuration: str = ""
    # A line kept for the record but not ordered (a rejected line whose rejection was accepted).
    is_cancelled: bool = False


@dataclass(frozen=True)
class ChargeInput:
    code: str
    amount: Decimal
    description: str = ""
    line_number: int | None = None


@dataclass(frozen=True)
class ScheduleInput:
    quantity: Decimal
    delivery_date: date


@dataclass(frozen=True)
class LineAnswer:
    """The vendor's answer for one line.

    ``unit_price`` and ``discount_percent`` exist only so that an attempt to change them is refused loudly
    instead of being dropped in silence: the vendor suggests price changes in notes.
    """

    line_number: int
    action: LineAction
    quantity: Decimal | None = None
    delivery_date: date | None = None
    schedule: tuple[ScheduleInput, ...] = field(default_factory=tuple)
    external_item_number: str = ""
    external_description: str = ""
    note: str = ""
    unit_price: Decimal | None = None
    discount_percent: Decimal | None = None


# One line of a product receipt: the shape shared with replenishment receipts (``common.receiving``).
ReceiptLineInput = LineQuantity
