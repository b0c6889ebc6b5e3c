"""EN 16931 amounts: half-up rounding per line and per VAT row, a breakdown per category and rate, exact totals."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from vendorcollab.invoicing.amounts import (
    DEFAULT_EXEMPTION,
    invoice_totals,
    line_charge_sums,
    line_net_amount,
    round_amount,
)


@dataclass
class Line:
    net_amount: Decimal
    tax_category: str = "S"
    tax_percent: Decimal = Decimal(21)
    tax_exemption_reason: str = ""
    tax_exemption_reason_code: str = ""


@dataclass
class Charge:
    amount: Decimal
    is_charge: bool = True
    tax_category: str = "S"
    tax_percent: Decimal = Decimal(21)


def D(value: str) -> Decimal:
    return Decimal(value)


@pytest.mark.parametrize(
    ("quantity", "price", "amount"),
    [
        ("1", "0.125", "0.13"),  # half-up, not banker's rounding (which gives 0.12)
        ("1", "0.135", "0.14"),
        ("3", "0.3333", "1.00"),
        ("2.5", "1.01", "2.53"),  # 2.525
        ("7", "0.0049", "0.03"),  # 0.0343
        ("0.0001", "0.0001", "0.00"),
    ],
)
def test_line_net_amount_rounds_half_up_to_the_cent(quantity, price, amount):
    assert line_net_amount(D(quantity), D(price)) == D(amount)
    assert str(line_net_amount(D(quantity), D(price))) == amount


def test_negative_amounts_round_away_from_zero_at_the_half():
    assert round_amount(D("-0.125")) == D("-0.13")


def test_vat_is_computed_per_category_and_rate_not_per_line():
    # Ten lines of 0.02 at 21 %: rounded per line the VAT would be 0.00; per category and rate, on 0.20, it is 0.04.
    totals = invoice_totals([Line(D("0.02")) for _ in range(10)])
    assert [(row.category, row.percent, row.taxable_amount, row.tax_amount) for row in totals.tax_breakdown] == [
        ("S", D("21.00"), D("0.20"), D("0.04"))
    ]
    assert totals.tax_total == D("0.04")


def test_one_row_per_category_and_rate_with_exemption_reasons():
    totals = invoice_totals(
        [
            Line(D("100.00")),
            Line(D("50.00"), tax_percent=D("9")),
            Line(D("10.00"), tax_percent=D("21.0")),  # the same rate as 21
            Line(D("20.00"), "Z", D(0)),
            Line(D("30.00"), "E", D(0), "Medical services", ""),
            Line(D("40.00"), "AE", D(0)),
        ]
    )
    rows = [(row.category, row.percent, row.taxable_amount, row.tax_amount) for row in totals.tax_breakdown]
    assert rows == [
        ("AE", D(0), D("40.00"), D("0.00")),
        ("E", D(0), D("30.00"), D("0.00")),
        ("S", D(9), D("50.00"), D("4.50")),
        ("S", D(21), D("110.00"), D("23.10")),
        ("Z", D(0), D("20.00"), D("0.00")),
    ]
    reasons = {row.category: (row.exemption_reason, row.exemption_reason_code) for row in totals.tax_breakdown}
    assert reasons["E"] == ("Medical services", "")
    assert (
        reasons["AE"] == (DEFAULT_EXEMPTION["AE"][1], DEFAULT_EXEMPTION["AE"][0]) == ("Reverse charge", "VATEX-EU-AE")
    )
    assert reasons["S"] == reasons["Z"] == ("", "")
    assert totals.tax_total == D("27.60")
    assert totals.tax_inclusive_total == D("277.60")


def test_allowances_and_charges_enter_their_own_category_and_the_totals():
    totals = invoice_totals(
        [Line(D("200.00")), Line(D("100.00"), "Z", D(0))],
        [
            Charge(D("25.00")),
            Charge(D("10.00"), is_charge=False),
            Charge(D("5.00"), tax_category="E", tax_percent=D(0)),
        ],
    )
    assert (totals.line_total, totals.charge_total, totals.allowance_total) == (D("300.00"), D("30.00"), D("10.00"))
    assert totals.tax_exclusive_total == D("320.00")  # BR-CO-13: lines - allowances + charges
    s_row = next(row for row in totals.tax_breakdown if row.category == "S")
    assert (s_row.taxable_amount, s_row.tax_amount) == (D("215.00"), D("45.15"))
    e_row = next(row for row in totals.tax_breakdown if row.category == "E")
    # A category only a charge carries still gets its exemption reason.
    assert (e_row.taxable_amount, e_row.exemption_reason_code) == (D("5.00"), "VATEX-EU-132")
    assert totals.payable_amount == totals.tax_inclusive_total == D("365.15")


def test_many_lines_add_up_exactly():
    lines = [Line(line_net_amount(D("3"), D("0.3333") + Decimal(index) / 10000)) for index in range(500)]
    totals = invoice_totals(lines)
    assert totals.line_total == sum((line.net_amount for line in lines), Decimal(0))
    assert totals.tax_total == sum((row.tax_amount for row in totals.tax_breakdown), Decimal(0))
    assert totals.tax_inclusive_total == totals.tax_exclusive_total + totals.tax_total
    assert totals.tax_exclusive_total == sum((row.taxable_amount for row in totals.tax_breakdown), Decimal(0))
    for value in totals.stored_values().values():
        assert value == value.quantize(D("0.01"))


def test_an_empty_invoice_totals_zero():
    totals = invoice_totals([])
    assert totals.payable_amount == 0
    assert totals.tax_breakdown == []


def test_a_lines_allowances_and_charges_are_inside_its_net_amount_rounded_once():
    # 3 x 0.3333 = 0.9999, less 0.005 and plus 0.004 (not rounded before): 0.9989, half-up 1.00. Rounding each part
    # first would give 1.00 - 0.01 + 0.00 = 0.99.
    assert line_net_amount(D("3"), D("0.3333"), allowances=D("0.005"), charges=D("0.004")) == D("1.00")
    # The official Allowance example's first line: 10 x 410 + 1 (cleaning) - 101 (discount) = 4000.
    allowances, charges = line_charge_sums([Charge(D("1")), Charge(D("101"), is_charge=False)])
    assert (allowances, charges) == (D("101.00"), D("1.00"))
    assert line_net_amount(D("10"), D("410"), allowances=allowances, charges=charges) == D("4000.00")


def test_line_allowances_lower_the_line_total_and_the_taxable_amount_not_the_document_allowances():
    net = line_net_amount(D("10"), D("100"), allowances=D("101"), charges=D("1"))
    totals = invoice_totals([Line(net, tax_percent=D("25"))])
    assert (totals.line_total, totals.allowance_total, totals.charge_total) == (D("900.00"), D(0), D(0))
    assert [(row.taxable_amount, row.tax_amount) for row in totals.tax_breakdown] == [(D("900.00"), D("225.00"))]


def test_an_amount_paid_in_advance_is_left_out_of_the_amount_due_only():
    # BR-CO-16: amount due = total with VAT - paid amount (+ rounding, which the portal never adds).
    totals = invoice_totals([Line(D("100.00"))], [Charge(D("10.00"))], prepaid=D("50"))
    assert totals.tax_inclusive_total == D("133.10")
    assert (totals.prepaid_amount, totals.payable_amount) == (D("50.00"), D("83.10"))
    assert totals.stored_values()["prepaid_amount"] == D("50.00")
    assert invoice_totals([Line(D("100.00"))]).payable_amount == D("121.00")
