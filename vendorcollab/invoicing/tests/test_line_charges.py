"""Allowances and charges on invoice lines (EN 16931 BG-27, BG-28) and an amount paid in advance (BT-113): what the
services store, what they refuse, and how the match weighs them."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from vendorcollab.invoicing import services
from vendorcollab.invoicing.inputs import LineChargeInput
from vendorcollab.invoicing.models import InvoiceStatus
from vendorcollab.purchasing.services import ChargeInput as POChargeInput

from .conftest import invoice_input, received_po
from .test_matching import tolerances
from .test_rules import refused_code

DISCOUNT = LineChargeInput(is_charge=False, reason="Discount", amount=Decimal("2.50"), reason_code="95")
CLEANING = LineChargeInput(is_charge=True, reason="Cleaning", amount=Decimal("1.00"), reason_code="CG")


def create(cast, data):  # type: ignore[no-untyped-def]
    return services.invoice_create(actor=cast.vendor_a_user, data=data)


def submit(cast, data):  # type: ignore[no-untyped-def]
    return services.invoice_create_and_submit(actor=cast.vendor_a_user, data=data)


def test_a_lines_allowances_and_charges_are_stored_and_inside_its_amount_and_the_prepaid_amount_off_the_amount_due(
    cast,
):
    po = received_po(cast, quantities=("10", "20"), price="2.50")  # 25.00 and 50.00 at 21 %
    data = invoice_input(po, (1, "10"), (2, "20"))
    data = dataclasses.replace(
        data,
        lines=[dataclasses.replace(data.lines[0], charges=[DISCOUNT, CLEANING]), data.lines[1]],
        prepaid_amount=Decimal("20"),
    )

    invoice = create(cast, data)

    first, second = invoice.lines.order_by("line_number")
    assert (first.net_amount, second.net_amount) == (Decimal("23.50"), Decimal("50.00"))
    assert [(charge.is_charge, charge.reason, charge.reason_code, charge.amount) for charge in first.charges.all()] == [
        (False, "Discount", "95", Decimal("2.50")),
        (True, "Cleaning", "CG", Decimal("1.00")),
    ]
    assert not second.charges.exists()
    # Line allowances and charges are not the document's (BT-107, BT-108).
    assert (invoice.line_total, invoice.allowance_total, invoice.charge_total) == (Decimal("73.50"), 0, 0)
    assert (invoice.tax_total, invoice.tax_inclusive_total) == (Decimal("15.44"), Decimal("88.94"))
    assert (invoice.prepaid_amount, invoice.payable_amount) == (Decimal("20.00"), Decimal("68.94"))


def test_a_draft_changed_without_line_charges_loses_them(cast):
    po = received_po(cast, quantities=("10",))
    data = invoice_input(po, (1, "10"))
    draft = create(cast, dataclasses.replace(data, lines=[dataclasses.replace(data.lines[0], charges=[DISCOUNT])]))

    services.invoice_update(actor=cast.vendor_a_user, invoice=draft, data=data)

    line = draft.lines.get()
    assert (line.net_amount, line.charges.count()) == (Decimal("25.00"), 0)


@pytest.mark.parametrize(
    ("charge", "prepaid", "code", "field"),
    [
        (dataclasses.replace(DISCOUNT, reason="", reason_code=""), "0", "required", "lines.0.charges.0.reason"),
        (dataclasses.replace(DISCOUNT, amount=Decimal(0)), "0", "amount_not_positive", "lines.0.charges.0.amount"),
        (dataclasses.replace(DISCOUNT, amount=Decimal("-1")), "0", "amount_not_positive", "lines.0.charges.0.amount"),
        (dataclasses.replace(DISCOUNT, amount=Decimal("25.01")), "0", "line_amount_negative", "lines.0.charges"),
        (None, "-0.01", "prepaid_negative", "prepaid_amount"),
        (None, "30.26", "prepaid_exceeds_total", "prepaid_amount"),  # the total with VAT is 30.25
    ],
)
def test_line_charge_and_prepaid_rules(cast, charge, prepaid, code, field):
    po = received_po(cast, quantities=("10",))
    data = invoice_input(po, (1, "10"))
    data = dataclasses.replace(
        data,
        lines=[dataclasses.replace(data.lines[0], charges=[charge] if charge else [])],
        prepaid_amount=Decimal(prepaid),
    )
    error = refused_code(lambda: create(cast, data))
    assert (error.code, list(error.fields)) == (code, [field])


def test_an_allowance_as_large_as_the_line_leaves_it_at_zero_and_is_taken(cast):
    po = received_po(cast, quantities=("10",))
    data = invoice_input(po, (1, "10"))
    charge = dataclasses.replace(DISCOUNT, amount=Decimal("25.00"))
    invoice = create(cast, dataclasses.replace(data, lines=[dataclasses.replace(data.lines[0], charges=[charge])]))
    assert invoice.lines.get().net_amount == 0


def test_a_line_allowance_is_part_of_the_line_amount_the_match_compares(cast):
    tolerances(cast, "0", "1.00")
    po = received_po(cast, quantities=("10", "10"), price="10.00")
    data = invoice_input(po, (1, "10"))
    small = dataclasses.replace(DISCOUNT, amount=Decimal("1.00"))
    large = dataclasses.replace(DISCOUNT, amount=Decimal("1.01"))

    within = submit(cast, dataclasses.replace(data, lines=[dataclasses.replace(data.lines[0], charges=[small])]))
    beyond = submit(
        cast,
        dataclasses.replace(
            invoice_input(po, (2, "10"), number="INV-2"),
            lines=[dataclasses.replace(invoice_input(po, (2, "10")).lines[0], charges=[large])],
        ),
    )

    assert (within.status, within.exceptions) == (InvoiceStatus.MATCHED, [])
    assert beyond.status == InvoiceStatus.ON_HOLD
    assert beyond.exceptions == [
        {"line_number": None, "kind": "total", "expected": "100.00", "actual": "98.99"},
    ]


def test_a_line_charge_is_a_charge_the_po_must_have(cast):
    po = received_po(
        cast, quantities=("10", "10"), price="10.00", charges=[POChargeInput(code="CG", amount=Decimal(1))]
    )
    data = invoice_input(po, (1, "10"))
    with_cleaning = dataclasses.replace(data.lines[0], charges=[CLEANING])

    first = submit(cast, dataclasses.replace(data, lines=[with_cleaning]))
    # The PO's charge is invoiced once, however it is carried: the second invoice's line charge is beyond it.
    second_data = invoice_input(po, (2, "10"), number="INV-2")
    second = submit(
        cast, dataclasses.replace(second_data, lines=[dataclasses.replace(second_data.lines[0], charges=[CLEANING])])
    )

    assert (first.status, first.exceptions) == (InvoiceStatus.MATCHED, [])
    assert second.status == InvoiceStatus.ON_HOLD
    assert [finding["kind"] for finding in second.exceptions] == ["charge", "total"]
    assert second.exceptions[0] == {"line_number": None, "kind": "charge", "expected": "0.00", "actual": "1.00"}
