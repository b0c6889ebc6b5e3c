"""Back office for invoices: read-only. An invoice changes only through the services, whose locks keep the PO lines'
invoiced quantities true; an edit here would bypass them."""

from django.contrib import admin

from vendorcollab.common.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import (
    Invoice,
    InvoiceAttachment,
    InvoiceCharge,
    InvoiceEvent,
    InvoiceLine,
    InvoiceLineCharge,
    InvoiceNote,
)


class LineInline(ReadOnlyInline):
    model = InvoiceLine
    fields = readonly_fields = (
        "line_number",
        "purchase_order",
        "po_line",
        "description",
        "quantity",
        "unit",
        "unit_price",
        "order_unit_price",
        "tax_category",
        "tax_percent",
        "net_amount",
    )


class ChargeInline(ReadOnlyInline):
    model = InvoiceCharge
    fields = readonly_fields = ("is_charge", "reason_code", "reason", "amount", "tax_category", "tax_percent")


class NoteInline(ReadOnlyInline):
    model = InvoiceNote
    fields = readonly_fields = ("created_at", "author", "visibility", "text")


class AttachmentInline(ReadOnlyInline):
    model = InvoiceAttachment
    fields = readonly_fields = ("uploaded_at", "uploaded_by", "name", "content_type", "size")


class EventInline(ReadOnlyInline):
    model = InvoiceEvent
    fields = readonly_fields = ("created_at", "kind", "from_status", "to_status", "actor", "data")


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = ["number", "kind", "vendor", "company", "status", "issue_date", "due_date", "payable_amount"]
    list_filter = ["status", "kind", "origin", "company"]
    search_fields = ["number", "vendor__name", "vendor__number"]
    list_select_related = ["vendor", "company"]
    inlines = [LineInline, ChargeInline, NoteInline, AttachmentInline, EventInline]


# The parts of an invoice, each with its own read-only list too, so that the back office can find a line, a note or
# a file across invoices (a PO line's invoices, a buyer's notes).
for model in (InvoiceLine, InvoiceLineCharge, InvoiceCharge, InvoiceNote, InvoiceAttachment, InvoiceEvent):
    admin.site.register(model, ReadOnlyAdmin)
