"""The rows of the invoice lists, written in Python (``common.html_rows``): the buyer's (and the accounts payable
workspace's invoices on hold) and the vendor's; the same markup the templates wrote, in a fraction of their time."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

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


def vendor_invoice_rows(rows: Sequence[tuple[Invoice, list[str]]]) -> SafeString:
    """The ``<tr>`` of each invoice of the vendor's lists: (invoice with its company and vendor, the numbers of the
    POs it covers)."""
    columns = labels(
        invoice=gettext("Invoice number"),
        pos=gettext("Purchase orders"),
        customer=gettext("Customer"),
        account=gettext("Vendor account"),
        issued=gettext("Issue date"),
        due=gettext("Due date"),
        amount=gettext("Amount due"),
        status=gettext("Status"),
    )
    url = url_pattern("vendor:invoice_detail", 1)
    date = short_dates()
    status_badge = choice_badge(InvoiceStatus)
    credit_note_word = text(gettext("Credit note"))  # outside the f-string, where makemessages would not find it
    credit_note = f' <span class="badge">{credit_note_word}</span>'
    written = []
    for invoice, po_numbers in rows:
        number = f'<a href="{url.format(text(invoice.pk))}">{text(invoice.number)}</a>'
        cells = [
            cell(columns["invoice"], number + (credit_note if invoice.is_credit_note else "")),
            cell(columns["pos"], ", ".join(text(po_number) for po_number in po_numbers)),
            cell(columns["customer"], text(invoice.company.name)),
            cell(columns["account"], text(invoice.vendor.number)),
            cell(columns["issued"], date(invoice.issue_date), "date"),
            cell(columns["due"], date(invoice.due_date), "date"),
            cell(columns["amount"], text(money(invoice.payable_amount, invoice.currency)), "num"),
            cell(columns["status"], status_badge(invoice.status)),
        ]
        written.append('<tr class="row-link">' + "".join(cells) + "</tr>")
    return mark_safe("\n".join(written))  # every value was escaped by text()
