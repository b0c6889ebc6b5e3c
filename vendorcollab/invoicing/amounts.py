"""Invoice amounts as EN 16931 computes them: line net amounts, the VAT breakdown per category and rate, the totals.

Every amount is rounded half-up to 2 decimals once, where the standard rounds it: each line's net amount (BT-131),
each category's VAT (BT-117: taxable amount times rate); the document totals are exact sums of those rounded
figures, so that they add up to the cent as the CEN rules BR-CO-10 to BR-CO-16 check. The services store these
totals; the PDF and the UBL writer read the breakdown from here, so the three can never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

# The VAT categories (UNCL5305, the subset PEPPOL BIS Billing 3 allows for our buyers) an invoice line may carry.
TAX_CATEGORIES = ("S", "Z", "E", "AE", "K", "G", "O")
# Only the standard rate carries a percentage above 0.
RATED_CATEGORIES = frozenset({"S"})
# The categories EN 16931 wants an exemption reason for (BR-E-10, BR-AE-10, BR-IC-10, BR-G-10, BR-O-10): the
# VATEX code and the text written when the vendor gives none.
DEFAULT_EXEMPTION: dict[str, tuple[str, str]] = {
    "E": ("VATEX-EU-132", "Exempt based on article 132 of Council Directive 2006/112/EC"),
    "AE": ("VATEX-EU-AE", "Reverse charge"),
    "K": ("VATEX-EU-IC", "Intra-Community supply"),
    "G": ("VATEX-EU-G", "Export outside the EU"),
    "O": ("VATEX-EU-O", "Not subject to VAT"),
}


def round_amount(value: Decimal) -> Decimal:
    """Half-up to the cent: 0.125 is 0.13, -0.125 is -0.13."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def line_net_amount(
    quantity: Decimal, unit_price: Decimal, *, allowances: Decimal = ZERO, charges: Decimal = ZERO
) -> Decimal:
    """A line's net amount (BT-131): quantity times the net price, less the line's allowances (BT-136), plus its
    charges (BT-141), rounded half-up to 2 decimals."""
    return round_amount(Decimal(quantity) * Decimal(unit_price) - Decimal(allowances) + Decimal(charges))


def line_charge_sums(charges: Iterable[AllowanceOrCharge]) -> tuple[Decimal, Decimal]:
    """A line's allowances and charges, each summed after rounding every one to the cent (BT-136, BT-141)."""
    allowances = charges_total = ZERO
    for charge in charges:
        if charge.is_charge:
            charges_total += round_amount(charge.amount)
        else:
            allowances += round_amount(charge.amount)
    return allowances, charges_total


class TaxedLine(Protocol):
    """What the totals read of a line: an ``InvoiceLine`` or anything shaped like it."""

    net_amount: Decimal
    tax_category: str
    tax_percent: Decimal
    tax_exemption_reason: str
    tax_exemption_reason_code: str


class AllowanceOrCharge(Protocol):
    is_charge: bool
    amount: Decimal


class TaxedCharge(AllowanceOrCharge, Protocol):
    tax_category: str
    tax_percent: Decimal


@dataclass(frozen=True)
class TaxSubtotal:
    """One row of the VAT breakdown (BG-23): a category and rate, what is taxed at it and the VAT."""

    category: str
    percent: Decimal
    taxable_amount: Decimal
    tax_amount: Decimal
    exemption_reason: str = ""
    exemption_reason_code: str = ""


@dataclass(frozen=True)
class Totals:
    line_total: Decimal
    allowance_total: Decimal
    charge_total: Decimal
    tax_exclusive_total: Decimal
    tax_total: Decimal
    tax_inclusive_total: Decimal
    payable_amount: Decimal
    tax_breakdown: list[TaxSubtotal]
    prepaid_amount: Decimal = ZERO

    def stored_values(self) -> dict[str, Decimal]:
        """The ``Invoice`` columns these totals fill."""
        return {
            "line_total": self.line_total,
            "allowance_total": self.allowance_total,
            "charge_total": self.charge_total,
            "tax_exclusive_total": self.tax_exclusive_total,
            "tax_total": self.tax_total,
            "tax_inclusive_total": self.tax_inclusive_total,
            "prepaid_amount": self.prepaid_amount,
            "payable_amount": self.payable_amount,
        }


def _percent(value: Decimal | None) -> Decimal:
    # 21, 21.0 and 21.00 are one rate: one row of the breakdown.
    return Decimal(value or 0).quantize(CENT)


def invoice_totals(
    lines: Iterable[TaxedLine], charges: Iterable[TaxedCharge] = (), *, prepaid: Decimal = ZERO
) -> Totals:
    """The document totals and the VAT breakdown of lines and document-level allowances and charges; ``prepaid``
    (BT-113) is what was paid before, which the amount due leaves out (BR-CO-16).

    A line's own allowances and charges are inside its net amount already (``line_net_amount``): the sum of line
    amounts carries them, the document's allowance and charge totals (BT-107, BT-108) do not.

    The breakdown has one row per category and rate, in category then rate order; a category's exemption reason is
    its first line's, else ``DEFAULT_EXEMPTION``'s (a category that only a charge carries).
    """
    taxable: dict[tuple[str, Decimal], Decimal] = {}
    reasons: dict[tuple[str, Decimal], tuple[str, str]] = {}
    line_total = allowance_total = charge_total = ZERO
    for line in lines:
        key = (line.tax_category, _percent(line.tax_percent))
        line_total += line.net_amount
        taxable[key] = taxable.get(key, ZERO) + line.net_amount
        if key not in reasons and (line.tax_exemption_reason or line.tax_exemption_reason_code):
            reasons[key] = (line.tax_exemption_reason, line.tax_exemption_reason_code)
    for charge in charges:
        key = (charge.tax_category, _percent(charge.tax_percent))
        amount = round_amount(charge.amount)
        if charge.is_charge:
            charge_total += amount
        else:
            allowance_total += amount
        taxable[key] = taxable.get(key, ZERO) + (amount if charge.is_charge else -amount)
    breakdown = []
    for (category, percent), amount in sorted(taxable.items(), key=lambda row: (row[0][0], row[0][1])):
        reason, code = ("", "")
        if category in DEFAULT_EXEMPTION:
            default_code, default_text = DEFAULT_EXEMPTION[category]
            reason, code = reasons.get((category, percent), (default_text, default_code))
        breakdown.append(
            TaxSubtotal(
                category=category,
                percent=percent,
                taxable_amount=amount,
                tax_amount=round_amount(amount * percent / 100),
                exemption_reason=reason,
                exemption_reason_code=code,
            )
        )
    tax_exclusive = line_total - allowance_total + charge_total
    tax_total = sum((row.tax_amount for row in breakdown), ZERO)
    prepaid = round_amount(prepaid)
    return Totals(
        line_total=line_total,
        allowance_total=allowance_total,
        charge_total=charge_total,
        tax_exclusive_total=tax_exclusive,
        tax_total=tax_total,
        tax_inclusive_total=tax_exclusive + tax_total,
        payable_amount=tax_exclusive + tax_total - prepaid,
        tax_breakdown=breakdown,
        prepaid_amount=prepaid,
    )
