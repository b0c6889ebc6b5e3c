"""Three-way matching on submit: the invoice against the PO prices, taxes and charges, within the company's
tolerances. What it finds puts the invoice on hold; a quantity above what was received is never an exception here,
it is refused before (``over_invoiced``).

Charges: an invoice may charge what the POs it covers charge (header and line charges alike), less what earlier
invoices of those POs already charged; a charge beyond that, on the document or on a line, is a ``charge`` exception.
Allowances (on the document or on a line) lower the total and are never an exception of their own, but they count
in the total's comparison: a line's net amount, which the total sums, is net of its allowances.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum

from vendorcollab.common.formatting import plain_number
from vendorcollab.purchasing.models import PurchaseOrderCharge

from ..amounts import line_net_amount, round_amount
from ..models import (
    COUNTING_STATUSES,
    ExceptionKind,
    Invoice,
    InvoiceCharge,
    InvoiceKind,
    InvoiceLine,
    InvoiceLineCharge,
)

ZERO = Decimal("0.00")


def finding(kind: ExceptionKind, expected: str, actual: str, line_number: int | None = None) -> dict[str, object]:
    return {"line_number": line_number, "kind": str(kind), "expected": expected, "actual": actual}


def price_differs(unit_price: Decimal, order_price: Decimal, tolerance_percent: Decimal) -> bool:
    """Beyond the tolerance, as a percentage of the ordered price; any price on a line ordered at 0 differs."""
    if order_price == 0:
        return unit_price != 0
    return abs(unit_price - order_price) / order_price * 100 > tolerance_percent


def _tax_text(category: str, percent: Decimal | None) -> str:
    return category if percent is None else f"{category} {plain_number(Decimal(percent))}%"


def chargeable(invoice: Invoice, po_ids: set[int]) -> Decimal:
    """What the invoice may still charge: the charges of its POs, less what other submitted invoices of those POs
    charged already."""
    ordered = PurchaseOrderCharge.objects.filter(purchase_order_id__in=po_ids).aggregate(total=Sum("amount"))["total"]
    others = (
        Invoice.objects.filter(
            kind=InvoiceKind.INVOICE, status__in=COUNTING_STATUSES, lines__purchase_order_id__in=po_ids
        )
        .exclude(pk=invoice.pk)
        .values("pk")
        .distinct()
    )
    charged = charges_of(list(others.values_list("pk", flat=True)))
    return round_amount(max((ordered or ZERO) - charged, ZERO))


def charges_of(invoice_ids: list[int]) -> Decimal:
    """What the invoices charge, on the document and on their lines."""
    on_documents = InvoiceCharge.objects.filter(invoice_id__in=invoice_ids, is_charge=True).aggregate(
        total=Sum("amount")
    )["total"]
    on_lines = InvoiceLineCharge.objects.filter(line__invoice_id__in=invoice_ids, is_charge=True).aggregate(
        total=Sum("amount")
    )["total"]
    return (on_documents or ZERO) + (on_lines or ZERO)


def match(invoice: Invoice, lines: list[InvoiceLine]) -> list[dict[str, object]]:
    """The exceptions of a submitted invoice (empty: matched), in line order, the document's own last."""
    if invoice.is_credit_note:
        # A credit note gives back at the price invoiced: only a different price needs a look.
        return [
            finding(
                ExceptionKind.PRICE,
                plain_number(line.order_unit_price),
                plain_number(line.unit_price),
                line.line_number,
            )
            for line in lines
            if line.unit_price != line.order_unit_price
        ]
    company = invoice.company
    found = []
    for line in lines:
        if price_differs(line.unit_price, line.order_unit_price, company.invoice_tolerance_percent):
            found.append(
                finding(
                    ExceptionKind.PRICE,
                    plain_number(line.order_unit_price),
                    plain_number(line.unit_price),
                    line.line_number,
                )
            )
        po_line = line.po_line
        ordered_category = (po_line.tax_category or "S").upper()
        # A PO line without a rate (an Order may leave it out) is matched on its category alone.
        ordered_percent = po_line.tax_percent
        if line.tax_category != ordered_category or (
            ordered_percent is not None and Decimal(line.tax_percent) != Decimal(ordered_percent)
        ):
            found.append(
                finding(
                    ExceptionKind.TAX,
                    _tax_text(ordered_category, ordered_percent),
                    _tax_text(line.tax_category, line.tax_percent),
                    line.line_number,
                )
            )
    may_charge = chargeable(invoice, {line.purchase_order_id for line in lines})
    charged = charges_of([invoice.pk])
    if charged > may_charge:
        found.append(finding(ExceptionKind.CHARGE, str(may_charge), str(round_amount(charged))))
    expected = sum((line_net_amount(line.quantity, line.order_unit_price) for line in lines), ZERO)
    expected += min(charged, may_charge)
    if abs(invoice.tax_exclusive_total - expected) > company.invoice_tolerance_amount:
        found.append(
            finding(ExceptionKind.TOTAL, str(round_amount(expected)), str(round_amount(invoice.tax_exclusive_total)))
        )
    return found
