"""The rows of the buyer's invoice lists (and of the accounts payable workspace's invoices on hold), written in
Python (``common.html_rows``): the same markup the template wrote, in a fraction of its time."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from vendorcollab.common.html_rows import cell, choice_badge, labels, short_dates, text, url_pattern
from vendorcollab.common.templatetags.vc import money

from .models import Invoice, InvoiceStatus


def buyer_invoice_rows(invoices: Iterable[Invoice]) -> SafeString:
    """The ``<tr>`` of each invoice (``selectors.buyer_invoice_page``'s rows, with their company and vendor)."""
    columns = labels(
        invoice=gettext("Invoice"),
        company=gettext("Company"),
        vendor=gettext("Vendor"),
        issued=gettext("Issue date"),
        due=gettext("Due date"),
        amount=gettext("Amount due"),
        status=gettext("Status"),
    )
    url = url_pattern("buyer:invoice_detail", 1)
    date = short_dates()
    status_badge = choice_badge(InvoiceStatus)
    credit_note_word = text(gettext("credit note"))  # outside the f-string, where makemessages would not find it
    credit_note = f' <span class="muted">({credit_note_word})</span>'
    written = []
    for invoice in invoices:
        number = f'<a href="{url.format(text(invoice.pk))}">{text(invoice.number)}</a>'
        cells = [
            cell(columns["invoice"], number + (credit_note if invoice.is_credit_note else "")),
            cell(columns["company"], text(invoice.company.code)),
            cell(columns["vendor"], f"{text(invoice.vendor.number)} {text(invoice.vendor.name)}"),
            cell(columns["issued"], date(invoice.issue_date), "date"),
            cell(columns["due"], date(invoice.due_date), "date"),
            cell(columns["amount"], text(money(invoice.payable_amount, invoice.currency)), "num"),
            cell(columns["status"], status_badge(invoice.status)),
        ]
        written.append('<tr class="row-link">' + "".join(cells) + "</tr>")
    return mark_safe("\n".join(written))  # every value was escaped by text()
