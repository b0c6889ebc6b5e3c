"""What every outbound PEPPOL document shares: element building, amounts and quantities, the parties, and where the
identifiers the buyer's ERP matches on come from (its Order ID and line IDs)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any, Protocol

from django.utils import timezone
from lxml import etree

from vendorcollab.common.text import xml_safe
from vendorcollab.partners.models import Company, OrderingProfile, Vendor
from vendorcollab.purchasing.models import LineFields, PurchaseOrder, PurchaseOrderVersion

from ..ubl_reader import CAC, CBC

PROFILE_ORDERING = "urn:fdc:peppol.eu:poacc:bis:ordering:3"
PROFILE_ADVANCED = "urn:fdc:peppol.eu:poacc:bis:advanced_ordering:3"
CENT = Decimal("0.01")
# UNCL 5189 (the subset of PEPPOL BIS): the codes an allowance's reason may have. A charge's code and any other
# allowance code are written as the reason's text only: the official rules refuse a code outside the code lists.
ALLOWANCE_REASON_CODES = frozenset(
    (
        "41",
        "42",
        "60",
        "62",
        "63",
        "64",
        "65",
        "66",
        "67",
        "68",
        "70",
        "71",
        "88",
        "95",
        "100",
        "102",
        "103",
        "104",
        "105",
    )
)


# --- identifiers -------------------------------------------------------------------------------------------------


def order_id(po: PurchaseOrder | PurchaseOrderVersion) -> str:
    """The buyer's Order ID, which every document about the PO refers to: the one its ERP gave, else the PO number
    (never a version label, which the buyer's ERP has never seen)."""
    return po.order_id


def line_id(line: LineFields) -> str:
    """A line's ID in the buyer's Order: the ERP's own (A, B, C stay A, B, C), else the line number."""
    return line.order_line_id


def unit_code(line: LineFields) -> str:
    """The line's UN/ECE Rec 20 unit code, else its item's (screens show the unit's name). A send without one is
    refused before the document is written; the unit's name in capitals is the last resort of old rows."""
    return line.unit_code or (line.item.unit_code if line.item else "") or line.unit.upper()


def is_advanced(version_or_po: PurchaseOrderVersion | PurchaseOrder) -> bool:
    """Whether the vendor account speaks the advanced ordering profile (Order Change, Cancellation, Response
    Advanced); otherwise only Order and Order Response."""
    po = version_or_po.purchase_order if isinstance(version_or_po, PurchaseOrderVersion) else version_or_po
    return po.vendor.ordering_profile == OrderingProfile.ADVANCED


def profile(advanced: bool) -> str:
    return PROFILE_ADVANCED if advanced else PROFILE_ORDERING


# --- building blocks ---------------------------------------------------------------------------------------------


def root_element(namespace: str, name: str) -> etree._Element:
    return etree.Element(f"{{{namespace}}}{name}", nsmap={None: namespace, "cac": CAC, "cbc": CBC})


def sub(parent: etree._Element, name: str, text: str | None = None, **attributes: str) -> etree._Element:
    """Every text and attribute passes ``xml_safe``: a row stored before the input rules could hold a character that
    XML cannot, and lxml would refuse it, making the document unreachable."""
    prefix, local = name.split(":")
    safe = {key: xml_safe(value) for key, value in attributes.items()}
    element = etree.SubElement(parent, f"{{{CAC if prefix == 'cac' else CBC}}}{local}", safe)
    if text is not None:
        element.text = xml_safe(text)
    return element


def issued(root: etree._Element, moment: datetime) -> None:
    local = timezone.localtime(moment)
    sub(root, "cbc:IssueDate", local.date().isoformat())
    sub(root, "cbc:IssueTime", local.time().replace(microsecond=0).isoformat())


def note(parent: etree._Element, texts: Iterable[str], name: str = "cbc:Note") -> None:
    text = "\n\n".join(text.strip() for text in texts if text and text.strip())
    if text:
        sub(parent, name, text)


def number(value: Decimal) -> str:
    """``Decimal("30.0000")`` as "30", never "3E+1"."""
    return format(value.normalize(), "f")


def amount(parent: etree._Element, name: str, value: Decimal, currency: str, *, places: Decimal | None = CENT) -> None:
    text = f"{value.quantize(places):f}" if places is not None else number(value)
    sub(parent, name, text, currencyID=currency)


def quantity(parent: etree._Element, name: str, value: Decimal, unit: str) -> None:
    sub(parent, name, number(value), unitCode=unit)


def period(parent: etree._Element, name: str, start: date, end: date | None = None) -> None:
    element = sub(parent, name)
    sub(element, "cbc:StartDate", start.isoformat())
    sub(element, "cbc:EndDate", (end or start).isoformat())


def allowance_charge(
    parent: etree._Element,
    value: Decimal,
    currency: str,
    *,
    code: str,
    reason: str,
    percent: Decimal | None = None,
    base: Decimal | None = None,
    is_charge: bool | None = None,
) -> None:
    """A charge (a positive amount) or an allowance (a negative one), written with its amount as a positive number."""
    element = sub(parent, "cac:AllowanceCharge")
    charge = value >= 0 if is_charge is None else is_charge
    sub(element, "cbc:ChargeIndicator", "true" if charge else "false")
    if not charge and code in ALLOWANCE_REASON_CODES:
        sub(element, "cbc:AllowanceChargeReasonCode", code)
    text = reason or code
    if text:
        sub(element, "cbc:AllowanceChargeReason", text)
    if percent is not None:
        sub(element, "cbc:MultiplierFactorNumeric", number(percent))
    amount(element, "cbc:Amount", abs(value), currency)
    if base is not None:
        amount(element, "cbc:BaseAmount", base, currency)


def serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# --- parties -----------------------------------------------------------------------------------------------------


def postal_address(parent: etree._Element, holder: Any, name: str = "cac:PostalAddress", prefix: str = "") -> None:
    """A structured address (``PostalAddress`` fields, or the PO's ``delivery_`` ones with ``prefix``); nothing
    when it has no country, which every PEPPOL address needs."""
    country = getattr(holder, f"{prefix}country_code", "")
    if not country:
        return
    address = sub(parent, name)
    for field, element in (
        ("street_name", "cbc:StreetName"),
        ("additional_street_name", "cbc:AdditionalStreetName"),
        ("city_name", "cbc:CityName"),
        ("postal_zone", "cbc:PostalZone"),
        ("country_subentity", "cbc:CountrySubentity"),
    ):
        value = getattr(holder, f"{prefix}{field}", "")
        if value:
            sub(address, element, value)
    sub(sub(address, "cac:Country"), "cbc:IdentificationCode", country)


_PARTY_FIELDS = (
    "name",
    "street_name",
    "additional_street_name",
    "city_name",
    "postal_zone",
    "country_subentity",
    "country_code",
    "vat_id",
    "contact_name",
    "contact_phone",
    "contact_email",
)


def party_data(partner: Company | Vendor, named: object = None) -> SimpleNamespace:
    """A party's details from master data, with what the buyer's Order named (the PO's ``parties`` entry) taking
    precedence field by field: the documents about an imported Order speak of the parties as it did."""
    values = {field: getattr(partner, field) or "" for field in _PARTY_FIELDS}
    if isinstance(named, dict):
        values.update({field: str(named[field]) for field in _PARTY_FIELDS if named.get(field)})
    return SimpleNamespace(**values)


def party(
    role: etree._Element,
    partner: Company | Vendor,
    *,
    named: object = None,
    with_name: bool = True,
    with_address: bool = False,
    with_tax: bool = False,
    with_contact: bool = False,
    contact: tuple[str, str, str] = ("", "", ""),
) -> etree._Element:
    """A party: its endpoint from master data always; its name, postal address, VAT identifier and contact where
    the transaction has them (T76 and T116 forbid ``PartyName``). ``contact`` fills what the party's own lacks."""
    data = party_data(partner, named)
    element = sub(role, "cac:Party")
    sub(element, "cbc:EndpointID", partner.endpoint_id, schemeID=partner.endpoint_scheme)
    if with_name:
        sub(sub(element, "cac:PartyName"), "cbc:Name", data.name)
    if with_address:
        postal_address(element, data)
    if with_tax and data.vat_id:
        scheme = sub(element, "cac:PartyTaxScheme")
        sub(scheme, "cbc:CompanyID", data.vat_id)
        sub(sub(scheme, "cac:TaxScheme"), "cbc:ID", "VAT")
    sub(sub(element, "cac:PartyLegalEntity"), "cbc:RegistrationName", data.name)
    if with_contact:
        name = contact[0] or data.contact_name
        phone = contact[1] or data.contact_phone
        email = contact[2] or data.contact_email
        if any((name, phone, email)):
            person = sub(element, "cac:Contact")
            if name:
                sub(person, "cbc:Name", name)
            if phone:
                sub(person, "cbc:Telephone", phone)
            if email:
                sub(person, "cbc:ElectronicMail", email)
    return element


def named_party(version_or_po: PurchaseOrderVersion | PurchaseOrder, role: str) -> object:
    """The buyer's or seller's party as the buyer's Order named it (``parties``), if it did."""
    parties = version_or_po.parties
    return parties.get(role) if isinstance(parties, dict) else None


class _OrderLine(Protocol):
    purchase_order_id: int
    purchase_order: PurchaseOrder


def orders_of(lines: Iterable[_OrderLine]) -> list[PurchaseOrder]:
    """The POs that document lines (an invoice's, a ship notice's) belong to, in the order they first appear."""
    seen: dict[int, PurchaseOrder] = {}
    for row in lines:
        seen.setdefault(row.purchase_order_id, row.purchase_order)
    return list(seen.values())
