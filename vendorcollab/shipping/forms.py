"""The ship-notice pages' forms: the vendor's notice (a header and one quantity per shippable PO line) and the
clerk's receipt from a notice (one received quantity per notice line still in transit).

They only shape input (numbers are numbers, dates are dates); what may be announced or received is the services'
to say (``shipping.services``). Their refusals come back as field paths (``lines.2.quantity``, ``despatch_date``)
and are shown next to the same inputs, with everything typed kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.forms import BaseFormSet, formset_factory
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vendorcollab.common.errors import AppError
from vendorcollab.common.formatting import plain_number
from vendorcollab.common.widgets import DateInput

from .inputs import NoticeReceiptLineInput, ShipNoticeInput, ShipNoticeLineInput
from .models import ShipNoticeLine

QUANTITY_WIDGET_ATTRS = {"step": "any", "min": "0", "inputmode": "decimal"}


class ShipNoticeHeaderForm(forms.Form):
    number = forms.CharField(
        label=gettext_lazy("Ship notice number"),
        max_length=30,
        required=False,
        help_text=gettext_lazy("Your own number, or leave it empty to have the next number assigned."),
    )
    despatch_date = forms.DateField(label=gettext_lazy("Despatch date"), widget=DateInput())
    expected_delivery_date = forms.DateField(label=gettext_lazy("Expected delivery date"), widget=DateInput())
    carrier = forms.CharField(label=gettext_lazy("Carrier"), max_length=100, required=False)
    tracking_number = forms.CharField(label=gettext_lazy("Tracking number"), max_length=100, required=False)
    # Whether the count is at least 1 is the service's rule (``packages_invalid``); here only "a whole number".
    packages = forms.IntegerField(
        label=gettext_lazy("Packages"), required=False, widget=forms.NumberInput(attrs={"min": "1", "step": "1"})
    )
    note = forms.CharField(
        label=gettext_lazy("Note to the customer"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The browser's date picker offers no day after today for the despatch (the service refuses one).
        self.fields["despatch_date"].widget.attrs["max"] = timezone.localdate().isoformat()


class ShipNoticeLineForm(forms.Form):
    # The PO line shipped; what it is (item, ordered, still to ship) is shown beside it, not typed.
    purchase_order = forms.IntegerField(widget=forms.HiddenInput)
    line_number = forms.IntegerField(widget=forms.HiddenInput)
    # Empty or 0: this line is not on the notice. A negative number goes to the service, which refuses it next to
    # the line like any other quantity it does not accept.
    quantity = forms.DecimalField(
        label=gettext_lazy("Quantity shipped"),
        max_digits=16,
        decimal_places=4,
        required=False,
        widget=forms.NumberInput(attrs=QUANTITY_WIDGET_ATTRS),
    )

    @property
    def key(self) -> tuple[int, int] | None:
        """The PO line of this row as (purchase order id, line number), read from the input as typed."""
        try:
            return int(self["purchase_order"].value()), int(self["line_number"].value())
        except (TypeError, ValueError):
            return None

    @property
    def ships(self) -> bool:
        """The row announces something (a cleaned, non-zero quantity)."""
        quantity = getattr(self, "cleaned_data", {}).get("quantity")
        return quantity is not None and quantity != 0


LineFormSet: type[BaseFormSet] = formset_factory(ShipNoticeLineForm, extra=0)


class ShipNoticeEditor:
    """The whole notice form: the header and the lines. ``data`` None means a fresh form from ``initial``."""

    def __init__(self, data: Any = None, *, initial: dict[str, Any] | None = None) -> None:
        initial = initial or {"header": {}, "lines": []}
        self.header = ShipNoticeHeaderForm(data, prefix="notice", initial=initial["header"])
        self.lines = LineFormSet(data, prefix="lines", initial=initial["lines"])
        self.general_errors: list[str] = []
        self._sent: list[ShipNoticeLineForm] = []

    def is_valid(self) -> bool:
        valid = all([self.header.is_valid(), self.lines.is_valid()])
        if valid and not any(form.ships for form in self.lines.forms):
            self.general_errors.append(_("Enter the quantity shipped on at least one line."))
            return False
        return valid

    def line_keys(self) -> list[tuple[int, int]]:
        return [key for form in self.lines.forms if (key := form.key) is not None]

    def as_input(self) -> ShipNoticeInput:
        """The notice for the service; call after ``is_valid``. The lines sent are the rows with a quantity, in the
        form's order, so that the service's ``lines.N`` is the N-th of them."""
        header = self.header.cleaned_data
        self._sent = [form for form in self.lines.forms if form.ships]
        return ShipNoticeInput(
            lines=tuple(
                ShipNoticeLineInput(
                    purchase_order_id=form.cleaned_data["purchase_order"],
                    line_number=form.cleaned_data["line_number"],
                    quantity=form.cleaned_data["quantity"],
                )
                for form in self._sent
            ),
            number=header.get("number") or "",
            despatch_date=header.get("despatch_date"),
            expected_delivery_date=header.get("expected_delivery_date"),
            carrier=header.get("carrier") or "",
            tracking_number=header.get("tracking_number") or "",
            packages=header.get("packages"),
            note=header.get("note") or "",
        )

    def add_service_error(self, error: AppError) -> None:
        """Each of the service's field errors next to its input (a line's refusal on its quantity); the rest, and a
        refusal of the whole notice without fields, above the form."""
        for path, message in error.fields.items():
            if not self._place(path.split("."), str(message)):
                self.general_errors.append(str(message))
        if not error.fields:
            self.general_errors.append(error.rendered_message())

    def _place(self, parts: list[str], message: str) -> bool:
        if len(parts) == 1:
            if parts[0] in self.header.fields:
                self.header.add_error(parts[0], message)
                return True
            return False
        if parts[0] != "lines" or not parts[1].isdigit() or int(parts[1]) >= len(self._sent):
            return False
        self._sent[int(parts[1])].add_error("quantity", message)
        return True

    @property
    def has_errors(self) -> bool:
        return bool(self.general_errors or self.header.errors or self.lines.total_error_count())


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (optional)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
        required=False,
        help_text=gettext_lazy("The customer reads this reason with the cancelled notice."),
    )


class NoticeReceiptForm(forms.Form):
    """The received date and one quantity per notice line not yet received, prefilled with what was shipped: the
    clerk changes what differs. Empty: the line stays in transit, to be received later; 0: nothing of it came."""

    received_date = forms.DateField(label=gettext_lazy("Received on"), widget=DateInput())

    def __init__(self, lines: Sequence[ShipNoticeLine], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        today = timezone.localdate()
        self.fields["received_date"].initial = today
        self.fields["received_date"].widget.attrs["max"] = today.isoformat()
        for line in self.lines:
            if line.received_quantity is not None:
                continue
            self.fields[self.field_name(line.line_number)] = forms.DecimalField(
                label=_("Quantity received on line %(line_number)s") % {"line_number": line.line_number},
                required=False,
                max_digits=16,
                decimal_places=4,
                initial=plain_number(line.quantity),
                widget=forms.NumberInput(attrs={**QUANTITY_WIDGET_ATTRS, "data-shipped": plain_number(line.quantity)}),
            )
        self._sent: list[NoticeReceiptLineInput] = []

    @staticmethod
    def field_name(line_number: int) -> str:
        return f"line_{line_number}"

    def rows(self) -> list[tuple[ShipNoticeLine, forms.BoundField | None]]:
        return [
            (line, self[name] if (name := self.field_name(line.line_number)) in self.fields else None)
            for line in self.lines
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors and not self.entries():
            raise forms.ValidationError(_("Enter the quantity received on at least one line."))
        return cleaned

    def entries(self) -> list[NoticeReceiptLineInput]:
        """The lines with a quantity (0 included), in line order: what the service gets; its ``lines.N`` index
        these."""
        entries = []
        for line in self.lines:
            quantity: Decimal | None = self.cleaned_data.get(self.field_name(line.line_number))
            if quantity is not None:
                entries.append(NoticeReceiptLineInput(line_number=line.line_number, quantity=quantity))
        self._sent = entries
        return entries

    def add_service_error(self, error: AppError) -> None:
        """The service's refusals next to the quantities they are about; the rest above the form."""
        for path, message in error.fields.items():
            parts = path.split(".")
            if len(parts) >= 2 and parts[0] == "lines" and parts[1].isdigit() and int(parts[1]) < len(self._sent):
                name = self.field_name(self._sent[int(parts[1])].line_number)
                if name in self.fields:
                    self.add_error(name, str(message))
                    continue
            self.add_error("received_date" if path == "received_date" else None, str(message))
        if not error.fields:
            self.add_error(None, error.rendered_message())
