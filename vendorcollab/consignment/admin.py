"""Back office for consignment. Prices are kept here; everything else is written only by the consignment services
(a balance and its ledger change together, an ownership change made its purchase order), so it is shown read-only:
changing it here would let the stock, the ledger and the consignment purchase orders disagree."""

from django.contrib import admin

from vendorcollab.common.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import (
    ConsignmentMovement,
    ConsignmentPrice,
    ConsignmentStock,
    OwnershipChange,
    OwnershipChangeLine,
    ReplenishmentLine,
    ReplenishmentOrder,
)

KEY_FIELDS = ("item", "site", "warehouse", "color", "size", "style", "configuration")


@admin.register(ConsignmentPrice)
class ConsignmentPriceAdmin(admin.ModelAdmin):
    list_display = ["vendor", "item", "unit_price", "currency"]
    list_filter = ["vendor__company", "currency"]
    search_fields = ["vendor__number", "vendor__name", "item__number", "item__name"]
    list_select_related = ["vendor", "item"]
    raw_id_fields = ["vendor", "item"]


class ReplenishmentLineInline(ReadOnlyInline):
    model = ReplenishmentLine
    fields = readonly_fields = ("line_number", *KEY_FIELDS, "quantity", "received_quantity", "expected_date")


@admin.register(ReplenishmentOrder)
class ReplenishmentOrderAdmin(ReadOnlyAdmin):
    list_display = ["number", "company", "vendor", "status", "created_at", "created_by"]
    list_filter = ["status", "company"]
    search_fields = ["number", "vendor__number", "vendor__name"]
    list_select_related = ["company", "vendor", "created_by"]
    inlines = [ReplenishmentLineInline]


@admin.register(ReplenishmentLine)
class ReplenishmentLineAdmin(ReadOnlyAdmin):
    list_display = ["order", "line_number", "item", "warehouse", "quantity", "received_quantity", "expected_date"]
    search_fields = ["order__number", "item__number"]
    list_select_related = ["order", "item", "warehouse"]


@admin.register(ConsignmentStock)
class ConsignmentStockAdmin(ReadOnlyAdmin):
    list_display = ["vendor", "item", "site", "warehouse", "color", "size", "physical_quantity", "expected_quantity"]
    list_filter = ["vendor__company", "warehouse"]
    search_fields = ["vendor__number", "vendor__name", "item__number"]
    list_select_related = ["vendor", "item", "site", "warehouse"]


class OwnershipChangeLineInline(ReadOnlyInline):
    model = OwnershipChangeLine
    fields = readonly_fields = ("line_number", *KEY_FIELDS, "quantity", "unit_price", "amount")


@admin.register(OwnershipChange)
class OwnershipChangeAdmin(ReadOnlyAdmin):
    list_display = ["number", "company", "vendor", "transfer_date", "purchase_order", "posted_by", "posted_at"]
    list_filter = ["company"]
    search_fields = ["number", "vendor__number", "vendor__name", "purchase_order__number"]
    list_select_related = ["company", "vendor", "purchase_order", "posted_by"]
    inlines = [OwnershipChangeLineInline]


@admin.register(OwnershipChangeLine)
class OwnershipChangeLineAdmin(ReadOnlyAdmin):
    list_display = ["journal", "line_number", "item", "warehouse", "quantity", "unit_price", "amount"]
    search_fields = ["journal__number", "item__number"]
    list_select_related = ["journal", "item", "warehouse"]


@admin.register(ConsignmentMovement)
class ConsignmentMovementAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "vendor", "kind", "item", "warehouse", "physical_change", "expected_change", "actor"]
    list_filter = ["kind", "vendor__company"]
    search_fields = ["vendor__number", "item__number"]
    list_select_related = ["vendor", "item", "warehouse", "actor"]
