"""The typed inputs of the purchasing services; faces turn forms, JSON and UBL into these."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal
from typing import Any

from vendorcollab.common.receiving import LineQuantity
from vendorcollab.partners.models import Item, Site, Warehouse

from ..models import LineAction, LineFields


@dataclass(frozen=True)
class Unresolved:
    """A reference typed into a form that names nothing in the company (an item number nobody has): the service
    refuses it on its own field together with every other error of the order, so that one unknown item does not
    hide a wrong quantity or date on the same line (the face used to stop at the first unknown reference)."""

    text: str


@dataclass(frozen=True)
class LineInput:
    """A PO line as the buyer enters it. ``line_number`` is assigned when left out.

    ``item`` None is a free-text line: it needs a description and a unit code, and carries the buyer's, the
    seller's and the standard item identifiers instead of an item record. A blank ``unit_code`` on an item line is
    the item's; ``buyer_line_id`` is the line's ID in the buyer's Order (blank: the line number). A blank
    ``tax_category`` or a ``tax_percent`` of None is the item's rate, else the company's (``partners.tax``)."""

    item: Item | Unresolved | None
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
    buyer_line_id: str = ""
    buyers_item_id: str = ""
    sellers_item_id: str = ""
    standard_item_id: str = ""
    standard_item_scheme: str = "0160"
    unit_code: str = ""
    tax_category: str = ""
    tax_percent: Decimal | None = None
    requested_start: date | None = None
    requested_end: date | None = None

    @classmethod
    def from_line(cls, line: LineFields, **changes: Any) -> LineInput:
        """The input that enters ``line`` (of a PO or a version) again as it is, but for ``changes``."""
        kept = {each.name: getattr(line, each.name) for each in fields(cls) if each.name not in changes}
        return cls(**kept, **changes)


@dataclass(frozen=True)
class PartyInput:
    """A party (buyer or seller) as an Order names it; stored in ``OrderTerms.parties`` as given."""

    name: str = ""
    street_name: str = ""
    additional_street_name: str = ""
    city_name: str = ""
    postal_zone: str = ""
    country_subentity: str = ""
    country_code: str = ""
    vat_id: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    endpoint_scheme: str = ""
    endpoint_id: str = ""


@dataclass(frozen=True)
class OrderTermsInput:
    """The header fields of a PO beyond vendor, lines and charges (``models.OrderTerms``). Passed whole to
    ``po_create`` / ``po_update``: every field replaces what the PO holds."""

    order_document_id: str = ""
    response_expected: bool = True
    payment_terms: str = ""
    delivery_terms_code: str = ""
    delivery_terms: str = ""
    contract_reference: str = ""
    quotation_reference: str = ""
    originator_reference: str = ""
    delivery_party_name: str = ""
    delivery_location_id: str = ""
    delivery_location_scheme: str = ""
    delivery_street_name: str = ""
    delivery_additional_street_name: str = ""
    delivery_city_name: str = ""
    delivery_postal_zone: str = ""
    delivery_country_subentity: str = ""
    delivery_country_code: str = ""
    buyer_party: PartyInput | None = None
    seller_party: PartyInput | None = None


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
