"""Reading a UBL 2.1 Order (PEPPOL BIS Ordering 3, transaction T01) safely into plain values, without the database.

Parsing refuses what attacks a parser rather than informs it: a body over ``UBL_MAX_BYTES``, any DOCTYPE (billion
laughs and external entities both need one), and lxml runs with entity resolution, DTD loading and network access
off and its size limits on. Reading records every problem on the element it concerns (``Order/OrderLine[2]/
LineItem/Quantity``) and goes on, so the sender learns of every problem at once; resolving parties and items
against the database is the service's business.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from lxml import etree

from vendorcollab.common.formatting import size_text
from vendorcollab.interop.errors import InteropErrorCode

from .errors import DocumentErrors, shown, unreadable

ORDER_NS = "urn:oasis:names:specification:ubl:schema:xsd:Order-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
NS = {"cac": CAC, "cbc": CBC}

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
# A DOCTYPE as it appears in the bytes of the encodings XML documents come in (UTF-8 and its ASCII-compatible
# kin, UTF-16 in both byte orders). Anything subtler is caught after parsing, from the parsed document's doctype.
# A document that merely mentions "<!DOCTYPE" in a comment or CDATA section is refused too: no Order needs to.
_DOCTYPE_MARKS = tuple("<!DOCTYPE".encode(encoding) for encoding in ("ascii", "utf-16-le", "utf-16-be"))
_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_CURRENCY = re.compile(r"[A-Z]{3}")
_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:Z|[+-]\d{2}:\d{2})?")
# The product dimensions of a line, as the names of an item's additional properties (case does not matter).
DIMENSIONS = {"color": "color", "colour": "color", "size": "size", "style": "style", "configuration": "configuration"}

# The precision of the columns the values land in (``purchasing.models``).
QUANTITY = (16, 4)
PRICE = (18, 4)
AMOUNT = (20, 2)
PERCENT = (5, 2)
NUMBER_LENGTH = 30
UNIT_LENGTH = 10
CODE_LENGTH = 20
DIMENSION_LENGTH = 40
ITEM_NUMBER_LENGTH = 40
DESCRIPTION_LENGTH = 300
CHARGE_DESCRIPTION_LENGTH = 200


def max_bytes() -> int:
    return int(getattr(settings, "UBL_MAX_BYTES", DEFAULT_MAX_BYTES))


@dataclass(frozen=True)
class Value:
    """A text from the document and the path of the element it came from."""

    text: str
    path: str


@dataclass(frozen=True)
class PartyRef:
    """A party's PEPPOL endpoint: ``cac:Party/cbc:EndpointID`` and its ``schemeID``."""

    scheme: str
    endpoint_id: str
    path: str


@dataclass
class ChargeDoc:
    """A document-level or line-level ``cac:AllowanceCharge``; allowances carry a negative amount."""

    path: str
    code: str
    description: str
    amount: Decimal
    is_charge: bool


@dataclass
class LineDoc:
    path: str
    line_id: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    discount_percent: Decimal
    delivery_date: date | None
    # The item's identifiers in the order they are tried against our item numbers, and its name (tried only when
    # the document identifies the item by name alone).
    identifiers: list[Value]
    name: Value | None
    description: str
    dimensions: dict[str, str]
    note: str
    charges: list[ChargeDoc]
    # Where each value came from, by the name of the purchasing field it fills.
    paths: dict[str, str] = field(default_factory=dict)


@dataclass
class OrderDoc:
    number: Value
    issue_date: date
    currency: str
    buyer: PartyRef | None
    seller: PartyRef | None
    note: str
    delivery_date: date | None
    delivery_path: str
    charges: list[ChargeDoc]
    lines: list[LineDoc]


def parse(document: bytes) -> etree._Element:
    """The document's root element, or an ``UnreadableDocument``. Refusals come before any parsing where they can,
    so a hostile body costs a length check or a byte search, never a parse."""
    limit = max_bytes()
    if len(document) > limit:
        raise unreadable(InteropErrorCode.UBL_TOO_LARGE, limit=size_text(limit))
    if not document.strip():
        raise unreadable(InteropErrorCode.UBL_EMPTY)
    if any(mark in document for mark in _DOCTYPE_MARKS):
        raise unreadable(InteropErrorCode.UBL_DOCTYPE)
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(document, parser)
    except etree.XMLSyntaxError as error:
        reason = re.sub(r" \(<string>, line \d+\)$", "", str(error))
        raise unreadable(InteropErrorCode.UBL_MALFORMED, reason=shown(reason, 200)) from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise unreadable(InteropErrorCode.UBL_DOCTYPE)
    return root


def read_order(document: bytes) -> tuple[OrderDoc, DocumentErrors]:
    """The order's values, and the problems found while reading them (the caller raises them, with its own)."""
    root = parse(document)
    name = etree.QName(root)
    if name.namespace != ORDER_NS or name.localname != "Order":
        errors = DocumentErrors()
        root_name = f"{name.localname} ({name.namespace})" if name.namespace else name.localname
        errors.add(name.localname, InteropErrorCode.UBL_NOT_AN_ORDER, root=shown(root_name, 120))
        errors.raise_if_any()
    return _Reader().order(root)


class _Reader:
    def __init__(self) -> None:
        self.errors = DocumentErrors()

    # --- elements ---------------------------------------------------------------------------------------------

    def child(self, parent: etree._Element | None, path: str, name: str) -> tuple[etree._Element | None, str]:
        """The first ``name`` (``cac:LineItem``) under ``parent`` and its path."""
        path = f"{path}/{name.split(':')[1]}"
        return (None if parent is None else parent.find(name, NS)), path

    def children(self, parent: etree._Element, path: str, name: str) -> list[tuple[etree._Element, str]]:
        """Every ``name`` under ``parent``, each with its numbered path (``Order/OrderLine[2]``)."""
        local = name.split(":")[1]
        return [(element, f"{path}/{local}[{index}]") for index, element in enumerate(parent.findall(name, NS), 1)]

    def text(
        self, parent: etree._Element | None, path: str, name: str, *, required: bool = False, limit: int | None = None
    ) -> Value | None:
        element, path = self.child(parent, path, name)
        if element is None:
            if required:
                self.errors.add(path, InteropErrorCode.UBL_MISSING)
            return None
        text = " ".join((element.text or "").split())
        if not text:
            if required:
                self.errors.add(path, InteropErrorCode.UBL_EMPTY_VALUE)
            return None
        if limit is not None and len(text) > limit:
            self.errors.add(path, InteropErrorCode.UBL_TOO_LONG, value=shown(text), limit=limit)
            return None
        return Value(text, path)

    def decimal(
        self,
        parent: etree._Element | None,
        path: str,
        name: str,
        precision: tuple[int, int],
        *,
        required: bool = False,
    ) -> tuple[Decimal | None, str]:
        """A number that fits a column of ``precision`` (digits, decimals) exactly; never rounded in silence."""
        value = self.text(parent, path, name, required=required)
        path = value.path if value else f"{path}/{name.split(':')[1]}"
        if value is None:
            return None, path
        return self.number(value, precision), path

    def number(self, value: Value, precision: tuple[int, int]) -> Decimal | None:
        digits, places = precision
        if len(value.text) > 64:  # no column takes it; spare Decimal a megabyte of digits
            self.errors.add(value.path, InteropErrorCode.UBL_NUMBER_TOO_LARGE, value=shown(value.text))
            return None
        if not _DECIMAL.fullmatch(value.text):
            self.errors.add(value.path, InteropErrorCode.UBL_INVALID_NUMBER, value=shown(value.text))
            return None
        try:
            number = Decimal(value.text)
        except InvalidOperation:  # pragma: no cover - the pattern admits only what Decimal reads
            self.errors.add(value.path, InteropErrorCode.UBL_INVALID_NUMBER, value=shown(value.text))
            return None
        exponent = number.normalize().as_tuple().exponent
        if isinstance(exponent, int) and -exponent > places:
            self.errors.add(value.path, InteropErrorCode.UBL_NUMBER_TOO_PRECISE, value=shown(value.text), places=places)
            return None
        if abs(number) >= Decimal(10) ** (digits - places):
            self.errors.add(value.path, InteropErrorCode.UBL_NUMBER_TOO_LARGE, value=shown(value.text))
            return None
        return number.quantize(Decimal(1).scaleb(-places))

    def day(
        self, parent: etree._Element | None, path: str, name: str, *, required: bool = False
    ) -> tuple[date | None, str]:
        """An ``xs:date`` (``2013-07-16``, a time zone suffix allowed and ignored) and its path."""
        value = self.text(parent, path, name, required=required)
        if value is None:
            return None, f"{path}/{name.split(':')[1]}"
        match = _DATE.fullmatch(value.text)
        try:
            return date.fromisoformat(match.group(1) if match else ""), value.path
        except ValueError:
            self.errors.add(value.path, InteropErrorCode.UBL_INVALID_DATE, value=shown(value.text))
            return None, value.path

    def notes(self, parent: etree._Element) -> str:
        texts = [(element.text or "").strip() for element in parent.findall("cbc:Note", NS)]
        return "\n\n".join(text for text in texts if text)

    # --- the document -----------------------------------------------------------------------------------------

    def order(self, root: etree._Element) -> tuple[OrderDoc, DocumentErrors]:
        path = "Order"
        number = self.text(root, path, "cbc:ID", required=True, limit=NUMBER_LENGTH)
        issue_date, _issue_path = self.day(root, path, "cbc:IssueDate", required=True)
        currency = self.text(root, path, "cbc:DocumentCurrencyCode", required=True)
        if currency is not None and not _CURRENCY.fullmatch(currency.text):
            self.errors.add(currency.path, InteropErrorCode.UBL_INVALID_CURRENCY, value=shown(currency.text))
        buyer = self.party(root, path, "cac:BuyerCustomerParty")
        seller = self.party(root, path, "cac:SellerSupplierParty")
        delivery_date, delivery_path = self.requested_delivery(root, path)
        charges = [
            self.charge(element, charge_path)
            for element, charge_path in self.children(root, path, "cac:AllowanceCharge")
        ]
        lines = [self.line(element, line_path) for element, line_path in self.children(root, path, "cac:OrderLine")]
        if not lines:
            self.errors.add(f"{path}/OrderLine", InteropErrorCode.UBL_MISSING)
        order = OrderDoc(
            number=number or Value("", f"{path}/ID"),
            issue_date=issue_date or date.min,
            currency=currency.text if currency else "",
            buyer=buyer,
            seller=seller,
            note=self.notes(root),
            delivery_date=delivery_date,
            delivery_path=delivery_path,
            charges=[charge for charge in charges if charge is not None],
            lines=[line for line in lines if line is not None],
        )
        return order, self.errors

    def party(self, root: etree._Element, path: str, name: str) -> PartyRef | None:
        role, path = self.child(root, path, name)
        party, path = self.child(role, path, "cac:Party")
        if role is None or party is None:
            self.errors.add(path if role is not None else path.rsplit("/", 1)[0], InteropErrorCode.UBL_MISSING)
            return None
        endpoint = self.text(party, path, "cbc:EndpointID", required=True)
        if endpoint is None:
            return None
        element = party.find("cbc:EndpointID", NS)
        scheme = (element.get("schemeID") or "").strip() if element is not None else ""
        return PartyRef(scheme=scheme, endpoint_id=endpoint.text, path=endpoint.path)

    def requested_delivery(self, parent: etree._Element, path: str) -> tuple[date | None, str]:
        """The requested delivery date: the period's end (the day the goods are due by), else its start."""
        delivery, path = self.child(parent, path, "cac:Delivery")
        period, path = self.child(delivery, path, "cac:RequestedDeliveryPeriod")
        end, end_path = self.day(period, path, "cbc:EndDate")
        start, start_path = self.day(period, path, "cbc:StartDate")
        if end is not None:
            return end, end_path
        return start, start_path if start is not None else end_path

    def charge(self, element: etree._Element, path: str) -> ChargeDoc | None:
        indicator = self.text(element, path, "cbc:ChargeIndicator", required=True)
        is_charge = None
        if indicator is not None:
            if indicator.text.lower() in ("true", "1"):
                is_charge = True
            elif indicator.text.lower() in ("false", "0"):
                is_charge = False
            else:
                self.errors.add(indicator.path, InteropErrorCode.UBL_INVALID_BOOLEAN, value=shown(indicator.text))
        code = self.text(element, path, "cbc:AllowanceChargeReasonCode", limit=CODE_LENGTH)
        reason = self.text(element, path, "cbc:AllowanceChargeReason")
        amount, _amount_path = self.decimal(element, path, "cbc:Amount", AMOUNT, required=True)
        if is_charge is None or amount is None:
            return None
        fallback = "CHARGE" if is_charge else "ALLOWANCE"
        return ChargeDoc(
            path=path,
            code=code.text if code else fallback,
            description=reason.text[:CHARGE_DESCRIPTION_LENGTH] if reason else "",
            amount=amount if is_charge else -amount,
            is_charge=is_charge,
        )

    def line(self, order_line: etree._Element, line_path: str) -> LineDoc | None:
        item_line, path = self.child(order_line, line_path, "cac:LineItem")
        if item_line is None:
            self.errors.add(path, InteropErrorCode.UBL_MISSING)
            return None
        paths: dict[str, str] = {}
        line_id = self.text(item_line, path, "cbc:ID", required=True)
        paths["line_number"] = f"{path}/ID"
        quantity, paths["quantity"] = self.decimal(item_line, path, "cbc:Quantity", QUANTITY, required=True)
        quantity_element = item_line.find("cbc:Quantity", NS)
        unit = (quantity_element.get("unitCode") or "").strip() if quantity_element is not None else ""
        if len(unit) > UNIT_LENGTH:
            self.errors.add(
                f"{paths['quantity']}/@unitCode", InteropErrorCode.UBL_TOO_LONG, value=shown(unit), limit=UNIT_LENGTH
            )
        unit_price, paths["unit_price"] = self.price(item_line, path)
        delivery_date, paths["delivery_date"] = self.requested_delivery(item_line, path)
        discount, charges, paths["discount_percent"] = self.line_charges(item_line, path)
        item, item_path = self.child(item_line, path, "cac:Item")
        paths["item"] = item_path
        if item is None:
            self.errors.add(item_path, InteropErrorCode.UBL_MISSING)
            return None
        identifiers = [
            value
            for name in (
                "cac:BuyersItemIdentification",
                "cac:SellersItemIdentification",
                "cac:StandardItemIdentification",
            )
            for value in [self.text(*self.child(item, item_path, name), "cbc:ID", limit=ITEM_NUMBER_LENGTH)]
            if value is not None
        ]
        name = self.text(item, item_path, "cbc:Name")
        description = name or self.text(item, item_path, "cbc:Description")
        dimensions = self.dimensions(item, item_path)
        if line_id is None or quantity is None or unit_price is None:
            return None
        return LineDoc(
            path=line_path,
            line_id=line_id.text,
            quantity=quantity,
            unit=unit,
            unit_price=unit_price,
            discount_percent=discount,
            delivery_date=delivery_date,
            identifiers=identifiers,
            name=name,
            description=description.text[:DESCRIPTION_LENGTH] if description else "",
            dimensions=dimensions,
            note=self.notes(order_line),
            charges=charges,
            paths=paths,
        )

    def price(self, item_line: etree._Element, path: str) -> tuple[Decimal | None, str]:
        """The net price per unit: ``PriceAmount`` per ``BaseQuantity`` (rounded to the column's four decimals when
        that division needs more). An order line without a price is ordered at price zero."""
        price, path = self.child(item_line, path, "cac:Price")
        if price is None:
            return Decimal(0), f"{path}/PriceAmount"
        amount, amount_path = self.decimal(price, path, "cbc:PriceAmount", PRICE, required=True)
        base, base_path = self.decimal(price, path, "cbc:BaseQuantity", QUANTITY)
        if base is not None and base <= 0:
            self.errors.add(base_path, InteropErrorCode.UBL_NOT_POSITIVE, value=shown(str(base.normalize())))
            return None, amount_path
        if amount is None or base is None:
            return amount, amount_path
        return (amount / base).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP), amount_path

    def line_charges(self, item_line: etree._Element, path: str) -> tuple[Decimal, list[ChargeDoc], str]:
        """A line's allowances and charges. The first allowance given as a percentage (``MultiplierFactorNumeric``)
        is the line's discount; every other one is a charge on the line."""
        discount: Decimal | None = None
        discount_path = f"{path}/AllowanceCharge"
        charges: list[ChargeDoc] = []
        for element, charge_path in self.children(item_line, path, "cac:AllowanceCharge"):
            charge = self.charge(element, charge_path)
            if charge is None:
                continue
            factor, factor_path = self.decimal(element, charge_path, "cbc:MultiplierFactorNumeric", PERCENT)
            if discount is None and not charge.is_charge and factor is not None:
                if not Decimal(0) <= factor <= Decimal(100):
                    self.errors.add(
                        factor_path, InteropErrorCode.UBL_PERCENT_OUT_OF_RANGE, value=shown(str(factor.normalize()))
                    )
                discount, discount_path = factor, factor_path
                continue
            charges.append(charge)
        return discount or Decimal(0), charges, discount_path

    def dimensions(self, item: etree._Element, path: str) -> dict[str, str]:
        found: dict[str, str] = {}
        for element, property_path in self.children(item, path, "cac:AdditionalItemProperty"):
            name = self.text(element, property_path, "cbc:Name")
            dimension = DIMENSIONS.get(name.text.lower()) if name else None
            if dimension is None or dimension in found:
                continue
            value = self.text(element, property_path, "cbc:Value", limit=DIMENSION_LENGTH)
            if value is not None:
                found[dimension] = value.text
        return found
