"""The typed inputs of the invoicing services; pages, the API and UBL documents turn what they receive into these."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from .models import InvoiceKind

if TYPE_CHECKING:
    from .models import Invoice


@dataclass(frozen=True)
class LineChargeInput:
    """An allowance (``is_charge`` False) or charge on one line: it changes the line's net amount and bears the
    line's VAT."""

    is_charge: bool
    reason: str
    amount: Decimal
    reason_code: str = ""


@dataclass(frozen=True)
class InvoiceLineInput:
    """One invoice line: a quantity of one received PO line. ``None`` takes the value from the PO line (for a credit
    note, from the credited invoice's line)."""

    purchase_order_id: int
    line_number: int
    quantity: Decimal
    unit_price: Decimal | None = None
    tax_category: str | None = None
    tax_percent: Decimal | None = None
    tax_exemption_reason: str = ""
    note: str = ""
    charges: list[LineChargeInput] = field(default_factory=list)


@dataclass(frozen=True)
class ChargeInput:
    """A document-level allowance (``is_charge`` False) or charge. ``tax_percent`` None: the percentage of the
    invoice's lines in the same category (0 outside the standard rate)."""

    is_charge: bool
    reason: str
    amount: Decimal
    reason_code: str = ""
    tax_category: str = "S"
    tax_percent: Decimal | None = None


@dataclass(frozen=True)
class InvoiceInput:
    """A whole invoice or credit note as the vendor enters it. ``due_date`` None: the issue date plus the vendor
    account's payment terms; ``currency`` None: the purchase orders'. ``prepaid_amount``: what the buyer paid
    before (a deposit), which the amount due leaves out."""

    vendor_id: int
    number: str
    issue_date: date
    kind: str = InvoiceKind.INVOICE
    due_date: date | None = None
    currency: str | None = None
    buyer_reference: str = ""
    note: str = ""
    credited_invoice_id: int | None = None
    lines: list[InvoiceLineInput] = field(default_factory=list)
    charges: list[ChargeInput] = field(default_factory=list)
    prepaid_amount: Decimal = Decimal("0.00")

    @classmethod
    def of(cls, invoice: Invoice) -> InvoiceInput:
        """A stored invoice as the input that would make it again: what an edit of a draft starts from (its lines,
        their PO lines and charges, and its charges prefetched, or read here)."""
        return cls(
            vendor_id=invoice.vendor_id,
            number=invoice.number,
            issue_date=invoice.issue_date,
            kind=invoice.kind,
            due_date=invoice.due_date,
            currency=invoice.currency,
            buyer_reference=invoice.buyer_reference,
            note=invoice.note,
            credited_invoice_id=invoice.credited_invoice_id,
            lines=[
                InvoiceLineInput(
                    purchase_order_id=line.purchase_order_id,
                    line_number=line.po_line.line_number,
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                    tax_category=line.tax_category,
                    tax_percent=line.tax_percent,
                    tax_exemption_reason=line.tax_exemption_reason,
                    note=line.note,
                    charges=[
                        LineChargeInput(
                            is_charge=charge.is_charge,
                            reason=charge.reason,
                            amount=charge.amount,
                            reason_code=charge.reason_code,
                        )
                        for charge in line.charges.all()
                    ],
                )
                for line in invoice.lines.all()
            ],
            charges=[
                ChargeInput(
                    is_charge=charge.is_charge,
                    reason=charge.reason,
                    amount=charge.amount,
                    reason_code=charge.reason_code,
                    tax_category=charge.tax_category,
                    tax_percent=charge.tax_percent,
                )
                for charge in invoice.charges.all()
            ],
            prepaid_amount=invoice.prepaid_amount,
        )
