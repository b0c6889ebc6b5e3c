"""Test data for the vendor's invoicing pages: received POs taxed as invoices need, and invoices made through the
services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone

from vendorcollab.common.testing.factories import line
from vendorcollab.invoicing import services
from vendorcollab.invoicing.inputs import InvoiceInput, InvoiceLineInput
from vendorcollab.invoicing.models import Invoice
from vendorcollab.purchasing.models import PurchaseOrder
from vendorcollab.purchasing.services import ReceiptLineInput, po_confirm, po_create, po_send, receipt_post

VAT = Decimal("21")


def received_po(cast: Any, vendor: Any = None, items: Any = None, received: Any = None) -> PurchaseOrder:
    """A confirmed PO of one line per item (10, 20, 30 ordered at 2.50, standard VAT of 21 %), received in full or
    by ``received`` (one quantity per line)."""
    items = items if items is not None else cast.items[:2]
    vendor = vendor or cast.vendor_a
    po = po_create(
        actor=cast.agent,
        company=vendor.company,
        vendor=vendor,
        lines=[line(item, quantity=str(10 * (index + 1)), tax_percent=VAT) for index, item in enumerate(items)],
    )
    po = po_send(actor=cast.agent, purchase_order=po)
    po = po_confirm(actor=cast.agent, purchase_order=po, without_response=True)
    quantities = received or [10 * (index + 1) for index in range(len(items))]
    receipt_post(
        actor=cast.clerk,
        purchase_order=po,
        lines=[ReceiptLineInput(index + 1, Decimal(quantity)) for index, quantity in enumerate(quantities)],
    )
    return PurchaseOrder.objects.get(pk=po.pk)


def draft_for(
    cast: Any,
    po: PurchaseOrder,
    number: str = "INV-1",
    *,
    actor: Any = None,
    quantity: Decimal | None = None,
    price: Decimal | None = None,
) -> Invoice:
    """A draft invoicing every line of ``po``: what was received, or ``quantity`` each, at ``price`` or the PO's."""
    lines = [
        InvoiceLineInput(
            purchase_order_id=po.pk,
            line_number=po_line.line_number,
            quantity=quantity if quantity is not None else po_line.received_quantity,
            unit_price=price,
        )
        for po_line in po.lines.order_by("line_number")
    ]
    return services.invoice_create(
        actor=actor or cast.vendor_a_user,
        data=InvoiceInput(vendor_id=po.vendor_id, number=number, issue_date=timezone.localdate(), lines=lines),
    )


def submitted_for(cast: Any, po: PurchaseOrder, number: str = "INV-1", **extra: Any) -> Invoice:
    actor = extra.get("actor") or cast.vendor_a_user
    return services.invoice_submit(actor=actor, invoice=draft_for(cast, po, number, **extra))
