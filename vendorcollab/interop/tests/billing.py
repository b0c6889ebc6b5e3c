"""What the billing document tests share: received POs to invoice, invoices and credit notes on them, and the two
official rule sets of PEPPOL BIS Billing 3 (``../shared/peppol-rules``), which a document must pass both."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from lxml import etree

from vendorcollab.common.testing.factories import line
from vendorcollab.invoicing.inputs import ChargeInput, InvoiceInput, InvoiceLineInput, LineChargeInput
from vendorcollab.invoicing.models import Invoice, InvoiceKind
from vendorcollab.invoicing.services import invoice_create, invoice_submit
from vendorcollab.purchasing.models import PurchaseOrder
from vendorcollab.purchasing.services import ReceiptLineInput, po_confirm, po_create, po_send, receipt_post

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
    """A PO of vendor A at 21 % VAT, sent, confirmed and (with ``received``) received in full."""
    lines = [
        line(item, quantity=str(10 * index), tax_percent=Decimal("21"), unit_code="EA")
        for index, item in enumerate(items or cast.items, 1)
    ]
    po = po_create(actor=cast.agent, company=cast.company, vendor=cast.vendor_a, lines=lines)
    po = po_send(actor=cast.agent, purchase_order=po)
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
    submit: bool = True,
    line_charges: tuple[tuple[bool, str, str, str], ...] = (),
    prepaid: Decimal = Decimal(0),
) -> Invoice:
    """An invoice (or, with ``credited``, a credit note) of every received line of ``pos`` in one VAT category,
    entered and (with ``submit``) submitted by vendor A's user through the invoicing services, with ``charges``
    ``(is_charge, reason_code, reason, amount)`` in the same category, ``line_charges`` alike on every line, and
    ``prepaid`` paid in advance."""
    rate = percent if category == "S" else Decimal(0)
    lines = [
        InvoiceLineInput(
            purchase_order_id=po.pk,
            line_number=po_line.line_number,
            quantity=quantity or po_line.received_quantity,
            tax_category=category,
            tax_percent=rate,
            charges=[
                LineChargeInput(is_charge=is_charge, reason=reason, amount=Decimal(value), reason_code=code)
                for is_charge, code, reason, value in line_charges
            ],
        )
        for po in pos
        for po_line in po.lines.order_by("line_number")
    ]
    data = InvoiceInput(
        vendor_id=cast.vendor_a.pk,
        number=number,
        issue_date=ISSUED,
        kind=InvoiceKind.CREDIT_NOTE if credited else InvoiceKind.INVOICE,
        due_date=date(2026, 12, 30),
        credited_invoice_id=credited.pk if credited else None,
        lines=lines,
        charges=[
            ChargeInput(
                is_charge=is_charge,
                reason=reason,
                amount=Decimal(value),
                reason_code=code,
                tax_category=category,
                tax_percent=rate,
            )
            for is_charge, code, reason, value in charges
        ],
        prepaid_amount=prepaid,
    )
    draft = invoice_create(actor=cast.vendor_a_user, data=data)
    return invoice_submit(actor=cast.vendor_a_user, invoice=draft) if submit else draft
