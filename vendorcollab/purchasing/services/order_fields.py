"""The fields a PEPPOL Order carries beyond the portal's own: line identifiers, unit codes, tax, requested periods
and the header's terms, references, delivery place and parties. Checked here for every face alike."""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal
from typing import Any

from vendorcollab.common.codelists import EAS_SCHEMES, ISO_COUNTRIES, REC20_UNITS, UNCL5305_TAX_CATEGORIES
from vendorcollab.common.text import Kind, Limit, check_texts
from vendorcollab.partners.models import Company, Item
from vendorcollab.partners.services import RULES as PARTY_RULES
from vendorcollab.partners.tax import TaxRate, line_rate

from ..errors import FieldErrors, PurchasingErrorCode
from ..models import OrderTerms, PurchaseOrderLine
from .inputs import LineInput, OrderTermsInput, PartyInput

TERMS_FIELDS = [field.name for field in OrderTerms._meta.fields]


def validate_line_fields(line: LineInput, path: str, errors: FieldErrors) -> None:
    """A free-text line (no item) names what it is; codes are from their lists; a period runs forward."""
    check_texts(
        errors,
        {
            f"{path}.buyer_line_id": (line.buyer_line_id, Kind.IDENTIFIER, Limit.REFERENCE),
            f"{path}.buyers_item_id": (line.buyers_item_id, Kind.IDENTIFIER, Limit.REFERENCE),
            f"{path}.sellers_item_id": (line.sellers_item_id, Kind.IDENTIFIER, Limit.REFERENCE),
            f"{path}.standard_item_id": (line.standard_item_id, Kind.IDENTIFIER, Limit.REFERENCE),
            f"{path}.standard_item_scheme": (line.standard_item_scheme, Kind.IDENTIFIER, Limit.ENDPOINT_SCHEME),
            f"{path}.unit_code": (line.unit_code, Kind.IDENTIFIER, 3),
            f"{path}.tax_category": (line.tax_category, Kind.IDENTIFIER, 2),
        },
    )
    if line.item is None:
        if not line.description.strip():
            errors.add(f"{path}.description", PurchasingErrorCode.REQUIRED)
        if not line.unit_code.strip():
            errors.add(f"{path}.unit_code", PurchasingErrorCode.REQUIRED)
    unit_code = line.unit_code.strip().upper()
    if unit_code and unit_code not in REC20_UNITS:
        errors.add(f"{path}.unit_code", PurchasingErrorCode.INVALID_UNIT_CODE, unit_code=unit_code)
    tax_category = line.tax_category.strip().upper()
    if tax_category and tax_category not in UNCL5305_TAX_CATEGORIES:
        errors.add(f"{path}.tax_category", PurchasingErrorCode.UNKNOWN_TAX_CATEGORY, tax_category=tax_category)
    if line.tax_percent is not None and not Decimal(0) <= line.tax_percent <= Decimal(100):
        errors.add(f"{path}.tax_percent", PurchasingErrorCode.TAX_PERCENT_OUT_OF_RANGE)
    if line.requested_start and line.requested_end and line.requested_end < line.requested_start:
        errors.add(f"{path}.requested_end", PurchasingErrorCode.PERIOD_REVERSED)


def line_field_values(line: LineInput, company: Company, before: PurchaseOrderLine | None = None) -> dict[str, object]:
    """The stored values of the fields above: the item's unit code and GTIN where the line gives none, and the VAT
    rate the line leaves out from its item, else from ``company`` (a rate a line or a document gives stays).

    ``before`` is the PO's line an edit enters again: entered with the item and rate it holds, it keeps that rate
    as it is, so that saving an old line unchanged changes nothing (and reopens no PO sent without a rate)."""
    item = line.item if isinstance(line.item, Item) else None
    unit_code = line.unit_code.strip().upper() or (item.unit_code if item is not None else "")
    standard_item_id = line.standard_item_id.strip() or (item.standard_item_id if item is not None else "")
    given = (line.tax_category.strip().upper(), line.tax_percent)
    as_before = (
        before is not None
        and before.item_id == (item.pk if item is not None else None)
        and given == (before.tax_category, before.tax_percent)
    )
    rate = TaxRate(*given) if as_before else line_rate(*given, item=item, company=company)
    return {
        "buyer_line_id": line.buyer_line_id.strip(),
        "buyers_item_id": line.buyers_item_id.strip(),
        "sellers_item_id": line.sellers_item_id.strip(),
        "standard_item_id": standard_item_id,
        "standard_item_scheme": line.standard_item_scheme.strip(),
        "unit_code": unit_code,
        "tax_category": rate.category,
        "tax_percent": rate.percent,
        "requested_start": line.requested_start,
        "requested_end": line.requested_end,
    }


# A party as an Order names it holds what a company or vendor account holds: the same rules as master data.
_PARTY_LIMITS = {
    name: PARTY_RULES[name]
    for name in (
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
        "endpoint_scheme",
        "endpoint_id",
    )
}


def validate_terms(terms: OrderTermsInput, errors: FieldErrors) -> None:
    """The header's texts, the delivery country and location scheme, and the parties' texts and codes."""
    texts: dict[str, tuple[str | None, Kind, int]] = {
        "order_document_id": (terms.order_document_id, Kind.IDENTIFIER, Limit.REFERENCE),
        "payment_terms": (terms.payment_terms, Kind.MULTILINE, Limit.NOTE),
        "delivery_terms_code": (terms.delivery_terms_code, Kind.IDENTIFIER, 3),
        "delivery_terms": (terms.delivery_terms, Kind.MULTILINE, Limit.NOTE),
        "contract_reference": (terms.contract_reference, Kind.IDENTIFIER, Limit.REFERENCE),
        "quotation_reference": (terms.quotation_reference, Kind.IDENTIFIER, Limit.REFERENCE),
        "originator_reference": (terms.originator_reference, Kind.IDENTIFIER, Limit.REFERENCE),
        "delivery_party_name": (terms.delivery_party_name, Kind.LINE, Limit.NAME),
        "delivery_location_id": (terms.delivery_location_id, Kind.IDENTIFIER, Limit.ENDPOINT_ID),
        "delivery_location_scheme": (terms.delivery_location_scheme, Kind.IDENTIFIER, Limit.ENDPOINT_SCHEME),
    }
    for name in ("street_name", "additional_street_name", "city_name", "postal_zone", "country_subentity"):
        kind, limit = _PARTY_LIMITS[name]
        texts[f"delivery_{name}"] = (getattr(terms, f"delivery_{name}"), kind, limit)
    texts["delivery_country_code"] = (terms.delivery_country_code, Kind.IDENTIFIER, 2)
    for role, party in (("buyer_party", terms.buyer_party), ("seller_party", terms.seller_party)):
        if party is not None:
            for name, (kind, limit) in _PARTY_LIMITS.items():
                texts[f"{role}.{name}"] = (getattr(party, name), kind, limit)
    check_texts(errors, texts)
    _check_country(errors, "delivery_country_code", terms.delivery_country_code)
    _check_scheme(errors, "delivery_location_scheme", terms.delivery_location_scheme)
    for role, party in (("buyer_party", terms.buyer_party), ("seller_party", terms.seller_party)):
        if party is not None:
            _check_country(errors, f"{role}.country_code", party.country_code)
            _check_scheme(errors, f"{role}.endpoint_scheme", party.endpoint_scheme)


def _check_country(errors: FieldErrors, path: str, value: str) -> None:
    code = value.strip().upper()
    if code and code not in ISO_COUNTRIES:
        errors.add(path, PurchasingErrorCode.UNKNOWN_COUNTRY, country=code)


def _check_scheme(errors: FieldErrors, path: str, value: str) -> None:
    scheme = value.strip()
    if scheme and scheme not in EAS_SCHEMES:
        errors.add(path, PurchasingErrorCode.UNKNOWN_ENDPOINT_SCHEME, scheme=scheme)


def _party(party: PartyInput | None) -> dict[str, str]:
    if party is None:
        return {}
    values = {name: value.strip() for name, value in asdict(party).items() if value and value.strip()}
    if "country_code" in values:
        values["country_code"] = values["country_code"].upper()
    return values


def terms_values(terms: OrderTermsInput) -> dict[str, Any]:
    """The ``OrderTerms`` columns for ``terms``."""
    values: dict[str, Any] = {
        name: (value.strip() if isinstance(value, str) else value)
        for name, value in asdict(terms).items()
        if name in TERMS_FIELDS
    }
    values["delivery_country_code"] = values["delivery_country_code"].upper()
    values["delivery_terms_code"] = values["delivery_terms_code"].upper()
    parties = {"buyer": _party(terms.buyer_party), "seller": _party(terms.seller_party)}
    values["parties"] = {role: party for role, party in parties.items() if party}
    return values
