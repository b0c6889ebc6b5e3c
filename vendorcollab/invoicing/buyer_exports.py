"""The columns of the buyer's invoice lists when downloaded as CSV or Excel: what the page shows, one row each."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from vendorcollab.common.exports import Column

from .models import InvoiceKind, InvoiceStatus


def buyer_invoice_columns() -> list[Column]:
    return [
        Column(_("Invoice"), lambda invoice: invoice.number),
        Column(_("Kind"), lambda invoice: InvoiceKind(invoice.kind).label),
        Column(_("Company"), lambda invoice: invoice.company.code),
        Column(_("Vendor"), lambda invoice: f"{invoice.vendor.number} {invoice.vendor.name}"),
        Column(_("Issue date"), lambda invoice: invoice.issue_date),
        Column(_("Due date"), lambda invoice: invoice.due_date),
        Column(_("Submitted on"), lambda invoice: invoice.submitted_at),
        Column(_("Amount due"), lambda invoice: invoice.payable_amount),
        Column(_("Currency"), lambda invoice: invoice.currency),
        Column(_("Status"), lambda invoice: InvoiceStatus(invoice.status).label),
    ]
