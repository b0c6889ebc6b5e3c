"""Back office for the performance facts: read-only. They are derived from the history and written only by
``services`` (``manage.py rebuild_performance`` rewrites them all); an edit here would be undone by the next
refresh anyway."""

from django.contrib import admin

from vendorcollab.common.admin import ReadOnlyAdmin

from .models import DeliveryFact, DueFact, NoticeFact, ResponseFact, VendorMonth


@admin.register(ResponseFact)
class ResponseFactAdmin(ReadOnlyAdmin):
    list_display = ["purchase_order", "version_number", "vendor", "month", "kind", "seconds", "lines"]
    list_filter = ["kind", "month"]
    list_select_related = ["purchase_order", "vendor"]
    search_fields = ["purchase_order__number", "vendor__number"]


@admin.register(DueFact)
class DueFactAdmin(ReadOnlyAdmin):
    list_display = ["purchase_order", "line_number", "vendor", "due_date", "confirmed_quantity", "received_quantity"]
    list_filter = ["month"]
    list_select_related = ["purchase_order", "vendor"]
    search_fields = ["purchase_order__number", "vendor__number"]


@admin.register(DeliveryFact)
class DeliveryFactAdmin(ReadOnlyAdmin):
    list_display = ["purchase_order", "line_number", "vendor", "received_date", "due_date", "days_late", "quantity"]
    list_filter = ["month"]
    list_select_related = ["purchase_order", "vendor"]
    search_fields = ["purchase_order__number", "vendor__number"]


@admin.register(NoticeFact)
class NoticeFactAdmin(ReadOnlyAdmin):
    list_display = ["ship_notice", "vendor", "expected_date", "received_date", "days_late"]
    list_filter = ["month"]
    list_select_related = ["ship_notice", "vendor"]
    search_fields = ["ship_notice__number", "vendor__number"]


@admin.register(VendorMonth)
class VendorMonthAdmin(ReadOnlyAdmin):
    list_display = ["vendor", "month", "responses", "lines_due", "quantity_confirmed", "quantity_received"]
    list_filter = ["month"]
    list_select_related = ["vendor"]
    search_fields = ["vendor__number"]
