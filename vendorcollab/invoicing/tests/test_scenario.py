"""One business flow across roles, from a sent PO to a paid invoice (Tryton-style scenario: given / when / then).

The agent sends, the vendor accepts, the clerk receives part; the vendor invoices the received part, and a second
invoice of the same receipt is refused; the buyer sees it matched and approves; the clerk receives the rest; the
vendor invoices with a changed price, which goes on hold; the buyer rejects it; the vendor issues a credit note and a
new invoice; the buyer approves them and records the payment. After every step both sides' tiles and lists are
read as the workspaces read them, and must have moved exactly as the step says.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from vendorcollab.accounts.models import Role, User
from vendorcollab.api.tests.helpers import ApiClient, error_of
from vendorcollab.common.errors import AppError, Conflict, NotFound
from vendorcollab.common.testing.factories import line, make_user
from vendorcollab.common.testing.fixtures import Cast
from vendorcollab.invoicing import selectors, services
from vendorcollab.invoicing.inputs import InvoiceInput, InvoiceLineInput
from vendorcollab.invoicing.models import Invoice, InvoiceKind, InvoiceStatus
from vendorcollab.invoicing.selectors import BuyerInvoiceList, VendorInvoiceList
from vendorcollab.purchasing.models import POStatus, PurchaseOrder, ResponseKind
from vendorcollab.purchasing.services import (
    ReceiptLineInput,
    po_confirm,
    po_create,
    po_send,
    receipt_post,
    response_submit,
)

from .conftest import received_po

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def vendor_tiles(actor: User) -> dict[str, int]:
    """The vendor's invoicing tiles, each checked against its list: a tile never says what its list does not show."""
    counts = selectors.vendor_invoice_counts(actor)
    for which in VendorInvoiceList:
        assert selectors.vendor_invoice_page(actor=actor, which=which).count() == counts[which], which
    return {which.value: count for which, count in counts.items() if count}


def buyer_tiles(actor: User) -> dict[str, int]:
    counts = selectors.buyer_invoice_counts(actor)
    for which in BuyerInvoiceList:
        assert selectors.buyer_invoice_page(actor=actor, which=which).count() == counts[which], which
    return {which.value: count for which, count in counts.items() if count}


def invoiced(po: PurchaseOrder) -> list[tuple[Decimal, Decimal]]:
    """(received, invoiced) per line, and the PO's ready-to-invoice flag beside them."""
    po.refresh_from_db()
    lines = list(po.lines.order_by("line_number"))
    assert po.has_uninvoiced_receipts == any(ln.invoiced_quantity < ln.received_quantity for ln in lines)
    return [(ln.received_quantity, ln.invoiced_quantity) for ln in lines]


def invoice_of(
    cast: Cast, po: PurchaseOrder, number: str, quantities: dict[int, str], prices: dict[int, str] | None = None
) -> InvoiceInput:
    prices = prices or {}
    return InvoiceInput(
        vendor_id=cast.vendor_a.pk,
        number=number,
        issue_date=TODAY(),
        lines=[
            InvoiceLineInput(
                purchase_order_id=po.pk,
                line_number=line_number,
                quantity=Decimal(quantity),
                unit_price=Decimal(prices[line_number]) if line_number in prices else None,
            )
            for line_number, quantity in quantities.items()
        ],
        charges=[],
    )


def test_from_a_sent_po_to_a_paid_invoice_across_roles(cast: Cast) -> None:
    # Given a company that lets a price stray 2 % and a total 5.00, and its accounts payable clerk.
    cast.company.invoice_tolerance_percent = Decimal("2")
    cast.company.invoice_tolerance_amount = Decimal("5")
    cast.company.save()
    payables = make_user("grace", Role.ACCOUNTS_PAYABLE)
    vendor, colleague, buyer = cast.vendor_a_user, cast.vendor_a_admin, payables
    other_vendor = cast.vendor_b_user
    first_item, second_item = cast.items[:2]

    # When the agent sends a PO of 10 and 20 pieces at 2.50 (standard rate 21 %), the vendor accepts, the agent
    # confirms and the clerk receives 6 of the first line.
    po = po_create(
        actor=cast.agent,
        company=cast.company,
        vendor=cast.vendor_a,
        lines=[
            line(first_item, quantity="10", price="2.50", tax_percent=Decimal("21")),
            line(second_item, quantity="20", price="2.50", tax_percent=Decimal("21")),
        ],
    )
    po = po_send(actor=cast.agent, purchase_order=po)
    response_submit(actor=vendor, purchase_order=po, version=1, kind=ResponseKind.ACCEPTED)
    po = po_confirm(actor=cast.agent, purchase_order=PurchaseOrder.objects.get(pk=po.pk))
    assert (vendor_tiles(vendor), buyer_tiles(buyer)) == ({}, {})
    receipt_post(actor=cast.clerk, purchase_order=po, lines=[ReceiptLineInput(1, Decimal(6))])

    # Then the PO is ready to invoice for the vendor, and for no one else.
    assert vendor_tiles(vendor) == {"ready_to_invoice": 1}
    assert vendor_tiles(other_vendor) == {}
    assert invoiced(po) == [(6, 0), (0, 0)]
    prefill = selectors.lines_prefill(actor=vendor, vendor_id=cast.vendor_a.pk, purchase_order_ids=[po.pk])
    assert [(entry.line_number, entry.quantity) for entry in prefill] == [(1, Decimal(6))]

    # When the vendor drafts an invoice of the received part (and a colleague, not knowing, drafts the same), and
    # submits the first.
    first = services.invoice_create(actor=vendor, data=invoice_of(cast, po, "INV-1", {1: "6"}))
    duplicate = services.invoice_create(actor=colleague, data=invoice_of(cast, po, "INV-1B", {1: "6"}))
    assert vendor_tiles(vendor) == {"ready_to_invoice": 1, "draft": 2}
    assert buyer_tiles(buyer) == {}  # a vendor's draft is its own
    with pytest.raises(NotFound):
        selectors.invoice_get(actor=buyer, pk=first.pk)
    first = services.invoice_submit(actor=vendor, invoice=first)

    # Then it is matched (15.00 + 21 % VAT), and the receipt is fully invoiced.
    assert first.status == InvoiceStatus.MATCHED and first.exceptions == []
    assert (first.tax_exclusive_total, first.tax_total, first.payable_amount) == (
        Decimal("15.00"),
        Decimal("3.15"),
        Decimal("18.15"),
    )
    assert first.due_date == first.issue_date + dt.timedelta(days=cast.vendor_a.payment_terms_days)
    assert invoiced(po) == [(6, 6), (0, 0)]
    assert vendor_tiles(vendor) == {"draft": 1, "submitted": 1}

    # When the colleague submits the second invoice of the same receipt, then it is refused as over-invoiced,
    # stays a draft and changes nothing.
    with pytest.raises(Conflict) as refused:
        services.invoice_submit(actor=colleague, invoice=duplicate)
    assert refused.value.code == "over_invoiced"
    duplicate.refresh_from_db()
    assert duplicate.status == InvoiceStatus.DRAFT
    assert invoiced(po) == [(6, 6), (0, 0)]
    services.invoice_delete(actor=colleague, invoice=duplicate)
    # A new invoice for more than remains is refused from the start: nothing of the receipt is left to invoice.
    with pytest.raises(AppError) as refused:
        services.invoice_create(actor=vendor, data=invoice_of(cast, po, "INV-1C", {1: "1"}))
    assert refused.value.code == "not_invoiceable"
    assert vendor_tiles(vendor) == {"submitted": 1}
    assert not Invoice.objects.filter(number="INV-1C").exists()

    # When the buyer looks: it is matched, and the accounts payable clerk approves it.
    assert buyer_tiles(buyer) == {"matched": 1, "all": 1}
    assert selectors.invoice_get(actor=buyer, pk=first.pk).status == InvoiceStatus.MATCHED
    with pytest.raises(AppError):
        services.invoice_approve(actor=cast.agent, invoice=first)  # an agent reads invoices, never decides them
    first = services.invoice_approve(actor=buyer, invoice=first)
    assert buyer_tiles(buyer) == {"approved": 1, "all": 1}
    assert vendor_tiles(vendor) == {"approved": 1}

    # When the clerk receives the rest, then the PO is received and ready to invoice again.
    receipt_post(
        actor=cast.clerk,
        purchase_order=PurchaseOrder.objects.get(pk=po.pk),
        lines=[ReceiptLineInput(1, Decimal(4)), ReceiptLineInput(2, Decimal(20))],
    )
    assert PurchaseOrder.objects.get(pk=po.pk).status == POStatus.RECEIVED
    assert invoiced(po) == [(10, 6), (20, 0)]
    assert vendor_tiles(vendor) == {"ready_to_invoice": 1, "approved": 1}

    # When the vendor invoices the rest with the second line at 2.75 (10 % over the PO's 2.50).
    changed = services.invoice_create(
        actor=vendor, data=invoice_of(cast, po, "INV-2", {1: "4", 2: "20"}, prices={2: "2.75"})
    )
    changed = services.invoice_submit(actor=vendor, invoice=changed)

    # Then it goes on hold with the price of line 2 as its exception, first on the buyer's list.
    assert changed.status == InvoiceStatus.ON_HOLD
    price_exceptions = [entry for entry in changed.exceptions if entry["kind"] == "price"]
    assert [entry["line_number"] for entry in price_exceptions] == [2]
    assert invoiced(po) == [(10, 10), (20, 20)]
    assert vendor_tiles(vendor) == {"submitted": 1, "approved": 1}
    assert buyer_tiles(buyer) == {"on_hold": 1, "approved": 1, "all": 2}
    assert BuyerInvoiceList.ON_HOLD.needs_action

    # When the buyer rejects it (a reason is required), then its quantities are released.
    with pytest.raises(AppError):
        services.invoice_reject(actor=buyer, invoice=changed, reason="")
    changed = services.invoice_reject(actor=buyer, invoice=changed, reason="The price is 2.50 as ordered")
    assert changed.status == InvoiceStatus.REJECTED
    assert invoiced(po) == [(10, 6), (20, 0)]
    assert vendor_tiles(vendor) == {"ready_to_invoice": 1, "rejected": 1, "approved": 1}
    assert buyer_tiles(buyer) == {"approved": 1, "rejected": 1, "all": 2}

    # When the vendor credits the first invoice in full and invoices all of the PO anew at its prices.
    credit = selectors.credit_prefill(actor=vendor, invoice=first)
    assert credit.kind == InvoiceKind.CREDIT_NOTE and credit.credited_invoice_id == first.pk
    credit_note = services.invoice_submit(
        actor=vendor, invoice=services.invoice_create(actor=vendor, data=replace(credit, number="CN-1"))
    )
    assert invoiced(po) == [(10, 0), (20, 0)]
    final = services.invoice_submit(
        actor=vendor,
        invoice=services.invoice_create(actor=vendor, data=invoice_of(cast, po, "INV-3", {1: "10", 2: "20"})),
    )

    # Then both are matched, the PO fully invoiced, and the buyer has two to decide.
    assert (credit_note.status, final.status) == (InvoiceStatus.MATCHED, InvoiceStatus.MATCHED)
    assert final.payable_amount == Decimal("90.75")  # 75.00 + 15.75 VAT
    assert invoiced(po) == [(10, 10), (20, 20)]
    assert vendor_tiles(vendor) == {"submitted": 2, "rejected": 1, "approved": 1}
    assert buyer_tiles(buyer) == {"matched": 2, "approved": 1, "rejected": 1, "all": 4}

    # When the buyer approves both and records the payment of the invoice.
    services.invoice_approve(actor=buyer, invoice=credit_note)
    final = services.invoice_approve(actor=buyer, invoice=final)
    with pytest.raises(AppError):
        services.invoice_record_payment(actor=buyer, invoice=final, payment_date=None, reference="")
    final = services.invoice_record_payment(
        actor=buyer, invoice=final, payment_date=TODAY(), reference="BANK-2026-0042"
    )

    # Then the invoice is paid, nothing is left to invoice, and every list says so on both sides.
    assert (final.status, final.payment_date, final.payment_reference) == (
        InvoiceStatus.PAID,
        TODAY(),
        "BANK-2026-0042",
    )
    assert invoiced(po) == [(10, 10), (20, 20)]
    assert vendor_tiles(vendor) == {"rejected": 1, "approved": 2, "paid": 1}
    assert buyer_tiles(buyer) == {"approved": 2, "rejected": 1, "paid": 1, "all": 4}
    # The other vendor saw none of it, at any step's end.
    assert vendor_tiles(other_vendor) == {}
    with pytest.raises(NotFound):
        selectors.invoice_get(actor=other_vendor, pk=final.pk)


def test_the_same_flow_through_the_pages_and_the_api(cast: Cast) -> None:
    """The vendor's ERP invoices through the API and a vendor user submits on the invoice page; accounts payable
    decides on its pages and the buyer's ERP records the payment through the API. Each face answers as the
    services decided, and the lists on both sides show it."""
    cast.company.invoice_tolerance_percent = Decimal("2")
    cast.company.save()
    payables = make_user("grace", Role.ACCOUNTS_PAYABLE)
    vendor_page, buyer_page = page_of(cast.vendor_a_user), page_of(payables)
    vendor_erp, buyer_erp = ApiClient(Client(), cast.vendor_a_admin), ApiClient(Client(), payables)
    po = received_po(cast, quantities=("10", "20"), received=("6", "0"))

    def body(number: str, quantities: dict[int, str], **extra: Any) -> dict[str, Any]:
        lines = [{"purchase_order": po.pk, "line_number": n, "quantity": q} for n, q in quantities.items()]
        return {
            "vendor": cast.vendor_a.pk,
            "number": number,
            "issue_date": TODAY().isoformat(),
            "lines": lines,
            **extra,
        }

    # The vendor sees the PO ready to invoice; its ERP invoices the received part at once.
    assert po.number in listed(vendor_page, "vendor:invoice_list", "ready_to_invoice")
    answer = vendor_erp.post("/vendor/invoices", body("INV-1", {1: "6"}, submit=True))
    assert answer.status_code == 201, answer.content
    first = answer.json()
    assert first["status"] == InvoiceStatus.MATCHED
    # A second invoice for more than remains is refused with its code, and leaves nothing.
    refused = vendor_erp.post("/vendor/invoices", body("INV-1B", {1: "1"}, submit=True))
    assert refused.status_code == 422 and error_of(refused)["code"] == "not_invoiceable"
    assert not Invoice.objects.filter(number="INV-1B").exists()

    # Accounts payable finds it among the matched invoices and approves it on its page.
    assert "INV-1" in listed(buyer_page, "buyer:invoice_list", "matched")
    assert buyer_page.post(reverse("buyer:invoice_approve", args=[first["id"]])).status_code == 302
    assert Invoice.objects.get(pk=first["id"]).status == InvoiceStatus.APPROVED

    # The rest arrives; the ERP invoices it with line 2 at 2.75 instead of 2.50: on hold, first on the buyer's side.
    receipt_post(
        actor=cast.clerk,
        purchase_order=PurchaseOrder.objects.get(pk=po.pk),
        lines=[ReceiptLineInput(1, Decimal(4)), ReceiptLineInput(2, Decimal(20))],
    )
    changed = body("INV-2", {1: "4", 2: "20"}, submit=True)
    changed["lines"][1]["unit_price"] = "2.75"
    answer = vendor_erp.post("/vendor/invoices", changed)
    assert answer.status_code == 201 and answer.json()["status"] == InvoiceStatus.ON_HOLD, answer.content
    on_hold = answer.json()["id"]
    assert "INV-2" in listed(buyer_page, "buyer:invoice_list", "on_hold")

    # Rejected on the page: first without a reason (refused, nothing changes), then with one.
    reject = reverse("buyer:invoice_reject", args=[on_hold])
    assert buyer_page.post(reject, {"reason": ""}).status_code == 422
    assert Invoice.objects.get(pk=on_hold).status == InvoiceStatus.ON_HOLD
    assert buyer_page.post(reject, {"reason": "2.50 as ordered"}).status_code == 302
    assert "INV-2" in listed(vendor_page, "vendor:invoice_list", "rejected")
    assert po.number in listed(vendor_page, "vendor:invoice_list", "ready_to_invoice")

    # The ERP credits the first invoice; a vendor user submits the new invoice, drafted by the ERP, on the page.
    credit = body("CN-1", {1: "6"}, kind="credit_note", credited_invoice=first["id"], submit=True)
    answer = vendor_erp.post("/vendor/invoices", credit)
    assert answer.status_code == 201 and answer.json()["status"] == InvoiceStatus.MATCHED, answer.content
    credit_note = answer.json()["id"]
    draft = vendor_erp.post("/vendor/invoices", body("INV-3", {1: "10", 2: "20"}))
    assert draft.status_code == 201 and draft.json()["status"] == InvoiceStatus.DRAFT, draft.content
    final = draft.json()["id"]
    submitted = vendor_page.post(reverse("vendor:invoice_submit", args=[final]), {"confirmed": "1"})
    assert submitted.status_code == 302
    assert Invoice.objects.get(pk=final).status == InvoiceStatus.MATCHED
    assert vendor_tiles(cast.vendor_a_user) == {"submitted": 2, "rejected": 1, "approved": 1}

    # The buyer's ERP approves both and records the payment.
    for pk in (credit_note, final):
        assert buyer_erp.post(f"/invoices/{pk}/approve").status_code == 200
    paid = buyer_erp.post(f"/invoices/{final}/paid", {"payment_date": TODAY().isoformat(), "reference": "BANK-42"})
    assert paid.status_code == 200 and paid.json()["status"] == InvoiceStatus.PAID, paid.content

    assert "INV-3" in listed(vendor_page, "vendor:invoice_list", "paid")
    assert "INV-3" in listed(buyer_page, "buyer:invoice_list", "paid")
    assert po.number not in listed(vendor_page, "vendor:invoice_list", "ready_to_invoice")
    assert vendor_tiles(cast.vendor_a_user) == {"rejected": 1, "approved": 2, "paid": 1}
    assert buyer_tiles(payables) == {"approved": 2, "rejected": 1, "paid": 1, "all": 4}
    # Vendor B gets a 404 on the invoice's page and through the API.
    other_page, other_erp = page_of(cast.vendor_b_user), ApiClient(Client(), cast.vendor_b_user)
    assert other_page.get(reverse("vendor:invoice_detail", args=[final])).status_code == 404
    assert other_erp.get(f"/vendor/invoices/{final}").status_code == 404


def page_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def listed(client: Client, name: str, which: str) -> str:
    answer = client.get(reverse(name, args=[which]))
    assert answer.status_code == 200
    return answer.content.decode()
