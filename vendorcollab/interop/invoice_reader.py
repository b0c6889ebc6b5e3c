"""Reading a PEPPOL BIS Billing 3 Invoice (T10) or Credit Note (T14) from a vendor's ERP into plain values, without
the database, with the same safe parsing and per-element problems as the ordering documents (``ubl_reader``).

Line allowances and charges (BG-27, BG-28) and an amount paid in advance (BT-113) are read as the portal holds
them. What an invoice of the portal cannot hold is refused on its element rather than dropped in silence: a negative
or zero quantity (a correction is a credit note), an amount rounded off the total.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from lxml import etree

from .errors import DocumentErrors, InteropErrorCode, shown
from .ubl_reader import (
    AMOUNT,
    CHARGE_DESCRIPTION_LENGTH,
    CODE_LENGTH,
    NS,
    NUMBER_LENGTH,
    PERCENT,
    QUANTITY,
    REFERENCE_LENGTH,
    UNIT_LENGTH,
    PartyRef,
    Transaction,
    Value,
    _Reader,
    parse,
    transaction_of,
)

NOTE_LENGTH = 500
EXEMPTION_REASON_LENGTH = 200  # ``InvoiceLine.tax_exemption_reason``


@dataclass
class LineChargeDoc:
    """An ``AllowanceCharge`` of a line: it bears the line's VAT; the amount is positive either way."""

    path: str
    is_charge: bool
    reason_code: str
    reason: str
    amount: Decimal


@dataclass
class InvoiceLineDoc:
    """One ``InvoiceLine`` or ``CreditNoteLine``: what it invoices of which order line."""

    path: str
    line_id: str
    # ``OrderLineReference/LineID``; a line without one invoices the order line of its own ID.
    order_line_id: Value
    quantity: Decimal
    unit_code: str
    unit_price: Decimal
    tax_category: str
    tax_percent: Decimal | None
    note: str
    paths: dict[str, str] = field(default_factory=dict)
    charges: list[LineChargeDoc] = field(default_factory=list)


@dataclass
class InvoiceChargeDoc:
    """A document-level ``AllowanceCharge`` with its VAT; the amount is positive either way."""

    path: str
    is_charge: bool
    reason_code: str
    reason: str
    amount: Decimal
    tax_category: str
    tax_percent: Decimal | None


@dataclass
class InvoiceDoc:
    transaction: Transaction
    number: Value
    issue_date: date
    due_date: date | None
    currency: str
    buyer_reference: str
    # ``OrderReference/ID``: the PO the invoice bills (else the buyer's reference names it).
    order_reference: Value | None
    # A credit note's ``BillingReference/InvoiceDocumentReference/ID``.
    credited_reference: Value | None
    supplier: PartyRef | None
    customer: PartyRef | None
    note: str
    lines: list[InvoiceLineDoc]
    charges: list[InvoiceChargeDoc]
    # Per VAT category, the exemption reason the breakdown gives: {"E": ("VATEX-EU-132", "Exempt …")}.
    exemptions: dict[str, tuple[str, str]]
    tax_exclusive_amount: Value | None
    payable_amount: Value | None
    prepaid_amount: Decimal = Decimal(0)
    paths: dict[str, str] = field(default_factory=dict)

    @property
    def is_credit_note(self) -> bool:
        return self.transaction == Transaction.CREDIT_NOTE


def read_invoice(document: bytes) -> tuple[InvoiceDoc, DocumentErrors]:
    """The invoice's or credit note's values, and the problems found while reading them."""
    root = parse(document)
    transaction = transaction_of(root)
    return _InvoiceReader().invoice(root, transaction)


class _InvoiceReader(_Reader):
    def invoice(self, root: etree._Element, transaction: Transaction) -> tuple[InvoiceDoc, DocumentErrors]:
        credit = transaction == Transaction.CREDIT_NOTE
        path = "CreditNote" if credit else "Invoice"
        number = self.text(root, path, "cbc:ID", required=True, limit=NUMBER_LENGTH)
        issue_date, _issue_path = self.day(root, path, "cbc:IssueDate", required=True)
        if credit:
            due_date, due_path = self.day(*self.child(root, path, "cac:PaymentMeans"), "cbc:PaymentDueDate")
        else:
            due_date, due_path = self.day(root, path, "cbc:DueDate")
        currency = self.text(root, path, "cbc:DocumentCurrencyCode", required=True)
        supplier = self.party(root, path, "cac:AccountingSupplierParty")
        customer = self.party(root, path, "cac:AccountingCustomerParty")
        order_reference = self.text(*self.child(root, path, "cac:OrderReference"), "cbc:ID", limit=REFERENCE_LENGTH)
        billing, billing_path = self.child(root, path, "cac:BillingReference")
        credited = self.text(*self.child(billing, billing_path, "cac:InvoiceDocumentReference"), "cbc:ID")
        if credit and credited is None:
            self.errors.add(f"{billing_path}/InvoiceDocumentReference/ID", InteropErrorCode.UBL_MISSING)
        charges = [
            self.invoice_charge(element, charge_path)
            for element, charge_path in self.children(root, path, "cac:AllowanceCharge")
        ]
        line_name = "cac:CreditNoteLine" if credit else "cac:InvoiceLine"
        lines = [
            self.invoice_line(element, line_path, credit) for element, line_path in self.children(root, path, line_name)
        ]
        if not lines:
            self.errors.add(f"{path}/{line_name.split(':')[1]}", InteropErrorCode.UBL_MISSING)
        totals, totals_path = self.child(root, path, "cac:LegalMonetaryTotal")
        # An amount rounded off: the portal's amount due is the invoice's total less what was paid before, exactly.
        rounding, rounding_path = self.decimal(totals, totals_path, "cbc:PayableRoundingAmount", AMOUNT)
        if rounding:
            self.errors.add(rounding_path, InteropErrorCode.UBL_NOT_SUPPORTED, value=shown(str(rounding)))
        prepaid, prepaid_path = self.decimal(totals, totals_path, "cbc:PrepaidAmount", AMOUNT)
        document = InvoiceDoc(
            transaction=transaction,
            number=number or Value("", f"{path}/ID"),
            issue_date=issue_date or date.min,
            due_date=due_date,
            currency=currency.text if currency else "",
            buyer_reference=self.plain(root, path, "cbc:BuyerReference", REFERENCE_LENGTH),
            order_reference=order_reference,
            credited_reference=credited,
            supplier=supplier,
            customer=customer,
            note=self.notes(root)[: NOTE_LENGTH * 4],
            lines=[line for line in lines if line is not None],
            charges=[charge for charge in charges if charge is not None],
            exemptions=self.exemptions(root, path),
            tax_exclusive_amount=self.text(totals, totals_path, "cbc:TaxExclusiveAmount", required=True),
            payable_amount=self.text(totals, totals_path, "cbc:PayableAmount", required=True),
            prepaid_amount=prepaid or Decimal(0),
            paths={
                "due_date": due_path,
                "currency": currency.path if currency else f"{path}/DocumentCurrencyCode",
                "prepaid_amount": prepaid_path,
            },
        )
        return document, self.errors

    def tax_category(self, parent: etree._Element | None, path: str, name: str) -> tuple[str, Decimal | None]:
        category, category_path = self.child(parent, path, name)
        code = self.text(category, category_path, "cbc:ID", required=True, limit=2)
        percent, _percent_path = self.decimal(category, category_path, "cbc:Percent", PERCENT)
        return (code.text if code else ""), percent

    def invoice_charge(self, element: etree._Element, path: str) -> InvoiceChargeDoc | None:
        indicator = self.text(element, path, "cbc:ChargeIndicator", required=True)
        is_charge = indicator is not None and indicator.text.lower() in ("true", "1")
        if indicator is not None and indicator.text.lower() not in ("true", "1", "false", "0"):
            self.errors.add(indicator.path, InteropErrorCode.UBL_INVALID_BOOLEAN, value=shown(indicator.text))
        code = self.plain(element, path, "cbc:AllowanceChargeReasonCode", CODE_LENGTH)
        reason = self.plain(element, path, "cbc:AllowanceChargeReason")
        amount, amount_path = self.decimal(element, path, "cbc:Amount", AMOUNT, required=True)
        if amount is not None and amount <= 0:
            self.errors.add(amount_path, InteropErrorCode.UBL_NOT_POSITIVE, value=shown(str(amount)))
        category, percent = self.tax_category(element, path, "cac:TaxCategory")
        if indicator is None or amount is None:
            return None
        return InvoiceChargeDoc(
            path=path,
            is_charge=is_charge,
            reason_code=code,
            reason=(reason or code)[:CHARGE_DESCRIPTION_LENGTH],
            amount=amount,
            tax_category=category,
            tax_percent=percent,
        )

    def invoice_line(self, element: etree._Element, path: str, credit: bool) -> InvoiceLineDoc | None:
        paths: dict[str, str] = {}
        line_id = self.text(element, path, "cbc:ID", required=True)
        quantity_name = "cbc:CreditedQuantity" if credit else "cbc:InvoicedQuantity"
        quantity, paths["quantity"] = self.decimal(element, path, quantity_name, QUANTITY, required=True)
        if quantity is not None and quantity <= 0:
            # A negative line gives back quantity without naming the invoice that billed it: that invoice's later
            # rejection or credit note would find the quantity gone and be refused for a reason nobody could see.
            # A credit note names the invoice (under its lock, with the guard against rejecting a credited
            # invoice), so a correction comes as one.
            self.errors.add(paths["quantity"], InteropErrorCode.UBL_NOT_POSITIVE, value=shown(str(quantity)))
        quantity_element = element.find(quantity_name, NS)
        unit = (quantity_element.get("unitCode") or "").strip() if quantity_element is not None else ""
        if len(unit) > UNIT_LENGTH:
            self.errors.add(
                f"{paths['quantity']}/@unitCode", InteropErrorCode.UBL_TOO_LONG, value=shown(unit), limit=UNIT_LENGTH
            )
        unit_price, paths["unit_price"] = self.price(element, path)
        charges = [
            self.line_charge(charge, charge_path)
            for charge, charge_path in self.children(element, path, "cac:AllowanceCharge")
        ]
        reference = self.text(*self.child(element, path, "cac:OrderLineReference"), "cbc:LineID")
        item, item_path = self.child(element, path, "cac:Item")
        category, percent = self.tax_category(item, item_path, "cac:ClassifiedTaxCategory")
        paths["tax_category"] = f"{item_path}/ClassifiedTaxCategory/ID"
        paths["tax_percent"] = f"{item_path}/ClassifiedTaxCategory/Percent"
        paths["line_number"] = reference.path if reference else f"{path}/ID"
        if line_id is None or quantity is None or unit_price is None:
            return None
        return InvoiceLineDoc(
            path=path,
            line_id=line_id.text,
            order_line_id=reference or line_id,
            quantity=quantity,
            unit_code=unit,
            unit_price=unit_price,
            tax_category=category,
            tax_percent=percent,
            note=self.notes(element)[:NOTE_LENGTH],
            paths=paths,
            charges=[charge for charge in charges if charge is not None],
        )

    def line_charge(self, element: etree._Element, path: str) -> LineChargeDoc | None:
        indicator = self.text(element, path, "cbc:ChargeIndicator", required=True)
        if indicator is not None and indicator.text.lower() not in ("true", "1", "false", "0"):
            self.errors.add(indicator.path, InteropErrorCode.UBL_INVALID_BOOLEAN, value=shown(indicator.text))
        code = self.plain(element, path, "cbc:AllowanceChargeReasonCode", CODE_LENGTH)
        reason = self.plain(element, path, "cbc:AllowanceChargeReason")
        amount, amount_path = self.decimal(element, path, "cbc:Amount", AMOUNT, required=True)
        if amount is not None and amount <= 0:
            self.errors.add(amount_path, InteropErrorCode.UBL_NOT_POSITIVE, value=shown(str(amount)))
        if indicator is None or amount is None:
            return None
        return LineChargeDoc(
            path=path,
            is_charge=indicator.text.lower() in ("true", "1"),
            reason_code=code,
            reason=(reason or code)[:CHARGE_DESCRIPTION_LENGTH],
            amount=amount,
        )

    def exemptions(self, root: etree._Element, path: str) -> dict[str, tuple[str, str]]:
        found: dict[str, tuple[str, str]] = {}
        total, total_path = self.child(root, path, "cac:TaxTotal")
        if total is None:
            return found
        for subtotal, subtotal_path in self.children(total, total_path, "cac:TaxSubtotal"):
            category, category_path = self.child(subtotal, subtotal_path, "cac:TaxCategory")
            code = self.plain(category, category_path, "cbc:ID", 2)
            reason_code = self.plain(category, category_path, "cbc:TaxExemptionReasonCode", 30)
            reason = self.plain(category, category_path, "cbc:TaxExemptionReason")[:EXEMPTION_REASON_LENGTH]
            if code and (reason_code or reason):
                found.setdefault(code, (reason_code, reason))
        return found
