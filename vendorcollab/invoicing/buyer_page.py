"""What the buyer's invoice page shows beside the invoice: each line with its PO line (ordered, received, invoiced,
price), the match's exceptions placed on the lines and values they concern, and the receipts of the invoice's POs.

Read from what ``selectors.invoice_get`` returned (its lines with their PO lines and its charges prefetched), in a
fixed number of queries whatever the number of lines.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Prefetch

from vendorcollab.purchasing.models import PurchaseOrder, Receipt, ReceiptLine

from .amounts import TaxSubtotal, invoice_totals
from .models import ExceptionKind, Invoice, InvoiceLine


@dataclass(frozen=True)
class Finding:
    """One exception of the match: what the PO says (``expected``) against what the invoice says (``actual``)."""

    kind: str
    expected: Any
    actual: Any

    @property
    def label(self) -> str:
        return str(ExceptionKind(self.kind).label) if self.kind in ExceptionKind.values else self.kind


@dataclass
class LineView:
    line: InvoiceLine
    findings: dict[str, Finding] = field(default_factory=dict)

    @property
    def is_flagged(self) -> bool:
        return bool(self.findings)

    @property
    def price(self) -> Finding | None:
        return self.findings.get(ExceptionKind.PRICE)

    @property
    def tax(self) -> Finding | None:
        return self.findings.get(ExceptionKind.TAX)

    @property
    def other(self) -> list[Finding]:
        """Findings of kinds the line's columns do not show (a new kind of the match still reaches the page)."""
        return [f for kind, f in self.findings.items() if kind not in (ExceptionKind.PRICE, ExceptionKind.TAX)]


def _number(value: Any) -> Any:
    """The stored text of an amount, price or percent as a number for the money filters; other text unchanged."""
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return value


def findings_of(invoice: Invoice) -> tuple[dict[int, dict[str, Finding]], list[Finding]]:
    """The match's exceptions by line number and kind, and those of the whole invoice (totals, charges)."""
    by_line: dict[int, dict[str, Finding]] = defaultdict(dict)
    whole: list[Finding] = []
    for exception in invoice.exceptions or []:
        finding = Finding(
            kind=str(exception.get("kind", "")),
            expected=_number(exception.get("expected")),
            actual=_number(exception.get("actual")),
        )
        number = exception.get("line_number")
        if number is None:
            whole.append(finding)
        else:
            by_line[int(number)][finding.kind] = finding
    return by_line, whole


def line_views(invoice: Invoice) -> list[LineView]:
    by_line, _whole = findings_of(invoice)
    lines = sorted(invoice.lines.all(), key=lambda line: line.line_number)
    return [LineView(line, by_line.get(line.line_number, {})) for line in lines]


def tax_breakdown(invoice: Invoice) -> list[TaxSubtotal]:
    """The VAT per category and rate, as the documents state it (``amounts``, from the stored lines)."""
    return invoice_totals(invoice.lines.all(), invoice.charges.all()).tax_breakdown


def purchase_orders_of(invoice: Invoice) -> list[PurchaseOrder]:
    """The POs the invoice bills, each with its receipts and their lines (``receipts_shown``)."""
    receipts = Receipt.objects.select_related("posted_by").prefetch_related(
        Prefetch("lines", queryset=ReceiptLine.objects.select_related("line").order_by("line__line_number"))
    )
    po_ids = invoice.lines.values("purchase_order_id")
    return list(
        PurchaseOrder.objects.filter(pk__in=po_ids)
        .select_related("confirmed_version", "latest_version")
        .prefetch_related(Prefetch("receipts", queryset=receipts.order_by("received_date", "pk"), to_attr="shown"))
        .order_by("number")
    )
