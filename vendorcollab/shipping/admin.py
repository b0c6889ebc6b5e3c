"""Back office for ship notices: read-only. A notice changes only through the services, whose row locks keep the PO
lines' in-transit quantities true; an edit here would bypass them."""

from django.contrib import admin

from vendorcollab.common.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import ShipNotice, ShipNoticeEvent, ShipNoticeLine


class LineInline(ReadOnlyInline):
    model = ShipNoticeLine
    fields = readonly_fields = ("line_number", "purchase_order", "po_line", "quantity", "received_quantity", "note")


class EventInline(ReadOnlyInline):
    model = ShipNoticeEvent
    fields = readonly_fields = ("created_at", "kind", "from_status", "to_status", "actor", "data")


@admin.register(ShipNotice)
class ShipNoticeAdmin(ReadOnlyAdmin):
    list_display = [
        "number",
        "vendor",
        "company",
        "status",
        "despatch_date",
        "expected_delivery_date",
        "received_date",
        "has_difference",
    ]
    list_filter = ["status", "origin", "has_difference", "company"]
    search_fields = ["number", "tracking_number", "vendor__name", "vendor__number"]
    list_select_related = ["vendor", "company"]
    inlines = [LineInline, EventInline]


# The lines and events each with a read-only list too, so that the back office can find a PO line's notices.
for model in (ShipNoticeLine, ShipNoticeEvent):
    admin.site.register(model, ReadOnlyAdmin)
