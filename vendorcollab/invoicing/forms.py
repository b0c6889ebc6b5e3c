"""The vendor's invoice form: the header, a formset of lines (one per PO line invoiced) and one of document
allowances and charges, read from one plain form post.

The form only checks the input's shape (numbers are numbers, dates are dates); every business rule (what may be
invoiced, unique numbers, tax) is the services'. Their refusals come back as field paths (``lines.2.quantity``)
and are shown next to the same inputs, with everything typed kept.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms import BaseFormSet, formset_factory
from django.utils.translation import gettext_lazy as _

from vendorcollab.common.codelists import UNCL5305_TAX_CATEGORIES
from vendorcollab.common.errors import AppError
from vendorcollab.common.widgets import DateInput
from vendorcollab.purchasing.order_forms import TAX_CATEGORY_NAMES

from .inputs import ChargeInput, InvoiceInput, InvoiceLineInput
from .models import Invoice, InvoiceKind

DATE = DateInput()
TAX_CHOICES = [(code, TAX_CATEGORY_NAMES.get(code, code)) for code in UNCL5305_TAX_CATEGORIES]


class InvoiceHeaderForm(forms.Form):
    # Which vendor account invoices, and what: fixed by the page that opened the form, carried along hidden.
    vendor = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(choices=InvoiceKind.choices, widget=forms.HiddenInput, initial=InvoiceKind.INVOICE)
    credited_invoice = forms.IntegerField(widget=forms.HiddenInput, required=False)
    number = forms.CharField(label=_("Invoice number"), max_length=30)
    issue_date = forms.DateField(label=_("Issue date"), widget=DATE)
    due_date = forms.DateField(
        label=_("Due date"),
        widget=DATE,
        required=False,
        help_text=_("Left empty: the issue date plus the payment terms of your vendor account."),
    )
    buyer_reference = forms.CharField(label=_("Customer's reference"), max_length=100, required=False)
    note = forms.CharField(
        label=_("Note to the customer"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000, required=False
    )
    attachment = forms.FileField(label=_("Attach a file"), required=False)


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Add a note for the customer"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )


class InvoiceLineForm(forms.Form):
    # The PO line invoiced; what it is (item, description, unit, price ordered) is shown beside it, not typed.
    purchase_order = forms.IntegerField(widget=forms.HiddenInput)
    line_number = forms.IntegerField(widget=forms.HiddenInput)
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=16, decimal_places=4)
    # Left empty: the PO line's price (the service's default).
    unit_price = forms.DecimalField(label=_("Unit price"), max_digits=18, decimal_places=4, required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    # Prefilled from the PO line (or the credited invoice's line); a change is flagged by the match, and a PO line
    # without a rate (a consignment purchase) gets one here.
    tax_category = forms.ChoiceField(label=_("Tax category"), choices=TAX_CHOICES, required=False)
    tax_percent = forms.DecimalField(label=_("Tax %"), max_digits=5, decimal_places=2, required=False)
    tax_exemption_reason = forms.CharField(widget=forms.HiddenInput, max_length=200, required=False)

    @property
    def key(self) -> tuple[int, int] | None:
        """The PO line this form invoices, as (purchase order id, line number), read from the input as typed."""
        try:
            return int(self["purchase_order"].value()), int(self["line_number"].value())
        except (TypeError, ValueError):
            return None


class ChargeForm(forms.Form):
    is_charge = forms.TypedChoiceField(
        label=_("Kind"),
        choices=[("1", _("Charge")), ("0", _("Allowance"))],
        coerce=lambda value: value == "1",
        initial="1",
    )
    reason = forms.CharField(label=_("Reason"), max_length=200)
    amount = forms.DecimalField(label=_("Amount"), max_digits=18, decimal_places=2)
    tax_category = forms.ChoiceField(label=_("Tax category"), choices=TAX_CHOICES, initial="S")
    tax_percent = forms.DecimalField(label=_("Tax %"), max_digits=5, decimal_places=2, required=False)


LineFormSet: type[BaseFormSet] = formset_factory(InvoiceLineForm, extra=0, can_delete=True)
ChargeFormSet: type[BaseFormSet] = formset_factory(ChargeForm, extra=0, can_delete=True)


def line_initial(line: InvoiceLineInput) -> dict[str, Any]:
    return {
        "purchase_order": line.purchase_order_id,
        "line_number": line.line_number,
        "quantity": line.quantity,
        "unit_price": line.unit_price,
        "note": line.note,
        "tax_category": line.tax_category or "",
        "tax_percent": line.tax_percent,
        "tax_exemption_reason": line.tax_exemption_reason,
    }


def _charge_initial(charge: ChargeInput) -> dict[str, Any]:
    return {
        "is_charge": "1" if charge.is_charge else "0",
        "reason": charge.reason,
        "amount": charge.amount,
        "tax_category": charge.tax_category,
        "tax_percent": charge.tax_percent,
    }


def initial_from_input(data: InvoiceInput) -> dict[str, Any]:
    """What a form opens with for a prefilled invoice or credit note (``selectors.lines_prefill``,
    ``selectors.credit_prefill``)."""
    return {
        "header": {
            "vendor": data.vendor_id,
            "kind": data.kind,
            "credited_invoice": data.credited_invoice_id,
            "number": data.number,
            "issue_date": data.issue_date,
            "due_date": data.due_date,
            "buyer_reference": data.buyer_reference,
            "note": data.note,
        },
        "lines": [line_initial(line) for line in data.lines],
        "charges": [_charge_initial(charge) for charge in data.charges],
    }


def initial_from_invoice(invoice: Invoice) -> dict[str, Any]:
    """What the form of a saved draft opens with."""
    return {
        "header": {
            "vendor": invoice.vendor_id,
            "kind": invoice.kind,
            "credited_invoice": invoice.credited_invoice_id,
            "number": invoice.number,
            "issue_date": invoice.issue_date,
            "due_date": invoice.due_date,
            "buyer_reference": invoice.buyer_reference,
            "note": invoice.note,
        },
        "lines": [
            {
                "purchase_order": line.purchase_order_id,
                "line_number": line.po_line.line_number,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "note": line.note,
                "tax_category": line.tax_category,
                "tax_percent": line.tax_percent,
                "tax_exemption_reason": line.tax_exemption_reason,
            }
            for line in invoice.lines.all()
        ],
        "charges": [
            {
                "is_charge": "1" if charge.is_charge else "0",
                "reason": charge.reason,
                "amount": charge.amount,
                "tax_category": charge.tax_category,
                "tax_percent": charge.tax_percent,
            }
            for charge in invoice.charges.all()
        ],
    }


class InvoiceEditor:
    """The whole invoice form. ``data`` None means a fresh form from ``initial`` (see ``initial_from_*``)."""

    def __init__(self, data: Any = None, files: Any = None, *, initial: dict[str, Any] | None = None) -> None:
        initial = initial or {"header": {}, "lines": [], "charges": []}
        self.header = InvoiceHeaderForm(data, files, prefix="invoice", initial=initial["header"])
        self.lines = LineFormSet(data, prefix="lines", initial=initial["lines"])
        self.charges = ChargeFormSet(data, prefix="charges", initial=initial["charges"])
        self.general_errors: list[str] = []
        self._kept_lines: list[forms.Form] = []
        self._kept_charges: list[forms.Form] = []

    # --- reading the post ------------------------------------------------------------------------------------------

    def is_valid(self) -> bool:
        return all([self.header.is_valid(), self.lines.is_valid(), self.charges.is_valid()])

    @staticmethod
    def _kept(formset: BaseFormSet) -> list[forms.Form]:
        """The forms to save: not removed. A form that failed keeps its valid fields."""
        return [
            form
            for form in formset.forms
            if getattr(form, "cleaned_data", None) and not form.cleaned_data.get("DELETE")
        ]

    @property
    def vendor_id(self) -> int | None:
        value = self.header["vendor"].value()
        return int(value) if str(value or "").isdigit() else None

    @property
    def kind(self) -> str:
        return str(self.header["kind"].value() or InvoiceKind.INVOICE)

    @property
    def is_credit_note(self) -> bool:
        return self.kind == InvoiceKind.CREDIT_NOTE

    def line_keys(self) -> list[tuple[int, int]]:
        """Every PO line on the form, removed ones too (they are still shown, to be put back)."""
        return [key for form in self.lines.forms if (key := form.key) is not None]

    def as_input(self) -> InvoiceInput:
        """The invoice for the service; call after ``is_valid``. Line and charge order is the form's, so a service
        error ``lines.N`` is the N-th line kept."""
        header = self.header.cleaned_data
        self._kept_lines = self._kept(self.lines)
        self._kept_charges = self._kept(self.charges)
        return InvoiceInput(
            vendor_id=header["vendor"],
            number=header["number"],
            issue_date=header["issue_date"],
            kind=header["kind"],
            due_date=header.get("due_date"),
            buyer_reference=header.get("buyer_reference") or "",
            note=header.get("note") or "",
            credited_invoice_id=header.get("credited_invoice"),
            lines=[
                InvoiceLineInput(
                    purchase_order_id=form.cleaned_data["purchase_order"],
                    line_number=form.cleaned_data["line_number"],
                    quantity=form.cleaned_data["quantity"],
                    unit_price=form.cleaned_data.get("unit_price"),
                    tax_category=form.cleaned_data.get("tax_category") or None,
                    tax_percent=form.cleaned_data.get("tax_percent"),
                    tax_exemption_reason=form.cleaned_data.get("tax_exemption_reason") or "",
                    note=form.cleaned_data.get("note") or "",
                )
                for form in self._kept_lines
            ],
            charges=[
                ChargeInput(
                    is_charge=form.cleaned_data["is_charge"],
                    reason=form.cleaned_data["reason"],
                    amount=form.cleaned_data["amount"],
                    tax_category=form.cleaned_data["tax_category"],
                    tax_percent=form.cleaned_data.get("tax_percent"),
                )
                for form in self._kept_charges
            ],
        )

    @property
    def upload(self) -> Any:
        return self.header.cleaned_data.get("attachment") if hasattr(self.header, "cleaned_data") else None

    # --- errors ----------------------------------------------------------------------------------------------------

    def add_service_error(self, error: AppError) -> None:
        """Each of the service's field errors next to its input; the rest above the form."""
        for path, message in error.fields.items():
            if not self._place(path.split("."), str(message)):
                self.general_errors.append(str(message))
        if not error.fields:
            self.general_errors.append(error.rendered_message())

    def _place(self, parts: list[str], message: str) -> bool:
        names = {"vendor_id": "number", "credited_invoice_id": "number"}
        if len(parts) == 1:
            name = names.get(parts[0], parts[0])
            if name in self.header.fields and name not in ("vendor", "kind", "credited_invoice"):
                self.header.add_error(name, message)
                return True
            return False
        kept = {"lines": self._kept_lines, "charges": self._kept_charges}.get(parts[0])
        if kept is None or not parts[1].isdigit() or int(parts[1]) >= len(kept):
            return False
        form = kept[int(parts[1])]
        field = parts[2] if len(parts) > 2 else ""
        # A line refused as a whole (over-invoiced, not invoiceable) is marked on its quantity.
        if field not in form.fields or isinstance(form.fields[field].widget, forms.HiddenInput):
            field = "quantity" if parts[0] == "lines" else "amount"
        form.add_error(field, message)
        return True

    @property
    def has_errors(self) -> bool:
        return bool(
            self.general_errors
            or self.header.errors
            or self.lines.total_error_count()
            or self.charges.total_error_count()
        )


def add_blank_charge(data: Any) -> Any:
    """The posted form with one more (empty) charge, for "Add allowance or charge" without JavaScript."""
    copy = data.copy()
    total = str(copy.get("charges-TOTAL_FORMS", ""))
    copy["charges-TOTAL_FORMS"] = str(int(total) + 1 if total.isdigit() and len(total) < 4 else 1)
    return copy
