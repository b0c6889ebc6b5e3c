"""The Invoice and Credit Note the portal writes (PEPPOL BIS Billing 3), held against the UBL 2.1 schema and both
official rule sets (CEN EN 16931 and PEPPOL, ``../shared/peppol-rules``): 0 fatal assertions in every VAT category,
with allowances and charges; and what the buyer's ERP matches on (order and line references, totals) as written."""

from __future__ import annotations

import base64
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from vendorcollab.interop.documents import invoice_for_document
from vendorcollab.interop.ubl_reader import NS
from vendorcollab.interop.writers.invoice import ubl_credit_note, ubl_invoice
from vendorcollab.invoicing.services import invoice_attachment_add, invoice_submit

from .billing import billing_fatal, make_invoice, received_po
from .conftest import assert_valid
from .test_export_conformance import complete_master_data

# Every VAT category EN 16931 knows that the portal writes: (category, rate).
CATEGORIES = [
    ("S", Decimal("21")),
    ("Z", Decimal(0)),
    ("E", Decimal(0)),
    ("AE", Decimal(0)),
    ("K", Decimal(0)),
    ("G", Decimal(0)),
    ("O", Decimal(0)),
]
FREIGHT_AND_DISCOUNT = ((True, "FC", "Freight", "12.50"), (False, "95", "Discount", "5.00"))
# On every line: a discount with its code, a cleaning charge with its code, and an allowance of a code outside
# UNCL5189 (written as its reason only).
LINE_ALLOWANCES_AND_CHARGES = (
    (False, "95", "Discount", "1.25"),
    (True, "CG", "Cleaning", "0.40"),
    (False, "ZZZ", "Early order", "0.05"),
)


@pytest.fixture
def world(endpoints):
    return complete_master_data(endpoints)


def _text(root, path: str) -> str:  # type: ignore[no-untyped-def]
    return root.findtext(path, None, NS)


@pytest.mark.parametrize(("category", "percent"), CATEGORIES, ids=[category for category, _ in CATEGORIES])
def test_invoice_and_credit_note_pass_the_schema_and_both_rule_sets_in_every_vat_category(world, category, percent):
    # Given a received PO invoiced in one category, with a freight charge and a discount, and a credit note on it
    # with the same
    po = received_po(world)
    invoice = make_invoice(world, [po], category=category, percent=percent, charges=FREIGHT_AND_DISCOUNT)
    credit = make_invoice(
        world,
        [po],
        number="CN-1",
        category=category,
        percent=percent,
        credited=invoice,
        quantity=Decimal(1),
        charges=FREIGHT_AND_DISCOUNT,
    )

    # When both are written
    written_invoice = ubl_invoice(invoice)
    written_credit = ubl_credit_note(credit)

    # Then both pass the UBL 2.1 schema and both official rule sets
    assert_valid(written_invoice, "Invoice")
    assert_valid(written_credit, "CreditNote")
    assert billing_fatal(written_invoice) == set()
    assert billing_fatal(written_credit) == set()


@pytest.mark.parametrize(("category", "percent"), CATEGORIES, ids=[category for category, _ in CATEGORIES])
def test_line_allowances_and_charges_and_a_prepaid_amount_pass_the_schema_and_both_rule_sets(world, category, percent):
    # Given an invoice with allowances and charges on every line and on the document, part of it paid in advance,
    # and a credit note with line allowances and charges of its own
    po = received_po(world)
    invoice = make_invoice(
        world,
        [po],
        category=category,
        percent=percent,
        charges=FREIGHT_AND_DISCOUNT,
        line_charges=LINE_ALLOWANCES_AND_CHARGES,
        prepaid=Decimal("100.00"),
    )
    credit = make_invoice(
        world,
        [po],
        number="CN-1",
        category=category,
        percent=percent,
        credited=invoice,
        quantity=Decimal(1),
        line_charges=LINE_ALLOWANCES_AND_CHARGES[:2],
    )

    written_invoice = ubl_invoice(invoice)
    written_credit = ubl_credit_note(credit)

    # Then both pass the UBL 2.1 schema and both official rule sets (BR-CO-16 holds the prepaid amount, the line
    # rules the line amounts with their allowances and charges)
    root = assert_valid(written_invoice, "Invoice")
    assert_valid(written_credit, "CreditNote")
    assert billing_fatal(written_invoice) == set()
    assert billing_fatal(written_credit) == set()
    assert _text(root, "cac:LegalMonetaryTotal/cbc:PrepaidAmount") == "100.00"
    assert _text(root, "cac:LegalMonetaryTotal/cbc:PayableAmount") == f"{invoice.payable_amount:.2f}"
    first_line = root.find("cac:InvoiceLine", NS)
    assert [
        (
            element.findtext("cbc:ChargeIndicator", None, NS),
            element.findtext("cbc:AllowanceChargeReasonCode", None, NS),
            element.findtext("cbc:AllowanceChargeReason", None, NS),
            element.findtext("cbc:Amount", None, NS),
        )
        for element in first_line.iterfind("cac:AllowanceCharge", NS)
    ] == [
        ("false", "95", "Discount", "1.25"),
        ("true", "CG", "Cleaning", "0.40"),
        ("false", None, "Early order", "0.05"),
    ]
    line = invoice.lines.get(line_number=1)
    assert _text(first_line, "cbc:LineExtensionAmount") == f"{line.net_amount:.2f}"
    assert line.net_amount == line.quantity * line.unit_price - Decimal("0.90")


def test_the_rule_runner_fails_a_document_whose_line_amount_leaves_out_its_allowances(world):
    """The check above can fail: a line amount without its allowances and charges breaks the line rule
    (PEPPOL-EN16931-R120) and the sum of line amounts (BR-CO-10)."""
    invoice = make_invoice(world, [received_po(world)], line_charges=LINE_ALLOWANCES_AND_CHARGES)
    line = invoice.lines.get(line_number=1)
    written = ubl_invoice(invoice)
    net = f'<cbc:LineExtensionAmount currencyID="EUR">{line.net_amount:.2f}<'.encode()
    gross = f'<cbc:LineExtensionAmount currencyID="EUR">{line.quantity * line.unit_price:.2f}<'.encode()
    assert net in written
    assert "PEPPOL-EN16931-R120" in billing_fatal(written.replace(net, gross, 1))


def test_the_rule_runner_fails_a_document_whose_totals_do_not_add_up(world):
    """The check above can fail: a payable amount off by a cent breaks BR-CO-16 (and the invoice is ours)."""
    invoice = make_invoice(world, [received_po(world)])
    written = ubl_invoice(invoice)
    payable = f"{invoice.payable_amount:.2f}".encode()
    broken = written.replace(b">" + payable + b"</cbc:PayableAmount>", b">" + payable + b"1</cbc:PayableAmount>")
    assert broken != written
    assert "BR-CO-16" in billing_fatal(broken)


def test_an_invoice_of_one_po_names_the_order_and_its_lines_with_the_stored_totals(world):
    po = received_po(world)
    invoice = make_invoice(world, [po], charges=FREIGHT_AND_DISCOUNT)

    root = assert_valid(ubl_invoice(invoice), "Invoice")

    assert _text(root, "cac:OrderReference/cbc:ID") == po.order_id
    assert [element.text for element in root.iterfind("cac:InvoiceLine/cac:OrderLineReference/cbc:LineID", NS)] == [
        line.order_line_id for line in po.lines.order_by("line_number")
    ]
    assert _text(root, "cac:LegalMonetaryTotal/cbc:PayableAmount") == f"{invoice.payable_amount:.2f}"
    assert _text(root, "cac:LegalMonetaryTotal/cbc:AllowanceTotalAmount") == "5.00"
    assert _text(root, "cac:LegalMonetaryTotal/cbc:ChargeTotalAmount") == "12.50"
    assert _text(root, "cac:TaxTotal/cbc:TaxAmount") == f"{invoice.tax_total:.2f}"
    assert _text(root, "cac:PaymentTerms/cbc:Note") == "Payment within 30 days"
    assert _text(root, "cac:Delivery/cbc:ActualDeliveryDate") == "2026-11-20"


def test_an_invoice_of_several_pos_carries_the_buyer_reference_and_names_each_lines_order(world):
    first, second = received_po(world, items=world.items[:1]), received_po(world, items=world.items[1:2])
    invoice = make_invoice(world, [first, second])

    written = ubl_invoice(invoice)
    root = assert_valid(written, "Invoice")

    assert root.find("cac:OrderReference", NS) is None
    assert _text(root, "cbc:BuyerReference") == f"{first.order_id}, {second.order_id}"
    assert root.find("cac:InvoiceLine/cac:OrderLineReference", NS) is None
    notes = [element.text for element in root.iterfind("cac:InvoiceLine/cbc:Note", NS)]
    assert notes == [f"Purchase order {first.order_id}, line 1", f"Purchase order {second.order_id}, line 1"]
    assert billing_fatal(written) == set()


def test_a_credit_note_refers_to_the_invoice_it_credits(world):
    po = received_po(world)
    invoice = make_invoice(world, [po])
    credit = make_invoice(world, [po], number="CN-7", credited=invoice, quantity=Decimal(2))

    root = assert_valid(ubl_credit_note(credit), "CreditNote")

    assert _text(root, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID") == "INV-1"
    assert _text(root, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:IssueDate") == "2026-11-30"
    assert _text(root, "cac:PaymentMeans/cbc:PaymentDueDate") == "2026-12-30"
    assert {element.text for element in root.iterfind("cac:CreditNoteLine/cbc:CreditedQuantity", NS)} == {"2"}


def test_dutch_parties_get_a_payment_means_the_dutch_rules_take(world):
    """NL-R-008: between Dutch parties the payment means must be one of 30, 48, 49, 57, 58, 59; the portal knows no
    bank account (BR-61 asks one for 30 and 58), so it writes 57, a standing agreement."""
    world.vendor_a.country_code, world.vendor_a.vat_id = "NL", "NL987654321B01"
    world.vendor_a.save()
    invoice = make_invoice(world, [received_po(world)])

    written = ubl_invoice(invoice)

    assert _text(assert_valid(written, "Invoice"), "cac:PaymentMeans/cbc:PaymentMeansCode") == "57"
    assert billing_fatal(written) == set()


@pytest.mark.parametrize("orders", [1, 3])
def test_writing_an_invoice_fetched_for_its_document_queries_only_the_delivery_date(
    world, orders, django_assert_num_queries
):
    """The task fetches the invoice with everything it writes (``invoice_for_document``); the writer then asks the
    database one thing, the last receipt date, however many POs and lines the invoice has."""
    pos = [received_po(world) for _ in range(orders)]
    invoice = invoice_for_document(invoice_id=make_invoice(world, pos, charges=FREIGHT_AND_DISCOUNT).pk)

    with django_assert_num_queries(1):
        written = ubl_invoice(invoice)

    assert len(assert_valid(written, "Invoice").findall("cac:InvoiceLine", NS)) == 3 * orders


PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
DOCX = b"PK\x03\x04\x14\x00\x06\x00" + b"[Content_Types].xml"


def test_attachments_are_embedded_in_the_types_peppol_takes(world):
    """A PDF time sheet travels inside the invoice; a Word file, which PEPPOL does not take, stays in the portal."""
    draft = make_invoice(world, [received_po(world)], submit=False)
    for name, content in (("timesheet.pdf", PDF), ("letter.docx", DOCX)):
        upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
        invoice_attachment_add(actor=world.vendor_a_user, invoice=draft, upload=upload)
    invoice = invoice_submit(actor=world.vendor_a_user, invoice=draft)

    written = ubl_invoice(invoice_for_document(invoice_id=invoice.pk))

    root = assert_valid(written, "Invoice")
    [reference] = root.findall("cac:AdditionalDocumentReference", NS)
    binary = reference.find("cac:Attachment/cbc:EmbeddedDocumentBinaryObject", NS)
    assert (reference.findtext("cbc:ID", None, NS), binary.get("mimeCode"), binary.get("filename")) == (
        "timesheet.pdf",
        "application/pdf",
        "timesheet.pdf",
    )
    assert base64.b64decode(binary.text) == PDF
    assert billing_fatal(written) == set()


def test_a_danish_seller_gets_a_payment_means_the_danish_rules_take(world):
    """DK-R-005 lists the payment means a Danish seller may use, and 57 is not among them: 1, not defined. Its CVR
    number, the endpoint of a Danish company, is its legal registration (DK-R-002)."""
    vendor = world.vendor_a
    vendor.country_code, vendor.vat_id = "DK", "DK12345678"
    vendor.endpoint_scheme, vendor.endpoint_id = "0184", "12345678"
    vendor.save()
    invoice = make_invoice(world, [received_po(world)])

    written = ubl_invoice(invoice)

    root = assert_valid(written, "Invoice")
    assert _text(root, "cac:PaymentMeans/cbc:PaymentMeansCode") == "1"
    assert _text(root, "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID") == "12345678"
    assert billing_fatal(written) == set()
