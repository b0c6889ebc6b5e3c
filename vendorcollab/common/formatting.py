"""Numbers as people read them in messages: no trailing zeros, the reader's decimal separator."""

from decimal import Decimal

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
