"""Invoices as the buyer finds them, made through the invoicing services: on received POs of vendor A, matched, on
hold with a price exception, or decided; for the buyer's page, notification and permission tests."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from vendorcollab.accounts.models import Role, User
from vendorcollab.common.testing.factories import line, make_user
from vendorcollab.invoicing import services
from vendorcollab.invoicing.inputs import InvoiceInput, InvoiceLineInput
from vendorcollab.invoicing.models import Invoice, InvoiceStatus
from vendorcollab.partners.models import Vendor
from vendorcollab.purchasing.models import PurchaseOrder
from vendorcollab.purchasing.services import ReceiptLineInput, po_confirm, po_create, po_send, receipt_post


def accounts_payable(username: str = "paula", **extra: object) -> User:
    return make_user(username, Role.ACCOUNTS_PAYABLE, **extra)


def received_po(cast, *, vendor: Vendor | None = None, quantity: str = "5") -> PurchaseOrder:
    """A confirmed PO of two lines (10 and 20 at 2.50, 21% VAT), ``quantity`` of each received."""
    po = po_create(
        actor=cast.agent,
        company=cast.company,
        vendor=vendor or cast.vendor_a,
        lines=[
            line(item, quantity=str(10 * (index + 1)), tax_percent=Decimal(21))
            for index, item in enumerate(cast.items[:2])
        ],
    )
    po = po_send(actor=cast.agent, purchase_order=po)
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
    """An invoice of ``quantity`` of each line of ``po`` by vendor A's user, submitted (a draft when ``status`` says
    so); ``price_on_line_1`` changes line 1's price, which puts it on hold. Approved, rejected and paid ones are
    decided by the procurement admin."""
    vendor_user = cast.vendor_a_user if po.vendor_id == cast.vendor_a.pk else cast.vendor_b_user
    data = InvoiceInput(
        vendor_id=po.vendor_id,
        number=number,
        issue_date=timezone.localdate(),
        lines=[
            InvoiceLineInput(
                purchase_order_id=po.pk,
                line_number=line_number,
                quantity=Decimal(quantity),
                unit_price=Decimal(price_on_line_1) if line_number == 1 and price_on_line_1 is not None else None,
            )
            for line_number in (1, 2)
        ],
        charges=[],
    )
    if status == InvoiceStatus.DRAFT:
        return services.invoice_create(actor=vendor_user, data=data)
    invoice = services.invoice_create_and_submit(actor=vendor_user, data=data)
    if status in (InvoiceStatus.APPROVED, InvoiceStatus.PAID):
        invoice = services.invoice_approve(actor=cast.admin, invoice=invoice)
    if status == InvoiceStatus.PAID:
        invoice = services.invoice_record_payment(
            actor=cast.admin, invoice=invoice, payment_date=timezone.localdate(), reference="BANK-1"
        )
    if status == InvoiceStatus.REJECTED:
        invoice = services.invoice_reject(actor=cast.admin, invoice=invoice, reason="Prijs niet afgesproken")
    invoice.refresh_from_db()
    return invoice
