"""The VAT rate a line takes when it names none: its item's, else its company's (DESIGN.md section 8), and the rules
a rate in the master data keeps so that every line it lands on can be invoiced."""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from vendorcollab.common.codelists import UNCL5305_TAX_CATEGORIES
from vendorcollab.common.errors import FieldErrors

from .errors import PartnersErrorCode
from .models import Company, Item

# EN 16931: a standard-rated amount carries a percentage above 0 (BR-S-5); zero rated, exempt, reverse charge,
# intra-community, export and out of scope carry 0 (BR-Z-5, BR-E-5, BR-AE-5, BR-IC-5, BR-G-5, BR-O-5).
RATED = frozenset({"S"})
UNRATED = frozenset({"Z", "E", "AE", "K", "G", "O"})


class TaxRate(NamedTuple):
    category: str
    percent: Decimal | None


def default_rate(item: Item | None, company: Company) -> TaxRate:
    """The item's rate, else the company's. An item that names its category but no percentage takes the company's
    percentage when the company's category is the same (an item marked "standard rate" follows the company's)."""
    if item is not None and item.tax_category:
        percent = item.tax_percent
        if percent is None and item.tax_category == company.default_tax_category:
            percent = company.default_tax_percent
        return TaxRate(item.tax_category, percent)
    return TaxRate(company.default_tax_category or "S", company.default_tax_percent)


def line_rate(category: str, percent: Decimal | None, *, item: Item | None, company: Company) -> TaxRate:
    """The rate of a line that gives ``category`` (blank: none) and ``percent`` (None: none): what it gives stays,
    what it leaves out comes from ``default_rate``. A percentage is taken over only for the category it belongs to:
    a line that says "zero rated" never gets the item's 21 %."""
    category = category.strip().upper()
    if category and percent is not None:
        return TaxRate(category, percent)
    default = default_rate(item, company)
    if not category:
        return TaxRate(default.category, percent if percent is not None else default.percent)
    return TaxRate(category, default.percent if category == default.category else None)


def stored_percent(percent: Decimal | None) -> Decimal | None:
    """A percentage that passed ``check_rate`` as its column holds it (two decimals), so that the row a service
    returns reads as it will be read back."""
    return None if percent is None else percent.quantize(Decimal("0.01"))


def check_rate(
    errors: FieldErrors,
    category: str,
    percent: Decimal | None,
    *,
    category_field: str = "tax_category",
    percent_field: str = "tax_percent",
) -> None:
    """A rate of the master data: a UNCL5305 category, and a percentage from 0 to 100 with at most two decimals that
    suits the category (above 0 for the standard rate, 0 for the categories without VAT). A blank category is the
    caller's to allow (an item's: its company's), but a percentage needs the category it belongs to."""
    code = category.strip().upper()
    if code and code not in UNCL5305_TAX_CATEGORIES:
        errors.add(category_field, PartnersErrorCode.UNKNOWN_TAX_CATEGORY, tax_category=code)
    if percent is None:
        return
    if not percent.is_finite() or not Decimal(0) <= percent <= Decimal(100) or percent != round(percent, 2):
        errors.add(percent_field, PartnersErrorCode.TAX_PERCENT_OUT_OF_RANGE)
    elif not code:
        errors.add(category_field, PartnersErrorCode.REQUIRED)
    elif (code in RATED and percent == 0) or (code in UNRATED and percent != 0):
        errors.add(percent_field, PartnersErrorCode.TAX_PERCENT_NOT_FOR_CATEGORY, tax_category=code)
