"""What an invoice or credit note as entered becomes: every input rule checked at once, the PO lines and the credited
invoice resolved, the defaults filled in and the totals computed; the rows to store, not yet stored.

A page, the API and a UBL document go through here alike, so that they refuse the same input with the same codes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Q

from vendorcollab.accounts.models import VENDOR_ROLES, User
from vendorcollab.common.errors import CommonErrorCode
from vendorcollab.common.formatting import quantity_text
from vendorcollab.common.text import (
    AMOUNT_DIGITS,
    PRICE_DIGITS,
    QUANTITY_DIGITS,
    Kind,
    Limit,
    check_count,
    check_date,
    check_decimal,
    check_texts,
    check_total,
)
from vendorcollab.partners.models import Vendor
from vendorcollab.purchasing.models import PurchaseOrder, PurchaseOrderLine

from ..amounts import (
    DEFAULT_EXEMPTION,
    RATED_CATEGORIES,
    TAX_CATEGORIES,
    Totals,
    invoice_totals,
    line_charge_sums,
    line_net_amount,
)
from ..errors import FieldErrors, InvoicingErrorCode, invalid, refused
from ..inputs import ChargeInput, InvoiceInput, InvoiceLineInput, LineChargeInput
from ..models import COUNTING_STATUSES, Invoice, InvoiceCharge, InvoiceKind, InvoiceLine, InvoiceLineCharge
from ..selectors import credited_elsewhere

NOT_SUBJECT_TO_VAT = "O"
LINE_NOTE_LENGTH = 500
EXEMPTION_REASON_LENGTH = 200
PRICE_PLACES = Decimal("0.0001")


@dataclass
class Entry:
    """An invoice as entered, checked and completed: the header's columns, the lines and charges to store."""

    vendor: Vendor
    header: dict[str, Any]
    lines: list[InvoiceLine]
    charges: list[InvoiceCharge]
    totals: Totals
    # Each line's own allowances and charges, in the order of ``lines``.
    line_charges: list[list[InvoiceLineCharge]]


def order_net_price(po_line: PurchaseOrderLine) -> Decimal:
    """The PO line's unit price after its discount, to the price column's 4 places: what the match compares with."""
    net = po_line.unit_price * (Decimal(100) - po_line.discount_percent) / Decimal(100)
    return net.quantize(PRICE_PLACES, rounding=ROUND_HALF_UP)


def _vendor_of(actor: User, vendor_id: int) -> Vendor:
    if not actor.has_role(*VENDOR_ROLES):
        raise refused()
    vendor = (
        Vendor.objects.select_related("company").filter(pk=vendor_id).first() if vendor_id in actor.vendor_ids else None
    )
    if vendor is None:
        raise invalid("vendor", InvoicingErrorCode.UNKNOWN_VENDOR)
    return vendor


def _credited_invoice(actor: User, data: InvoiceInput, vendor: Vendor, errors: FieldErrors) -> Invoice | None:
    if data.kind != InvoiceKind.CREDIT_NOTE:
        return None
    if data.credited_invoice_id is None:
        errors.add("credited_invoice", InvoicingErrorCode.CREDITED_INVOICE_REQUIRED)
        return None
    credited = Invoice.objects.visible_to(actor).filter(pk=data.credited_invoice_id).prefetch_related("lines").first()
    if (
        credited is None
        or credited.vendor_id != vendor.pk
        or credited.kind != InvoiceKind.INVOICE
        or credited.status not in COUNTING_STATUSES
    ):
        number = credited.number if credited is not None else str(data.credited_invoice_id)
        errors.add("credited_invoice", InvoicingErrorCode.NOT_CREDITABLE, number=number)
        return None
    return credited


def _po_lines(actor: User, lines: list[InvoiceLineInput]) -> dict[tuple[int, int], PurchaseOrderLine]:
    """The PO lines the input names, among the POs the actor may see, in one query."""
    if not lines:
        return {}
    wanted = Q()
    for entry in lines:
        wanted |= Q(purchase_order_id=entry.purchase_order_id, line_number=entry.line_number)
    found = (
        PurchaseOrderLine.objects.filter(purchase_order__in=PurchaseOrder.objects.visible_to(actor))
        .filter(wanted)
        .select_related("purchase_order", "item")
    )
    return {(line.purchase_order_id, line.line_number): line for line in found}


def _tax(
    errors: FieldErrors,
    path: str,
    category: str,
    percent: Decimal | None,
) -> tuple[str, Decimal]:
    """The category as stored and its percentage: the standard rate needs one above 0, every other category 0."""
    if category not in TAX_CATEGORIES:
        errors.add(f"{path}.tax_category", InvoicingErrorCode.TAX_CATEGORY_INVALID, tax_category=category)
        return category, Decimal(0)
    if category not in RATED_CATEGORIES:
        percent = Decimal(0) if percent is None else percent
        if not percent.is_finite() or percent != 0:
            percent = Decimal(0)
            errors.add(f"{path}.tax_percent", InvoicingErrorCode.TAX_PERCENT_INVALID, tax_category=category)
        return category, percent
    if (
        percent is None
        or not percent.is_finite()
        or not Decimal(0) < percent <= Decimal(100)
        or percent != round(percent, 2)
    ):
        errors.add(f"{path}.tax_percent", InvoicingErrorCode.TAX_PERCENT_INVALID, tax_category=category)
        return category, Decimal(0)
    return category, percent


def _exemption(category: str, given: str) -> tuple[str, str]:
    """The exemption reason and VATEX code a category needs: the vendor's text, else the category's default."""
    if category not in DEFAULT_EXEMPTION:
        return "", ""
    code, text = DEFAULT_EXEMPTION[category]
    return (given.strip(), "") if given.strip() else (text, code)


def _check_header(data: InvoiceInput, errors: FieldErrors) -> None:
    if data.kind not in InvoiceKind.values:
        errors.add("kind", InvoicingErrorCode.KIND_INVALID)
    if not data.number.strip():
        errors.add("number", InvoicingErrorCode.REQUIRED)
    check_texts(
        errors,
        {
            "number": (data.number.strip(), Kind.IDENTIFIER, Limit.IDENTIFIER),
            "buyer_reference": (data.buyer_reference, Kind.LINE, Limit.REFERENCE),
            "note": (data.note, Kind.MULTILINE, Limit.NOTE),
            "currency": (data.currency, Kind.IDENTIFIER, 3),
        },
    )
    if data.issue_date is None:
        errors.add("issue_date", InvoicingErrorCode.REQUIRED)
    check_date(errors, "issue_date", data.issue_date, recorded=True)
    check_date(errors, "due_date", data.due_date, recorded=True)
    if data.issue_date and data.due_date and data.due_date < data.issue_date:
        errors.add("due_date", InvoicingErrorCode.DUE_BEFORE_ISSUE)


def invoice_entry(*, actor: User, data: InvoiceInput, current: Invoice | None = None) -> Entry:
    """Check ``data`` as a whole (``current``: the draft it replaces) and return what to store, or raise one
    ``ValidationFailed`` naming every wrong field."""
    vendor = _vendor_of(actor, data.vendor_id)
    errors = FieldErrors()
    if current is not None and current.vendor_id != vendor.pk:
        errors.add("vendor", InvoicingErrorCode.UNKNOWN_VENDOR)
    _check_header(data, errors)
    if not data.lines:
        errors.add("lines", InvoicingErrorCode.NO_LINES)
    check_count(errors, "lines", data.lines, Limit.LINES_PER_ORDER)
    check_count(errors, "charges", data.charges, Limit.CHARGES_PER_ORDER)
    if CommonErrorCode.TOO_MANY_ROWS in errors.codes.values():
        errors.raise_if_any()  # before reading hundreds of thousands of lines someone sent

    credited = _credited_invoice(actor, data, vendor, errors)
    credited_lines = {line.po_line_id: line for line in credited.lines.all()} if credited else {}
    given_back = credited_elsewhere(credited, exclude=current) if credited else {}
    po_lines = _po_lines(actor, data.lines)
    currency = credited.currency if credited else None
    lines: list[InvoiceLine] = []
    line_charges: list[list[InvoiceLineCharge]] = []
    seen: set[int] = set()
    for index, entry in enumerate(data.lines):
        made = _line(
            errors,
            f"lines.{index}",
            entry,
            po_lines.get((entry.purchase_order_id, entry.line_number)),
            vendor=vendor,
            credited=credited,
            credited_lines=credited_lines,
            given_back=given_back,
            seen=seen,
        )
        if made is None:
            continue
        line, charges_of_line = made
        po = line.purchase_order
        if currency is None:
            currency = po.currency
        elif po.currency != currency:
            errors.add(
                f"lines.{index}.purchase_order",
                InvoicingErrorCode.CURRENCY_MISMATCH,
                currency=po.currency,
                expected=currency,
            )
        line.line_number = len(lines) + 1
        lines.append(line)
        line_charges.append(charges_of_line)
    if data.currency and currency and data.currency.strip().upper() != currency:
        errors.add(
            "currency", InvoicingErrorCode.CURRENCY_MISMATCH, currency=data.currency.strip().upper(), expected=currency
        )
    charges = [_charge(errors, f"charges.{index}", entry, lines) for index, entry in enumerate(data.charges)]
    categories = {line.tax_category for line in lines} | {charge.tax_category for charge in charges}
    if NOT_SUBJECT_TO_VAT in categories and len(categories) > 1:
        errors.add("lines", InvoicingErrorCode.TAX_CATEGORIES_MIXED)
    prepaid = _prepaid(errors, data.prepaid_amount)
    totals = invoice_totals(lines, charges, prepaid=prepaid)
    if prepaid > 0 and prepaid > totals.tax_inclusive_total:
        errors.add("prepaid_amount", InvoicingErrorCode.PREPAID_EXCEEDS_TOTAL, total=totals.tax_inclusive_total)
    check_total(errors, "lines", totals.tax_inclusive_total)
    number = data.number.strip()
    taken = Invoice.objects.filter(vendor=vendor, number=number)
    if current is not None:
        taken = taken.exclude(pk=current.pk)
    if number and taken.exists():
        errors.add("number", InvoicingErrorCode.NUMBER_TAKEN, number=number)
    errors.raise_if_any()
    header = {
        "vendor": vendor,
        "company": vendor.company,
        "kind": data.kind,
        "number": number,
        "issue_date": data.issue_date,
        "due_date": data.due_date or data.issue_date + timedelta(days=vendor.payment_terms_days),
        "currency": currency or "",
        "buyer_reference": data.buyer_reference.strip(),
        "note": data.note.strip(),
        "credited_invoice": credited,
        **totals.stored_values(),
    }
    return Entry(vendor=vendor, header=header, lines=lines, charges=charges, totals=totals, line_charges=line_charges)


def _prepaid(errors: FieldErrors, amount: Decimal | None) -> Decimal:
    """What was paid before (a deposit): 0 or more, in cents; never more than the total (checked by the caller)."""
    amount = Decimal(0) if amount is None else amount
    check_decimal(errors, "prepaid_amount", amount, AMOUNT_DIGITS)
    if not amount.is_finite() or amount < 0:
        errors.add("prepaid_amount", InvoicingErrorCode.PREPAID_NEGATIVE)
        return Decimal(0)
    return amount


def _line_charge(errors: FieldErrors, path: str, entry: LineChargeInput) -> InvoiceLineCharge:
    """One allowance or charge of a line, checked as a document-level one is (reason, positive amount)."""
    reason = entry.reason.strip() or entry.reason_code.strip()
    if not reason:
        errors.add(f"{path}.reason", InvoicingErrorCode.REQUIRED)
    check_texts(
        errors,
        {
            f"{path}.reason": (entry.reason, Kind.LINE, Limit.CHARGE_DESCRIPTION),
            f"{path}.reason_code": (entry.reason_code, Kind.IDENTIFIER, 3),
        },
    )
    amount = entry.amount
    check_decimal(errors, f"{path}.amount", amount, AMOUNT_DIGITS)
    if amount is None or not amount.is_finite() or amount <= 0:
        errors.add(f"{path}.amount", InvoicingErrorCode.AMOUNT_NOT_POSITIVE)
        amount = Decimal(0)
    return InvoiceLineCharge(
        is_charge=entry.is_charge, reason=reason, reason_code=entry.reason_code.strip().upper(), amount=amount
    )


def _line(
    errors: FieldErrors,
    path: str,
    entry: InvoiceLineInput,
    po_line: PurchaseOrderLine | None,
    *,
    vendor: Vendor,
    credited: Invoice | None,
    credited_lines: dict[int, InvoiceLine],
    given_back: dict[int, Decimal],
    seen: set[int],
) -> tuple[InvoiceLine, list[InvoiceLineCharge]] | None:
    """One line checked and completed from its PO line (or the credited invoice's line), with its own allowances and
    charges, or None when it names no line the vendor may invoice."""
    if po_line is None:
        errors.add(
            path, InvoicingErrorCode.UNKNOWN_LINE, purchase_order=entry.purchase_order_id, line_number=entry.line_number
        )
        return None
    po = po_line.purchase_order
    if po.vendor_id != vendor.pk:
        errors.add(f"{path}.purchase_order", InvoicingErrorCode.WRONG_VENDOR, number=po.number)
        return None
    if po_line.pk in seen:
        errors.add(path, InvoicingErrorCode.DUPLICATE_LINE, number=po.number, line_number=po_line.line_number)
        return None
    seen.add(po_line.pk)
    quantity: Decimal | None = entry.quantity
    check_decimal(errors, f"{path}.quantity", quantity, QUANTITY_DIGITS)
    if quantity is not None and not quantity.is_finite():
        quantity = None
    if quantity is None or quantity <= 0:
        errors.add(f"{path}.quantity", InvoicingErrorCode.QUANTITY_NOT_POSITIVE)
    if credited is not None:
        credited_line = credited_lines.get(po_line.pk)
        available = (credited_line.quantity if credited_line else Decimal(0)) - given_back.get(po_line.pk, Decimal(0))
        if credited_line is None or (quantity is not None and quantity > available):
            errors.add(
                f"{path}.quantity",
                InvoicingErrorCode.CREDIT_EXCEEDS_INVOICE,
                available=quantity_text(max(available, Decimal(0))),
                line_number=po_line.line_number,
                number=po.number,
                invoice=credited.number,
            )
        source: Any = credited_line or po_line
        order_price = credited_line.unit_price if credited_line else order_net_price(po_line)
    else:
        if po_line.invoiceable_quantity <= 0:
            errors.add(path, InvoicingErrorCode.NOT_INVOICEABLE, number=po.number, line_number=po_line.line_number)
        elif quantity is not None and quantity > po_line.invoiceable_quantity:
            errors.add(
                f"{path}.quantity",
                InvoicingErrorCode.OVER_INVOICED,
                available=quantity_text(po_line.invoiceable_quantity),
                line_number=po_line.line_number,
                number=po.number,
            )
        source = po_line
        order_price = order_net_price(po_line)
    unit_price = order_price if entry.unit_price is None else entry.unit_price
    check_decimal(errors, f"{path}.unit_price", unit_price, PRICE_DIGITS)
    if not unit_price.is_finite():
        unit_price = order_price
    elif unit_price < 0:
        errors.add(f"{path}.unit_price", InvoicingErrorCode.PRICE_NEGATIVE)
    default_category = (source.tax_category or "S").upper()
    category = (entry.tax_category or default_category).strip().upper()
    percent = entry.tax_percent
    if percent is None and category == default_category:
        percent = source.tax_percent
    category, percent = _tax(errors, path, category, percent)
    check_texts(
        errors,
        {
            f"{path}.tax_exemption_reason": (entry.tax_exemption_reason, Kind.LINE, EXEMPTION_REASON_LENGTH),
            f"{path}.note": (entry.note, Kind.LINE, LINE_NOTE_LENGTH),
        },
    )
    reason, reason_code = _exemption(category, entry.tax_exemption_reason)
    check_count(errors, f"{path}.charges", entry.charges, Limit.CHARGES_PER_ORDER)
    charges = [
        _line_charge(errors, f"{path}.charges.{number}", charge)
        for number, charge in enumerate(entry.charges[: Limit.CHARGES_PER_ORDER])
    ]
    allowances, added = line_charge_sums(charges)
    net_amount = Decimal(0)
    if quantity is not None:
        net_amount = line_net_amount(quantity, unit_price, allowances=allowances, charges=added)
        if allowances and net_amount < 0 <= quantity * unit_price:
            # An allowance larger than what the line bills: a credit, which a credit note gives.
            errors.add(f"{path}.charges", InvoicingErrorCode.LINE_AMOUNT_NEGATIVE)
    check_decimal(errors, f"{path}.quantity", net_amount, AMOUNT_DIGITS)
    line = InvoiceLine(
        purchase_order=po,
        po_line=po_line,
        description=po_line.description or (po_line.item.name if po_line.item else ""),
        unit=po_line.unit,
        unit_code=po_line.unit_code or (po_line.item.unit_code if po_line.item else "") or po_line.unit.upper()[:3],
        quantity=quantity,
        unit_price=unit_price,
        order_unit_price=order_price,
        tax_category=category,
        tax_percent=percent,
        tax_exemption_reason=reason,
        tax_exemption_reason_code=reason_code,
        net_amount=net_amount,
        note=entry.note.strip(),
    )
    return line, charges


def _charge(errors: FieldErrors, path: str, entry: ChargeInput, lines: list[InvoiceLine]) -> InvoiceCharge:
    if not entry.reason.strip():
        errors.add(f"{path}.reason", InvoicingErrorCode.REQUIRED)
    check_texts(
        errors,
        {
            f"{path}.reason": (entry.reason, Kind.LINE, Limit.CHARGE_DESCRIPTION),
            f"{path}.reason_code": (entry.reason_code, Kind.IDENTIFIER, 3),
        },
    )
    amount = entry.amount
    check_decimal(errors, f"{path}.amount", amount, AMOUNT_DIGITS)
    if amount is None or not amount.is_finite() or amount <= 0:
        errors.add(f"{path}.amount", InvoicingErrorCode.AMOUNT_NOT_POSITIVE)
        amount = Decimal(0)
    category = (entry.tax_category or "S").strip().upper()
    percent = entry.tax_percent
    if percent is None:
        # A charge bears the VAT of the goods it goes with: the rate of the first line in its category.
        percent = next((line.tax_percent for line in lines if line.tax_category == category), None)
    category, percent = _tax(errors, path, category, percent)
    return InvoiceCharge(
        is_charge=entry.is_charge,
        reason=entry.reason.strip(),
        reason_code=entry.reason_code.strip().upper(),
        amount=amount,
        tax_category=category,
        tax_percent=percent,
    )
