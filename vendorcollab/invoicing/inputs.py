"""The typed inputs of the invoicing services; pages, the API and UBL documents turn what they receive into these."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .models import InvoiceKind


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
