"""Back office for companies, vendor accounts and master data."""

from django.contrib import admin

from .models import Company, Item, ResponseMessage, Site, Vendor, Warehouse


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "endpoint_scheme", "endpoint_id"]
    search_fields = ["code", "name"]


@admin.register(Vendor)
class VendorAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "company", "collaboration", "show_prices", "language"]
    list_filter = ["company", "collaboration", "show_prices"]
    search_fields = ["number", "name"]
    list_select_related = ["company"]


class WarehouseInline(admin.TabularInline):
    model = Warehouse
    extra = 0


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
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
    list_display = ["number", "name", "unit", "company"]
    list_filter = ["company"]
    search_fields = ["number", "name"]
    list_select_related = ["company"]


@admin.register(ResponseMessage)
class ResponseMessageAdmin(admin.ModelAdmin):
    list_display = ["kind", "language", "text"]
    list_filter = ["kind", "language"]
