"""Invoices as the buyer finds them: on received POs of vendor A, in the state a submission left them (matched, or
on hold with a price exception), for the buyer's page, notification and permission tests."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from vendorcollab.accounts.models import Role, User
from vendorcollab.common.testing.factories import in_days, make_po, make_user
from vendorcollab.invoicing.models import ExceptionKind, Invoice, InvoiceLine, InvoiceStatus
from vendorcollab.partners.models import Vendor
from vendorcollab.purchasing.models import PurchaseOrder, PurchaseOrderLine
from vendorcollab.purchasing.services import ReceiptLineInput, po_confirm, receipt_post

CENT = Decimal("0.01")


def accounts_payable(username: str = "paula", **extra: object) -> User:
    return make_user(username, Role.ACCOUNTS_PAYABLE, **extra)


def received_po(cast, *, vendor: Vendor | None = None, quantity: str = "5") -> PurchaseOrder:
    """A confirmed PO of two lines (10 and 20 at 2.50), ``quantity`` of each received."""
    po = make_po(actor=cast.agent, vendor=vendor or cast.vendor_a, items=cast.items[:2], send=True)
    po = po_confirm(actor=cast.agent, purchase_order=po, without_response=True)
    receipt_post(
        actor=cast.clerk,
        purchase_order=po,
        lines=[ReceiptLineInput(1, Decimal(quantity)), ReceiptLineInput(2, Decimal(quantity))],
    )
    return po


def stored_invoice(
    cast,
    po: PurchaseOrder,
    *,
    number: str,
    status: str = InvoiceStatus.MATCHED,
    price_on_line_1: str | None = None,
    quantity: str = "5",
) -> Invoice:
    """An invoice of ``quantity`` of each line of ``po`` at 21% VAT, as submitting it leaves it: the PO lines'
    invoiced quantities counted, and with ``price_on_line_1`` a price exception on line 1 (the invoice on hold)."""
    lines = list(po.lines.order_by("line_number"))
    exceptions = []
    if price_on_line_1 is not None:
        exceptions.append(
            {
                "line_number": 1,
                "kind": ExceptionKind.PRICE,
                "expected": f"{lines[0].unit_price:.2f}",
                "actual": price_on_line_1,
            }
        )
        status = InvoiceStatus.ON_HOLD
    invoice = Invoice.objects.create(
        vendor=po.vendor,
        company=po.company,
        number=number,
        status=status,
        issue_date=timezone.localdate(),
        due_date=in_days(30),
        currency=po.currency,
        created_by=cast.vendor_a_user if po.vendor_id == cast.vendor_a.pk else cast.vendor_b_user,
        submitted_at=timezone.now(),
        exceptions=exceptions,
    )
    line_total = Decimal(0)
    for index, po_line in enumerate(lines, start=1):
        price = Decimal(price_on_line_1) if index == 1 and price_on_line_1 is not None else po_line.unit_price
        net = (Decimal(quantity) * price).quantize(CENT, ROUND_HALF_UP)
        InvoiceLine.objects.create(
            invoice=invoice,
            line_number=index,
            purchase_order=po,
            po_line=po_line,
            description=po_line.description or f"Item {index}",
            unit="pcs",
            unit_code="H87",
            quantity=Decimal(quantity),
            unit_price=price,
            order_unit_price=po_line.unit_price,
            tax_category="S",
            tax_percent=Decimal(21),
            net_amount=net,
        )
        line_total += net
    if status != InvoiceStatus.DRAFT:
        PurchaseOrderLine.objects.filter(purchase_order=po).update(invoiced_quantity=Decimal(quantity))
    tax = (line_total * Decimal("0.21")).quantize(CENT, ROUND_HALF_UP)
    Invoice.objects.filter(pk=invoice.pk).update(
        line_total=line_total,
        tax_exclusive_total=line_total,
        tax_total=tax,
        tax_inclusive_total=line_total + tax,
        payable_amount=line_total + tax,
    )
    invoice.refresh_from_db()
    return invoice
