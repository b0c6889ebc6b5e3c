"""What a vendor enters for a ship notice and what a clerk enters to receive from one: plain values, checked by the
services (a page, the API and an imported Despatch Advice build the same inputs)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class ShipNoticeLineInput:
    """One line of a notice: how much of line ``line_number`` of a PO is shipped."""

    purchase_order_id: int
    line_number: int  # the PO line's number
    quantity: Decimal
    note: str = ""


@dataclass(frozen=True)
class ShipNoticeInput:
    lines: tuple[ShipNoticeLineInput, ...]
    number: str = ""  # blank: assigned (``next_ship_notice_number``)
    despatch_date: date | None = None  # None: today
    expected_delivery_date: date | None = None  # required
    carrier: str = ""
    tracking_number: str = ""
    packages: int | None = None
    note: str = ""


@dataclass(frozen=True)
class NoticeReceiptLineInput:
    """What arrived of one line of a notice (0: nothing of it arrived)."""

    line_number: int  # the NOTICE line's number
    quantity: Decimal
