"""A PO line that names no VAT rate takes its item's, else its company's (DESIGN.md section 8), whether a person,
the API, a copy or a consignment posting makes it; a rate a line or an imported Order gives is kept as it came. An
invoice of such a PO is prefilled with the rate and submits without the vendor typing one."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from vendorcollab.api.tests.helpers import ApiClient
from vendorcollab.common.testing.factories import in_days, line
from vendorcollab.consignment.services import ownership_change_post
from vendorcollab.consignment.tests.helpers import priced, stock_line, stocked
from vendorcollab.interop.services import ubl_order_import
from vendorcollab.interop.tests.documents import OrderLine, order_xml
from vendorcollab.invoicing import selectors as invoicing_selectors
from vendorcollab.invoicing import services as invoicing
from vendorcollab.invoicing.inputs import InvoiceInput
from vendorcollab.invoicing.models import InvoiceStatus
from vendorcollab.purchasing import services
from vendorcollab.purchasing.models import PurchaseOrder, PurchaseOrderLine
from vendorcollab.purchasing.services import LineInput, ReceiptLineInput

from .test_buyer_pages import form_data, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(cast):
    """The cast's company at 21 % standard rate; item 0 a reduced 9 %, item 1 zero rated, item 2 the company's."""
    cast.company.default_tax_category, cast.company.default_tax_percent = "S", Decimal(21)
    cast.company.save()
    cast.items[0].tax_category, cast.items[0].tax_percent = "S", Decimal(9)
    cast.items[1].tax_category, cast.items[1].tax_percent = "Z", Decimal(0)
    for item in cast.items[:2]:
        item.save()
    return cast


def stored(po) -> list[tuple[str, Decimal | None]]:
    return [(row.tax_category, row.tax_percent) for row in po.lines.order_by("line_number")]


def free_text_line(**extra) -> LineInput:
    return LineInput(
        item=None,
        description="Installation",
        unit_code="H87",
        quantity=Decimal(1),
        unit_price=Decimal(100),
        delivery_date=in_days(14),
        **extra,
    )


def test_a_line_without_a_rate_takes_the_items_else_the_companys(rates):
    po = services.po_create(
        actor=rates.agent,
        company=rates.company,
        vendor=rates.vendor_a,
        lines=[line(item) for item in rates.items] + [free_text_line()],
    )
    assert stored(po) == [("S", Decimal(9)), ("Z", Decimal(0)), ("S", Decimal(21)), ("S", Decimal(21))]


def test_a_rate_the_line_gives_is_kept(rates):
    po = services.po_create(
        actor=rates.agent,
        company=rates.company,
        vendor=rates.vendor_a,
        lines=[
            line(rates.items[0], tax_category="S", tax_percent=Decimal(21)),  # the buyer knows better than the item
            line(rates.items[2], tax_category="E"),  # exempt: never the company's 21 %
            line(rates.items[2], tax_percent=Decimal(6)),  # a percentage alone: of the default category
            free_text_line(tax_category="AE", tax_percent=Decimal(0)),
        ],
    )
    assert stored(po) == [("S", Decimal(21)), ("E", None), ("S", Decimal(6)), ("AE", Decimal(0))]


def test_a_company_without_a_percentage_leaves_it_to_the_invoice(cast):
    po = services.po_create(actor=cast.agent, company=cast.company, vendor=cast.vendor_a, lines=[line(cast.items[0])])
    assert stored(po) == [("S", None)]


def test_an_edit_gives_new_and_changed_lines_the_default_and_keeps_the_rest(rates):
    po = services.po_create(
        actor=rates.agent,
        company=rates.company,
        vendor=rates.vendor_a,
        lines=[line(rates.items[2], tax_category="S", tax_percent=Decimal(6))],
    )
    kept = LineInput.from_line(po.lines.get())
    services.po_update(
        actor=rates.agent, purchase_order=po, lines=[kept, line(rates.items[0]), line(rates.items[1], line_number=5)]
    )
    # Numbered after the highest: line 5 (item 1, zero rated), then line 6 (item 0, 9 %).
    assert stored(po) == [("S", Decimal(6)), ("Z", Decimal(0)), ("S", Decimal(9))]
    # The item of line 6 changes and the line names no rate: the new item's.
    services.po_update(actor=rates.agent, purchase_order=po, lines=[kept, line(rates.items[1], line_number=6)])
    assert stored(po) == [("S", Decimal(6)), ("Z", Decimal(0))]


def test_an_old_line_without_a_rate_saved_unchanged_changes_nothing(rates):
    po = services.po_send(
        actor=rates.agent,
        purchase_order=services.po_create(
            actor=rates.agent, company=rates.company, vendor=rates.vendor_a, lines=[line(rates.items[2])]
        ),
    )
    PurchaseOrderLine.objects.filter(purchase_order=po).update(tax_percent=None)  # sent before rates existed
    old = po.lines.get()
    again = services.po_update(actor=rates.agent, purchase_order=po, lines=[LineInput.from_line(old)], reopen=True)
    assert (again.status, stored(again)) == (po.status, [("S", None)])
    # Edited for real, the line that names no rate of its own gets the company's.
    services.po_update(
        actor=rates.agent,
        purchase_order=po,
        lines=[LineInput.from_line(old, quantity=Decimal(11), tax_category="", tax_percent=None)],
        reopen=True,
    )
    assert stored(po) == [("S", Decimal(21))]


def test_a_copy_keeps_the_rates_of_the_lines_it_copies(rates):
    po = services.po_create(
        actor=rates.agent,
        company=rates.company,
        vendor=rates.vendor_a,
        lines=[line(rates.items[0]), line(rates.items[2], tax_category="S", tax_percent=Decimal(6))],
    )
    rates.items[0].tax_percent = Decimal("5.5")  # the master data changes afterwards
    rates.items[0].save()
    copy = services.po_copy(actor=rates.agent, purchase_order=po)
    assert stored(copy) == [("S", Decimal(9)), ("S", Decimal(6))]


def test_the_api_leaves_out_the_rate_and_gets_the_default(rates):
    agent = ApiClient(Client(), rates.agent)
    lines = [
        {"item": item.pk, "quantity": "1", "unit_price": "1", "delivery_date": in_days(14).isoformat()}
        for item in rates.items
    ]
    lines[2].update(tax_category="S", tax_percent="6")
    created = agent.post("/purchase-orders", {"vendor": rates.vendor_a.pk, "lines": lines})
    assert created.status_code == 201, created.json()
    assert [(row["tax_category"], row["tax_percent"]) for row in created.json()["lines"]] == [
        ("S", "9.00"),
        ("Z", "0.00"),
        ("S", "6.00"),
    ]


def test_the_entry_page_left_blank_gives_the_default(client, rates):
    signed_in(client, rates.agent)
    blank = {"item": rates.items[0].number, "tax_category": "", "tax_percent": ""}
    chosen = {"item": rates.items[0].number, "tax_category": "E", "tax_percent": ""}
    response = client.post(reverse("buyer:po_create"), form_data(rates, [blank, chosen]))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert stored(PurchaseOrder.objects.get()) == [("S", Decimal(9)), ("E", None)]


def test_products_taken_from_consignment_are_invoiced_at_the_items_rate(rates):
    priced(rates, "4.00")
    stocked(rates, quantity="10")
    journal = ownership_change_post(actor=rates.agent, vendor=rates.vendor_a, lines=[stock_line(rates, quantity="3")])
    assert stored(journal.purchase_order) == [("S", Decimal(9))]
    invoice = _prefilled_and_submitted(rates, journal.purchase_order, "INV-C1")
    assert (invoice.status, invoice.tax_total) == (InvoiceStatus.MATCHED, Decimal("1.08"))


# --- imported documents ----------------------------------------------------------------------------------------------


def _with_endpoints(cast):
    cast.company.endpoint_scheme, cast.company.endpoint_id = "0088", "7300010000001"
    cast.company.save()
    cast.vendor_a.endpoint_scheme, cast.vendor_a.endpoint_id = "0192", "987654325"
    cast.vendor_a.save()
    return cast


def _taxed(document: bytes, category: str, percent: str) -> bytes:
    """``document`` with the first line's item classified at ``category`` and ``percent``."""
    tax = (
        f"<cac:ClassifiedTaxCategory><cbc:ID>{category}</cbc:ID><cbc:Percent>{percent}</cbc:Percent>"
        "<cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory></cac:Item>"
    )
    return document.replace(b"</cac:Item>", tax.encode(), 1)


def test_an_imported_orders_explicit_rate_is_kept_and_a_missing_one_defaults(rates):
    _with_endpoints(rates)
    document = order_xml([OrderLine(rates.items[0].number, delivery=in_days(3).isoformat())] * 2)
    po = ubl_order_import(actor=rates.agent, document=_taxed(document, "S", "21"))
    # The Order says 21 % where the item says 9 %: what the buyer's ERP agreed stands; the line it left bare is 9 %.
    assert stored(po) == [("S", Decimal(21)), ("S", Decimal(9))]


# --- the invoice -----------------------------------------------------------------------------------------------------


def _received(cast, lines: list[LineInput]):
    po = services.po_create(actor=cast.agent, company=cast.company, vendor=cast.vendor_a, lines=lines)
    po = services.po_send(actor=cast.agent, purchase_order=po)
    po = services.po_confirm(actor=cast.agent, purchase_order=po, without_response=True)
    services.receipt_post(
        actor=cast.clerk,
        purchase_order=po,
        lines=[ReceiptLineInput(row.line_number, row.quantity) for row in po.lines.all()],
    )
    return po


def _prefilled_and_submitted(cast, po, number: str):
    lines = invoicing_selectors.lines_prefill(
        actor=cast.vendor_a_user, vendor_id=po.vendor_id, purchase_order_ids=[po.pk]
    )
    data = InvoiceInput(vendor_id=po.vendor_id, number=number, issue_date=in_days(0), lines=lines, charges=[])
    return invoicing.invoice_create_and_submit(actor=cast.vendor_a_user, data=data)


def test_an_invoice_prefilled_from_such_a_po_needs_no_typing_and_matches(rates):
    po = _received(rates, [line(item, quantity="10", price="10") for item in rates.items])
    invoice = _prefilled_and_submitted(rates, po, "INV-T1")
    assert invoice.status == InvoiceStatus.MATCHED, invoice.exceptions
    assert [(row.tax_category, row.tax_percent) for row in invoice.lines.order_by("line_number")] == [
        ("S", Decimal(9)),
        ("Z", Decimal(0)),
        ("S", Decimal(21)),
    ]
    # 100 at 9 % and 100 at 21 %, 100 zero rated.
    assert (invoice.tax_exclusive_total, invoice.tax_total, invoice.payable_amount) == (
        Decimal("300.00"),
        Decimal("30.00"),
        Decimal("330.00"),
    )


def test_an_old_po_line_without_a_rate_is_prefilled_from_the_item_else_the_company(rates):
    po = _received(rates, [line(rates.items[0], price="10"), line(rates.items[2], price="10")])
    # Lines stored before the master data had rates: a standard rate without a percentage.
    PurchaseOrderLine.objects.filter(purchase_order=po).update(tax_category="S", tax_percent=None)
    prefill = invoicing_selectors.lines_prefill(
        actor=rates.vendor_a_user, vendor_id=po.vendor_id, purchase_order_ids=[po.pk]
    )
    assert [(entry.tax_category, entry.tax_percent) for entry in prefill] == [(None, Decimal(9)), (None, Decimal(21))]
    invoice = _prefilled_and_submitted(rates, po, "INV-T2")
    assert invoice.status == InvoiceStatus.MATCHED, invoice.exceptions
    assert invoice.tax_total == Decimal("9.00") + Decimal("21.00")


def test_the_prefill_reads_the_defaults_in_a_constant_number_of_queries(rates):
    few = _received(rates, [line(rates.items[0])])
    many = _received(rates, [line(item) for item in rates.items * 4])
    PurchaseOrderLine.objects.update(tax_percent=None)
    counts = []
    # The vendor user's accounts are read once per user: a first call reads them.
    invoicing_selectors.lines_prefill(actor=rates.vendor_a_user, vendor_id=few.vendor_id, purchase_order_ids=[])
    for po in (few, many):
        with CaptureQueriesContext(connection) as queries:
            prefill = invoicing_selectors.lines_prefill(
                actor=rates.vendor_a_user, vendor_id=po.vendor_id, purchase_order_ids=[po.pk]
            )
        assert all(entry.tax_percent is not None for entry in prefill)
        counts.append(len(queries))
    assert counts[0] == counts[1]
