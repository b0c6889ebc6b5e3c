"""Numbers as people read them: quantities without trailing zeros, money rounded half-up to its currency's decimals,
in the reader's separators."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats
from django.utils.translation import ngettext


def plain_number(value: Decimal) -> str:
    """``Decimal("30.0000")`` as "30" for an input field (never "3E+1"), whatever the reader's locale."""
    return format(value.normalize(), "f")


def quantity_text(value: Decimal) -> str:
    """``Decimal("2.5000")`` as "2.5" (or "2,5" in Dutch); ``Decimal("20.0000")`` as "20"."""
    plain = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
    return formats.number_format(plain, use_l10n=True)


def size_text(size: int) -> str:
    """A byte count as "20 MB", "512 KB" or "87 bytes"."""
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= factor:
            return f"{formats.number_format(round(size / factor, 1), use_l10n=True)} {unit}"
    return ngettext("%(count)s byte", "%(count)s bytes", size) % {"count": size}


# ISO 4217 minor units of the currencies that do not have two. Amounts are stored with two decimals (``amount_field``),
# so a currency with three is rounded to two like the rest: the columns could not keep a third.
_CURRENCY_PLACES = {
    "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0, "PYG": 0,
    "RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
}  # fmt: skip
MONEY_PLACES = 2


def currency_places(currency: str = "") -> int:
    """The decimals an amount in ``currency`` is rounded to: 0 for JPY, 2 for EUR and for an unknown currency."""
    return _CURRENCY_PLACES.get(currency.upper(), MONEY_PLACES)


def round_money(value: Decimal, currency: str = "") -> Decimal:
    """An amount rounded half-up to its currency's decimals, as an invoice does: 814.625 EUR is 814.63."""
    return Decimal(value).quantize(Decimal(1).scaleb(-currency_places(currency)), rounding=ROUND_HALF_UP)


def line_amount(*, quantity: Decimal, unit_price: Decimal, discount_percent: Decimal, currency: str = "") -> Decimal:
    """A line's net amount: quantity times price less the discount, rounded once, per line."""
    gross = Decimal(quantity) * Decimal(unit_price)
    return round_money(gross * (Decimal(100) - Decimal(discount_percent)) / Decimal(100), currency)


def money_text(value: Decimal, currency: str = "") -> str:
    """An amount as people read it: rounded half-up (never cut off), grouped, the reader's separators, with its
    currency code when given: "1,234.50 EUR", "1.234,50 EUR", "1,235 JPY"."""
    places = currency_places(currency)
    amount = formats.number_format(round_money(value, currency), decimal_pos=places, use_l10n=True, force_grouping=True)
    return f"{amount} {currency}".strip()
