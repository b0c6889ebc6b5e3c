"""A vendor's ERP posts its Invoice or Credit Note (PEPPOL BIS Billing 3) to ``POST /api/v1/vendor/documents``: it
goes through the same invoicing service as the pages, matched to the PO by ``OrderReference`` (else
``BuyerReference``) and to its lines by ``OrderLineReference``; a refusal is logged with its reasons.

The official Billing examples (``../shared/peppol-billing/examples``) are posted unchanged, each into a world built
from its own parties and references: a company and vendor account with its endpoints, and a PO received in full
whose order ID, line IDs, quantities, prices and VAT are the example's. Five import (line allowances and charges
and an amount paid in advance included); the others are refused for the reason the portal states: a negative line,
which would give back quantity that no invoice it names billed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from lxml import etree

from vendorcollab.accounts.models import Role
from vendorcollab.api.tests.helpers import ApiClient, error_of
from vendorcollab.common.testing.factories import CompanyFactory, ItemFactory, VendorFactory, make_user
from vendorcollab.interop.models import Document, InboundStatus
from vendorcollab.interop.ubl_reader import NS
from vendorcollab.interop.writers.invoice import ubl_credit_note, ubl_invoice
from vendorcollab.invoicing.inputs import InvoiceInput, InvoiceLineInput
from vendorcollab.invoicing.models import SUBMITTED_STATUSES, Invoice, InvoiceKind, InvoiceOrigin
from vendorcollab.invoicing.services import invoice_create, invoice_delete
from vendorcollab.purchasing.models import PurchaseOrder
from vendorcollab.purchasing.services import LineInput, ReceiptLineInput, po_confirm, po_create, po_send, receipt_post

from .billing import received_po
from .conftest import shared
from .test_export_conformance import complete_master_data

BILLING_EXAMPLES = ("peppol-billing", "examples")


def _post(user, body: bytes):  # type: ignore[no-untyped-def]
    api = ApiClient(Client(), user)
    return api.client.post("/api/v1/vendor/documents", body, content_type="application/xml", headers=api.headers)


def _portal_document(cast, po: PurchaseOrder, *, number: str = "ERP-1", quantity: str | None = None) -> bytes:  # type: ignore[no-untyped-def]
    """The invoice the vendor would enter in the portal for every received line of ``po``, as the portal writes it,
    and then gone again: what a vendor's ERP sends is exactly such a document."""
    lines = [
        InvoiceLineInput(
            purchase_order_id=po.pk,
            line_number=line.line_number,
            quantity=Decimal(quantity) if quantity else line.received_quantity,
        )
        for line in po.lines.order_by("line_number")
    ]
    data = InvoiceInput(vendor_id=po.vendor_id, number=number, issue_date=timezone.localdate(), lines=lines)
    draft = invoice_create(actor=cast.vendor_a_user, data=data)
    document = ubl_invoice(Invoice.objects.get(pk=draft.pk))
    invoice_delete(actor=cast.vendor_a_user, invoice=draft)
    return document


@pytest.fixture
def world(endpoints):
    return complete_master_data(endpoints)


def test_an_invoice_from_the_vendors_erp_is_taken_through_the_invoicing_service_and_logged(world):
    po = received_po(world)

    response = _post(world.vendor_a_user, _portal_document(world, po))

    assert response.status_code == 201, response.content
    invoice = Invoice.objects.get(number="ERP-1")
    assert (invoice.origin, invoice.kind, invoice.status) == (InvoiceOrigin.UBL, InvoiceKind.INVOICE, "matched")
    assert [(line.po_line_id, line.quantity) for line in invoice.lines.order_by("line_number")] == [
        (line.pk, line.received_quantity) for line in po.lines.order_by("line_number")
    ]
    body = response.json()
    logged = Document.objects.get(pk=body["id"])
    assert (logged.transaction, logged.status, logged.invoice, logged.purchase_order) == ("T10", "taken", invoice, po)
    assert body["invoice"] == invoice.pk
    po.lines.get(line_number=1).refresh_from_db()
    assert all(line.invoiced_quantity == line.received_quantity for line in po.lines.all())


def test_a_credit_note_from_the_vendors_erp_credits_the_invoice_it_names(world):
    po = received_po(world)
    assert _post(world.vendor_a_user, _portal_document(world, po)).status_code == 201
    invoice = Invoice.objects.get(number="ERP-1")
    response = _post(world.vendor_a_user, _credit_note_document(world, invoice))

    assert response.status_code == 201, response.content
    credit = Invoice.objects.get(number="CN-1")
    assert (credit.kind, credit.credited_invoice, credit.origin) == (InvoiceKind.CREDIT_NOTE, invoice, "ubl")
    line = po.lines.get(line_number=1)
    assert line.invoiced_quantity == line.received_quantity - 1


def _credit_note_document(cast, invoice: Invoice) -> bytes:  # type: ignore[no-untyped-def]
    """The credit note of one of each of ``invoice``'s lines, as the portal writes it, and then gone again."""
    lines = [
        InvoiceLineInput(
            purchase_order_id=line.purchase_order_id, line_number=line.po_line.line_number, quantity=Decimal(1)
        )
        for line in invoice.lines.select_related("po_line")
    ]
    data = InvoiceInput(
        vendor_id=invoice.vendor_id,
        number="CN-1",
        issue_date=timezone.localdate(),
        kind=InvoiceKind.CREDIT_NOTE,
        credited_invoice_id=invoice.pk,
        lines=lines,
    )
    draft = invoice_create(actor=cast.vendor_a_user, data=data)
    document = ubl_credit_note(Invoice.objects.get(pk=draft.pk))
    invoice_delete(actor=cast.vendor_a_user, invoice=draft)
    return document


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ((b"<cbc:ID>PO-", b"<cbc:ID>NOPE-"), 404, "ubl_unknown_order"),
        ((b'<cbc:InvoicedQuantity unitCode="EA">10<', b'<cbc:InvoicedQuantity unitCode="EA">11<'), 422, None),
        ((b"<cbc:LineID>1</cbc:LineID>", b"<cbc:LineID>9</cbc:LineID>"), 422, "ubl_unknown_line"),
    ],
    ids=["unknown order", "more than received", "unknown line"],
)
def test_a_refused_invoice_changes_nothing_and_is_logged_with_its_reasons(world, change, status, code):
    po = received_po(world)
    document = _portal_document(world, po)
    changed = document.replace(*change)
    assert changed != document

    response = _post(world.vendor_a_user, changed)

    assert response.status_code == status, response.content
    error = error_of(response)
    if code:
        assert error["code"] == code
    assert not Invoice.objects.exists()
    logged = Document.objects.get(direction="inbound")
    assert (logged.transaction, logged.status, logged.document_id) == ("T10", InboundStatus.REFUSED, "ERP-1")
    assert logged.reasons[0]["code"] == error["code"]


def test_an_invoice_whose_totals_are_not_the_portals_is_refused(world):
    document = _portal_document(world, received_po(world))
    root = etree.fromstring(document)
    payable = root.find("cac:LegalMonetaryTotal/cbc:PayableAmount", NS)
    payable.text = str(Decimal(payable.text) + Decimal("0.01"))

    response = _post(world.vendor_a_user, etree.tostring(root))

    assert response.status_code == 422
    assert error_of(response)["code"] == "ubl_total_differs"
    assert not Invoice.objects.exists()


def test_another_vendors_user_cannot_invoice_for_vendor_a(world):
    document = _portal_document(world, received_po(world))

    response = _post(world.vendor_b_user, document)

    assert response.status_code == 404
    assert not Invoice.objects.exists()


def test_the_vendor_purchase_order_inbound_endpoint_does_not_take_invoices(world):
    api = ApiClient(Client(), world.vendor_a_user)
    document = _portal_document(world, received_po(world))
    response = api.client.post(
        "/api/v1/vendor/documents/inbound", document, content_type="application/xml", headers=api.headers
    )
    assert response.status_code == 422
    assert error_of(response)["code"] == "ubl_not_for_this_endpoint"


# --- the official examples --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExampleLine:
    line_id: str
    quantity: Decimal
    unit_code: str
    price: Decimal
    category: str
    percent: Decimal | None


def _example(name: str) -> bytes:
    return shared(*BILLING_EXAMPLES, name).read_bytes()


def _party(root, role: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The master data of a party as the example names it: endpoint and the address a sent PO needs."""
    party = root.find(f"cac:{role}/cac:Party", NS)
    endpoint = party.find("cbc:EndpointID", NS)
    return {
        "endpoint_scheme": endpoint.get("schemeID"),
        "endpoint_id": endpoint.text.strip(),
        "city_name": party.findtext("cac:PostalAddress/cbc:CityName", "City", NS),
        "country_code": party.findtext("cac:PostalAddress/cac:Country/cbc:IdentificationCode", "", NS),
    }


def _example_lines(root) -> list[ExampleLine]:  # type: ignore[no-untyped-def]
    lines = []
    for element in root.findall("cac:InvoiceLine", NS) or root.findall("cac:CreditNoteLine", NS):
        quantity = element.find("cbc:InvoicedQuantity", NS)
        if quantity is None:
            quantity = element.find("cbc:CreditedQuantity", NS)
        price = Decimal(element.findtext("cac:Price/cbc:PriceAmount", namespaces=NS))
        base = element.findtext("cac:Price/cbc:BaseQuantity", namespaces=NS)
        percent = element.findtext("cac:Item/cac:ClassifiedTaxCategory/cbc:Percent", namespaces=NS)
        lines.append(
            ExampleLine(
                line_id=element.findtext("cac:OrderLineReference/cbc:LineID", namespaces=NS)
                or element.findtext("cbc:ID", namespaces=NS),
                quantity=abs(Decimal(quantity.text)),
                unit_code=quantity.get("unitCode"),
                price=price / Decimal(base) if base else price,
                category=element.findtext("cac:Item/cac:ClassifiedTaxCategory/cbc:ID", namespaces=NS),
                percent=Decimal(percent) if percent is not None else None,
            )
        )
    return lines


def _world_of(xml: bytes, cast):  # type: ignore[no-untyped-def]
    """The company, vendor account, vendor user and received PO the example describes."""
    root = etree.fromstring(xml)
    company = CompanyFactory(code="EX", **_party(root, "AccountingCustomerParty"))
    vendor = VendorFactory(company=company, number="EX-V", **_party(root, "AccountingSupplierParty"))
    user = make_user("ex-vendor", Role.VENDOR_USER, vendors=(vendor,))
    reference = root.findtext("cac:OrderReference/cbc:ID", namespaces=NS) or root.findtext(
        "cbc:BuyerReference", namespaces=NS
    )
    lines = _example_lines(root)
    item = ItemFactory(company=company)
    po = po_create(
        actor=cast.agent,
        company=company,
        vendor=vendor,
        currency=root.findtext("cbc:DocumentCurrencyCode", namespaces=NS),
        lines=[
            LineInput(
                item=item,
                quantity=line.quantity,
                unit_price=line.price,
                delivery_date=timezone.localdate(),
                buyer_line_id=line.line_id,
                unit_code=line.unit_code,
                tax_category=line.category,
                tax_percent=line.percent,
            )
            for line in lines
        ],
    )
    PurchaseOrder.objects.filter(pk=po.pk).update(order_document_id=reference)
    po = po_confirm(
        actor=cast.agent, purchase_order=po_send(actor=cast.agent, purchase_order=po), without_response=True
    )
    receipt_post(
        actor=cast.clerk,
        purchase_order=po,
        lines=[ReceiptLineInput(line.line_number, line.quantity) for line in po.lines.all()],
    )
    return user, po


IMPORTED = [
    "Vat-category-S.xml",
    "vat-category-E.xml",
    "vat-category-Z.xml",
    "vat-category-O.xml",
    "Allowance-example.xml",
]
# Why the others cannot import, as the portal answers them: (code, the element at fault).
REFUSED = {
    # a line of -3: a correction inside an invoice, which the portal takes as a credit note
    "base-example.xml": ("ubl_not_positive", "Invoice/InvoiceLine[2]/InvoicedQuantity"),
    "sales-order-example.xml": ("ubl_not_positive", "Invoice/InvoiceLine[2]/InvoicedQuantity"),
    # an invoice of negative quantities (and a negative allowance)
    "base-negative-inv-correction.xml": ("invalid_input", "Invoice/InvoiceLine[1]/InvoicedQuantity"),
    # a credit note that adds back a line of -3 (and credits an invoice the world does not have)
    "base-creditnote-correction.xml": ("invalid_input", "CreditNote/CreditNoteLine[2]/CreditedQuantity"),
    # billing with an invoice response is read as any invoice: refused for its line of -3 only
    "base-example_profile02.xml": ("ubl_not_positive", "Invoice/InvoiceLine[2]/InvoicedQuantity"),
}


@pytest.mark.parametrize("name", IMPORTED)
def test_the_official_examples_that_match_a_po_import_unchanged(cast, name):
    xml = _example(name)
    user, po = _world_of(xml, cast)

    response = _post(user, xml)

    assert response.status_code == 201, response.content
    invoice = Invoice.objects.get(vendor=po.vendor)
    assert invoice.status in SUBMITTED_STATUSES
    root = etree.fromstring(xml)
    assert (
        f"{invoice.payable_amount:.2f}"
        == f"{Decimal(root.findtext('cac:LegalMonetaryTotal/cbc:PayableAmount', namespaces=NS)):.2f}"
    )
    assert invoice.lines.count() == len(_example_lines(root))


def test_the_allowance_example_keeps_its_line_allowances_and_charges_and_its_prepaid_amount(cast):
    xml = _example("Allowance-example.xml")
    user, po = _world_of(xml, cast)

    assert _post(user, xml).status_code == 201

    invoice = Invoice.objects.get(vendor=po.vendor)
    root = etree.fromstring(xml)
    stated = [Decimal(text) for text in root.xpath("cac:InvoiceLine/cbc:LineExtensionAmount/text()", namespaces=NS)]
    lines = list(invoice.lines.order_by("line_number").prefetch_related("charges"))
    assert [line.net_amount for line in lines] == stated == [Decimal(4000), Decimal(1000), Decimal(900)]
    assert [[(c.is_charge, c.reason_code, c.reason, c.amount) for c in line.charges.all()] for line in lines] == [
        [(True, "CG", "Cleaning", Decimal(1)), (False, "95", "Discount", Decimal(101))],
        [],
        [(True, "CG", "Charge", Decimal(1)), (False, "95", "Discount", Decimal(101))],
    ]
    # Lines 2 and 3 both name order line 124: they invoice the PO's two lines of that ID, one each.
    assert [line.po_line_id for line in lines] == list(po.lines.order_by("line_number").values_list("pk", flat=True))
    assert (invoice.tax_exclusive_total, invoice.tax_total, invoice.prepaid_amount, invoice.payable_amount) == (
        Decimal("5900.00"),
        Decimal("1225.00"),
        Decimal("1000.00"),
        Decimal("6125.00"),
    )
    # The PO charges nothing: the document's cleaning and the lines' are exceptions for the buyer to look at.
    assert invoice.status == "on_hold"
    assert {finding["kind"] for finding in invoice.exceptions} == {"charge", "total"}


def test_an_invoice_with_a_line_charge_the_document_leaves_out_of_its_line_amount_is_refused(cast):
    xml = _example("Allowance-example.xml")
    user, _po = _world_of(xml, cast)
    # Line 3's cleaning charge raised to 2: its line amount (900) and the totals no longer add up.
    changed = xml.replace(
        b"<cbc:AllowanceChargeReason>Charge</cbc:AllowanceChargeReason>\n            <cbc:MultiplierFactorNumeric>1"
        b'</cbc:MultiplierFactorNumeric>\n            <cbc:Amount currencyID="EUR">1<',
        b"<cbc:AllowanceChargeReason>Charge</cbc:AllowanceChargeReason>\n            <cbc:MultiplierFactorNumeric>1"
        b'</cbc:MultiplierFactorNumeric>\n            <cbc:Amount currencyID="EUR">2<',
    )
    assert changed != xml

    response = _post(user, changed)

    assert response.status_code == 422
    assert set(error_of(response)["fields"]) == {
        "Invoice/LegalMonetaryTotal/TaxExclusiveAmount",
        "Invoice/LegalMonetaryTotal/PayableAmount",
    }
    assert "ubl_total_differs" in {reason["code"] for reason in Document.objects.get(direction="inbound").reasons}
    assert not Invoice.objects.exists()


@pytest.mark.parametrize(
    ("profile", "status"),
    [("urn:peppol:bis:billing_with_response", 201), ("urn:fdc:peppol.eu:2017:poacc:billing:99:1.0", 422)],
    ids=["billing with response", "not an approved process"],
)
def test_an_invoice_of_another_approved_billing_profile_is_an_invoice_like_any_other(world, profile, status):
    document = _portal_document(world, received_po(world))
    changed = re.sub(rb"<cbc:ProfileID>[^<]*<", b"<cbc:ProfileID>" + profile.encode() + b"<", document)
    assert changed != document

    response = _post(world.vendor_a_user, changed)

    assert response.status_code == status, response.content
    if status == 201:
        assert Invoice.objects.get().status in SUBMITTED_STATUSES
    else:
        assert error_of(response)["code"] == "ubl_wrong_profile"
        assert not Invoice.objects.exists()


def test_a_prepaid_amount_from_the_vendors_erp_is_taken_and_the_amount_due_held_to_it(world):
    document = _portal_document(world, received_po(world))
    root = etree.fromstring(document)
    totals = root.find("cac:LegalMonetaryTotal", NS)
    payable = totals.find("cbc:PayableAmount", NS)
    prepaid = etree.Element(f"{{{NS['cbc']}}}PrepaidAmount", currencyID=payable.get("currencyID"))
    prepaid.text = "100.00"
    payable.addprevious(prepaid)
    payable.text = f"{Decimal(payable.text) - 100:.2f}"

    response = _post(world.vendor_a_user, etree.tostring(root))

    assert response.status_code == 201, response.content
    invoice = Invoice.objects.get()
    assert (invoice.prepaid_amount, invoice.payable_amount) == (Decimal(100), invoice.tax_inclusive_total - 100)


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_the_official_examples_the_portal_cannot_hold_are_refused_with_the_reason(cast, name):
    xml = _example(name)
    user, _po = _world_of(xml, cast)

    response = _post(user, xml)

    code, element = REFUSED[name]
    error = error_of(response)
    assert (error["code"], element in error["fields"]) == (code, True), response.content
    assert not Invoice.objects.exists()
    assert Document.objects.get(direction="inbound").status == InboundStatus.REFUSED


def test_a_refused_invoice_is_in_the_feed_of_the_vendor_that_posted_it_only(world):
    document = _portal_document(world, received_po(world)).replace(b"<cbc:LineID>1<", b"<cbc:LineID>9<")
    assert _post(world.vendor_a_user, document).status_code == 422

    [row] = ApiClient(Client(), world.vendor_a_user).get("/vendor/documents", {"type": "T10"}).json()["items"]
    assert (row["status"], row["vendor"], row["reasons"][0]["code"]) == (
        "refused",
        world.vendor_a.pk,
        "ubl_unknown_line",
    )
    assert ApiClient(Client(), world.vendor_b_user).get("/vendor/documents").json()["count"] == 0
