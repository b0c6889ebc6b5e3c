"""Demo invoices: the vendors invoice what the buyer received, and accounts payable has decided some of them, so that
both invoicing workspaces show every list: draft, matched, on hold, approved, rejected, paid, and a credit note."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from vendorcollab.invoicing import services
from vendorcollab.invoicing.inputs import ChargeInput, InvoiceInput, InvoiceLineInput
from vendorcollab.invoicing.models import Invoice, InvoiceKind
from vendorcollab.invoicing.services.entry import order_net_price
from vendorcollab.purchasing.models import PurchaseOrder, PurchaseOrderLine

from .data import RESPONDERS, Demo


def _lines(po: PurchaseOrder, share: Decimal = Decimal(1), markup: Decimal = Decimal(1)) -> list[InvoiceLineInput]:
    """Lines for ``share`` of what each line of ``po`` has received and not yet invoiced (at least 1), at the PO's
    price times ``markup`` and the PO line's VAT rate (the item's or the company's, given when the PO was made)."""
    lines = []
    for line in PurchaseOrderLine.objects.filter(purchase_order=po).order_by("line_number"):
        available = line.invoiceable_quantity
        if available <= 0:
            continue
        quantity = available if share == 1 else max(Decimal(1), (available * share).quantize(Decimal(1)))
        lines.append(
            InvoiceLineInput(
                purchase_order_id=po.pk,
                line_number=line.line_number,
                quantity=min(quantity, available),
                unit_price=None if markup == 1 else (order_net_price(line) * markup).quantize(Decimal("0.01")),
            )
        )
    return lines


def ensure_invoices(demo: Demo) -> int:
    """Create the demo invoices once, from the received demo POs; returns how many were created."""
    companies = list(demo.companies.values())
    if Invoice.objects.filter(company__in=companies).exists():
        return 0
    ap = demo.users.get("ap")
    vendor_users = {demo.vendors[key].pk: demo.users[username] for key, username in RESPONDERS.items()}
    vendor_users[demo.vendors["fabrikam_be"].pk] = demo.users.get(
        "vendor", vendor_users[demo.vendors["fabrikam_be"].pk]
    )
    received = [
        po
        for po in PurchaseOrder.objects.filter(company__in=companies, has_uninvoiced_receipts=True).order_by("pk")
        if po.vendor_id in vendor_users
    ]
    if ap is None or len(received) < 4:
        return 0
    today = timezone.localdate()
    created = 0

    def invoice(
        po: PurchaseOrder,
        number: str,
        days_ago: int,
        lines: list[InvoiceLineInput],
        *,
        note: str = "",
        charges: list[ChargeInput] | None = None,
        credited: Invoice | None = None,
    ) -> Invoice:
        nonlocal created
        data = InvoiceInput(
            vendor_id=po.vendor_id,
            number=number,
            issue_date=today - dt.timedelta(days=days_ago),
            kind=InvoiceKind.CREDIT_NOTE if credited else InvoiceKind.INVOICE,
            credited_invoice_id=credited.pk if credited else None,
            note=note,
            lines=lines,
            charges=charges or [],
        )
        created += 1
        return services.invoice_create(actor=vendor_users[po.vendor_id], data=data)

    def submit(draft: Invoice) -> Invoice:
        return services.invoice_submit(actor=vendor_users[draft.vendor_id], invoice=draft)

    first, second, third, fourth, *rest = received
    # Paid, after approval; then a credit note for one unit that arrived damaged.
    paid = submit(invoice(first, "INV-2026-0101", 20, _lines(first, Decimal("0.5")), note="Thank you for your order."))
    services.invoice_approve(actor=ap, invoice=paid)
    services.invoice_record_payment(
        actor=ap, invoice=paid, payment_date=today - dt.timedelta(days=2), reference="PAY-2026-4411"
    )
    first_line = paid.lines.order_by("line_number").first()
    assert first_line is not None
    submit(
        invoice(
            first,
            "CN-2026-0007",
            1,
            [
                InvoiceLineInput(
                    purchase_order_id=first.pk,
                    line_number=first_line.po_line.line_number,
                    quantity=Decimal(1),
                    note="Arrived damaged.",
                )
            ],
            credited=paid,
        )
    )
    # Matched, waiting for approval.
    submit(invoice(second, "INV-2026-0102", 6, _lines(second, Decimal("0.5"))))
    # On hold: prices 8 % above the order, and freight the order did not have.
    submit(
        invoice(
            third,
            "INV-2026-0103",
            3,
            _lines(third, markup=Decimal("1.08")),
            charges=[ChargeInput(is_charge=True, reason="Freight", amount=Decimal("35.00"), reason_code="FC")],
        )
    )
    # Rejected, then approved again as a corrected invoice.
    rejected = submit(invoice(fourth, "INV-2026-0104", 9, _lines(fourth, Decimal("0.5"))))
    services.invoice_reject(actor=ap, invoice=rejected, reason="Our PO number is missing on the paper copy; resend.")
    corrected = submit(invoice(fourth, "INV-2026-0105", 4, _lines(fourth, Decimal("0.5"))))
    services.invoice_approve(actor=ap, invoice=corrected)
    # A draft the vendor is still working on.
    draft_po = rest[0] if rest else fourth
    if any(line.invoiceable_quantity > 0 for line in draft_po.lines.all()):
        invoice(draft_po, "INV-2026-0106", 0, _lines(draft_po))
    return created
