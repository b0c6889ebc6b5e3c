"""Writes to master data and vendor settings: companies, vendor accounts, sites, warehouses and items; a vendor
account's collaboration settings, and the messages for responding vendors."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from vendorcollab.accounts.models import Role, User
from vendorcollab.common import text
from vendorcollab.common.errors import CommonErrorCode, FieldErrors, PermissionRefused, ValidationFailed
from vendorcollab.common.text import Kind, Limit
from vendorcollab.partners.errors import PartnersErrorCode

from .models import Collaboration, Company, Item, ResponseMessage, ResponseMessageKind, Site, Vendor, Warehouse


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
    **text.MESSAGES,
}

# The text rule and length of each master data field (``common.text``), by the name the faces use.
RULES: dict[str, tuple[Kind, int]] = {
    "code": (Kind.IDENTIFIER, Limit.CODE),
    "name": (Kind.LINE, Limit.NAME),
    "number": (Kind.IDENTIFIER, Limit.IDENTIFIER),
    "item_number": (Kind.IDENTIFIER, Limit.ITEM_NUMBER),
    "unit": (Kind.IDENTIFIER, Limit.UNIT),
    "address": (Kind.MULTILINE, Limit.NOTE),
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
    *, actor: User, code: str, name: str, endpoint_scheme: str = "", endpoint_id: str = "", address: str = ""
) -> Company:
    """A new company (legal entity) of the buying organisation."""
    _require_admin(actor)
    code, name = code.strip(), name.strip()
    errors = _errors()
    _require_text(errors, code=code, name=name)
    _check_text(errors, code=code, name=name, address=address, endpoint_scheme=endpoint_scheme, endpoint_id=endpoint_id)
    errors.raise_if_any()
    if code and Company.objects.filter(code=code).exists():
        errors.add("code", PartnersErrorCode.COMPANY_CODE_TAKEN, company_code=code)
    _check_endpoint(errors, Company.objects.all(), endpoint_scheme, endpoint_id)
    errors.raise_if_any()
    company = Company(
        code=code, name=name, endpoint_scheme=endpoint_scheme, endpoint_id=endpoint_id, address=address.strip()
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
    address: str = "",
    endpoint_scheme: str = "",
    endpoint_id: str = "",
) -> Vendor:
    """A new vendor account in ``company``."""
    _require_admin(actor)
    number, name = number.strip(), name.strip()
    errors = _errors()
    _require_text(errors, number=number, name=name)
    _check_text(
        errors,
        number=number,
        name=name,
        address=address,
        email=email,
        endpoint_scheme=endpoint_scheme,
        endpoint_id=endpoint_id,
    )
    _check_settings(errors, collaboration=collaboration, language=language, email=email)
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
        address=address.strip(),
        endpoint_scheme=endpoint_scheme,
        endpoint_id=endpoint_id,
    )
    return _insert(vendor, taken=_field_error("number", "vendor_number_taken", number=number))


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
    address: str | None = None,
    endpoint_scheme: str | None = None,
    endpoint_id: str | None = None,
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
            "address": address.strip() if address is not None else None,
            "endpoint_scheme": endpoint_scheme,
            "endpoint_id": endpoint_id,
        }.items()
        if value is not None
    }
    errors = _errors()
    _require_text(errors, **{key: changes[key] for key in ("number", "name") if key in changes})
    _check_text(errors, **{key: changes.get(key) for key in RULES.keys() & changes.keys()})
    _check_settings(errors, collaboration=collaboration, language=language, email=email)
    errors.raise_if_any()
    with transaction.atomic():
        vendor = Vendor.objects.select_for_update().select_related("company").get(pk=vendor.pk)
        others = Vendor.objects.filter(company_id=vendor.company_id).exclude(pk=vendor.pk)
        new_number = changes.get("number")
        if new_number and others.filter(number=new_number).exists():
            errors.add("number", PartnersErrorCode.VENDOR_NUMBER_TAKEN, number=new_number)
        if "endpoint_scheme" in changes or "endpoint_id" in changes:
            _check_endpoint(
                errors,
                others,
                changes.get("endpoint_scheme", vendor.endpoint_scheme),
                changes.get("endpoint_id", vendor.endpoint_id),
            )
        errors.raise_if_any()
        for key, value in changes.items():
            setattr(vendor, key, value)
        if changes:
            vendor.save(update_fields=list(changes))
    return vendor


def site_create(*, actor: User, company: Company, code: str, name: str, address: str = "") -> Site:
    _require_admin(actor)
    code, name, address = code.strip(), name.strip(), address.strip()
    errors = _errors()
    _require_text(errors, code=code, name=name)
    _check_text(errors, code=code, name=name, address=address)
    errors.raise_if_any()
    if code and Site.objects.filter(company=company, code=code).exists():
        errors.add("code", PartnersErrorCode.SITE_CODE_TAKEN, site_code=code)
    errors.raise_if_any()
    site = Site(company=company, code=code, name=name, address=address)
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


def item_create(*, actor: User, company: Company, number: str, name: str, unit: str = "ea") -> Item:
    _require_admin(actor)
    number, name, unit = number.strip(), name.strip(), unit.strip()
    errors = _errors()
    _require_text(errors, number=number, name=name, unit=unit)
    _check_text(errors, name=name, unit=unit)
    _check_text(errors, "item_number", number=number)
    errors.raise_if_any()
    if number and Item.objects.filter(company=company, number=number).exists():
        errors.add("number", PartnersErrorCode.ITEM_NUMBER_TAKEN, number=number)
    errors.raise_if_any()
    item = Item(company=company, number=number, name=name, unit=unit)
    return _insert(item, taken=_field_error("number", "item_number_taken", number=number))
