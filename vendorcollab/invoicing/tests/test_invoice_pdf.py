"""The invoice PDF: a business document in the reader's language (both parties, their VAT identifiers and PEPPOL
endpoints, the POs it covers, the VAT breakdown, the totals, the payment terms), laid out on A4 without a column
header running into another; served to the vendor and the buyer who may see it, a 404 to anyone else."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pypdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import include, path
from weasyprint.formatting_structure.boxes import TextBox

from vendorcollab import urls as project_urls
from vendorcollab.common.testing.layout import EPSILON, assert_headers_apart, header_cells, page_right, tables
from vendorcollab.invoicing import documents, pdf_views, services
from vendorcollab.invoicing.inputs import ChargeInput, InvoiceInput, InvoiceLineInput, LineChargeInput
from vendorcollab.invoicing.models import Invoice, InvoiceCharge, InvoiceKind, InvoiceLine
from vendorcollab.partners.models import Vendor
from vendorcollab.purchasing import documents as purchasing_documents
from vendorcollab.purchasing.models import ZERO, Visibility

from .conftest import received_po


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def _with_parties(cast):
    cast.company.street_name, cast.company.postal_zone, cast.company.city_name = (
        "Stationsplein 12",
        "1012 AB",
        "Amsterdam",
    )
    cast.company.country_code, cast.company.vat_id = "NL", "NL001234567B01"
    cast.company.endpoint_scheme, cast.company.endpoint_id = "0106", "12345678"
    cast.company.save()
    vendor = cast.vendor_a
    vendor.street_name, vendor.postal_zone, vendor.city_name, vendor.country_code = (
        "Industrieweg 4",
        "3044 AS",
        "Rotterdam",
        "NL",
    )
    vendor.vat_id, vendor.endpoint_scheme, vendor.endpoint_id = "NL009876543B01", "0106", "87654321"
    vendor.contact_email = "billing@alpha.example"
    vendor.save()


@dataclass
class Documents:
    invoice: Invoice
    credit_note: Invoice
    first_po: str
    second_po: str


@pytest.fixture
def invoiced(cast) -> Documents:
    """Through the services: an invoice over two received POs with four VAT categories and rates, a charge and an
    allowance, notes of every kind and an attachment; and a credit note against it."""
    _with_parties(cast)
    first = received_po(cast, quantities=("12500",), price="1234.50")
    second = received_po(cast, quantities=("20", "10", "5"), tax_percent="9")

    def on(po, number, quantity, **changes):
        return InvoiceLineInput(purchase_order_id=po.pk, line_number=number, quantity=Decimal(quantity), **changes)

    draft = services.invoice_create(
        actor=cast.vendor_a_user,
        data=InvoiceInput(
            vendor_id=cast.vendor_a.pk,
            number="INV-2026-0042",
            issue_date=date(2026, 12, 1),
            due_date=date(2026, 12, 31),
            buyer_reference="REF-77",
            note="Thank you for your order",
            lines=[
                on(first, 1, "12500", note="Delivered in two parts"),
                on(second, 1, "20"),
                on(second, 2, "10", tax_category="E", tax_percent=ZERO),
                on(second, 3, "5", tax_category="AE", tax_percent=ZERO),
            ],
            charges=[
                ChargeInput(True, "Freight", Decimal("45.00"), reason_code="FC", tax_percent=Decimal(21)),
                ChargeInput(False, "Early order discount", Decimal("10.00"), reason_code="95", tax_percent=Decimal(21)),
            ],
        ),
    )
    services.invoice_attachment_add(
        actor=cast.vendor_a_user,
        invoice=draft,
        upload=SimpleUploadedFile("timesheet-11.txt", b"38 hours", content_type="text/plain"),
    )
    invoice = services.invoice_submit(actor=cast.vendor_a_user, invoice=draft)
    services.invoice_note_add(
        actor=cast.agent, invoice=invoice, text="Checked against packing slip", visibility=Visibility.EXTERNAL
    )
    services.invoice_note_add(
        actor=cast.agent, invoice=invoice, text="Vendor overcharges often", visibility=Visibility.INTERNAL
    )
    credit_note = services.invoice_create_and_submit(
        actor=cast.vendor_a_user,
        data=InvoiceInput(
            vendor_id=cast.vendor_a.pk,
            number="CN-2026-0007",
            kind=InvoiceKind.CREDIT_NOTE,
            credited_invoice_id=invoice.pk,
            issue_date=date(2026, 12, 5),
            lines=[on(second, 1, "4")],
        ),
    )
    return Documents(invoice=invoice, credit_note=credit_note, first_po=first.number, second_po=second.number)


@pytest.mark.parametrize(
    ("language", "words"),
    [
        (
            "en",
            {
                "title": "INVOICE",
                "customer": "CUSTOMER",
                "vat_id": "VAT IDENTIFIER",
                "endpoint": "PEPPOL ID",
                "amounts": ("12,500", "1,234.50", "15,431,250.00", "-10.00", "45.00"),
                "breakdown": (
                    "S: standard rate 21% 15,431,285.00 3,240,569.85",
                    "S: standard rate 9% 50.00 4.50",
                    "0% 25.00 0.00",
                    "0% 12.50 0.00",
                ),
                "exemptions": ("E: exempt", "VATEX-EU-132", "AE: reverse charge", "VATEX-EU-AE Reverse charge"),
                "totals": (
                    "Sum of line amounts 15,431,337.50",
                    "Allowances -10.00",
                    "Charges 45.00",
                    "Total without VAT 15,431,372.50",
                    "VAT 3,240,574.35",
                    "Total with VAT 18,671,946.85",
                    "Amount due EUR 18,671,946.85",
                ),
                "payment": "Please pay EUR 18,671,946.85 within 30 days of the issue date, by 31/12/2026.",
            },
        ),
        (
            "nl",
            {
                "title": "FACTUUR",
                "customer": "KLANT",
                "vat_id": "BTW-NUMMER",
                "endpoint": "PEPPOL-ID",
                "amounts": ("12.500", "1.234,50", "15.431.250,00", "-10,00", "45,00"),
                "breakdown": (
                    "S: standaardtarief 21% 15.431.285,00 3.240.569,85",
                    "S: standaardtarief 9% 50,00 4,50",
                    "0% 25,00 0,00",
                    "0% 12,50 0,00",
                ),
                "exemptions": ("E: vrijgesteld", "VATEX-EU-132", "AE: btw verlegd", "VATEX-EU-AE Btw verlegd"),
                "totals": (
                    "Som van de regelbedragen 15.431.337,50",
                    "Kortingen -10,00",
                    "Toeslagen 45,00",
                    "Totaal exclusief btw 15.431.372,50",
                    "Btw 3.240.574,35",
                    "Totaal inclusief btw 18.671.946,85",
                    "Te betalen EUR 18.671.946,85",
                ),
                "payment": "Wij verzoeken u EUR 18.671.946,85 binnen 30 dagen na de factuurdatum te betalen, "
                "uiterlijk op 31-12-2026.",
            },
        ),
    ],
)
def test_the_invoice_pdf_is_a_business_document_in_the_readers_language(invoiced, language, words):
    text = pdf_text(documents.render_invoice_pdf(invoiced.invoice, language=language))
    flat = " ".join(text.split())  # a cell that wraps reads as one line
    assert words["title"] in text and "INV-2026-0042" in text
    # Both parties: names, addresses, VAT identifiers and PEPPOL endpoints
    assert "Alpha Supplies" in text and "Industrieweg 4" in text and "3044 AS Rotterdam" in text
    assert words["customer"] in text and "Contoso Nederland" in text and "1012 AB Amsterdam" in text
    assert f"{words['vat_id']} NL009876543B01" in text and f"{words['vat_id']} NL001234567B01" in text
    assert f"{words['endpoint']} 0106:87654321" in text and f"{words['endpoint']} 0106:12345678" in text
    # The facts: the buyer's reference, every PO it covers, the vendor number
    assert "REF-77" in text and invoiced.first_po in text and invoiced.second_po in text and "V-A" in text
    # Lines, the charge and the allowance, grouped in the reader's way
    assert all(amount in text for amount in words["amounts"]), text
    assert "Freight" in text and "Early order discount" in text and "Delivered in two parts" in text
    # The VAT breakdown per category and rate, with the exemption reasons
    assert all(row in flat for row in words["breakdown"]), flat
    assert all(reason in flat for reason in words["exemptions"]), flat
    assert all(row in flat for row in words["totals"]), flat
    assert words["payment"] in flat and "INV-2026-0042" in flat
    # Notes for the vendor, never the buyer's internal ones; the vendor's attachment
    assert "Thank you for your order" in text and "Checked against packing slip" in text
    assert "Vendor overcharges often" not in text
    assert "timesheet-11.txt" in text


@pytest.mark.parametrize(
    ("language", "title", "sentence"),
    [
        ("en", "CREDIT NOTE", "This credit note of EUR 10.90 is settled against invoice INV-2026-0042."),
        ("nl", "CREDITNOTA", "Deze creditnota van EUR 10,90 wordt verrekend met factuur INV-2026-0042."),
    ],
)
def test_a_credit_note_names_the_invoice_it_credits(invoiced, language, title, sentence):
    text = pdf_text(documents.render_invoice_pdf(invoiced.credit_note, language=language))
    flat = " ".join(text.split())
    assert title in text and "CN-2026-0007" in text
    assert "INV-2026-0042" in text  # the credited invoice, among the facts and in the settlement
    assert sentence in flat
    assert invoiced.second_po in text and invoiced.first_po not in text
    # A credit note asks for no payment: no due date, no payment terms
    assert not any(words in flat for words in ("Due date", "Vervaldatum", "within 30 days", "binnen 30 dagen"))


def test_a_rejected_credit_note_says_it_is_not_valid(cast, invoiced):
    services.invoice_reject(actor=cast.admin, invoice=invoiced.credit_note, reason="Wrong quantity")
    flat = " ".join(pdf_text(documents.render_invoice_pdf(invoiced.credit_note, language="nl")).split())
    assert "Afgewezen door de klant: deze creditnota is niet geldig." in flat
    assert "Afgewezen" not in " ".join(pdf_text(documents.render_invoice_pdf(invoiced.invoice, language="nl")).split())


def test_the_document_reads_as_many_rows_for_one_line_as_for_many(invoiced):
    def queries(invoice) -> int:
        with CaptureQueriesContext(connection) as captured:
            documents.render_invoice_html(invoice, language="en")
        return len(captured.captured_queries)

    # Four lines over two POs and three items, with charges, notes and a file; one line of one PO
    assert queries(invoiced.invoice) == queries(invoiced.credit_note) <= 10


def laid_out(invoice, *, language: str):
    html = documents.render_invoice_html(invoice, language=language)
    return purchasing_documents.layout_document(html, documents.stylesheet())


def assert_printed_inside_the_page(document) -> None:
    """Every word of every page lies within the page's content area: nothing runs off the A4 sheet."""
    for page in document.pages:
        left, right = page._page_box.content_box_x(), page_right(page)
        for box in page._page_box.descendants():
            if isinstance(box, TextBox) and box.text.strip():
                assert left - EPSILON <= box.position_x and box.position_x + box.width <= right + EPSILON, box.text


@pytest.mark.parametrize("language", ["en", "nl"])
@pytest.mark.parametrize("which", ["invoice", "credit_note"])
def test_no_column_header_runs_into_another_and_every_table_fits_the_page(invoiced, language, which):
    document = laid_out(getattr(invoiced, which), language=language)
    expected_columns = {"invoice-lines": 9, "charges": 4, "breakdown": 4}
    for css_class, columns in expected_columns.items():
        # A table's part on each page it runs over (with its header repeated)
        found = [(page, table) for page in document.pages for table in tables(page, css_class)]
        if css_class == "charges" and which == "credit_note":
            assert found == []  # no allowances or charges, no empty table
            continue
        assert found, css_class
        for page, table in found:
            cells = header_cells(table)
            assert len(cells) == columns
            assert_headers_apart(cells)
            assert table.border_box_x() >= page._page_box.content_box_x() - EPSILON
            assert table.border_box_x() + table.border_width() <= page_right(page) + EPSILON, css_class
    assert_printed_inside_the_page(document)


def test_rendering_warns_of_nothing(invoiced, caplog):
    """WeasyPrint warns of CSS it ignores and of resources it cannot fetch: the invoice's sheet has neither."""
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        documents.render_invoice_pdf(invoiced.invoice, language="nl")
    assert [record.getMessage() for record in caplog.records if record.levelno >= logging.WARNING] == []


def test_long_words_and_stored_control_characters_stay_on_the_page(cast, invoiced):
    # Given rows stored before the input rules: controls, a CR/LF and a quote in the number, words without a break
    long_word = "Schroevendraaierset" * 15
    Invoice.objects.filter(pk=invoiced.invoice.pk).update(
        number='INV"1\r\nSet-Cookie: x=1', note="Paid\x01 in\x0b advance", buyer_reference="R" * 100
    )
    InvoiceLine.objects.filter(invoice=invoiced.invoice, line_number=2).update(description=long_word, note="\x08x")
    Vendor.objects.filter(pk=cast.vendor_a.pk).update(name="Alpha" * 40, street_name="Street\x07 1")
    InvoiceCharge.objects.filter(invoice=invoiced.invoice, is_charge=True).update(reason="Freight" * 28)
    invoiced.invoice.refresh_from_db()

    # When the PDF is laid out, then every word it prints stays inside the page
    assert_printed_inside_the_page(laid_out(invoiced.invoice, language="nl"))
    text = pdf_text(documents.render_invoice_pdf(invoiced.invoice, language="nl"))
    assert "Paid\ufffd in\ufffd advance" in text  # replaced, not dropped in silence
    # And the download header keeps the number as one percent-encoded value, never a second header line
    response = documents.invoice_pdf_response(invoice=invoiced.invoice, language="en")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == "inline; filename*=utf-8''INV%221%0D%0ASet-Cookie%3A%20x%3D1.pdf"


# The two UI url modules include ``pdf_views.vendor_pdf_urls`` and ``buyer_pdf_urls`` in their namespaces; mounted
# here at the same paths so that these tests do not wait for them.
urlpatterns = [
    path("vendor/", include((pdf_views.vendor_pdf_urls, "vendor_invoice_pdf"))),
    path("buyer/", include((pdf_views.buyer_pdf_urls, "buyer_invoice_pdf"))),
    *project_urls.urlpatterns,
]


@pytest.mark.urls(__name__)
def test_the_vendor_and_the_buyer_get_the_pdf_in_their_own_language(client, cast, invoiced):
    cast.vendor_a_user.language = "nl"
    cast.vendor_a_user.save()
    client.force_login(cast.vendor_a_user)
    response = client.get(f"/vendor/invoices/{invoiced.invoice.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="INV-2026-0042.pdf"'
    text = pdf_text(response.content)
    assert "FACTUUR" in text and "Vendor overcharges often" not in text

    client.force_login(cast.agent)
    text = pdf_text(client.get(f"/buyer/invoices/{invoiced.credit_note.pk}/pdf/").content)
    assert "CREDIT NOTE" in text and "CN-2026-0007" in text


@pytest.mark.urls(__name__)
def test_another_vendor_gets_404_and_a_buyer_never_gets_a_draft(client, cast, invoiced):
    po = received_po(cast, quantities=("3",))
    draft = services.invoice_create(
        actor=cast.vendor_a_user,
        data=InvoiceInput(
            vendor_id=cast.vendor_a.pk,
            number="INV-DRAFT",
            issue_date=date(2026, 12, 2),
            lines=[InvoiceLineInput(purchase_order_id=po.pk, line_number=1, quantity=Decimal(3))],
        ),
    )
    vendor_url, buyer_url = "/vendor/invoices/{}/pdf/", "/buyer/invoices/{}/pdf/"
    # Vendor B sees nothing of vendor A's: neither the invoice, nor the credit note, nor the draft
    client.force_login(cast.vendor_b_user)
    for invoice in (invoiced.invoice, invoiced.credit_note, draft):
        assert client.get(vendor_url.format(invoice.pk)).status_code == 404
    assert client.get(buyer_url.format(invoiced.invoice.pk)).status_code == 404  # nor through the buyer's pages
    # The buyer sees submitted invoices, never a draft, and only on the buyer's side
    client.force_login(cast.agent)
    assert client.get(buyer_url.format(invoiced.invoice.pk)).status_code == 200
    assert client.get(buyer_url.format(draft.pk)).status_code == 404
    assert client.get(vendor_url.format(invoiced.invoice.pk)).status_code == 404
    # The vendor's own draft prints, marked as a draft
    client.force_login(cast.vendor_a_user)
    response = client.get(vendor_url.format(draft.pk))
    assert response.status_code == 200
    assert "Draft: this invoice has not been sent to the customer yet." in " ".join(pdf_text(response.content).split())
    # Signed out: the sign-in page
    client.logout()
    assert client.get(vendor_url.format(draft.pk)).status_code == 302


@pytest.mark.parametrize(
    ("language", "rows"),
    [
        ("en", ("22.50 ALLOWANCE Loyalty discount -2.50", "Paid in advance -10.00", "Amount due EUR 17.23")),
        ("nl", ("22,50 KORTING Loyalty discount -2,50", "Vooraf betaald -10,00", "Te betalen EUR 17,23")),
    ],
)
def test_a_lines_allowance_stands_under_its_line_and_a_prepaid_amount_before_the_amount_due(cast, language, rows):
    _with_parties(cast)
    po = received_po(cast, quantities=("10",))  # 25.00 at 21 %
    discount = LineChargeInput(is_charge=False, reason="Loyalty discount", amount=Decimal("2.50"), reason_code="95")
    invoice = services.invoice_create(
        actor=cast.vendor_a_user,
        data=InvoiceInput(
            vendor_id=cast.vendor_a.pk,
            number="INV-PRE",
            issue_date=date(2026, 11, 30),
            lines=[InvoiceLineInput(purchase_order_id=po.pk, line_number=1, quantity=Decimal(10), charges=[discount])],
            prepaid_amount=Decimal(10),
        ),
    )
    # 25.00 less 2.50 on the line: 22.50, with 4.73 VAT 27.23, of which 10.00 was paid before
    flat = " ".join(pdf_text(documents.render_invoice_pdf(invoice, language=language)).split())
    assert all(row in flat for row in rows), flat
