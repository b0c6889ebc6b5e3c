"""What the billing document tests share: received POs to invoice, invoices and credit notes on them, and the two
official rule sets of PEPPOL BIS Billing 3 (``../shared/peppol-rules``), which a document must pass both."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from lxml import etree

from vendorcollab.common.testing.factories import make_po
from vendorcollab.invoicing.amounts import invoice_totals, line_net_amount
from vendorcollab.invoicing.models import Invoice, InvoiceCharge, InvoiceKind, InvoiceLine, InvoiceStatus
from vendorcollab.purchasing.models import PurchaseOrder
from vendorcollab.purchasing.services import ReceiptLineInput, po_confirm, receipt_post

from .conftest import SVRL, _rules

BILLING_RULES = ("CEN-EN16931-UBL.xslt", "PEPPOL-EN16931-UBL.xslt")
ISSUED = date(2026, 11, 30)


def billing_fatal(document: bytes) -> set[str]:
    """The ids of the rules of both official Billing rule sets whose fatal assertions ``document`` fails."""
    failed: set[str] = set()
    for name in BILLING_RULES:
        processor, compiled = _rules(name)
        report = compiled.transform_to_string(xdm_node=processor.parse_xml(xml_text=document.decode("utf-8")))
        root = etree.fromstring(report.encode("utf-8"))
        failed |= {item.get("id", "?") for item in root.iter(f"{SVRL}failed-assert") if item.get("flag") == "fatal"}
    return failed


def received_po(cast, *, items=None, received: bool = True) -> PurchaseOrder:  # type: ignore[no-untyped-def]
    """A PO of vendor A, sent, confirmed and (with ``received``) received in full."""
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=items or cast.items, send=True)
    po = po_confirm(actor=cast.agent, purchase_order=po, without_response=True)
    if received:
        lines = [ReceiptLineInput(line.line_number, line.quantity) for line in po.lines.all()]
        receipt_post(actor=cast.clerk, purchase_order=po, lines=lines, received_date=date(2026, 11, 20))
    return po


def make_invoice(  # type: ignore[no-untyped-def]
    cast,
    pos: list[PurchaseOrder],
    *,
    number: str = "INV-1",
    category: str = "S",
    percent: Decimal = Decimal("21"),
    charges: tuple[tuple[bool, str, str, str], ...] = (),
    credited: Invoice | None = None,
    quantity: Decimal | None = None,
) -> Invoice:
    """An invoice (or, with ``credited``, a credit note) of every received line of ``pos`` in one VAT category,
    submitted and matched, with ``charges`` ``(is_charge, reason_code, reason, amount)`` in the same category."""
    invoice = Invoice.objects.create(
        vendor=cast.vendor_a,
        company=cast.company,
        kind=InvoiceKind.CREDIT_NOTE if credited else InvoiceKind.INVOICE,
        credited_invoice=credited,
        number=number,
        status=InvoiceStatus.MATCHED,
        issue_date=ISSUED,
        due_date=date(2026, 12, 30),
        currency=pos[0].currency,
        created_by=cast.vendor_a_user,
    )
    rows: list[InvoiceLine] = []
    for po in pos:
        for po_line in po.lines.order_by("line_number"):
            invoiced = quantity or po_line.received_quantity
            rows.append(
                InvoiceLine(
                    invoice=invoice,
                    line_number=len(rows) + 1,
                    purchase_order=po,
                    po_line=po_line,
                    description=po_line.description or po_line.item.name,
                    unit=po_line.unit,
                    unit_code=po_line.unit_code or "EA",
                    quantity=invoiced,
                    unit_price=po_line.unit_price,
                    order_unit_price=po_line.unit_price,
                    tax_category=category,
                    tax_percent=percent if category == "S" else Decimal(0),
                    net_amount=line_net_amount(invoiced, po_line.unit_price),
                )
            )
    InvoiceLine.objects.bulk_create(rows)
    extra = [
        InvoiceCharge(
            invoice=invoice,
            is_charge=is_charge,
            reason_code=code,
            reason=reason,
            amount=Decimal(value),
            tax_category=category,
            tax_percent=percent if category == "S" else Decimal(0),
        )
        for is_charge, code, reason, value in charges
    ]
    InvoiceCharge.objects.bulk_create(extra)
    totals = invoice_totals(rows, extra)
    for field in (
        "line_total",
        "allowance_total",
        "charge_total",
        "tax_exclusive_total",
        "tax_total",
        "tax_inclusive_total",
        "payable_amount",
    ):
        setattr(invoice, field, getattr(totals, field))
    invoice.save()
    return invoice
