"""Numbers as people read them in messages: no trailing zeros, the reader's decimal separator."""

from decimal import Decimal

from django.utils import formats


def quantity_text(value: Decimal) -> str:
    """``Decimal("2.5000")`` as "2.5" (or "2,5" in Dutch); ``Decimal("20.0000")`` as "20"."""
    plain = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
    return formats.number_format(plain, use_l10n=True)
