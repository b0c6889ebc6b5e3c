"""The buyer's consignment forms: replenishment orders, their receipts, and the inventory ownership change journal.

As on the purchase order form, items, sites and warehouses are typed by number or code and looked up in the
vendor's company here; every business rule (dates, quantities, what the vendor owns, prices) stays in the
services, whose ``lines.N.*`` field errors come back to the input they are about.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import timedelta
from functools import reduce
from operator import or_
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.forms import BaseFormSet, formset_factory
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vendorcollab.common.errors import AppError
from vendorcollab.common.receiving import LineQuantitiesForm
from vendorcollab.partners.models import Collaboration, Company, Item, Site, Vendor, Warehouse
from vendorcollab.purchasing.order_forms import DATE, VendorChoiceField

from .models import ReplenishmentOrder, ReplenishmentStatus
from .services import StockLineInput

# A replenishment is usually expected about a week after it is announced.
DEFAULT_LEAD_DAYS = 7
STOCK_KEY_PARAMS = ("item", "site", "warehouse", "color", "size", "style", "configuration")


def _vendors() -> QuerySet[Vendor]:
    return Vendor.objects.select_related("company").order_by("company__code", "number")


class ReplenishmentHeaderForm(forms.Form):
    # Only vendors in collaboration can be announced stock (the service refuses the others).
    vendor = VendorChoiceField(
        label=gettext_lazy("Vendor"), queryset=_vendors().exclude(collaboration=Collaboration.DISABLED)
    )
    note = forms.CharField(
        label=gettext_lazy("Note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000, required=False
    )


class OwnershipHeaderForm(forms.Form):
    # Every vendor: stock a vendor left in the warehouse can be taken over even after its collaboration ended.
    vendor = VendorChoiceField(label=gettext_lazy("Vendor"), queryset=_vendors())
    transfer_date = forms.DateField(label=gettext_lazy("Transfer date"), widget=DATE)


class StockLineForm(forms.Form):
    """What, how much and where: the shape of a line only."""

    item = forms.CharField(label=gettext_lazy("Item number"), max_length=40)
    quantity = forms.DecimalField(
        label=gettext_lazy("Quantity"),
        max_digits=16,
        decimal_places=4,
        widget=forms.NumberInput(attrs={"step": "any", "min": "0", "inputmode": "decimal"}),
    )
    site = forms.CharField(label=gettext_lazy("Site"), max_length=20, required=False)
    warehouse = forms.CharField(label=gettext_lazy("Warehouse"), max_length=20)
    color = forms.CharField(label=gettext_lazy("Color"), max_length=40, required=False)
    size = forms.CharField(label=gettext_lazy("Size"), max_length=40, required=False)
    style = forms.CharField(label=gettext_lazy("Style"), max_length=40, required=False)
    configuration = forms.CharField(label=gettext_lazy("Configuration"), max_length=40, required=False)


class ReplenishmentLineForm(StockLineForm):
    expected_date = forms.DateField(label=gettext_lazy("Expected date"), widget=DATE)


class OwnershipLineForm(StockLineForm):
    field_order = ["item", "warehouse", "site", "color", "size", "style", "configuration", "quantity", "unit_price"]

    unit_price = forms.DecimalField(
        label=gettext_lazy("Unit price"),
        required=False,
        max_digits=15,
        decimal_places=4,
        help_text=gettext_lazy("Leave empty to use the vendor's consignment price valid on the transfer date."),
        widget=forms.NumberInput(attrs={"step": "any", "min": "0", "inputmode": "decimal"}),
    )


ReplenishmentLineFormSet: type[BaseFormSet] = formset_factory(ReplenishmentLineForm, extra=0, can_delete=True)
OwnershipLineFormSet: type[BaseFormSet] = formset_factory(OwnershipLineForm, extra=0, can_delete=True)


class StockLinesEditor:
    """A header form and a formset of stock lines; ``data`` None means a fresh form from ``initial``."""

    header_form: type[forms.Form]
    line_formset: type[BaseFormSet]

    def __init__(
        self,
        data: Any = None,
        *,
        initial: dict[str, Any] | None = None,
        initial_lines: list[dict[str, Any]] | None = None,
    ) -> None:
        self.header = self.header_form(data, prefix="header", initial=initial)
        # Posted lines are compared with nothing: a line with anything typed in it counts, an empty one is skipped.
        self.lines = self.line_formset(data, prefix="lines", initial=None if data is not None else initial_lines)
        self.general_errors: list[str] = []
        self._line_forms: list[forms.Form] = []

    def is_valid(self) -> bool:
        return all([self.header.is_valid(), self.lines.is_valid()])

    @property
    def has_errors(self) -> bool:
        return bool(self.general_errors or self.header.errors or self.lines.total_error_count())

    @property
    def vendor(self) -> Vendor:
        vendor = self.header.cleaned_data["vendor"]
        assert isinstance(vendor, Vendor)
        return vendor

    @staticmethod
    def _kept(form: forms.Form) -> bool:
        data: dict[str, Any] = getattr(form, "cleaned_data", None) or {}
        return bool(data) and not data.get("DELETE")

    def checked_lines(self) -> list[StockLineInput] | None:
        """The lines for the service, or None when anything on the form is wrong (and then marked there).

        Items, sites and warehouses are looked up on every line whose shape is right, even when another line is
        not, so that a person sees every problem at once."""
        valid = self.is_valid()
        if not self.header.is_valid():
            return None
        lines = self._line_inputs()
        return lines if valid else None

    def _line_inputs(self) -> list[StockLineInput] | None:
        company = self.vendor.company
        kept = [form for form in self.lines.forms if self._kept(form)]
        self._line_forms = kept
        if not kept:
            if not self.lines.total_error_count():
                self.general_errors.append(_("Enter at least one line."))
            return None
        checkable = [form for form in kept if not form.errors]
        resolver = _Resolver(company, [form.cleaned_data for form in checkable])
        result = [line for form in checkable if (line := resolver.line(form)) is not None]
        return result if len(result) == len(kept) else None

    def add_service_error(self, error: AppError) -> None:
        """Each of the service's field errors next to its input; the rest above the form."""
        for path, message in error.fields.items():
            parts = path.split(".")
            if parts[0] == "lines" and len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(self._line_forms):
                target = self._line_forms[int(parts[1])]
                if parts[2] in target.fields:
                    target.add_error(parts[2], str(message))
                    continue
            elif parts[0] in self.header.fields:
                self.header.add_error(parts[0], str(message))
                continue
            self.general_errors.append(str(message))
        if not error.fields:
            self.general_errors.append(error.rendered_message())


class ReplenishmentEditor(StockLinesEditor):
    header_form = ReplenishmentHeaderForm
    line_formset = ReplenishmentLineFormSet

    def __init__(self, data: Any = None) -> None:
        expected = timezone.localdate() + timedelta(days=DEFAULT_LEAD_DAYS)
        super().__init__(data, initial_lines=[{"expected_date": expected}])


class OwnershipEditor(StockLinesEditor):
    header_form = OwnershipHeaderForm
    line_formset = OwnershipLineFormSet

    def __init__(self, data: Any = None, *, prefill: Any = None) -> None:
        """``prefill`` (the query string of a link from the stock page) fills the vendor and the first line."""
        initial: dict[str, Any] = {"transfer_date": timezone.localdate()}
        line: dict[str, Any] = {}
        if prefill is not None:
            vendor = prefill.get("vendor", "")
            if vendor.isdigit():
                initial["vendor"] = int(vendor)
            line = {name: prefill[name] for name in (*STOCK_KEY_PARAMS, "quantity") if prefill.get(name)}
        super().__init__(data, initial=initial, initial_lines=[line])


class _Resolver:
    """Items, sites and warehouses of every line, one query each, matched whatever the case of what was typed."""

    def __init__(self, company: Company, lines: Sequence[dict[str, Any]]) -> None:
        self.company = company
        self.items = {
            item.number.lower(): item
            for item in _matching(Item.objects.filter(company=company), "number", [data["item"] for data in lines])
        }
        self.sites = {
            site.code.lower(): site
            for site in _matching(Site.objects.filter(company=company), "code", [data["site"] for data in lines])
        }
        # A warehouse code is unique within its site only, so a code may name several warehouses of the company.
        self.warehouses: dict[str, list[Warehouse]] = defaultdict(list)
        for warehouse in _matching(
            Warehouse.objects.filter(site__company=company).select_related("site").order_by("site__code", "pk"),
            "code",
            [data["warehouse"] for data in lines],
        ):
            self.warehouses[warehouse.code.lower()].append(warehouse)

    def line(self, form: forms.Form) -> StockLineInput | None:
        data = form.cleaned_data
        names = {"code": "", "number": "", "company": self.company.name}
        item = self.items.get(data["item"].strip().lower())
        if item is None:
            form.add_error("item", _("There is no item %(number)s in %(company)s.") % {**names, "number": data["item"]})
        # Read once: add_error takes a refused field out of cleaned_data, and the site is asked again below.
        typed_site = data["site"]
        site = self.sites.get(typed_site.strip().lower()) if typed_site else None
        if typed_site and site is None:
            form.add_error("site", _("There is no site %(code)s in %(company)s.") % {**names, "code": typed_site})
        candidates = self.warehouses.get(data["warehouse"].strip().lower(), [])
        warehouse: Warehouse | None = None
        if not candidates:
            form.add_error(
                "warehouse",
                _("There is no warehouse %(code)s in %(company)s.") % {**names, "code": data["warehouse"]},
            )
        elif site is not None:
            # One in the chosen site; otherwise the service says the warehouse is not in that site.
            warehouse = next((w for w in candidates if w.site_id == site.pk), candidates[0])
        elif len(candidates) == 1:
            warehouse = candidates[0]
        elif not typed_site:
            form.add_error(
                "warehouse",
                _("There is a warehouse %(code)s in more than one site of %(company)s. Enter the site too.")
                % {**names, "code": data["warehouse"]},
            )
        if item is None or warehouse is None or (typed_site and site is None):
            return None
        return StockLineInput(
            item=item,
            quantity=data["quantity"],
            warehouse=warehouse,
            site=site,
            color=data["color"],
            size=data["size"],
            style=data["style"],
            configuration=data["configuration"],
            expected_date=data.get("expected_date"),
            unit_price=data.get("unit_price"),
        )


def _matching(queryset: QuerySet[Any], field: str, keys: list[str]) -> QuerySet[Any]:
    wanted = {key.strip() for key in keys if key and key.strip()}
    if not wanted:
        return queryset.none()
    return queryset.filter(reduce(or_, (Q(**{f"{field}__iexact": key}) for key in wanted)))


# --- consignment prices -------------------------------------------------------------------------------------------


class PriceForm(forms.Form):
    """A consignment price: the vendor and the item (typed by number) only when it is new; a price stays with its
    pair. The rules (positive, currency, one price per vendor, item and start) are the service's."""

    vendor = VendorChoiceField(label=gettext_lazy("Vendor"), queryset=_vendors())
    item = forms.CharField(label=gettext_lazy("Item number"), max_length=40)
    unit_price = forms.DecimalField(
        label=gettext_lazy("Unit price"),
        max_digits=15,
        decimal_places=4,
        widget=forms.NumberInput(attrs={"step": "any", "min": "0", "inputmode": "decimal"}),
    )
    currency = forms.CharField(
        label=gettext_lazy("Currency"),
        max_length=3,
        initial="EUR",
        help_text=gettext_lazy("ISO 4217: three capital letters, such as EUR."),
    )
    valid_from = forms.DateField(label=gettext_lazy("Valid from"), widget=DATE)

    def __init__(self, *args: Any, price: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.price = price
        if price is not None:
            del self.fields["vendor"], self.fields["item"]
        self.found_item: Item | None = None

    def clean_currency(self) -> str:
        currency: str = self.cleaned_data["currency"]
        return currency.strip().upper()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        vendor, number = cleaned.get("vendor"), cleaned.get("item")
        if vendor is not None and number:
            self.found_item = Item.objects.filter(company_id=vendor.company_id, number__iexact=number.strip()).first()
            if self.found_item is None:
                self.add_error(
                    "item",
                    _("There is no item %(number)s in %(company)s.")
                    % {"number": number, "company": vendor.company.name},
                )
        return cleaned

    def add_service_error(self, error: AppError) -> None:
        placed = False
        for path, message in error.fields.items():
            if path in self.fields:
                self.add_error(path, str(message))
                placed = True
        if not placed:
            self.add_error(None, error.rendered_message())


# --- receiving a replenishment -----------------------------------------------------------------------------------


class ReplenishmentReceiveForm(LineQuantitiesForm):
    """One optional quantity per line still expected, while the order is open (``LineQuantitiesForm``, shared with
    purchase order receipts)."""

    def __init__(self, order: ReplenishmentOrder, *args: Any, **kwargs: Any) -> None:
        super().__init__(
            list(order.lines.all()), *args, open_for_receipt=order.status == ReplenishmentStatus.OPEN, **kwargs
        )

    @property
    def can_receive(self) -> bool:
        return bool(self.fields)
