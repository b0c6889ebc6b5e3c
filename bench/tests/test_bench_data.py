"""The bench data set holds what the services would have made: every state, consistent history, right balances."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Max, Prefetch, Sum

from bench.world import AGENT_USER, BIG_VENDOR_NUMBER, BIG_VENDOR_USER, PASSWORD, PAYABLES_USER
from vendorcollab.accounts.models import User
from vendorcollab.consignment.models import ConsignmentMovement, ConsignmentStock
from vendorcollab.invoicing import selectors as invoicing_selectors
from vendorcollab.invoicing.amounts import invoice_totals, line_net_amount
from vendorcollab.invoicing.models import COUNTING_STATUSES, Invoice, InvoiceKind, InvoiceLine, InvoiceStatus
from vendorcollab.invoicing.selectors import BuyerInvoiceList, VendorInvoiceList
from vendorcollab.invoicing.services.entry import order_net_price
from vendorcollab.invoicing.services.matching import match
from vendorcollab.partners.models import Vendor
from vendorcollab.purchasing import selectors
from vendorcollab.purchasing.models import (
    Origin,
    POStatus,
    PurchaseOrder,
    PurchaseOrderLine,
    ReceiptLine,
    ResponseKind,
    VendorResponse,
    VersionKind,
)
from vendorcollab.purchasing.selectors import VendorList

pytestmark = pytest.mark.django_db


@pytest.fixture
def bench_data() -> None:
    call_command("bench_data", vendors=8, pos=600, big_vendor_pos=120, consignment_vendors=3, stdout=_Null())


class _Null:
    def write(self, text: str) -> None:
        pass

    def flush(self) -> None:
        pass


def test_every_state_and_answer_is_there(bench_data: None) -> None:
    assert PurchaseOrder.objects.count() == 600
    assert set(PurchaseOrder.objects.values_list("status", flat=True)) == set(POStatus.values)
    assert set(VendorResponse.objects.values_list("kind", flat=True)) == set(ResponseKind.values)
    assert PurchaseOrder.objects.filter(origin=Origin.CONSIGNMENT).count() == 15  # 2.5 %
    big = Vendor.objects.get(number=BIG_VENDOR_NUMBER)
    assert PurchaseOrder.objects.filter(vendor=big).exclude(origin=Origin.CONSIGNMENT).count() == 120
    lines_per_po = PurchaseOrderLine.objects.count() / PurchaseOrder.objects.count()
    assert 7 < lines_per_po < 13


def test_the_big_vendor_sees_every_list_filled(bench_data: None) -> None:
    user = User.objects.get(username=BIG_VENDOR_USER)
    assert user.check_password(PASSWORD)
    counts = selectors.po_count_for_vendor(actor=user)
    assert all(counts[which] > 0 for which in VendorList), counts
    for which in VendorList:
        assert selectors.po_list_for_vendor(actor=user, which=which).count() == counts[which]


def test_denormalised_columns_agree_with_the_history(bench_data: None) -> None:
    for po in PurchaseOrder.objects.select_related("latest_version", "confirmed_version"):
        numbers = sorted(po.versions.values_list("number", flat=True))
        assert numbers == list(range(1, len(numbers) + 1)), po.number
        if numbers:
            assert po.latest_version.number == numbers[-1]
        answer = VendorResponse.objects.filter(version=po.latest_version_id).first() if numbers else None
        assert po.latest_response_id == (answer.pk if answer else None), po.number
        if po.status in (POStatus.CONFIRMED, POStatus.RECEIVED):
            assert po.confirmed_version_id is not None
        events = list(po.events.order_by("created_at", "pk").values_list("from_status", "to_status"))
        assert events[0] == ("", POStatus.DRAFT)
        changes = [(source, target) for source, target in events if source != target]
        for (_, previous), (source, _) in itertools.pairwise(changes):
            assert previous == source, (po.number, changes)
        assert changes[-1][1] == po.status, po.number


def test_receipts_and_balances_add_up(bench_data: None) -> None:
    received = dict(
        ReceiptLine.objects.values_list("line_id").annotate(total=Sum("quantity")).values_list("line_id", "total")
    )
    for line in PurchaseOrderLine.objects.all():
        assert line.received_quantity == received.get(line.pk, Decimal(0))
        assert line.received_quantity <= line.quantity
    for po in PurchaseOrder.objects.filter(status=POStatus.RECEIVED).prefetch_related("lines"):
        assert all(line.is_fully_received for line in po.lines.all()), po.number
    ledger = {
        (row["vendor_id"], row["item_id"], row["warehouse_id"]): (row["physical"], row["expected"])
        for row in ConsignmentMovement.objects.values("vendor_id", "item_id", "warehouse_id").annotate(
            physical=Sum("physical_change"), expected=Sum("expected_change")
        )
    }
    stock = ConsignmentStock.objects.all()
    assert stock.exists()
    for balance in stock:
        key = (balance.vendor_id, balance.item_id, balance.warehouse_id)
        assert ledger[key] == (balance.physical_quantity, balance.expected_quantity)


def test_confirmation_versions_apply_the_answer_they_follow(bench_data: None) -> None:
    confirmations = PurchaseOrder.objects.filter(confirmed_version__kind=VersionKind.CONFIRMATION).exclude(
        origin=Origin.CONSIGNMENT
    )
    assert confirmations.exists()
    for po in confirmations.select_related("confirmed_version__applies_response__version"):
        applied = po.confirmed_version.applies_response
        assert applied.kind == ResponseKind.ACCEPTED_WITH_CHANGES
        assert applied.version.number == po.confirmed_version.number - 1


def test_new_numbers_follow_the_loaded_ones(bench_data: None) -> None:
    """The portal's next PO number in a bench company follows the generated ones, and new ids follow theirs."""
    from vendorcollab.common.models import NumberSequence
    from vendorcollab.purchasing.services import po_create

    per_company = PurchaseOrder.objects.values_list("company_id").annotate(n=Count("pk"))
    for company_id, count in per_company.values_list("company_id", "n"):
        assert NumberSequence.objects.get(scope=f"purchase_order:{company_id}").last_value == count
    vendor = Vendor.objects.get(number=BIG_VENDOR_NUMBER)
    agent = User.objects.get(username=AGENT_USER)
    before = PurchaseOrder.objects.aggregate(top=Max("pk"))["top"]
    po = po_create(actor=agent, company=vendor.company, vendor=vendor)
    assert po.pk > before
    assert not PurchaseOrder.objects.filter(company=vendor.company, number=po.number).exclude(pk=po.pk).exists()


def test_loading_twice_is_refused_unless_asked_to_skip(bench_data: None) -> None:
    with pytest.raises(CommandError, match="already loaded"):
        call_command("bench_data", vendors=8, pos=600, stdout=_Null())
    call_command("bench_data", vendors=8, pos=600, skip_if_loaded=True, stdout=_Null())
    assert PurchaseOrder.objects.count() == 600


def test_the_big_vendor_and_the_buyer_see_every_invoice_list_filled(bench_data: None) -> None:
    user = User.objects.get(username=BIG_VENDOR_USER)
    counts = invoicing_selectors.vendor_invoice_counts(user)
    assert all(counts[which] > 0 for which in VendorInvoiceList), counts
    for which in VendorInvoiceList:
        assert invoicing_selectors.vendor_invoice_page(actor=user, which=which).count() == counts[which]
    payables = User.objects.get(username=PAYABLES_USER)
    buyer_counts = invoicing_selectors.buyer_invoice_counts(payables)
    assert all(buyer_counts[which] > 0 for which in BuyerInvoiceList), buyer_counts


def test_invoices_in_every_status_count_against_what_was_received(bench_data: None) -> None:
    """Every invoice status and both kinds are there, and each PO line's invoiced quantity is what its counting
    invoices add minus their credit notes, never more than received; the ready-to-invoice flag agrees."""
    assert set(Invoice.objects.values_list("status", flat=True)) == set(InvoiceStatus.values)
    assert set(Invoice.objects.values_list("kind", flat=True)) == set(InvoiceKind.values)
    counted = InvoiceLine.objects.filter(invoice__status__in=COUNTING_STATUSES)
    invoiced: dict[int, Decimal] = {}
    for po_line_id, kind, quantity in counted.values_list("po_line_id", "invoice__kind", "quantity"):
        sign = -1 if kind == InvoiceKind.CREDIT_NOTE else 1
        invoiced[po_line_id] = invoiced.get(po_line_id, Decimal(0)) + sign * quantity
    lines = list(
        PurchaseOrderLine.objects.values_list("pk", "purchase_order_id", "received_quantity", "invoiced_quantity")
    )
    assert any(invoiced_quantity for *_, invoiced_quantity in lines)
    uninvoiced = set()
    for pk, po_id, received, invoiced_quantity in lines:
        assert invoiced_quantity == invoiced.get(pk, Decimal(0)), pk
        assert 0 <= invoiced_quantity <= received, pk
        if invoiced_quantity < received:
            uninvoiced.add(po_id)
    assert set(PurchaseOrder.objects.filter(has_uninvoiced_receipts=True).values_list("pk", flat=True)) == uninvoiced
    # Ready to invoice and consignment receipts not invoiced both exist: the vendor's first two lists.
    flagged = PurchaseOrder.objects.filter(has_uninvoiced_receipts=True)
    assert flagged.filter(origin=Origin.CONSIGNMENT).exists()
    assert flagged.exclude(origin=Origin.CONSIGNMENT).exists()


TOTALS = ("line_total", "allowance_total", "charge_total", "tax_exclusive_total", "tax_total", "tax_inclusive_total")
TOTALS += ("prepaid_amount", "payable_amount")


def test_invoice_history_and_amounts_are_what_the_services_leave(bench_data: None) -> None:
    lines_with_pos = InvoiceLine.objects.select_related("po_line", "purchase_order")
    invoices = Invoice.objects.select_related("vendor", "credited_invoice")
    for invoice in invoices.prefetch_related(Prefetch("lines", lines_with_pos), "events"):
        events = [(event.from_status, event.to_status) for event in invoice.events.all()]
        assert events[0] == ("", InvoiceStatus.DRAFT), invoice.number
        for (_, previous), (source, _) in itertools.pairwise(events):
            assert previous == source, (invoice.number, events)
        assert events[-1][1] == invoice.status, invoice.number
        assert (invoice.status == InvoiceStatus.ON_HOLD) <= bool(invoice.exceptions), invoice.number
        assert (invoice.status == InvoiceStatus.REJECTED) == bool(invoice.reject_reason), invoice.number
        lines = list(invoice.lines.all())
        assert [line.line_number for line in lines] == list(range(1, len(lines) + 1))
        for line in lines:
            assert line.net_amount == line_net_amount(line.quantity, line.unit_price), invoice.number
            assert line.po_line.purchase_order_id == line.purchase_order_id
            assert line.purchase_order.vendor_id == invoice.vendor_id
            assert line.order_unit_price == order_net_price(line.po_line), invoice.number
        # The totals exactly as the services store them (EN 16931, ``amounts``).
        totals = invoice_totals(lines)
        stored = [getattr(invoice, name) for name in TOTALS]
        assert stored == [getattr(totals, name) for name in TOTALS], invoice.number
        if invoice.status != InvoiceStatus.DRAFT:
            assert invoice.exceptions == match(invoice, lines), invoice.number  # what the submit's match found
        if invoice.is_credit_note:
            assert invoice.credited_invoice.vendor_id == invoice.vendor_id
        assert invoice.due_date == invoice.issue_date + dt.timedelta(days=invoice.vendor.payment_terms_days)
        assert (invoice.status == InvoiceStatus.PAID) == (invoice.payment_date is not None)
