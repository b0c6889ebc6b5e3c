"""Writes to master data and vendor settings: companies, vendor accounts, sites, warehouses and items; a vendor
account's collaboration settings, and the messages for responding vendors."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from vendorcollab.accounts.models import Role, User
from vendorcollab.common import text
from vendorcollab.common.codelists import EAS_SCHEMES, ISO_COUNTRIES, REC20_UNITS
from vendorcollab.common.errors import CommonErrorCode, FieldErrors, PermissionRefused, ValidationFailed
from vendorcollab.common.text import Kind, Limit
from vendorcollab.partners.errors import PartnersErrorCode

from .models import (
    Collaboration,
    Company,
    Item,
    OrderingProfile,
    ResponseMessage,
    ResponseMessageKind,
    Site,
    Vendor,
    Warehouse,
)
from .tax import check_rate, stored_percent


def _require_admin(actor: User) -> None:
    """The one role check of every write here: master data and vendor settings are the procurement admin's."""
    if not actor.has_role(Role.PROCUREMENT_ADMIN):
        raise PermissionRefused(CommonErrorCode.ROLE_NOT_ALLOWED, _("Only a procurement admin can change master data."))


def _languages() -> set[str]:
    return {code for code, _name in settings.LANGUAGES}


def response_messages_save(*, actor: User, texts: Mapping[tuple[str, str], str]) -> None:
    """Store the messages for vendors responding to purchase orders, keyed by ``(kind, language)``.

    Only the keys given change; a blank text removes that message.
    """
    _require_admin(actor)
    languages = _languages()
    fields = {
        f"{kind}.{language}": str(_("There is no such response or language."))
        for kind, language in texts
        if kind not in ResponseMessageKind.values or language not in languages
    }
    for (kind, language), value in texts.items():
        problem = text.text_problem(value, Kind.MULTILINE, Limit.NOTE)
        if problem is not None:
            message = str(text.MESSAGES[problem[0]])
            fields.setdefault(f"{kind}.{language}", message % problem[1] if problem[1] else message)
    if fields:
        raise ValidationFailed(CommonErrorCode.INVALID_INPUT, _("Some fields are not valid."), fields=fields)
    with transaction.atomic():
        for (kind, language), value in texts.items():
            cleaned = value.strip()
            if cleaned:
                ResponseMessage.objects.update_or_create(kind=kind, language=language, defaults={"text": cleaned})
            else:
                ResponseMessage.objects.filter(kind=kind, language=language).delete()


# --- master data -----------------------------------------------------------------------------------------------------

# Codes are part of the API contract: clients switch on them. Add codes; never rename one.
MESSAGES: dict[str, Promise] = {
    PartnersErrorCode.REQUIRED: _("This field is required."),
    PartnersErrorCode.INVALID_EMAIL: _("Enter a valid e-mail address."),
    PartnersErrorCode.UNKNOWN_COLLABORATION: _("Choose one of the collaboration settings."),
    PartnersErrorCode.UNKNOWN_LANGUAGE: _("Choose one of the languages of the portal."),
    PartnersErrorCode.COMPANY_CODE_TAKEN: _("Company code %(company_code)s is already used."),
    PartnersErrorCode.VENDOR_NUMBER_TAKEN: _("Vendor number %(number)s is already used in this company."),
    PartnersErrorCode.SITE_CODE_TAKEN: _("Site code %(site_code)s is already used in this company."),
    PartnersErrorCode.WAREHOUSE_CODE_TAKEN: _("Warehouse code %(warehouse_code)s is already used at this site."),
    PartnersErrorCode.ITEM_NUMBER_TAKEN: _("Item number %(number)s is already used in this company."),
    PartnersErrorCode.ENDPOINT_TAKEN: _("Endpoint %(endpoint)s is already used by %(owner)s."),
    PartnersErrorCode.UNKNOWN_ENDPOINT_SCHEME: _(
        "%(scheme)s is not a PEPPOL endpoint scheme (EAS code list); for example 0088 (GLN) or 0106 (KvK)."
    ),
    PartnersErrorCode.ENDPOINT_INCOMPLETE: _("Enter both the endpoint scheme and the endpoint ID, or neither."),
    PartnersErrorCode.UNKNOWN_COUNTRY: _("%(country)s is not an ISO 3166-1 country code; for example NL or BE."),
    PartnersErrorCode.INVALID_UNIT_CODE: _(
        "%(unit_code)s is not a UN/ECE Recommendation 20 unit code; for example H87 (piece) or KGM (kilogram)."
    ),
    PartnersErrorCode.UNKNOWN_ORDERING_PROFILE: _("Choose one of the ordering profiles."),
    PartnersErrorCode.PAYMENT_TERMS_OUT_OF_RANGE: _("Enter a whole number of days from 0 to %(limit)s."),
    PartnersErrorCode.TOLERANCE_OUT_OF_RANGE: _("Enter a tolerance from 0 to %(limit)s, with at most 2 decimals."),
    PartnersErrorCode.UNKNOWN_TAX_CATEGORY: _(
        "%(tax_category)s is not a tax category of the UNCL5305 code list; for example S (standard rate)."
    ),
    PartnersErrorCode.TAX_PERCENT_OUT_OF_RANGE: _("Enter a tax percentage from 0 to 100 with at most two decimals."),
    PartnersErrorCode.TAX_PERCENT_NOT_FOR_CATEGORY: _(
        "Tax category %(tax_category)s does not take this percentage: the standard rate (S) needs more than 0, "
        "zero rated, exempt, reverse charge, intra-community, export and out of scope (Z, E, AE, K, G, O) need 0."
    ),
    **text.MESSAGES,
}

# The text rule and length of each master data field (``common.text``), by the name the faces use.
RULES: dict[str, tuple[Kind, int]] = {
    "code": (Kind.IDENTIFIER, Limit.CODE),
    "name": (Kind.LINE, Limit.NAME),
    "number": (Kind.IDENTIFIER, Limit.IDENTIFIER),
    "item_number": (Kind.IDENTIFIER, Limit.ITEM_NUMBER),
    "unit": (Kind.IDENTIFIER, Limit.UNIT),
    "street_name": (Kind.LINE, Limit.NAME),
    "additional_street_name": (Kind.LINE, Limit.NAME),
    "city_name": (Kind.LINE, 100),
    "postal_zone": (Kind.IDENTIFIER, Limit.CODE),
    "country_subentity": (Kind.LINE, 100),
    "country_code": (Kind.IDENTIFIER, 2),
    "vat_id": (Kind.IDENTIFIER, 50),
    "contact_name": (Kind.LINE, Limit.NAME),
    "contact_phone": (Kind.IDENTIFIER, 50),
    "contact_email": (Kind.LINE, Limit.EMAIL),
    "location_id": (Kind.IDENTIFIER, Limit.ENDPOINT_ID),
    "location_scheme": (Kind.IDENTIFIER, Limit.ENDPOINT_SCHEME),
    "unit_code": (Kind.IDENTIFIER, 3),
    "standard_item_id": (Kind.IDENTIFIER, 50),
    "email": (Kind.LINE, Limit.EMAIL),
    "endpoint_scheme": (Kind.IDENTIFIER, Limit.ENDPOINT_SCHEME),
    "endpoint_id": (Kind.IDENTIFIER, Limit.ENDPOINT_ID),
}


def _check_text(errors: FieldErrors, rule: str | None = None, **values: str | None) -> None:
    """Each value against the rule of its field (or of ``rule`` for all of them)."""
    for name, value in values.items():
        kind, limit = RULES[rule or name]
        text.check_text(errors, name, value, kind, limit)


M = TypeVar("M", bound=models.Model)


def _errors() -> FieldErrors:
    return FieldErrors(MESSAGES)


def _require_text(errors: FieldErrors, **values: str) -> None:
    for name, value in values.items():
        if not value.strip():
            errors.add(name, PartnersErrorCode.REQUIRED)


# The structured postal address (``PostalAddress``) and the party's VAT identifier and contact (``Contact``): the
# faces pass them as ``**address`` / ``**contact`` keyword arguments.
ADDRESS_FIELDS = (
    "street_name",
    "additional_street_name",
    "city_name",
    "postal_zone",
    "country_subentity",
    "country_code",
)
CONTACT_FIELDS = ("vat_id", "contact_name", "contact_phone", "contact_email")
# A company's rate is its default for lines: its fields say so (``tax_category`` and ``tax_percent`` are an item's).
COMPANY_RATE_FIELDS = {"category_field": "default_tax_category", "percent_field": "default_tax_percent"}


def _cleaned(values: Mapping[str, str | None], names: tuple[str, ...]) -> dict[str, str]:
    """The given fields of ``names`` (``None`` left out), stripped; country and unit codes in capitals."""
    unknown = set(values) - set(names)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    cleaned = {name: value.strip() for name, value in values.items() if value is not None}
    for name in ("country_code", "unit_code"):
        if name in cleaned:
            cleaned[name] = cleaned[name].upper()
    return cleaned


def check_codes(errors: FieldErrors, values: Mapping[str, str], prefix: str = "") -> None:
    """The code list fields among ``values`` against their official lists (``common.codelists``): the endpoint
    scheme (EAS), the country (ISO 3166-1) and the unit (UN/ECE Rec 20). Blank values pass: whether a document
    needs them is asked before a send."""
    scheme, country, unit = values.get("endpoint_scheme"), values.get("country_code"), values.get("unit_code")
    if scheme and scheme not in EAS_SCHEMES:
        errors.add(f"{prefix}endpoint_scheme", PartnersErrorCode.UNKNOWN_ENDPOINT_SCHEME, scheme=scheme)
    location_scheme = values.get("location_scheme")
    if location_scheme and location_scheme not in EAS_SCHEMES:
        errors.add(f"{prefix}location_scheme", PartnersErrorCode.UNKNOWN_ENDPOINT_SCHEME, scheme=location_scheme)
    if country and country not in ISO_COUNTRIES:
        errors.add(f"{prefix}country_code", PartnersErrorCode.UNKNOWN_COUNTRY, country=country)
    if unit and unit not in REC20_UNITS:
        errors.add(f"{prefix}unit_code", PartnersErrorCode.INVALID_UNIT_CODE, unit_code=unit)
    contact_email = values.get("contact_email")
    if contact_email:
        try:
            validate_email(contact_email)
        except ValidationError:
            errors.add(f"{prefix}contact_email", PartnersErrorCode.INVALID_EMAIL)


def _check_endpoint_pair(errors: FieldErrors, scheme: str, endpoint_id: str) -> None:
    if bool(scheme) != bool(endpoint_id):
        errors.add("endpoint_id" if scheme else "endpoint_scheme", PartnersErrorCode.ENDPOINT_INCOMPLETE)


def _check_settings(errors: FieldErrors, *, collaboration: str | None, language: str | None, email: str | None) -> None:
    if collaboration is not None and collaboration not in Collaboration.values:
        errors.add("collaboration", PartnersErrorCode.UNKNOWN_COLLABORATION)
    if language is not None and language not in _languages():
        errors.add("language", PartnersErrorCode.UNKNOWN_LANGUAGE)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.add("email", PartnersErrorCode.INVALID_EMAIL)


def _check_endpoint(errors: FieldErrors, rows: models.QuerySet[Any], scheme: str, endpoint_id: str) -> None:
    """A PEPPOL participant identifier names one party: incoming UBL documents are matched on it."""
    if not endpoint_id:
        return
    owner = rows.filter(endpoint_scheme=scheme, endpoint_id=endpoint_id).first()
    if owner is not None:
        errors.add(
            "endpoint_id",
            PartnersErrorCode.ENDPOINT_TAKEN,
            endpoint=f"{scheme}:{endpoint_id}".lstrip(":"),
            owner=str(owner),
        )


def _field_error(path: str, code: str, **params: Any) -> ValidationFailed:
    errors = _errors()
    errors.add(path, code, **params)
    error = errors.error()
    assert error is not None
    return error


def _insert(obj: M, *, taken: ValidationFailed) -> M:
    """Save a new row. The checks before ran without a lock: a concurrent insert that wins the unique constraint
    is refused with the same field error as the check (in a savepoint, so an outer transaction stays usable)."""
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        raise taken from None
    return obj


def company_create(
    *,
    actor: User,
    code: str,
    name: str,
    endpoint_scheme: str = "",
    endpoint_id: str = "",
    invoice_tolerance_percent: Decimal = Decimal(0),
    invoice_tolerance_amount: Decimal = Decimal(0),
    default_tax_category: str = "S",
    default_tax_percent: Decimal | None = None,
    delivery_tolerance_days: int = 0,
    **address_and_contact: str,
) -> Company:
    """A new company (legal entity) of the buying organisation. ``address_and_contact``: the fields of
    ``ADDRESS_FIELDS`` and ``CONTACT_FIELDS``; the tolerances are how far a vendor invoice may stray from the
    purchase order before it goes on hold. ``default_tax_category`` and ``default_tax_percent``: the VAT rate of
    its PO lines that name none and whose item has none (no percentage: entered on each invoice)."""
    _require_admin(actor)
    code, name, endpoint_scheme, endpoint_id = code.strip(), name.strip(), endpoint_scheme.strip(), endpoint_id.strip()
    default_tax_category = default_tax_category.strip().upper()
    extra = _cleaned(address_and_contact, ADDRESS_FIELDS + CONTACT_FIELDS)
    errors = _errors()
    _require_text(errors, code=code, name=name, default_tax_category=default_tax_category)
    check_rate(errors, default_tax_category, default_tax_percent, **COMPANY_RATE_FIELDS)
    _check_text(errors, code=code, name=name, endpoint_scheme=endpoint_scheme, endpoint_id=endpoint_id, **extra)
    check_codes(errors, {"endpoint_scheme": endpoint_scheme, **extra})
    _check_endpoint_pair(errors, endpoint_scheme, endpoint_id)
    _check_tolerances(errors, invoice_tolerance_percent, invoice_tolerance_amount)
    _check_delivery_tolerance(errors, delivery_tolerance_days)
    errors.raise_if_any()
    if code and Company.objects.filter(code=code).exists():
        errors.add("code", PartnersErrorCode.COMPANY_CODE_TAKEN, company_code=code)
    _check_endpoint(errors, Company.objects.all(), endpoint_scheme, endpoint_id)
    errors.raise_if_any()
    company = Company(
        code=code,
        name=name,
        endpoint_scheme=endpoint_scheme,
        endpoint_id=endpoint_id,
        invoice_tolerance_percent=invoice_tolerance_percent,
        invoice_tolerance_amount=invoice_tolerance_amount,
        default_tax_category=default_tax_category,
        default_tax_percent=stored_percent(default_tax_percent),
        delivery_tolerance_days=delivery_tolerance_days,
        **extra,
    )
    return _insert(company, taken=_field_error("code", "company_code_taken", company_code=code))


def vendor_create(
    *,
    actor: User,
    company: Company,
    number: str,
    name: str,
    collaboration: str = Collaboration.MANUAL_CONFIRM,
    show_prices: bool = True,
    language: str = "en",
    email: str = "",
    endpoint_scheme: str = "",
    endpoint_id: str = "",
    ordering_profile: str = OrderingProfile.ORDERING,
    payment_terms_days: int = 30,
    **address_and_contact: str,
) -> Vendor:
    """A new vendor account in ``company``. ``address_and_contact``: the fields of ``ADDRESS_FIELDS`` and
    ``CONTACT_FIELDS``; ``payment_terms_days`` sets the due date of its invoices."""
    _require_admin(actor)
    number, name, endpoint_scheme, endpoint_id = (
        number.strip(),
        name.strip(),
        endpoint_scheme.strip(),
        endpoint_id.strip(),
    )
    extra = _cleaned(address_and_contact, ADDRESS_FIELDS + CONTACT_FIELDS)
    errors = _errors()
    _require_text(errors, number=number, name=name)
    _check_text(
        errors,
        number=number,
        name=name,
        email=email,
        endpoint_scheme=endpoint_scheme,
        endpoint_id=endpoint_id,
        **extra,
    )
    _check_settings(errors, collaboration=collaboration, language=language, email=email)
    _check_profile(errors, ordering_profile)
    _check_payment_terms(errors, payment_terms_days)
    check_codes(errors, {"endpoint_scheme": endpoint_scheme, **extra})
    _check_endpoint_pair(errors, endpoint_scheme, endpoint_id)
    errors.raise_if_any()
    if number and Vendor.objects.filter(company=company, number=number).exists():
        errors.add("number", PartnersErrorCode.VENDOR_NUMBER_TAKEN, number=number)
    _check_endpoint(errors, Vendor.objects.filter(company=company), endpoint_scheme, endpoint_id)
    errors.raise_if_any()
    vendor = Vendor(
        company=company,
        number=number,
        name=name,
        collaboration=collaboration,
        show_prices=show_prices,
        language=language,
        email=email,
        endpoint_scheme=endpoint_scheme,
        endpoint_id=endpoint_id,
        ordering_profile=ordering_profile,
        payment_terms_days=payment_terms_days,
        **extra,
    )
    return _insert(vendor, taken=_field_error("number", "vendor_number_taken", number=number))


def _check_profile(errors: FieldErrors, ordering_profile: str | None) -> None:
    if ordering_profile is not None and ordering_profile not in OrderingProfile.values:
        errors.add("ordering_profile", PartnersErrorCode.UNKNOWN_ORDERING_PROFILE)


# An invoice's due date is its issue date plus the vendor account's days: a year is the longest term a buyer grants.
PAYMENT_TERMS_LIMIT = 365
# A price tolerance beyond 100 % would let any price through; the amount is bounded by its column (12 digits, 2 places).
TOLERANCE_PERCENT_LIMIT = Decimal(100)
TOLERANCE_AMOUNT_LIMIT = Decimal("9999999999.99")


def _check_payment_terms(errors: FieldErrors, days: int | None) -> None:
    if days is not None and not 0 <= days <= PAYMENT_TERMS_LIMIT:
        errors.add("payment_terms_days", PartnersErrorCode.PAYMENT_TERMS_OUT_OF_RANGE, limit=PAYMENT_TERMS_LIMIT)


def _check_tolerances(errors: FieldErrors, percent: Decimal | None, amount: Decimal | None) -> None:
    """The match's tolerances of a company (``invoicing``): a price percentage per line, an amount per invoice."""
    for name, value, limit in (
        ("invoice_tolerance_percent", percent, TOLERANCE_PERCENT_LIMIT),
        ("invoice_tolerance_amount", amount, TOLERANCE_AMOUNT_LIMIT),
    ):
        if value is not None and (not value.is_finite() or not 0 <= value <= limit or value != round(value, 2)):
            errors.add(name, PartnersErrorCode.TOLERANCE_OUT_OF_RANGE, limit=limit)


# Vendor performance (``performance``): a receipt this many days either side of the confirmed date is on time. Beyond
# two months "on time" would say nothing.
DELIVERY_TOLERANCE_LIMIT = 60


def _check_delivery_tolerance(errors: FieldErrors, days: int) -> None:
    if not 0 <= days <= DELIVERY_TOLERANCE_LIMIT:
        errors.add("delivery_tolerance_days", PartnersErrorCode.TOLERANCE_OUT_OF_RANGE, limit=DELIVERY_TOLERANCE_LIMIT)


def vendor_update(
    *,
    actor: User,
    vendor: Vendor,
    number: str | None = None,
    name: str | None = None,
    collaboration: str | None = None,
    show_prices: bool | None = None,
    language: str | None = None,
    email: str | None = None,
    endpoint_scheme: str | None = None,
    endpoint_id: str | None = None,
    ordering_profile: str | None = None,
    payment_terms_days: int | None = None,
    **address_and_contact: str | None,
) -> Vendor:
    """Change some fields of a vendor account; ``None`` leaves a field as it is. The company never changes: the
    account's purchase orders belong to it.

    The one write of a vendor account for every face: the settings page passes collaboration, price display and
    language, the API any field. The row is locked while the uniqueness checks run and the fields are written."""
    _require_admin(actor)
    changes: dict[str, Any] = {
        key: value
        for key, value in {
            "number": number.strip() if number is not None else None,
            "name": name.strip() if name is not None else None,
            "collaboration": collaboration,
            "show_prices": show_prices,
            "language": language,
            "email": email,
            "endpoint_scheme": endpoint_scheme.strip() if endpoint_scheme is not None else None,
            "endpoint_id": endpoint_id.strip() if endpoint_id is not None else None,
            "ordering_profile": ordering_profile,
            "payment_terms_days": payment_terms_days,
        }.items()
        if value is not None
    }
    changes.update(_cleaned(address_and_contact, ADDRESS_FIELDS + CONTACT_FIELDS))
    errors = _errors()
    _require_text(errors, **{key: changes[key] for key in ("number", "name") if key in changes})
    _check_text(errors, **{key: changes.get(key) for key in RULES.keys() & changes.keys()})
    _check_settings(errors, collaboration=collaboration, language=language, email=email)
    _check_profile(errors, ordering_profile)
    _check_payment_terms(errors, payment_terms_days)
    check_codes(errors, changes)
    errors.raise_if_any()
    with transaction.atomic():
        vendor = Vendor.objects.select_for_update().select_related("company").get(pk=vendor.pk)
        others = Vendor.objects.filter(company_id=vendor.company_id).exclude(pk=vendor.pk)
        new_number = changes.get("number")
        if new_number and others.filter(number=new_number).exists():
            errors.add("number", PartnersErrorCode.VENDOR_NUMBER_TAKEN, number=new_number)
        if "endpoint_scheme" in changes or "endpoint_id" in changes:
            scheme = changes.get("endpoint_scheme", vendor.endpoint_scheme)
            endpoint_id = changes.get("endpoint_id", vendor.endpoint_id)
            _check_endpoint_pair(errors, scheme, endpoint_id)
            _check_endpoint(errors, others, scheme, endpoint_id)
        errors.raise_if_any()
        for key, value in changes.items():
            setattr(vendor, key, value)
        if changes:
            vendor.save(update_fields=list(changes))
    return vendor


def site_create(
    *,
    actor: User,
    company: Company,
    code: str,
    name: str,
    location_id: str = "",
    location_scheme: str = "",
    **address: str,
) -> Site:
    """A new site of ``company``. ``address``: the fields of ``ADDRESS_FIELDS`` (blank: the company's address);
    ``location_id`` and ``location_scheme`` identify the delivery location in documents (e.g. a GLN, 0088)."""
    _require_admin(actor)
    code, name, location_id, location_scheme = code.strip(), name.strip(), location_id.strip(), location_scheme.strip()
    extra = _cleaned(address, ADDRESS_FIELDS)
    errors = _errors()
    _require_text(errors, code=code, name=name)
    _check_text(errors, code=code, name=name, location_id=location_id, location_scheme=location_scheme, **extra)
    check_codes(errors, {"location_scheme": location_scheme, **extra})
    errors.raise_if_any()
    if code and Site.objects.filter(company=company, code=code).exists():
        errors.add("code", PartnersErrorCode.SITE_CODE_TAKEN, site_code=code)
    errors.raise_if_any()
    site = Site(
        company=company, code=code, name=name, location_id=location_id, location_scheme=location_scheme, **extra
    )
    return _insert(site, taken=_field_error("code", "site_code_taken", site_code=code))


def warehouse_create(*, actor: User, site: Site, code: str, name: str) -> Warehouse:
    _require_admin(actor)
    code, name = code.strip(), name.strip()
    errors = _errors()
    _require_text(errors, code=code, name=name)
    _check_text(errors, code=code, name=name)
    errors.raise_if_any()
    if code and Warehouse.objects.filter(site=site, code=code).exists():
        errors.add("code", PartnersErrorCode.WAREHOUSE_CODE_TAKEN, warehouse_code=code)
    errors.raise_if_any()
    warehouse = Warehouse(site=site, code=code, name=name)
    return _insert(warehouse, taken=_field_error("code", "warehouse_code_taken", warehouse_code=code))


def item_create(
    *,
    actor: User,
    company: Company,
    number: str,
    name: str,
    unit: str = "ea",
    unit_code: str = "H87",
    standard_item_id: str = "",
    tax_category: str = "",
    tax_percent: Decimal | None = None,
) -> Item:
    """A new item. ``unit`` is the name screens show, ``unit_code`` the UN/ECE Rec 20 code documents carry,
    ``standard_item_id`` its GTIN; ``tax_category`` and ``tax_percent`` its own VAT rate (blank category: the
    company's)."""
    _require_admin(actor)
    number, name, unit = number.strip(), name.strip(), unit.strip()
    unit_code, standard_item_id = unit_code.strip().upper(), standard_item_id.strip()
    tax_category = tax_category.strip().upper()
    errors = _errors()
    _require_text(errors, number=number, name=name, unit=unit, unit_code=unit_code)
    _check_text(errors, name=name, unit=unit, unit_code=unit_code, standard_item_id=standard_item_id)
    _check_text(errors, "item_number", number=number)
    check_codes(errors, {"unit_code": unit_code})
    check_rate(errors, tax_category, tax_percent)
    errors.raise_if_any()
    if number and Item.objects.filter(company=company, number=number).exists():
        errors.add("number", PartnersErrorCode.ITEM_NUMBER_TAKEN, number=number)
    errors.raise_if_any()
    item = Item(
        company=company,
        number=number,
        name=name,
        unit=unit,
        unit_code=unit_code,
        standard_item_id=standard_item_id,
        tax_category=tax_category,
        tax_percent=stored_percent(tax_percent),
    )
    return _insert(item, taken=_field_error("number", "item_number_taken", number=number))
