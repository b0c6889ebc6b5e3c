"""The buyer's purchase order form: the header, a formset of lines and one of charges.

Items, sites and warehouses are typed by their number or code (what agents know by heart), and looked up in the
vendor's company here; every business rule (dates, quantities, companies) stays in the services, whose field
errors come back to the same inputs.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from functools import reduce
from operator import or_
from typing import Any

from django import forms
from django.db.models import Q
from django.forms import BaseFormSet, formset_factory
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vendorcollab.common.codelists import UNCL5305_TAX_CATEGORIES
from vendorcollab.common.errors import AppError
from vendorcollab.common.widgets import DateInput
from vendorcollab.partners.models import Collaboration, Company, Item, Site, Vendor, Warehouse

from .errors import MESSAGES, PurchasingErrorCode
from .models import PurchaseOrder, Visibility
from .services import ChargeInput, LineInput, Unresolved

DATE = DateInput()

# The line fields that name master data, with the placeholder their "there is no …" message uses.
REFERENCES = {"item": "number", "site": "site", "warehouse": "warehouse"}
UNRESOLVED_CODES = {
    "item": PurchasingErrorCode.UNKNOWN_ITEM,
    "site": PurchasingErrorCode.UNKNOWN_SITE,
    "warehouse": PurchasingErrorCode.UNKNOWN_WAREHOUSE,
}


class VendorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.number} {obj.name} ({obj.company.code})"


class OrderHeaderForm(forms.Form):
    # Vendors that do not collaborate cannot be sent POs, so they are not offered for new ones.
    vendor = VendorChoiceField(
        label=_("Vendor"),
        queryset=Vendor.objects.select_related("company").exclude(collaboration=Collaboration.DISABLED),
    )
    currency = forms.CharField(label=_("Currency"), max_length=3, min_length=3, initial="EUR")

    def clean_currency(self) -> str:
        return str(self.cleaned_data["currency"]).upper()


# The UNCL5305 categories as the entry page names them (the code list's own names are English only).
TAX_CATEGORY_NAMES = {
    "S": _("S: standard rate"),
    "Z": _("Z: zero rated"),
    "E": _("E: exempt"),
    "AE": _("AE: reverse charge"),
    "K": _("K: intra-community supply"),
    "G": _("G: export outside the EU"),
    "O": _("O: outside the scope of VAT"),
    "L": _("L: Canary Islands tax"),
    "M": _("M: Ceuta and Melilla tax"),
    "B": _("B: transferred VAT (Italy)"),
}


class OrderLineForm(forms.Form):
    line_number = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # A text input for the number; item_lookup.js turns it into a list of matches of the vendor's company.
    # Left empty for a free-text line: then the description and the unit code say what is ordered.
    item = forms.CharField(
        label=_("Item number"),
        max_length=40,
        required=False,
        widget=forms.TextInput(
            attrs={"data-item-lookup": reverse_lazy("buyer:item_options"), "data-options-label": _("Matching items")}
        ),
    )
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=16, decimal_places=4)
    unit = forms.CharField(label=_("Unit"), max_length=10, required=False)
    unit_price = forms.DecimalField(label=_("Unit price"), max_digits=18, decimal_places=4)
    discount_percent = forms.DecimalField(label=_("Discount %"), max_digits=5, decimal_places=2, required=False)
    delivery_date = forms.DateField(label=_("Delivery date"), widget=DATE)
    site = forms.CharField(label=_("Site"), max_length=20, required=False)
    warehouse = forms.CharField(label=_("Warehouse"), max_length=20, required=False)
    color = forms.CharField(label=_("Color"), max_length=40, required=False)
    size = forms.CharField(label=_("Size"), max_length=40, required=False)
    style = forms.CharField(label=_("Style"), max_length=40, required=False)
    configuration = forms.CharField(label=_("Configuration"), max_length=40, required=False)
    # What a PEPPOL Order line carries (issue 15): identifiers, the Rec 20 unit code, tax, the requested period.
    unit_code = forms.CharField(label=_("Unit code"), max_length=3, required=False)
    buyers_item_id = forms.CharField(label=_("Buyer's item ID"), max_length=100, required=False)
    sellers_item_id = forms.CharField(label=_("Seller's item ID"), max_length=100, required=False)
    standard_item_id = forms.CharField(label=_("GTIN"), max_length=100, required=False)
    tax_category = forms.ChoiceField(
        label=_("Tax category"),
        # Left blank, the line takes its item's rate, else its company's (``partners.tax``).
        choices=[
            ("", _("The item's or company's")),
            *((code, TAX_CATEGORY_NAMES.get(code, code)) for code in UNCL5305_TAX_CATEGORIES),
        ],
        initial="",
        required=False,
    )
    tax_percent = forms.DecimalField(label=_("Tax %"), max_digits=5, decimal_places=2, required=False)
    requested_start = forms.DateField(label=_("Requested from"), widget=DATE, required=False)
    requested_end = forms.DateField(label=_("Requested until"), widget=DATE, required=False)
    # Kept as the buyer's Order gave them, so that an edit does not lose them.
    buyer_line_id = forms.CharField(widget=forms.HiddenInput, max_length=100, required=False)
    standard_item_scheme = forms.CharField(widget=forms.HiddenInput, max_length=10, required=False, initial="0160")


class OrderChargeForm(forms.Form):
    code = forms.CharField(label=_("Charge code"), max_length=20)
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    line_number = forms.IntegerField(label=_("Line"), required=False, min_value=1)
    amount = forms.DecimalField(label=_("Amount"), max_digits=20, decimal_places=2)


LineFormSet: type[BaseFormSet] = formset_factory(OrderLineForm, extra=0, can_delete=True, min_num=0)
ChargeFormSet: type[BaseFormSet] = formset_factory(OrderChargeForm, extra=0, can_delete=True)


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)
    visibility = forms.ChoiceField(label=_("Visible to"), choices=Visibility.choices, initial=Visibility.INTERNAL)
    line_number = forms.IntegerField(label=_("Line (leave empty for the whole order)"), required=False, min_value=1)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))
    visibility = forms.ChoiceField(label=_("Visible to"), choices=Visibility.choices, initial=Visibility.INTERNAL)
    line_number = forms.IntegerField(label=_("Line (leave empty for the whole order)"), required=False, min_value=1)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class ConfirmWithoutResponseForm(forms.Form):
    understood = forms.BooleanField(
        label=_("Confirm this purchase order although the vendor has not responded."), required=True
    )


class OrderEditor:
    """The whole PO form. ``data`` None means a fresh form (from ``initial`` or an existing PO)."""

    def __init__(self, data: Any = None, *, purchase_order: PurchaseOrder | None = None) -> None:
        self.purchase_order = purchase_order
        initial_header, initial_lines, initial_charges = self._initial(purchase_order)
        self.header = OrderHeaderForm(data, prefix="po", initial=initial_header)
        if purchase_order is not None:
            # The vendor and company of a PO never change; a new vendor means a new PO.
            self.header.fields["vendor"].disabled = True
        self.lines = LineFormSet(data, prefix="lines", initial=initial_lines)
        self.charges = ChargeFormSet(data, prefix="charges", initial=initial_charges)
        self.general_errors: list[str] = []
        self._line_forms: list[forms.Form] = []

    @staticmethod
    def _initial(po: PurchaseOrder | None) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
        if po is None:
            in_two_weeks = timezone.localdate() + timedelta(days=14)
            return {"currency": "EUR"}, [{"delivery_date": in_two_weeks, "quantity": 1}], []
        lines = [
            {
                "line_number": line.line_number,
                "item": line.item.number if line.item else "",
                "description": line.description,
                "quantity": line.quantity,
                "unit": line.unit,
                "unit_price": line.unit_price,
                "discount_percent": line.discount_percent,
                "delivery_date": line.delivery_date,
                "site": line.site.code if line.site else "",
                "warehouse": line.warehouse.code if line.warehouse else "",
                "color": line.color,
                "size": line.size,
                "style": line.style,
                "configuration": line.configuration,
                "unit_code": line.unit_code,
                "buyers_item_id": line.buyers_item_id,
                "sellers_item_id": line.sellers_item_id,
                "standard_item_id": line.standard_item_id,
                "tax_category": line.tax_category,
                "tax_percent": line.tax_percent,
                "requested_start": line.requested_start,
                "requested_end": line.requested_end,
                "buyer_line_id": line.buyer_line_id,
                "standard_item_scheme": line.standard_item_scheme,
            }
            for line in po.lines.all()
            if not line.is_cancelled
        ]
        charges = [
            {"code": c.code, "description": c.description, "line_number": c.line_number, "amount": c.amount}
            for c in po.charges.all()
        ]
        return {"vendor": po.vendor_id, "currency": po.currency}, lines, charges

    def is_valid(self) -> bool:
        valid = all([self.header.is_valid(), self.lines.is_valid(), self.charges.is_valid()])
        if not valid:
            # A line whose quantity is missing still shows that its item is unknown: every error at once.
            self._mark_unresolved()
        return valid

    def _company(self) -> Company | None:
        if self.purchase_order is not None:
            return self.purchase_order.company
        vendor = getattr(self.header, "cleaned_data", {}).get("vendor")
        return vendor.company if isinstance(vendor, Vendor) else None

    @property
    def vendor(self) -> Vendor:
        if self.purchase_order is not None:
            return self.purchase_order.vendor
        vendor = self.header.cleaned_data["vendor"]
        assert isinstance(vendor, Vendor)
        return vendor

    @staticmethod
    def _deleted(form: forms.Form) -> bool:
        return bool(form.cleaned_data.get("DELETE")) if hasattr(form, "cleaned_data") else False

    def _kept(self) -> list[forms.Form]:
        """The line forms to save: not removed, not left empty. A form that failed keeps its valid fields."""
        return [form for form in self.lines.forms if getattr(form, "cleaned_data", None) and not self._deleted(form)]

    def _references(self, company: Company, kept: list[forms.Form]) -> list[dict[str, Any]]:
        """Per form, the item, site and warehouse typed, looked up in ``company`` (three queries for the whole
        form): the object, ``Unresolved`` for a number or code that names nothing there, None when left empty."""
        typed = [{name: (form.cleaned_data.get(name) or "").strip() for name in REFERENCES} for form in kept]
        found = {
            "item": _by_key(Item.objects.filter(company=company), "number", [t["item"] for t in typed]),
            "site": _by_key(Site.objects.filter(company=company), "code", [t["site"] for t in typed]),
            "warehouse": _warehouses(company, [t["warehouse"] for t in typed]),
        }
        return [
            {
                name: (found[name].get(text.lower()) or Unresolved(text)) if text else None
                for name, text in texts.items()
            }
            for texts in typed
        ]

    def _mark_unresolved(self) -> None:
        """Next to their inputs, the references of a form that failed on other fields, with the service's words
        (the service itself only sees a form that passed)."""
        company = self._company()
        if company is None:
            return
        kept = self._kept()
        for form, references in zip(kept, self._references(company, kept), strict=True):
            for name, value in references.items():
                if isinstance(value, Unresolved) and not form.has_error(name):
                    params = {REFERENCES[name]: value.text, "company": company.name}
                    form.add_error(name, str(MESSAGES[UNRESOLVED_CODES[name]]) % params)

    def line_inputs(self) -> list[LineInput]:
        """The lines for the service; what names nothing in the company goes as ``Unresolved``, for the service to
        refuse on its field together with the line's other errors."""
        company = self.vendor.company
        kept = self._kept()
        self._line_forms = kept
        result = []
        for form, references in zip(kept, self._references(company, kept), strict=True):
            data = form.cleaned_data
            result.append(
                LineInput(
                    item=references["item"],
                    quantity=data["quantity"],
                    unit_price=data["unit_price"],
                    delivery_date=data["delivery_date"],
                    line_number=data.get("line_number"),
                    description=data["description"],
                    unit=data["unit"],
                    discount_percent=data.get("discount_percent") or Decimal(0),
                    site=references["site"],
                    warehouse=references["warehouse"],
                    color=data["color"],
                    size=data["size"],
                    style=data["style"],
                    configuration=data["configuration"],
                    unit_code=data.get("unit_code") or "",
                    buyers_item_id=data.get("buyers_item_id") or "",
                    sellers_item_id=data.get("sellers_item_id") or "",
                    standard_item_id=data.get("standard_item_id") or "",
                    standard_item_scheme=data.get("standard_item_scheme") or "0160",
                    tax_category=data.get("tax_category") or "",
                    tax_percent=data.get("tax_percent"),
                    requested_start=data.get("requested_start"),
                    requested_end=data.get("requested_end"),
                    buyer_line_id=data.get("buyer_line_id") or "",
                )
            )
        return result

    def charge_inputs(self) -> list[ChargeInput]:
        return [
            ChargeInput(
                code=form.cleaned_data["code"],
                amount=form.cleaned_data["amount"],
                description=form.cleaned_data["description"],
                line_number=form.cleaned_data.get("line_number"),
            )
            for form in self.charges.forms
            if form.cleaned_data and not self._deleted(form)
        ]

    def add_service_error(self, error: AppError) -> None:
        """Each of the service's field errors next to its input; the rest above the form."""
        charge_forms = [form for form in self.charges.forms if form.cleaned_data and not self._deleted(form)]
        for path, message in error.fields.items():
            parts = path.split(".")
            target: forms.Form | None = None
            if parts[0] == "lines" and len(parts) == 3 and int(parts[1]) < len(self._line_forms):
                target = self._line_forms[int(parts[1])]
            elif parts[0] == "charges" and len(parts) == 3 and int(parts[1]) < len(charge_forms):
                target = charge_forms[int(parts[1])]
            elif parts[0] in self.header.fields:
                self.header.add_error(parts[0], str(message))
                continue
            field = parts[-1]
            if target is not None and field in target.fields:
                target.add_error(field, str(message))
            else:
                self.general_errors.append(str(message))
        if not error.fields:
            self.general_errors.append(error.rendered_message())


def _any_of(field: str, keys: list[str]) -> Q | None:
    """Matches any of ``keys`` whatever their case (people type "nl-1000" for "NL-1000"); None for no keys."""
    wanted = {key.strip() for key in keys if key and key.strip()}
    return reduce(or_, (Q(**{f"{field}__iexact": key}) for key in wanted)) if wanted else None


def _by_key(queryset: Any, field: str, keys: list[str]) -> dict[str, Any]:
    """One query for all the numbers (or codes) on the form, keyed by their lower case."""
    match = _any_of(field, keys)
    return {getattr(row, field).lower(): row for row in queryset.filter(match)} if match is not None else {}


def _warehouses(company: Company, codes: list[str]) -> dict[str, Warehouse]:
    return _by_key(Warehouse.objects.filter(site__company=company).select_related("site"), "code", codes)


def add_blank_line(data: Any, prefix: str = "lines") -> dict[str, Any]:
    """The posted form with one more (empty) line, for "Add line" without JavaScript."""
    copy = data.copy()
    total = int(copy.get(f"{prefix}-TOTAL_FORMS", 0))
    copy[f"{prefix}-TOTAL_FORMS"] = str(total + 1)
    return copy
