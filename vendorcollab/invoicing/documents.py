"""An invoice or credit note as a business document: the PDF in the reader's language.

It is laid out by purchasing's document machinery (WeasyPrint without network access, the A4 sheet and its fonts,
the translated page counter, the PDF cache keyed on content); this module says what an invoice shows, and its own
stylesheet adds the few blocks a purchase order does not have.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db.models import Field
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from vendorcollab.common.text import xml_safe
from vendorcollab.partners.models import Company, Vendor
from vendorcollab.purchasing import documents as purchasing_documents
from vendorcollab.purchasing.documents import money_text, page_counter_css, price_text, quantity_text
from vendorcollab.purchasing.models import PurchaseOrderLine, Visibility
from vendorcollab.purchasing.order_forms import TAX_CATEGORY_NAMES

from .amounts import DEFAULT_EXEMPTION, TaxSubtotal, Totals, invoice_totals
from .models import Invoice, InvoiceStatus

TEMPLATE = "invoicing/document.html"
STYLESHEET = Path(__file__).resolve().parent / "static" / "invoicing" / "document.css"


# ``DEFAULT_EXEMPTION``'s texts, which documents carry in English, as the reader's PDF prints them.
EXEMPTION_NAMES = {
    "E": _("Exempt based on article 132 of Council Directive 2006/112/EC"),
    "AE": _("Reverse charge"),
    "K": _("Intra-Community supply"),
    "G": _("Export outside the EU"),
    "O": _("Not subject to VAT"),
}


def percent_text(value: Decimal) -> str:
    """A VAT rate as people write it: "21%", "5,5%" in Dutch."""
    return gettext("%(percent)s%%") % {"percent": quantity_text(value)}


@dataclass(frozen=True)
class DocumentParty:
    """A party as the document prints it: the seller (the vendor account) or the buyer (its company)."""

    name: str
    address_lines: tuple[str, ...]
    vat_id: str
    endpoint: str
    contact: str
    # The vendor account's number at the buyer; blank for the buyer.
    number: str = ""

    @classmethod
    def of(cls, party: Company | Vendor) -> DocumentParty:
        contact = ", ".join(part for part in (party.contact_name, party.contact_email, party.contact_phone) if part)
        return cls(
            name=party.name,
            address_lines=tuple(party.address_lines),
            vat_id=party.vat_id,
            # The participant identifier as PEPPOL writes it: scheme and identifier, e.g. "0106:12345678".
            endpoint=":".join(part for part in (party.endpoint_scheme, party.endpoint_id) if part),
            contact=contact,
            number=party.number if isinstance(party, Vendor) else "",
        )


# Text properties are read while the template renders, so they follow the language active then.
@dataclass(frozen=True)
class DocumentLine:
    number: int
    purchase_order_number: str
    order_line_number: int
    item_number: str
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    tax_category: str
    tax_percent: Decimal
    amount: Decimal
    note: str
    # The line's own allowances and charges, inside ``amount`` already.
    charges: tuple[DocumentAllowanceCharge, ...] = ()

    @property
    def quantity_text(self) -> str:
        return quantity_text(self.quantity)

    @property
    def unit_price_text(self) -> str:
        return price_text(self.unit_price)

    @property
    def tax_text(self) -> str:
        return f"{percent_text(self.tax_percent)} {self.tax_category}"

    @property
    def amount_text(self) -> str:
        return money_text(self.amount)


@dataclass(frozen=True)
class DocumentAllowanceCharge:
    is_charge: bool
    reason: str
    tax_category: str
    tax_percent: Decimal
    amount: Decimal

    @property
    def kind_label(self) -> str:
        return gettext("Charge") if self.is_charge else gettext("Allowance")

    @property
    def tax_text(self) -> str:
        return f"{percent_text(self.tax_percent)} {self.tax_category}"

    @property
    def amount_text(self) -> str:
        # An allowance lowers the total: printed with its sign, as in the totals.
        return money_text(self.amount if self.is_charge else -self.amount)


@dataclass(frozen=True)
class TaxRow:
    """One VAT category and rate of the breakdown (EN 16931 BG-23) as the document prints it."""

    subtotal: TaxSubtotal

    @property
    def name(self) -> str:
        return str(TAX_CATEGORY_NAMES.get(self.subtotal.category, self.subtotal.category))

    @property
    def exemption_reason_code(self) -> str:
        return self.subtotal.exemption_reason_code

    @property
    def exemption_text(self) -> str:
        """The reason as the vendor gave it; its category's default reason in the reader's language."""
        category, reason = self.subtotal.category, self.subtotal.exemption_reason
        if (self.subtotal.exemption_reason_code, reason) == DEFAULT_EXEMPTION.get(category):
            return str(EXEMPTION_NAMES[category])
        return reason

    @property
    def percent_text(self) -> str:
        return percent_text(self.subtotal.percent)

    @property
    def taxable_text(self) -> str:
        return money_text(self.subtotal.taxable_amount)

    @property
    def tax_text(self) -> str:
        return money_text(self.subtotal.tax_amount)


def invoice_document_context(invoice: Invoice) -> dict[str, Any]:
    """What the document shows of ``invoice``. Call it with the reader's language active: labels and sentences are
    translated here."""
    invoice = (
        Invoice.objects.select_related("vendor", "company", "credited_invoice")
        .prefetch_related("lines__po_line__item", "lines__purchase_order", "lines__charges", "charges", "attachments")
        .get(pk=invoice.pk)
    )
    invoice_lines = list(invoice.lines.all())
    charges = list(invoice.charges.all())
    lines = [
        DocumentLine(
            number=line.line_number,
            purchase_order_number=line.purchase_order.number,
            order_line_number=line.po_line.line_number,
            item_number=_item_number(line.po_line),
            description=line.description,
            quantity=line.quantity,
            unit=line.unit,
            unit_price=line.unit_price,
            tax_category=line.tax_category,
            tax_percent=line.tax_percent,
            amount=line.net_amount,
            note=line.note,
            charges=tuple(
                DocumentAllowanceCharge(
                    is_charge=charge.is_charge,
                    reason=charge.reason,
                    tax_category=line.tax_category,
                    tax_percent=line.tax_percent,
                    amount=charge.amount,
                )
                for charge in line.charges.all()
            ),
        )
        for line in invoice_lines
    ]
    totals = invoice_totals(invoice_lines, charges, prepaid=invoice.prepaid_amount)
    # Only the notes meant for the vendor: a buyer's internal note never leaves the portal in a document.
    external_notes = invoice.notes.filter(visibility=Visibility.EXTERNAL).values_list("text", flat=True)
    return {
        "invoice": invoice,
        "title": invoice.get_kind_display(),
        "banner": _banner(invoice),
        "vendor": DocumentParty.of(invoice.vendor),
        "customer": DocumentParty.of(invoice.company),
        "credited_invoice": invoice.credited_invoice,
        "purchase_order_numbers": list(dict.fromkeys(line.purchase_order_number for line in lines)),
        "lines": lines,
        "allowances_charges": [
            DocumentAllowanceCharge(
                is_charge=charge.is_charge,
                reason=charge.reason,
                tax_category=charge.tax_category,
                tax_percent=charge.tax_percent,
                amount=charge.amount,
            )
            for charge in charges
        ],
        "tax_rows": [TaxRow(subtotal) for subtotal in totals.tax_breakdown],
        "totals": _totals(invoice, totals),
        "payment_sentences": _payment_sentences(invoice, totals.payable_amount),
        "notes": [text for text in (invoice.note, *external_notes) if text],
        "attachments": [attachment.name for attachment in invoice.attachments.all()],
        "page_counter_css": page_counter_css(),
    }


def _item_number(po_line: PurchaseOrderLine) -> str:
    """The item as the buyer knows it; for a free-text line, the identifier the order gave it."""
    if po_line.item is not None:
        return po_line.item.number
    return po_line.buyers_item_id or po_line.sellers_item_id or po_line.standard_item_id


def _banner(invoice: Invoice) -> str:
    """A warning across the top of a document that is not (or no longer) a claim on the customer."""
    if invoice.is_draft:
        if invoice.is_credit_note:
            return gettext("Draft: this credit note has not been sent to the customer yet.")
        return gettext("Draft: this invoice has not been sent to the customer yet.")
    if invoice.status == InvoiceStatus.REJECTED:
        if invoice.is_credit_note:
            return gettext("Rejected by the customer: this credit note is not valid.")
        return gettext("Rejected by the customer: this invoice is not payable.")
    return ""


def _totals(invoice: Invoice, totals: Totals) -> list[tuple[str, str]]:
    """(label, amount) rows of the document totals (EN 16931 BG-22), the amount due last; allowances and charges
    only where the invoice has them."""

    def label(name: str) -> str:
        # The stored totals' own names, so that the document and the screens call each total the same.
        field = Invoice._meta.get_field(name)
        assert isinstance(field, Field)  # a column, not a relation
        return capfirst(str(field.verbose_name))

    rows = [(label("line_total"), money_text(totals.line_total))]
    if totals.allowance_total:
        rows.append((label("allowance_total"), money_text(-totals.allowance_total)))
    if totals.charge_total:
        rows.append((label("charge_total"), money_text(totals.charge_total)))
    rows += [
        (label("tax_exclusive_total"), money_text(totals.tax_exclusive_total)),
        (label("tax_total"), money_text(totals.tax_total)),
        (label("tax_inclusive_total"), money_text(totals.tax_inclusive_total)),
    ]
    if totals.prepaid_amount:
        rows.append((label("prepaid_amount"), money_text(-totals.prepaid_amount)))
    if invoice.is_credit_note:
        grand = gettext("Amount credited %(currency)s") % {"currency": invoice.currency}
    else:
        grand = gettext("Amount due %(currency)s") % {"currency": invoice.currency}
    rows.append((grand, money_text(totals.payable_amount)))
    return rows


def _payment_sentences(invoice: Invoice, payable_amount: Decimal) -> list[str]:
    """When and how the amount is paid; for a credit note, what it is settled against."""
    amount = f"{invoice.currency} {money_text(payable_amount)}"
    if invoice.credited_invoice is not None:
        return [
            gettext("This credit note of %(amount)s is settled against invoice %(invoice)s.")
            % {"amount": amount, "invoice": invoice.credited_invoice.number}
        ]
    sentences = []
    if invoice.due_date is not None:
        days = (invoice.due_date - invoice.issue_date).days
        due_date = formats.date_format(invoice.due_date, "SHORT_DATE_FORMAT")
        if days > 0:
            sentences.append(
                ngettext(
                    "Please pay %(amount)s within %(days)s day of the issue date, by %(due_date)s.",
                    "Please pay %(amount)s within %(days)s days of the issue date, by %(due_date)s.",
                    days,
                )
                % {"amount": amount, "days": days, "due_date": due_date}
            )
        else:
            sentences.append(
                gettext("Please pay %(amount)s by %(due_date)s.") % {"amount": amount, "due_date": due_date}
            )
    else:
        days = invoice.vendor.payment_terms_days
        sentences.append(
            ngettext(
                "Please pay %(amount)s within %(days)s day of the issue date.",
                "Please pay %(amount)s within %(days)s days of the issue date.",
                days,
            )
            % {"amount": amount, "days": days}
        )
    sentences.append(gettext("Please quote %(number)s with your payment.") % {"number": invoice.number})
    return sentences


def stylesheet() -> str:
    """The purchase order's sheet with the invoice's own blocks laid over it."""
    return "\n".join(path.read_text(encoding="utf-8") for path in (purchasing_documents.STYLESHEET, STYLESHEET))


def render_invoice_html(invoice: Invoice, *, language: str) -> str:
    """The HTML a PDF of ``invoice`` is laid out from, in ``language``."""
    with translation.override(language):
        # Characters that HTML and XML cannot hold, in rows stored before the input rules, are replaced.
        return xml_safe(render_to_string(TEMPLATE, invoice_document_context(invoice)))


def render_invoice_pdf(invoice: Invoice, *, language: str) -> bytes:
    """The PDF of ``invoice`` in ``language``; laid out once for as long as what it shows stays the same."""
    return purchasing_documents.cached_pdf(render_invoice_html(invoice, language=language), stylesheet())[0]


def invoice_pdf_response(*, invoice: Invoice, language: str) -> HttpResponse:
    """The PDF of an invoice already fetched through a scoped selector, as the pages and the API serve it."""
    return purchasing_documents.pdf_response(
        render_invoice_pdf(invoice, language=language), filename=f"{invoice.number}.pdf"
    )
