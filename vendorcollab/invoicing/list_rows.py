"""The rows of the invoice lists, written in Python (``common.html_rows``): the buyer's (and the accounts payable
workspace's invoices on hold) and the vendor's; the same markup the templates wrote, in a fraction of their time."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from vendorcollab.common.html_rows import cell, choice_badge, labels, short_dates, text, url_pattern
from vendorcollab.common.templatetags.vc import money

from .models import Invoice, InvoiceStatus


class _InvoiceCells:
    """The cells both sides' rows share, with what they need looked up once per page: the invoice's number linking
    to its page (a credit note marked), and the dates, the amount due and the status that end each row."""

    def __init__(self, detail_url: str, columns: dict[str, str], credit_note: str) -> None:
        self.url = url_pattern(detail_url, 1)
        self.columns = columns
        self.credit_note = credit_note
        self.date = short_dates()
        self.status_badge = choice_badge(InvoiceStatus)

    def number(self, invoice: Invoice) -> str:
        link = f'<a href="{self.url.format(text(invoice.pk))}">{text(invoice.number)}</a>'
        return cell(self.columns["invoice"], link + (self.credit_note if invoice.is_credit_note else ""))

    def closing(self, invoice: Invoice) -> list[str]:
        columns = self.columns
        return [
            cell(columns["issued"], self.date(invoice.issue_date), "date"),
            cell(columns["due"], self.date(invoice.due_date), "date"),
            cell(columns["amount"], text(money(invoice.payable_amount, invoice.currency)), "num"),
            cell(columns["status"], self.status_badge(invoice.status)),
        ]


def _closing_labels() -> dict[str, str]:
    return {
        "issued": gettext("Issue date"),
        "due": gettext("Due date"),
        "amount": gettext("Amount due"),
        "status": gettext("Status"),
    }


def buyer_invoice_rows(invoices: Iterable[Invoice]) -> SafeString:
    """The ``<tr>`` of each invoice (``selectors.buyer_invoice_page``'s rows, with their company and vendor)."""
    columns = labels(
        invoice=gettext("Invoice"), company=gettext("Company"), vendor=gettext("Vendor"), **_closing_labels()
    )
    credit_note_word = text(gettext("credit note"))  # outside the f-string, where makemessages would not find it
    shared = _InvoiceCells("buyer:invoice_detail", columns, f' <span class="muted">({credit_note_word})</span>')
    written = []
    for invoice in invoices:
        cells = [
            shared.number(invoice),
            cell(columns["company"], text(invoice.company.code)),
            cell(columns["vendor"], f"{text(invoice.vendor.number)} {text(invoice.vendor.name)}"),
            *shared.closing(invoice),
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
        **_closing_labels(),
    )
    credit_note_word = text(gettext("Credit note"))  # outside the f-string, where makemessages would not find it
    shared = _InvoiceCells("vendor:invoice_detail", columns, f' <span class="badge">{credit_note_word}</span>')
    written = []
    for invoice, po_numbers in rows:
        cells = [
            shared.number(invoice),
            cell(columns["pos"], ", ".join(text(po_number) for po_number in po_numbers)),
            cell(columns["customer"], text(invoice.company.name)),
            cell(columns["account"], text(invoice.vendor.number)),
            *shared.closing(invoice),
        ]
        written.append('<tr class="row-link">' + "".join(cells) + "</tr>")
    return mark_safe("\n".join(written))  # every value was escaped by text()
