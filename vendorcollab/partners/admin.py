"""Back office for companies, vendor accounts and master data."""

from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from vendorcollab.common.errors import FieldErrors

from .errors import PartnersErrorCode
from .models import Company, Item, ResponseMessage, Site, Vendor, Warehouse
from .services import ADDRESS_FIELDS, CONTACT_FIELDS, MESSAGES, check_codes
from .tax import check_rate


class CodeListForm(forms.ModelForm):
    """The back office checks the code list fields as the services do (EAS, ISO 3166-1, Rec 20), with the
    services' messages next to the field: a row saved here ends up in documents like any other."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("country_code", "unit_code"):
            if data.get(name):
                data[name] = str(data[name]).strip().upper()
        errors = FieldErrors(MESSAGES)
        check_codes(errors, {name: str(value) for name, value in data.items() if isinstance(value, str)})
        # A rate saved here is the default of every new PO line of the company or item: held to the services' rule.
        for category, percent in (("default_tax_category", "default_tax_percent"), ("tax_category", "tax_percent")):
            if category in self.fields:
                data[category] = str(data.get(category) or "").strip().upper()
                check_rate(
                    errors,
                    data[category],
                    data.get(percent),
                    category_field=category,
                    percent_field=percent,
                )
                if category == "default_tax_category" and not data[category]:
                    errors.add(category, PartnersErrorCode.REQUIRED)
        for field, message in errors.fields.items():
            if field in self.fields:
                self.add_error(field, str(message))
        return data


PARTY_FIELDSETS: list[tuple[Any, dict[str, Any]]] = [
    ("PEPPOL", {"fields": ["endpoint_scheme", "endpoint_id"]}),
    (_("Address"), {"fields": list(ADDRESS_FIELDS)}),
    (_("Contact"), {"fields": list(CONTACT_FIELDS)}),
]


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    form = CodeListForm
    list_display = ["code", "name", "endpoint_scheme", "endpoint_id", "country_code"]
    fieldsets = [
        (None, {"fields": ["code", "name"]}),
        *PARTY_FIELDSETS,  # type: ignore[list-item]
        (_("Default VAT rate of PO lines"), {"fields": ["default_tax_category", "default_tax_percent"]}),
    ]
    search_fields = ["code", "name"]


@admin.register(Vendor)
class VendorAdmin(admin.ModelAdmin):
    form = CodeListForm
    list_display = ["number", "name", "company", "collaboration", "ordering_profile", "show_prices", "language"]
    fieldsets = [
        (None, {"fields": ["company", "number", "name", "collaboration", "show_prices", "language", "email"]}),
        ("PEPPOL", {"fields": ["endpoint_scheme", "endpoint_id", "ordering_profile"]}),
        *PARTY_FIELDSETS[1:],  # type: ignore[list-item]
    ]
    list_filter = ["company", "collaboration", "show_prices"]
    search_fields = ["number", "name"]
    list_select_related = ["company"]


class WarehouseInline(admin.TabularInline):
    model = Warehouse
    extra = 0


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    form = CodeListForm
    list_display = ["code", "name", "company"]
    list_filter = ["company"]
    inlines = [WarehouseInline]
    list_select_related = ["company"]


@admin.register(Warehouse)
class WarehouseAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "site"]
    list_select_related = ["site"]


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    form = CodeListForm
    list_display = ["number", "name", "unit", "unit_code", "standard_item_id", "tax_category", "tax_percent", "company"]
    list_filter = ["company"]
    search_fields = ["number", "name"]
    list_select_related = ["company"]


@admin.register(ResponseMessage)
class ResponseMessageAdmin(admin.ModelAdmin):
    list_display = ["kind", "language", "text"]
    list_filter = ["kind", "language"]
