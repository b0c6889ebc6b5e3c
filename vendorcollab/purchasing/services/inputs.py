"""The typed inputs of the purchasing services; faces turn forms, JSON and UBL into these."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from vendorcollab.common.receiving import LineQuantity
from vendorcollab.partners.models import Item, Site, Warehouse

from ..models import LineAction


@dataclass(frozen=True)
class Unresolved:
    """A reference typed into a form that names nothing in the company (an item number nobody has): the service
    refuses it on its own field together with every other error of the order, so that one unknown item does not
    hide a wrong quantity or date on the same line (the face used to stop at the first unknown reference)."""

    text: str


@dataclass(frozen=True)
class LineInput:
    """A PO line as the buyer enters it. ``line_number`` is assigned when left out."""

    item: Item | Unresolved
    quantity: Decimal
    unit_price: Decimal
    delivery_date: date
    line_number: int | None = None
    description: str = ""
    unit: str = ""
    discount_percent: Decimal = Decimal("0")
    site: Site | Unresolved | None = None
    warehouse: Warehouse | Unresolved | None = None
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
