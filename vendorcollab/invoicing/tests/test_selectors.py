"""The invoicing reads: lists and tiles on both sides, scoping (another vendor gets nothing, the buyer no drafts),
search, filters, prefills, and query counts that do not grow with the rows."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from vendorcollab.common.errors import NotFound
from vendorcollab.common.testing.factories import CompanyFactory, VendorFactory
from vendorcollab.consignment.services import ownership_change_post
from vendorcollab.consignment.tests.helpers import priced, stock_line, stocked
from vendorcollab.invoicing import selectors, services
from vendorcollab.invoicing.selectors import BuyerInvoiceList, VendorInvoiceList

from .conftest import invoice_input, received_po

V = VendorInvoiceList
B = BuyerInvoiceList


def vendor_counts(cast):
    return {which.value: count for which, count in selectors.vendor_invoice_counts(cast.vendor_a_user).items() if count}


def buyer_counts(actor):
    return {which.value: count for which, count in selectors.buyer_invoice_counts(actor).items() if count}


def test_every_list_and_tile_moves_along_the_life_cycle(cast, ap):
    po = received_po(cast, quantities=("10", "10"))
    assert vendor_counts(cast) == {"ready_to_invoice": 1}
    assert list(selectors.vendor_invoice_page(actor=cast.vendor_a_user, which=V.READY_TO_INVOICE)) == [po]
    draft = services.invoice_create(actor=cast.vendor_a_user, data=invoice_input(po, (1, "10"), (2, "10")))
    assert vendor_counts(cast) == {"ready_to_invoice": 1, "draft": 1}
    assert buyer_counts(ap) == {}
    services.invoice_submit(actor=cast.vendor_a_user, invoice=draft)
    assert vendor_counts(cast) == {"submitted": 1}
    assert buyer_counts(ap) == {"matched": 1, "all": 1}
    services.invoice_reject(actor=ap, invoice=draft, reason="Wrong address.")
    assert vendor_counts(cast) == {"ready_to_invoice": 1, "rejected": 1}
    again = services.invoice_create_and_submit(
        actor=cast.vendor_a_user, data=invoice_input(po, (1, "10"), (2, "10"), number="INV-2", unit_price=Decimal(3))
    )
    assert buyer_counts(ap) == {"on_hold": 1, "rejected": 1, "all": 2}
    services.invoice_approve(actor=ap, invoice=again)
    assert vendor_counts(cast) == {"rejected": 1, "approved": 1}
    services.invoice_record_payment(actor=ap, invoice=again, payment_date=timezone.localdate())
    assert vendor_counts(cast) == {"rejected": 1, "paid": 1}
    assert buyer_counts(cast.agent) == {"rejected": 1, "paid": 1, "all": 2}
    paid = selectors.vendor_invoice_page(actor=cast.vendor_a_user, which=V.PAID)
    assert [invoice.number for invoice in paid] == ["INV-2"]


def test_consignment_receipts_have_their_own_list(cast):
    priced(cast)
    stocked(cast, quantity="10")
    ownership_change_post(actor=cast.agent, vendor=cast.vendor_a, lines=[stock_line(cast, quantity="4")])
    assert vendor_counts(cast) == {"consignment": 1}
    [po] = selectors.vendor_invoice_page(actor=cast.vendor_a_user, which=V.CONSIGNMENT)
    [prefill] = selectors.lines_prefill(
        actor=cast.vendor_a_user, vendor_id=cast.vendor_a.pk, purchase_order_ids=[po.pk]
    )
    assert prefill.quantity == 4
    invoice = services.invoice_create_and_submit(
        actor=cast.vendor_a_user,
        data=invoice_input(po, (1, "4"), tax_percent=Decimal(21)),
    )
    assert invoice.lines.get().order_unit_price == Decimal("4.00")
    assert vendor_counts(cast) == {"submitted": 1}


def test_another_vendor_gets_nothing_of_vendor_a(cast, ap, submitted):
    invoice = submitted()
    services.invoice_note_add(actor=ap, invoice=invoice, text="Internal", visibility="internal")
    po = received_po(cast)  # ready to invoice, for vendor A
    draft = services.invoice_create(actor=cast.vendor_a_user, data=invoice_input(po, (1, "1"), number="D"))
    b = cast.vendor_b_user
    for pk in (invoice.pk, draft.pk):
        with pytest.raises(NotFound):
            selectors.invoice_get(actor=b, pk=pk)
    assert selectors.vendor_invoice_counts(b) == dict.fromkeys(VendorInvoiceList, 0)
    for which in VendorInvoiceList:
        assert not selectors.vendor_invoice_page(actor=b, which=which).exists()
    assert not selectors.invoiceable_lines(actor=b).exists()
    assert not selectors.invoiceable_lines(actor=b, vendor_id=cast.vendor_a.pk).exists()
    assert selectors.lines_prefill(actor=b, vendor_id=cast.vendor_a.pk, purchase_order_ids=[po.pk]) == []
    assert not selectors.invoices_of_purchase_order(actor=b, purchase_order=po).exists()
    # Nor does a vendor see a buyer list.
    assert selectors.buyer_invoice_counts(cast.vendor_a_user) == dict.fromkeys(BuyerInvoiceList, 0)
    assert not selectors.buyer_invoice_page(actor=cast.vendor_a_user, which=B.ALL).exists()


def test_the_buyer_never_sees_a_draft(cast, ap):
    po = received_po(cast)
    draft = services.invoice_create(actor=cast.vendor_a_user, data=invoice_input(po, (1, "1")))
    with pytest.raises(NotFound):
        selectors.invoice_get(actor=ap, pk=draft.pk)
    assert not selectors.buyer_invoice_page(actor=ap, which=B.ALL).exists()
    assert not selectors.invoices_of_purchase_order(actor=ap, purchase_order=po).exists()
    assert list(selectors.invoices_of_purchase_order(actor=cast.vendor_a_user, purchase_order=po)) == [draft]


def test_lists_waiting_for_the_buyer_show_the_longest_waiting_first(cast, ap, submitted):
    first, second = submitted("A-1", unit_price=Decimal(9)), submitted("A-2", unit_price=Decimal(9))
    assert list(selectors.buyer_invoice_page(actor=ap, which=B.ON_HOLD)) == [first, second]
    assert list(selectors.buyer_invoice_page(actor=ap, which=B.ALL)) == [second, first]
    assert list(selectors.buyer_invoice_page(actor=ap, which=B.ALL, sort="number")) == [first, second]


def test_search_and_filters(cast, ap, submitted):
    invoice = submitted("INV-77")
    other_company = CompanyFactory(code="BE01")
    elsewhere = VendorFactory(company=other_company, number="V-A2", name="Alpha Belgium")
    po_number = invoice.lines.first().purchase_order.number
    vendor = cast.vendor_a_user
    assert list(selectors.vendor_invoice_page(actor=vendor, which=V.SUBMITTED, q="77")) == [invoice]
    assert list(selectors.vendor_invoice_page(actor=vendor, which=V.SUBMITTED, q=po_number)) == [invoice]
    assert not selectors.vendor_invoice_page(actor=vendor, which=V.SUBMITTED, q="nothing").exists()
    assert not selectors.vendor_invoice_page(actor=vendor, which=V.SUBMITTED, company=other_company.pk).exists()
    assert list(selectors.buyer_invoice_page(actor=ap, which=B.ALL, q="Alpha")) == [invoice]
    assert list(selectors.buyer_invoice_page(actor=ap, which=B.ALL, q=po_number)) == [invoice]
    assert not selectors.buyer_invoice_page(actor=ap, which=B.ALL, vendor=elsewhere.pk).exists()
    assert selectors.po_numbers([invoice]) == {invoice.pk: [po_number]}


def page_queries(run) -> int:
    with CaptureQueriesContext(connection) as queries:
        run()
    return len(queries)


def test_query_counts_do_not_grow_with_the_rows(cast, ap, submitted):
    submitted("Q-1")
    received_po(cast)

    def vendor_pages():
        for which in VendorInvoiceList:
            rows = list(selectors.vendor_invoice_page(actor=cast.vendor_a_user, which=which)[:25])
            if not which.lists_purchase_orders:
                selectors.po_numbers(rows)
                [(row.company.name, row.vendor.name) for row in rows]
        selectors.vendor_invoice_counts(cast.vendor_a_user)

    def buyer_pages():
        for which in BuyerInvoiceList:
            rows = list(selectors.buyer_invoice_page(actor=ap, which=which)[:25])
            selectors.po_numbers(rows)
            [(row.company.name, row.vendor.name) for row in rows]
        selectors.buyer_invoice_counts(ap)

    def one_invoice():
        invoice = selectors.invoice_get(actor=ap, pk=first_pk)
        [(line.purchase_order.number, line.po_line.received_quantity) for line in invoice.lines.all()]
        list(invoice.notes.all()), list(invoice.attachments.all()), list(invoice.charges.all())

    first_pk = selectors.buyer_invoice_page(actor=ap, which=B.ALL).first().pk
    small = (page_queries(vendor_pages), page_queries(buyer_pages), page_queries(one_invoice))
    for index in range(4):
        submitted(f"Q-{index + 2}")
        received_po(cast)
    assert (page_queries(vendor_pages), page_queries(buyer_pages), page_queries(one_invoice)) == small


def test_the_tiles_are_one_aggregate_per_table(cast, ap, submitted, django_assert_num_queries):
    submitted()
    cast.vendor_a_user.vendor_ids  # noqa: B018  (the actor's links are read once per request)
    with django_assert_num_queries(
        5
    ):  # three stamps (the POs' and the invoices' for the POs, the invoices'), two aggregates
        vendor_counts = selectors.vendor_invoice_counts(cast.vendor_a_user)
    with django_assert_num_queries(3):  # the stamps alone: nothing changed, the counts are kept
        assert selectors.vendor_invoice_counts(cast.vendor_a_user) == vendor_counts
    ap.role_set  # noqa: B018
    with django_assert_num_queries(2):  # the invoice table's stamp, then the aggregate
        counts = selectors.buyer_invoice_counts(ap)
    with django_assert_num_queries(1):  # the stamp alone: nothing changed, the counts are kept
        assert selectors.buyer_invoice_counts(ap) == counts


def test_the_buyer_tiles_are_exact_after_every_change(cast, ap, submitted):
    first = submitted("T-1")
    assert buyer_counts(ap) == {"matched": 1, "all": 1}
    second = submitted("T-2")
    assert buyer_counts(ap) == {"matched": 2, "all": 2}
    services.invoice_approve(actor=ap, invoice=selectors.invoice_get(actor=ap, pk=first.pk))
    assert buyer_counts(ap) == {"matched": 1, "approved": 1, "all": 2}
    services.invoice_reject(actor=ap, invoice=selectors.invoice_get(actor=ap, pk=second.pk), reason="Wrong price.")
    assert buyer_counts(ap) == {"approved": 1, "rejected": 1, "all": 2}


def test_prefills(cast):
    po = received_po(cast, quantities=("10", "20"), received=("4", "0"))
    other = received_po(cast, quantities=("5",))
    prefill = selectors.lines_prefill(
        actor=cast.vendor_a_user, vendor_id=cast.vendor_a.pk, purchase_order_ids=[po.pk, other.pk]
    )
    assert [(entry.purchase_order_id, entry.line_number, entry.quantity) for entry in prefill] == [
        (po.pk, 1, 4),
        (other.pk, 1, 5),
    ]
    lines = selectors.invoiceable_lines(actor=cast.vendor_a_user, purchase_order_id=po.pk)
    assert [(line.line_number, line.invoiceable_quantity) for line in lines] == [(1, 4)]


def test_the_po_numbers_of_a_page_are_each_invoices_own_sorted_once(cast):
    first, second = received_po(cast), received_po(cast)
    both = invoice_input(second, (1, "1"), (2, "1"), number="TWO")
    both.lines.extend(invoice_input(first, (1, "1"), (2, "1")).lines)
    two = services.invoice_create_and_submit(actor=cast.vendor_a_user, data=both)
    one = services.invoice_create_and_submit(
        actor=cast.vendor_a_user, data=invoice_input(first, (1, "1"), number="ONE")
    )
    assert selectors.po_numbers([two, one]) == {two.pk: sorted([first.number, second.number]), one.pk: [first.number]}
