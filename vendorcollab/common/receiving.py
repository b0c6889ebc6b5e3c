"""Receipts as "a quantity per line": the page's form and the services' validator, shared by purchase order
receipts (purchasing) and replenishment receipts (consignment).

Each app keeps its own line model and error catalogue; a line here is anything with a ``line_number`` and a
``remaining_quantity`` (and, for PO lines, ``is_cancelled``). The service's error paths are ``lines.N.*``, N the
position in the list sent, and the form maps them back to the line's own input.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from django import forms
from django.utils.translation import gettext as _

# Purchasing owns the codes of line quantities; a replenishment receipt answers with the same ones.
from vendorcollab.purchasing.errors import PurchasingErrorCode

from .errors import AppError, FieldErrors
from .formatting import plain_number, quantity_text


class ReceivableLine(Protocol):
    line_number: int

    @property
    def remaining_quantity(self) -> Decimal: ...


@dataclass(frozen=True)
class LineQuantity:
    """One line of a receipt: how much of line ``line_number`` arrived."""

    line_number: int
    quantity: Decimal


def _closed(line: Any) -> bool:
    return bool(getattr(line, "is_cancelled", False))


def check_line_quantities(
    errors: FieldErrors,
    entries: Sequence[LineQuantity],
    lines: Mapping[int, Any],
    *,
    over_code: str,
) -> None:
    """Every entry names a line of the order once, not a cancelled one, with a positive quantity no larger than
    what remains (``over_code`` names that refusal in the caller's catalogue)."""
    if not entries:
        errors.add("lines", PurchasingErrorCode.REQUIRED)
    seen: set[int] = set()
    for index, entry in enumerate(entries):
        path = f"lines.{index}"
        line = lines.get(entry.line_number)
        if line is None:
            errors.add(f"{path}.line_number", PurchasingErrorCode.UNKNOWN_LINE, line_number=entry.line_number)
        elif entry.line_number in seen:
            errors.add(f"{path}.line_number", PurchasingErrorCode.DUPLICATE_LINE_NUMBER)
        elif _closed(line):
            errors.add(f"{path}.line_number", PurchasingErrorCode.LINE_CANCELLED, line_number=entry.line_number)
        elif entry.quantity <= 0:
            errors.add(f"{path}.quantity", PurchasingErrorCode.QUANTITY_NOT_POSITIVE)
        elif entry.quantity > line.remaining_quantity:
            errors.add(
                f"{path}.quantity",
                over_code,
                remaining=quantity_text(line.remaining_quantity),
                line_number=line.line_number,
            )
        seen.add(entry.line_number)


@dataclass
class QuantityRow:
    """One line on the page; ``field`` is its quantity input, absent when nothing more can be received on it."""

    line: Any
    field: forms.BoundField | None


class LineQuantitiesForm(forms.Form):
    """One optional quantity per line that can still be received. Checks the input's shape only; what may be
    received is the service's to say. ``open_for_receipt`` False (an order no longer expected) gives no inputs."""

    def __init__(self, lines: Sequence[Any], *args: Any, open_for_receipt: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        if not open_for_receipt:
            return
        for line in self.lines:
            if _closed(line) or line.remaining_quantity <= 0:
                continue
            self.fields[self.field_name(line.line_number)] = forms.DecimalField(
                label=_("Quantity received on line %(line_number)s") % {"line_number": line.line_number},
                required=False,
                max_digits=16,
                decimal_places=4,
                widget=forms.NumberInput(
                    attrs={
                        "step": "any",
                        "min": "0",
                        "inputmode": "decimal",
                        "data-remaining": plain_number(line.remaining_quantity),
                    }
                ),
            )

    @staticmethod
    def field_name(line_number: int) -> str:
        return f"line_{line_number}"

    def rows(self) -> list[QuantityRow]:
        return [
            QuantityRow(line, self[name] if (name := self.field_name(line.line_number)) in self.fields else None)
            for line in self.lines
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors and not self.entries():
            raise forms.ValidationError(_("Enter the quantity received on at least one line."))
        return cleaned

    def entries(self) -> list[LineQuantity]:
        """The lines with a quantity, in line order: what is sent to the service (its error paths index these)."""
        entries = []
        for line in self.lines:
            quantity: Decimal | None = self.cleaned_data.get(self.field_name(line.line_number))
            if quantity is not None:
                entries.append(LineQuantity(line_number=line.line_number, quantity=quantity))
        return entries

    def add_service_error(self, error: AppError, entries: Sequence[LineQuantity]) -> None:
        """The service's refusals next to the inputs they are about (``lines.N.*`` is ``entries[N]``; another
        path that names a field of the form goes next to it); the rest above the form."""
        placed = False
        for path, message in error.fields.items():
            parts = path.split(".")
            if len(parts) >= 2 and parts[0] == "lines" and parts[1].isdigit() and int(parts[1]) < len(entries):
                name = self.field_name(entries[int(parts[1])].line_number)
                if name in self.fields:
                    self.add_error(name, str(message))
                    placed = True
                    continue
            if path in self.fields and not path.startswith("line_"):
                self.add_error(path, str(message))
                placed = True
        if not placed:
            self.add_error(None, error.rendered_message())
