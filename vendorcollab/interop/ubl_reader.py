"""Reading a UBL 2.1 Order (PEPPOL BIS Ordering 3, transaction T01) safely into plain values, without the database.

Parsing refuses what attacks a parser rather than informs it: a body over ``UBL_MAX_BYTES``, any DOCTYPE (billion
laughs and external entities both need one), and lxml runs with entity resolution, DTD loading and network access
off and its size limits on. Reading records every problem on the element it concerns (``Order/OrderLine[2]/
LineItem/Quantity``) and goes on, so the sender learns of every problem at once; resolving parties and items
against the database is the service's business.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from django.conf import settings
from lxml import etree

from vendorcollab.common.formatting import size_text
from vendorcollab.interop.errors import InteropErrorCode

from .errors import DocumentErrors, shown, unreadable

ORDER_NS = "urn:oasis:names:specification:ubl:schema:xsd:Order-2"
ORDER_CHANGE_NS = "urn:oasis:names:specification:ubl:schema:xsd:OrderChange-2"
ORDER_CANCELLATION_NS = "urn:oasis:names:specification:ubl:schema:xsd:OrderCancellation-2"
ORDER_RESPONSE_NS = "urn:oasis:names:specification:ubl:schema:xsd:OrderResponse-2"
INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CREDIT_NOTE_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
DESPATCH_ADVICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:DespatchAdvice-2"
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
# A PEPPOL identifier (endpoint, location, GTIN, scheme): printable, no spaces, no markup-like characters.
_IDENTIFIER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/+-]*")
_SCHEME = re.compile(r"\d{4}")
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
IDENTIFIER_LENGTH = 50
REFERENCE_LENGTH = 100
TERMS_LENGTH = 500
NAME_LENGTH = 200
ATTACHMENTS_MAX = 20


class Transaction(StrEnum):
    """The PEPPOL BIS Ordering 3, Billing 3 and Despatch Advice 3 transactions the portal reads, by their
    CustomizationID's name."""

    ORDER = "T01"
    ORDER_CHANGE = "T114"
    ORDER_CANCELLATION = "T115"
    ORDER_RESPONSE = "T76"
    ORDER_RESPONSE_ADVANCED = "T116"
    INVOICE = "T10"
    CREDIT_NOTE = "T14"
    DESPATCH_ADVICE = "T16"


PEPPOL = "urn:fdc:peppol.eu:poacc"
ORDERING = f"{PEPPOL}:bis:ordering:3"
ORDER_ONLY = f"{PEPPOL}:bis:order_only:3"
ADVANCED_ORDERING = f"{PEPPOL}:bis:advanced_ordering:3"
BILLING_CUSTOMIZATION = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
BILLING = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
# Every business process the official PEPPOL rules approve for a Billing 3 document (PEPPOL-EN16931-R007): billing
# with an invoice response, and the French ones, bill as profile 01 does; the portal writes BILLING.
BILLING_PROFILES = frozenset(
    {
        BILLING,
        "urn:peppol:bis:billing_with_response",
        "urn:peppol:france:billing:regulated",
        "urn:peppol:france:billing:non-regulated",
    }
)
# Per transaction: its root element, its CustomizationID and the profiles it may travel in (BIS Ordering 3, 3.1).
TRANSACTIONS: dict[Transaction, tuple[tuple[str, str], str, frozenset[str]]] = {
    Transaction.ORDER: (
        (ORDER_NS, "Order"),
        f"{PEPPOL}:trns:order:3",
        frozenset({ORDERING, ORDER_ONLY, ADVANCED_ORDERING}),
    ),
    Transaction.ORDER_CHANGE: (
        (ORDER_CHANGE_NS, "OrderChange"),
        f"{PEPPOL}:trns:order_change:3",
        frozenset({ADVANCED_ORDERING}),
    ),
    Transaction.ORDER_CANCELLATION: (
        (ORDER_CANCELLATION_NS, "OrderCancellation"),
        f"{PEPPOL}:trns:order_cancellation:3",
        frozenset({ADVANCED_ORDERING}),
    ),
    Transaction.ORDER_RESPONSE: (
        (ORDER_RESPONSE_NS, "OrderResponse"),
        f"{PEPPOL}:trns:order_response:3",
        frozenset({ORDERING, ADVANCED_ORDERING}),
    ),
    Transaction.ORDER_RESPONSE_ADVANCED: (
        (ORDER_RESPONSE_NS, "OrderResponse"),
        f"{PEPPOL}:trns:order_response_advanced:3",
        frozenset({ADVANCED_ORDERING}),
    ),
    Transaction.INVOICE: ((INVOICE_NS, "Invoice"), BILLING_CUSTOMIZATION, BILLING_PROFILES),
    Transaction.CREDIT_NOTE: ((CREDIT_NOTE_NS, "CreditNote"), BILLING_CUSTOMIZATION, BILLING_PROFILES),
    Transaction.DESPATCH_ADVICE: (
        (DESPATCH_ADVICE_NS, "DespatchAdvice"),
        f"{PEPPOL}:trns:despatch_advice:3",
        frozenset({f"{PEPPOL}:bis:despatch_advice:3"}),
    ),
}
BILLING_TRANSACTIONS = frozenset({Transaction.INVOICE, Transaction.CREDIT_NOTE})


# A substitute's item number: the seller's own, else the standard (GTIN), else the buyer's.
SUBSTITUTE_IDENTIFIERS = (
    "cac:SellersItemIdentification",
    "cac:StandardItemIdentification",
    "cac:BuyersItemIdentification",
)


def _text_of(value: Value | None) -> str:
    return value.text if value is not None else ""


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


@dataclass(frozen=True)
class Address:
    """A ``cac:PostalAddress`` or ``cac:Address``, with the names of the portal's ``PostalAddress`` fields."""

    street_name: str = ""
    additional_street_name: str = ""
    city_name: str = ""
    postal_zone: str = ""
    country_subentity: str = ""
    country_code: str = ""


@dataclass(frozen=True)
class PartyDoc:
    """A party as the document names it: what the portal keeps of it (``OrderTerms.parties``)."""

    name: str = ""
    address: Address = field(default_factory=Address)
    vat_id: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    endpoint: PartyRef | None = None

    def as_json(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            "name": self.name,
            **self.address.__dict__,
            "vat_id": self.vat_id,
            "contact_name": self.contact_name,
            "contact_phone": self.contact_phone,
            "contact_email": self.contact_email,
        }
        if self.endpoint is not None:
            values["endpoint_scheme"], values["endpoint_id"] = self.endpoint.scheme, self.endpoint.endpoint_id
        return {key: value for key, value in values.items() if value}


@dataclass(frozen=True)
class AttachmentDoc:
    """An ``AdditionalDocumentReference`` with an embedded file (one with only a URI is kept as a note)."""

    path: str
    document_id: str
    filename: str
    mime_code: str
    content: bytes


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
    buyers_item_id: str = ""
    sellers_item_id: str = ""
    standard_item_id: str = ""
    standard_item_scheme: str = ""
    tax_category: str = ""
    tax_percent: Decimal | None = None
    requested_start: date | None = None
    requested_end: date | None = None
    # An Order Change's line status (UNCL1229: 1 added, 2 deleted, 3 changed, 4 no action).
    status_code: str = ""


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
    transaction: Transaction = Transaction.ORDER
    profile: str = ORDERING
    buyer_party: PartyDoc = field(default_factory=PartyDoc)
    seller_party: PartyDoc = field(default_factory=PartyDoc)
    requested_start: date | None = None
    requested_end: date | None = None
    delivery_address: Address = field(default_factory=Address)
    delivery_location_id: str = ""
    delivery_location_scheme: str = ""
    delivery_party_name: str = ""
    payment_terms: str = ""
    delivery_terms_code: str = ""
    delivery_terms: str = ""
    contract_reference: str = ""
    quotation_reference: str = ""
    originator_reference: str = ""
    attachments: list[AttachmentDoc] = field(default_factory=list)
    # Referred documents that are not embedded (an ``ExternalReference/URI``), as "ID: URI" lines.
    external_documents: list[str] = field(default_factory=list)
    # An Order Change: the Order it changes and its sequence number (1 for the first change).
    order_reference: Value | None = None
    sequence_number: int | None = None

    @property
    def response_expected(self) -> bool:
        return self.profile != ORDER_ONLY


@dataclass
class CancellationDoc:
    """An Order Cancellation (T115)."""

    number: Value
    issue_date: date
    order_reference: Value
    buyer: PartyRef | None
    seller: PartyRef | None
    note: str


@dataclass
class ResponseLineDoc:
    """One ``cac:OrderLine`` of an Order Response: the answer for (part of) the order line it refers to."""

    path: str
    line_id: str
    order_line_id: Value
    status_code: str
    quantity: Decimal | None
    promised_date: date | None
    note: str
    substitute_item_id: str = ""
    substitute_name: str = ""
    paths: dict[str, str] = field(default_factory=dict)


@dataclass
class ResponseDoc:
    """An Order Response (T76) or Order Response Advanced (T116)."""

    transaction: Transaction
    number: Value
    issue_date: date
    code: Value
    order_reference: Value
    order_change_reference: str
    sales_order_id: str
    buyer: PartyRef | None
    seller: PartyRef | None
    note: str
    promised_date: date | None
    lines: list[ResponseLineDoc]


Document = OrderDoc | CancellationDoc | ResponseDoc


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


def transaction_of(root: etree._Element) -> Transaction:
    """Which transaction the document is, from its root element and ``CustomizationID``; refused (whole) when it is
    none the portal takes, or travels in a profile its transaction does not belong to."""
    name = etree.QName(root)
    errors = DocumentErrors()
    customization = " ".join((root.findtext("cbc:CustomizationID", "", NS) or "").split())
    profile = " ".join((root.findtext("cbc:ProfileID", "", NS) or "").split())
    roots = {spec[0] for spec in TRANSACTIONS.values()}
    if (name.namespace, name.localname) not in roots:
        root_name = f"{name.localname} ({name.namespace})" if name.namespace else name.localname
        errors.add(name.localname, InteropErrorCode.UBL_NOT_AN_ORDER, root=shown(root_name, 120))
        errors.raise_if_any()
    found = next(
        (
            transaction
            for transaction, (root_spec, spec_customization, _profiles) in TRANSACTIONS.items()
            if root_spec == (name.namespace, name.localname) and spec_customization == customization
        ),
        None,
    )
    if found is None:
        errors.add(
            f"{name.localname}/CustomizationID",
            InteropErrorCode.UBL_WRONG_TRANSACTION,
            value=shown(customization) or "-",
            root=name.localname,
        )
        errors.raise_if_any()
    assert found is not None
    if profile not in TRANSACTIONS[found][2]:
        errors.add(
            f"{name.localname}/ProfileID",
            InteropErrorCode.UBL_WRONG_PROFILE,
            value=shown(profile) or "-",
            transaction=found.value,
        )
        errors.raise_if_any()
    return found


def read_document(document: bytes) -> tuple[Document, DocumentErrors]:
    """Any document of BIS Ordering 3 the portal takes, and the problems found while reading it."""
    root = parse(document)
    transaction = transaction_of(root)
    reader = _Reader()
    if transaction in (Transaction.ORDER, Transaction.ORDER_CHANGE):
        return reader.order(root, transaction)
    if transaction == Transaction.ORDER_CANCELLATION:
        return reader.cancellation(root)
    return reader.response(root, transaction)


def read_order(document: bytes) -> tuple[OrderDoc, DocumentErrors]:
    """The order's values, and the problems found while reading them (the caller raises them, with its own)."""
    root = parse(document)
    name = etree.QName(root)
    if name.namespace != ORDER_NS or name.localname != "Order":
        errors = DocumentErrors()
        root_name = f"{name.localname} ({name.namespace})" if name.namespace else name.localname
        errors.add(name.localname, InteropErrorCode.UBL_NOT_AN_ORDER, root=shown(root_name, 120))
        errors.raise_if_any()
    transaction_of(root)
    return _Reader().order(root, Transaction.ORDER)


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

    def order(self, root: etree._Element, transaction: Transaction) -> tuple[OrderDoc, DocumentErrors]:
        path = etree.QName(root).localname
        number = self.text(root, path, "cbc:ID", required=True, limit=NUMBER_LENGTH)
        issue_date, _issue_path = self.day(root, path, "cbc:IssueDate", required=True)
        currency = self.text(root, path, "cbc:DocumentCurrencyCode", required=True)
        if currency is not None and not _CURRENCY.fullmatch(currency.text):
            self.errors.add(currency.path, InteropErrorCode.UBL_INVALID_CURRENCY, value=shown(currency.text))
        order_reference: Value | None = None
        sequence: int | None = None
        if transaction == Transaction.ORDER_CHANGE:
            order_reference = self.text(*self.child(root, path, "cac:OrderReference"), "cbc:ID", required=True)
            sequence_value = self.text(root, path, "cbc:SequenceNumberID", required=True)
            if sequence_value is not None:
                if sequence_value.text.isdigit() and 0 < int(sequence_value.text) < 10_000:
                    sequence = int(sequence_value.text)
                else:
                    self.errors.add(
                        sequence_value.path, InteropErrorCode.UBL_INVALID_NUMBER, value=shown(sequence_value.text)
                    )
        buyer_party = self.party_doc(root, path, "cac:BuyerCustomerParty")
        seller_party = self.party_doc(root, path, "cac:SellerSupplierParty")
        delivery_date, delivery_path = self.requested_delivery(root, path)
        start, end = self.period(root, path)
        delivery, delivery_element_path = self.child(root, path, "cac:Delivery")
        location, location_path = self.child(delivery, delivery_element_path, "cac:DeliveryLocation")
        location_id, location_scheme = self.identifier(location, location_path, "cbc:ID")
        address, address_path = self.child(location, location_path, "cac:Address")
        delivery_party, delivery_party_path = self.child(delivery, delivery_element_path, "cac:DeliveryParty")
        charges = [
            self.charge(element, charge_path)
            for element, charge_path in self.children(root, path, "cac:AllowanceCharge")
        ]
        lines = [self.line(element, line_path) for element, line_path in self.children(root, path, "cac:OrderLine")]
        if not lines:
            self.errors.add(f"{path}/OrderLine", InteropErrorCode.UBL_MISSING)
        terms, terms_path = self.child(root, path, "cac:DeliveryTerms")
        attachments, external = self.attachments(root, path)
        order = OrderDoc(
            number=number or Value("", f"{path}/ID"),
            issue_date=issue_date or date.min,
            currency=currency.text if currency else "",
            buyer=buyer_party.endpoint if buyer_party else None,
            seller=seller_party.endpoint if seller_party else None,
            note=self.notes(root),
            delivery_date=delivery_date,
            delivery_path=delivery_path,
            charges=[charge for charge in charges if charge is not None],
            lines=[line for line in lines if line is not None],
            transaction=transaction,
            profile=" ".join((root.findtext("cbc:ProfileID", "", NS) or "").split()),
            buyer_party=buyer_party or PartyDoc(),
            seller_party=seller_party or PartyDoc(),
            requested_start=start,
            requested_end=end,
            delivery_address=self.address(address, address_path),
            delivery_location_id=location_id,
            delivery_location_scheme=location_scheme,
            delivery_party_name=self.plain(
                *self.child(delivery_party, delivery_party_path, "cac:PartyName"), "cbc:Name", NAME_LENGTH
            ),
            payment_terms=self.plain(*self.child(root, path, "cac:PaymentTerms"), "cbc:Note", TERMS_LENGTH),
            delivery_terms_code=self.plain(terms, terms_path, "cbc:ID", CODE_LENGTH),
            delivery_terms=self.plain(terms, terms_path, "cbc:SpecialTerms", TERMS_LENGTH),
            contract_reference=self.plain(*self.child(root, path, "cac:Contract"), "cbc:ID", REFERENCE_LENGTH),
            quotation_reference=self.plain(
                *self.child(root, path, "cac:QuotationDocumentReference"), "cbc:ID", REFERENCE_LENGTH
            ),
            originator_reference=self.plain(
                *self.child(root, path, "cac:OriginatorDocumentReference"), "cbc:ID", REFERENCE_LENGTH
            ),
            attachments=attachments,
            external_documents=external,
            order_reference=order_reference,
            sequence_number=sequence,
        )
        return order, self.errors

    def cancellation(self, root: etree._Element) -> tuple[CancellationDoc, DocumentErrors]:
        path = "OrderCancellation"
        number = self.text(root, path, "cbc:ID", required=True, limit=NUMBER_LENGTH)
        issue_date, _issue_path = self.day(root, path, "cbc:IssueDate", required=True)
        reference = self.text(*self.child(root, path, "cac:OrderReference"), "cbc:ID", required=True)
        buyer = self.party_doc(root, path, "cac:BuyerCustomerParty")
        seller = self.party_doc(root, path, "cac:SellerSupplierParty")
        notes = [(element.text or "").strip() for element in root.findall("cbc:CancellationNote", NS)]
        document = CancellationDoc(
            number=number or Value("", f"{path}/ID"),
            issue_date=issue_date or date.min,
            order_reference=reference or Value("", f"{path}/OrderReference/ID"),
            buyer=buyer.endpoint if buyer else None,
            seller=seller.endpoint if seller else None,
            note="\n\n".join(note for note in notes if note),
        )
        return document, self.errors

    def response(self, root: etree._Element, transaction: Transaction) -> tuple[ResponseDoc, DocumentErrors]:
        path = "OrderResponse"
        number = self.text(root, path, "cbc:ID", required=True, limit=NUMBER_LENGTH)
        issue_date, _issue_path = self.day(root, path, "cbc:IssueDate", required=True)
        code = self.text(root, path, "cbc:OrderResponseCode", required=True)
        reference = self.text(*self.child(root, path, "cac:OrderReference"), "cbc:ID", required=True)
        change = self.plain(*self.child(root, path, "cac:OrderChangeDocumentReference"), "cbc:ID", NUMBER_LENGTH)
        sales_order = self.plain(root, path, "cbc:SalesOrderID", REFERENCE_LENGTH)
        seller = self.party_doc(root, path, "cac:SellerSupplierParty")
        buyer = self.party_doc(root, path, "cac:BuyerCustomerParty")
        delivery, delivery_path = self.child(root, path, "cac:Delivery")
        promised, _promised_path = self.promised(delivery, delivery_path)
        lines = [
            self.response_line(element, line_path) for element, line_path in self.children(root, path, "cac:OrderLine")
        ]
        document = ResponseDoc(
            transaction=transaction,
            number=number or Value("", f"{path}/ID"),
            issue_date=issue_date or date.min,
            code=code or Value("", f"{path}/OrderResponseCode"),
            order_reference=reference or Value("", f"{path}/OrderReference/ID"),
            order_change_reference=change,
            sales_order_id=sales_order,
            buyer=buyer.endpoint if buyer else None,
            seller=seller.endpoint if seller else None,
            note=self.notes(root),
            promised_date=promised,
            lines=[line for line in lines if line is not None],
        )
        return document, self.errors

    def response_line(self, order_line: etree._Element, line_path: str) -> ResponseLineDoc | None:
        item_line, path = self.child(order_line, line_path, "cac:LineItem")
        if item_line is None:
            self.errors.add(path, InteropErrorCode.UBL_MISSING)
            return None
        paths: dict[str, str] = {}
        line_id = self.text(item_line, path, "cbc:ID", required=True)
        status = self.text(item_line, path, "cbc:LineStatusCode", required=True)
        paths["action"] = status.path if status else f"{path}/LineStatusCode"
        quantity, paths["quantity"] = self.decimal(item_line, path, "cbc:Quantity", QUANTITY)
        delivery, delivery_path = self.child(item_line, path, "cac:Delivery")
        promised, paths["delivery_date"] = self.promised(delivery, delivery_path)
        reference = self.text(*self.child(order_line, line_path, "cac:OrderLineReference"), "cbc:LineID")
        substitute, substitute_path = self.child(order_line, line_path, "cac:SellerSubstitutedLineItem")
        item, item_path = self.child(substitute, substitute_path, "cac:Item")
        paths["external_item_number"] = f"{item_path}/SellersItemIdentification/ID"
        substitute_id = ""
        substitute_name = ""
        if substitute is not None:
            for name in SUBSTITUTE_IDENTIFIERS:
                found = self.text(*self.child(item, item_path, name), "cbc:ID", limit=ITEM_NUMBER_LENGTH)
                if found is not None:
                    substitute_id = found.text
                    break
            substitute_name = self.plain(item, item_path, "cbc:Name", DESCRIPTION_LENGTH)
        if line_id is None or status is None:
            return None
        return ResponseLineDoc(
            path=line_path,
            line_id=line_id.text,
            # A response line without an OrderLineReference answers the order line of its own ID.
            order_line_id=reference or line_id,
            status_code=status.text,
            quantity=quantity,
            promised_date=promised,
            note=self.notes(item_line),
            substitute_item_id=substitute_id,
            substitute_name=substitute_name,
            paths=paths,
        )

    def promised(self, delivery: etree._Element | None, path: str) -> tuple[date | None, str]:
        """The promised delivery date: the period's end (the day the goods come by), else its start."""
        period, path = self.child(delivery, path, "cac:PromisedDeliveryPeriod")
        end, end_path = self.day(period, path, "cbc:EndDate")
        start, start_path = self.day(period, path, "cbc:StartDate")
        if end is not None:
            return end, end_path
        return start, start_path if start is not None else end_path

    def plain(self, parent: etree._Element | None, path: str, name: str, limit: int | None = None) -> str:
        """An optional text, blank when absent (too long is an error on its element)."""
        value = self.text(parent, path, name, limit=limit)
        return value.text if value else ""

    def identifier(self, parent: etree._Element | None, path: str, name: str) -> tuple[str, str]:
        """An identifier and its ``schemeID``, both checked for form: malformed identifiers are refused."""
        value = self.text(parent, path, name, limit=IDENTIFIER_LENGTH)
        if value is None or parent is None:
            return "", ""
        element = parent.find(name, NS)
        scheme = " ".join((element.get("schemeID") or "").split()) if element is not None else ""
        if not _IDENTIFIER.fullmatch(value.text):
            self.errors.add(value.path, InteropErrorCode.UBL_INVALID_IDENTIFIER, value=shown(value.text))
        if scheme and not _SCHEME.fullmatch(scheme):
            self.errors.add(f"{value.path}/@schemeID", InteropErrorCode.UBL_INVALID_IDENTIFIER, value=shown(scheme))
        return value.text, scheme

    def address(self, element: etree._Element | None, path: str) -> Address:
        if element is None:
            return Address()
        country = self.plain(*self.child(element, path, "cac:Country"), "cbc:IdentificationCode", 2)
        return Address(
            street_name=self.plain(element, path, "cbc:StreetName", NAME_LENGTH),
            additional_street_name=self.plain(element, path, "cbc:AdditionalStreetName", NAME_LENGTH),
            city_name=self.plain(element, path, "cbc:CityName", NAME_LENGTH),
            postal_zone=self.plain(element, path, "cbc:PostalZone", CODE_LENGTH),
            country_subentity=self.plain(element, path, "cbc:CountrySubentity", NAME_LENGTH),
            country_code=country,
        )

    def party_doc(self, root: etree._Element, path: str, name: str) -> PartyDoc | None:
        """A party with its endpoint (required) and what else it tells: name, address, VAT id, contact."""
        role, role_path = self.child(root, path, name)
        party, party_path = self.child(role, role_path, "cac:Party")
        endpoint = self.party(root, path, name)
        if party is None:
            return None
        contact, contact_path = self.child(party, party_path, "cac:Contact")
        legal_name = self.plain(*self.child(party, party_path, "cac:PartyLegalEntity"), "cbc:RegistrationName")
        return PartyDoc(
            name=(self.plain(*self.child(party, party_path, "cac:PartyName"), "cbc:Name") or legal_name)[:NAME_LENGTH],
            address=self.address(*self.child(party, party_path, "cac:PostalAddress")),
            vat_id=self.plain(*self.child(party, party_path, "cac:PartyTaxScheme"), "cbc:CompanyID", IDENTIFIER_LENGTH),
            contact_name=self.plain(contact, contact_path, "cbc:Name", NAME_LENGTH),
            contact_phone=self.plain(contact, contact_path, "cbc:Telephone", IDENTIFIER_LENGTH),
            contact_email=self.plain(contact, contact_path, "cbc:ElectronicMail", NAME_LENGTH),
            endpoint=endpoint,
        )

    def attachments(self, root: etree._Element, path: str) -> tuple[list[AttachmentDoc], list[str]]:
        found: list[AttachmentDoc] = []
        external: list[str] = []
        references = self.children(root, path, "cac:AdditionalDocumentReference")
        if len(references) > ATTACHMENTS_MAX:
            self.errors.add(f"{path}/AdditionalDocumentReference", InteropErrorCode.UBL_TOO_MANY, limit=ATTACHMENTS_MAX)
            return [], []
        for element, reference_path in references:
            document_id = self.plain(element, reference_path, "cbc:ID", REFERENCE_LENGTH)
            attachment, attachment_path = self.child(element, reference_path, "cac:Attachment")
            binary, binary_path = self.child(attachment, attachment_path, "cbc:EmbeddedDocumentBinaryObject")
            uri = self.plain(*self.child(attachment, attachment_path, "cac:ExternalReference"), "cbc:URI", 500)
            if binary is None:
                if uri:
                    external.append(f"{document_id}: {uri}" if document_id else uri)
                continue
            try:
                content = base64.b64decode("".join((binary.text or "").split()), validate=True)
            except (binascii.Error, ValueError):
                self.errors.add(binary_path, InteropErrorCode.UBL_INVALID_BINARY)
                continue
            filename = (binary.get("filename") or "").strip() or f"{document_id or 'attachment'}"
            found.append(
                AttachmentDoc(
                    path=binary_path,
                    document_id=document_id,
                    filename=filename,
                    mime_code=(binary.get("mimeCode") or "").strip(),
                    content=content,
                )
            )
        return found, external

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

    def period(self, parent: etree._Element, path: str) -> tuple[date | None, date | None]:
        """The requested delivery period's start and end, as the document gives them."""
        delivery, path = self.child(parent, path, "cac:Delivery")
        period, path = self.child(delivery, path, "cac:RequestedDeliveryPeriod")
        if period is None:
            return None, None
        start = self.text(period, path, "cbc:StartDate")
        end = self.text(period, path, "cbc:EndDate")
        return (self._date_of(start), self._date_of(end))

    @staticmethod
    def _date_of(value: Value | None) -> date | None:
        match = _DATE.fullmatch(value.text) if value else None
        try:
            return date.fromisoformat(match.group(1)) if match else None
        except ValueError:
            return None

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
        by_kind: dict[str, Value] = {}
        for kind in ("cac:BuyersItemIdentification", "cac:SellersItemIdentification", "cac:StandardItemIdentification"):
            value = self.text(*self.child(item, item_path, kind), "cbc:ID", limit=ITEM_NUMBER_LENGTH)
            if value is not None:
                by_kind[kind] = value
        standard_scheme = ""
        standard = item.find("cac:StandardItemIdentification/cbc:ID", NS)
        if standard is not None and "cac:StandardItemIdentification" in by_kind:
            standard_scheme = " ".join((standard.get("schemeID") or "").split())
            if standard_scheme and not _SCHEME.fullmatch(standard_scheme):
                self.errors.add(
                    f"{by_kind['cac:StandardItemIdentification'].path}/@schemeID",
                    InteropErrorCode.UBL_INVALID_IDENTIFIER,
                    value=shown(standard_scheme),
                )
            if standard_scheme == "0160" and not by_kind["cac:StandardItemIdentification"].text.isdigit():
                gtin = by_kind["cac:StandardItemIdentification"]
                self.errors.add(gtin.path, InteropErrorCode.UBL_INVALID_IDENTIFIER, value=shown(gtin.text))
        identifiers = list(by_kind.values())
        paths["buyer_line_id"] = paths["line_number"]
        paths["unit_code"] = f"{paths['quantity']}/@unitCode"
        for kind, field_name in (
            ("cac:BuyersItemIdentification", "buyers_item_id"),
            ("cac:SellersItemIdentification", "sellers_item_id"),
            ("cac:StandardItemIdentification", "standard_item_id"),
        ):
            paths[field_name] = f"{item_path}/{kind.split(':')[1]}/ID"
        paths["standard_item_scheme"] = f"{paths['standard_item_id']}/@schemeID"
        paths["tax_category"] = f"{item_path}/ClassifiedTaxCategory/ID"
        paths["tax_percent"] = f"{item_path}/ClassifiedTaxCategory/Percent"
        paths["requested_start"] = f"{path}/Delivery/RequestedDeliveryPeriod/StartDate"
        paths["requested_end"] = f"{path}/Delivery/RequestedDeliveryPeriod/EndDate"
        paths["description"] = f"{item_path}/Name"
        tax, tax_path = self.child(item, item_path, "cac:ClassifiedTaxCategory")
        tax_category = self.plain(tax, tax_path, "cbc:ID", 2)
        tax_percent, _tax_path = self.decimal(tax, tax_path, "cbc:Percent", PERCENT)
        start, end = self.period(item_line, path)
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
            buyers_item_id=_text_of(by_kind.get("cac:BuyersItemIdentification")),
            sellers_item_id=_text_of(by_kind.get("cac:SellersItemIdentification")),
            standard_item_id=_text_of(by_kind.get("cac:StandardItemIdentification")),
            standard_item_scheme=standard_scheme,
            tax_category=tax_category,
            tax_percent=tax_percent,
            requested_start=start,
            requested_end=end,
            status_code=self.plain(item_line, path, "cbc:LineStatusCode", 3),
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
