"""Back office for purchase orders. Versions, responses, receipts and history are read-only: they are the
record of what was sent, answered and received, and changing them here would rewrite history."""

from django.contrib import admin

from vendorcollab.common.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import (
    Attachment,
    Note,
    PurchaseOrder,
    PurchaseOrderCharge,
    PurchaseOrderEvent,
    PurchaseOrderLine,
    PurchaseOrderVersion,
    Receipt,
    ReceiptLine,
    ResponseDraft,
    ResponseLine,
    VendorResponse,
    VersionCharge,
    VersionLine,
)


class LineInline(admin.TabularInline):
    model = PurchaseOrderLine
    extra = 0
    raw_id_fields = ["item", "site", "warehouse"]
    readonly_fields = ["received_quantity"]


class ChargeInline(admin.TabularInline):
    model = PurchaseOrderCharge
    extra = 0


class EventInline(ReadOnlyInline):
    model = PurchaseOrderEvent
    fields = readonly_fields = ("created_at", "kind", "from_status", "to_status", "version_number", "actor", "data")


@admin.register(PurchaseOrder)
class PurchaseOrderAdmin(admin.ModelAdmin):
    list_display = ["number", "company", "vendor", "status", "origin", "order_date", "latest_version"]
    list_filter = ["status", "origin", "company"]
    search_fields = ["number", "vendor__name", "vendor__number"]
    list_select_related = ["company", "vendor", "latest_version__purchase_order"]
    # Status and versions change only through the life cycle services, never by hand.
    readonly_fields = [
        "status",
        "latest_version",
        "confirmed_version",
        "confirmed_at",
        "status_changed_at",
        "status_changed_by",
        "created_by",
    ]
    raw_id_fields = ["buyer_contact"]
    inlines = [LineInline, ChargeInline, EventInline]


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin):
    list_display = ["purchase_order", "line_number", "visibility", "author", "created_at"]
    list_select_related = ["purchase_order", "author"]
    raw_id_fields = ["purchase_order"]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["name", "purchase_order", "line_number", "visibility", "uploaded_at", "removed_at"]
    list_select_related = ["purchase_order"]
    raw_id_fields = ["purchase_order", "response"]


class VersionLineInline(ReadOnlyInline):
    model = VersionLine


class VersionChargeInline(ReadOnlyInline):
    model = VersionCharge


@admin.register(PurchaseOrderVersion)
class PurchaseOrderVersionAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "kind", "created_at", "created_by", "total_amount"]
    list_select_related = ["purchase_order", "created_by"]
    inlines = [VersionLineInline, VersionChargeInline]


class ResponseLineInline(ReadOnlyInline):
    model = ResponseLine


@admin.register(VendorResponse)
class VendorResponseAdmin(ReadOnlyAdmin):
    list_display = ["version", "kind", "vendor_reference", "submitted_by", "submitted_at"]
    list_filter = ["kind"]
    list_select_related = ["version__purchase_order", "submitted_by"]
    inlines = [ResponseLineInline]


class ReceiptLineInline(ReadOnlyInline):
    model = ReceiptLine


@admin.register(Receipt)
class ReceiptAdmin(ReadOnlyAdmin):
    list_display = ["purchase_order", "received_date", "posted_by", "posted_at"]
    list_select_related = ["purchase_order", "posted_by"]
    inlines = [ReceiptLineInline]


@admin.register(PurchaseOrderEvent)
class PurchaseOrderEventAdmin(ReadOnlyAdmin):
    list_display = ["purchase_order", "kind", "from_status", "to_status", "version_number", "actor", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["purchase_order", "actor"]


# Registered so that every model is reachable in the back office, read-only like their parents.
for model in (VersionLine, VersionCharge, ResponseLine, ReceiptLine):
    admin.site.register(model, ReadOnlyAdmin)


@admin.register(PurchaseOrderLine)
class PurchaseOrderLineAdmin(admin.ModelAdmin):
    list_display = ["purchase_order", "line_number", "item", "quantity", "received_quantity", "delivery_date"]
    list_select_related = ["purchase_order", "item"]
    raw_id_fields = ["purchase_order", "item", "site", "warehouse"]
    readonly_fields = ["received_quantity"]


@admin.register(PurchaseOrderCharge)
class PurchaseOrderChargeAdmin(admin.ModelAdmin):
    list_display = ["purchase_order", "line_number", "code", "amount"]
    list_select_related = ["purchase_order"]
    raw_id_fields = ["purchase_order"]


@admin.register(ResponseDraft)
class ResponseDraftAdmin(ReadOnlyAdmin):
    """A vendor's unfinished answer: looked at when supporting a vendor, changed only by the vendor."""

    list_display = ["version", "updated_by", "updated_at"]
    list_select_related = ["version__purchase_order", "updated_by"]
