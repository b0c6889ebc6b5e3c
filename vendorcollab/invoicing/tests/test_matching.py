"""Matching on submit: price, tax, charges and the total against the PO, within the company's tolerances."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from vendorcollab.common.errors import ValidationFailed
from vendorcollab.invoicing import services
from vendorcollab.invoicing.inputs import ChargeInput, InvoiceLineInput
from vendorcollab.invoicing.models import InvoiceKind, InvoiceStatus
from vendorcollab.purchasing.services import ChargeInput as POChargeInput

from .conftest import invoice_input, received_po


def tolerances(cast, percent: str, amount: str) -> None:
    cast.company.invoice_tolerance_percent = Decimal(percent)
    cast.company.invoice_tolerance_amount = Decimal(amount)
    cast.company.save()


def submit(cast, data):
    return services.invoice_create_and_submit(actor=cast.vendor_a_user, data=data)


def line(po, line_number, quantity, **changes):
    return InvoiceLineInput(purchase_order_id=po.pk, line_number=line_number, quantity=Decimal(quantity), **changes)


def test_a_price_up_to_the_tolerance_matches_and_beyond_it_goes_on_hold(cast):
    tolerances(cast, "5", "1000")
    po = received_po(cast, quantities=("1", "1"), price="100.00")
    data = invoice_input(po)
    data = dataclasses.replace(
        data,
        lines=[line(po, 1, "1", unit_price=Decimal("105.00")), line(po, 2, "1", unit_price=Decimal("105.01"))],
    )
    invoice = submit(cast, data)
    assert invoice.status == InvoiceStatus.ON_HOLD
    assert invoice.exceptions == [{"line_number": 2, "kind": "price", "expected": "100", "actual": "105.01"}]


def test_a_lower_price_beyond_the_tolerance_is_an_exception_too(cast):
    tolerances(cast, "5", "1000")
    po = received_po(cast, quantities=("1",), price="100.00")
    invoice = submit(cast, invoice_input(po, (1, "1"), unit_price=Decimal("94")))
    assert [finding["kind"] for finding in invoice.exceptions] == ["price"]


def test_without_tolerances_any_difference_holds_the_invoice(cast):
    po = received_po(cast, quantities=("1",), price="100.00")
    invoice = submit(cast, invoice_input(po, (1, "1"), unit_price=Decimal("100.01")))
    assert [finding["kind"] for finding in invoice.exceptions] == ["price", "total"]
    assert invoice.exceptions[1] == {"line_number": None, "kind": "total", "expected": "100.00", "actual": "100.01"}


def test_a_price_on_a_line_ordered_at_zero_differs(cast):
    tolerances(cast, "50", "1000")
    po = received_po(cast, quantities=("1", "1"), price="0")
    data = dataclasses.replace(
        invoice_input(po), lines=[line(po, 1, "1"), line(po, 2, "1", unit_price=Decimal("0.01"))]
    )
    invoice = submit(cast, data)
    assert invoice.exceptions == [{"line_number": 2, "kind": "price", "expected": "0", "actual": "0.01"}]


def test_the_order_price_is_net_of_the_line_discount(cast):
    po = received_po(cast, quantities=("10",), price="2.50", line_extra={"discount_percent": Decimal("10")})
    invoice = submit(cast, invoice_input(po, (1, "10")))
    assert invoice.status == InvoiceStatus.MATCHED
    assert invoice.lines.get().order_unit_price == Decimal("2.25")
    assert invoice.line_total == Decimal("22.50")


def test_many_small_price_differences_add_up_to_a_total_exception(cast):
    tolerances(cast, "5", "1.00")
    po = received_po(cast, quantities=("10", "10"), price="10.00")
    invoice = submit(cast, invoice_input(po, (1, "10"), (2, "10"), unit_price=Decimal("10.40")))
    assert invoice.exceptions == [{"line_number": None, "kind": "total", "expected": "200.00", "actual": "208.00"}]


def test_a_different_vat_rate_is_a_tax_exception(cast):
    tolerances(cast, "5", "1000")
    po = received_po(cast, quantities=("1",), tax_percent="21")
    invoice = submit(cast, invoice_input(po, (1, "1"), tax_percent=Decimal("9")))
    assert invoice.exceptions == [{"line_number": 1, "kind": "tax", "expected": "S 21%", "actual": "S 9%"}]


def test_a_po_line_without_a_rate_needs_the_vendors_and_matches_on_the_category(cast):
    po = received_po(cast, quantities=("1",), tax_percent=None)
    with pytest.raises(ValidationFailed) as refused:
        submit(cast, invoice_input(po, (1, "1")))
    assert refused.value.code == "tax_percent_invalid"
    assert list(refused.value.fields) == ["lines.0.tax_percent"]
    invoice = submit(cast, invoice_input(po, (1, "1"), tax_percent=Decimal("21")))
    assert invoice.status == InvoiceStatus.MATCHED


def test_the_pos_charges_may_be_invoiced_once(cast):
    po = received_po(cast, quantities=("10", "10"), charges=[POChargeInput(code="FREIGHT", amount=Decimal("15.00"))])
    freight = [ChargeInput(is_charge=True, reason="Freight", amount=Decimal("15.00"), reason_code="FC")]
    first = submit(cast, invoice_input(po, (1, "10"), charges=freight))
    assert (first.status, first.charge_total) == (InvoiceStatus.MATCHED, Decimal("15.00"))
    second = submit(cast, invoice_input(po, (2, "10"), number="INV-2", charges=freight))
    assert second.status == InvoiceStatus.ON_HOLD
    assert second.exceptions == [
        {"line_number": None, "kind": "charge", "expected": "0.00", "actual": "15.00"},
        {"line_number": None, "kind": "total", "expected": "25.00", "actual": "40.00"},
    ]


def test_a_charge_the_po_does_not_have_is_an_exception_and_an_allowance_counts_in_the_total(cast):
    tolerances(cast, "0", "1.00")
    po = received_po(cast, quantities=("40",))
    handling = [ChargeInput(is_charge=True, reason="Handling", amount=Decimal("0.50"))]
    invoice = submit(cast, invoice_input(po, (1, "20"), charges=handling))
    assert [finding["kind"] for finding in invoice.exceptions] == ["charge"]  # the total is within 1.00
    discount = [ChargeInput(is_charge=False, reason="Loyalty discount", amount=Decimal("5.00"))]
    second = submit(cast, invoice_input(po, (1, "20"), number="INV-2", charges=discount))
    assert second.exceptions == [{"line_number": None, "kind": "total", "expected": "50.00", "actual": "45.00"}]


def test_a_credit_note_matches_unless_its_price_differs_from_the_invoice(cast):
    po = received_po(cast, quantities=("10",))
    invoice = submit(cast, invoice_input(po, (1, "10"), unit_price=Decimal("2.60")))
    as_credit = {"kind": InvoiceKind.CREDIT_NOTE, "credited_invoice_id": invoice.pk}
    same = submit(cast, dataclasses.replace(invoice_input(po, (1, "2"), number="CN-1"), **as_credit))
    assert (same.status, same.lines.get().unit_price) == (InvoiceStatus.MATCHED, Decimal("2.60"))
    lower = submit(
        cast, dataclasses.replace(invoice_input(po, (1, "2"), number="CN-2", unit_price=Decimal("2.50")), **as_credit)
    )
    assert lower.exceptions == [{"line_number": 1, "kind": "price", "expected": "2.6", "actual": "2.5"}]
