"""Purchase order receipts and replenishment receipts share one "quantity per line" form and one validator
(``common.receiving``): the same input is refused in the same way, with the same codes, on both."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from vendorcollab.common.errors import ValidationFailed
from vendorcollab.common.receiving import LineQuantitiesForm, LineQuantity
from vendorcollab.common.testing.factories import make_po
from vendorcollab.consignment.buyer_forms import ReplenishmentReceiveForm
from vendorcollab.consignment.services import replenishment_create, replenishment_receive
from vendorcollab.consignment.tests.helpers import stock_line
from vendorcollab.purchasing.services import po_confirm, receipt_post
from vendorcollab.purchasing.views.receiving import ReceiptForm


@pytest.fixture
def orders(cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:2], send=True)  # 10 and 20
    po = po_confirm(actor=cast.agent, purchase_order=po, without_response=True)
    order = replenishment_create(
        actor=cast.agent, vendor=cast.vendor_a, lines=[stock_line(cast, 0, "10"), stock_line(cast, 1, "20")]
    )
    return po, order


def test_both_receipt_forms_are_the_one_form():
    assert issubclass(ReceiptForm, LineQuantitiesForm) and issubclass(ReplenishmentReceiveForm, LineQuantitiesForm)


@pytest.mark.parametrize(
    ("lines", "codes"),
    [
        ([], {"lines": "required"}),
        ([LineQuantity(9, Decimal(1))], {"lines.0.line_number": "unknown_line"}),
        ([LineQuantity(1, Decimal(1)), LineQuantity(1, Decimal(1))], {"lines.1.line_number": "duplicate_line_number"}),
        ([LineQuantity(1, Decimal(0))], {"lines.0.quantity": "quantity_not_positive"}),
    ],
)
def test_the_services_refuse_the_same_lines_with_the_same_codes(cast, orders, lines, codes):
    po, order = orders
    with pytest.raises(ValidationFailed) as purchase:
        receipt_post(actor=cast.clerk, purchase_order=po, lines=lines)
    with pytest.raises(ValidationFailed) as replenishment:
        replenishment_receive(actor=cast.clerk, order=order, lines=lines)
    assert purchase.value.field_codes == replenishment.value.field_codes == codes


def test_both_pages_place_the_same_refusals_next_to_the_same_inputs(client, cast, orders):
    po, order = orders
    client.force_login(cast.clerk)
    today = timezone.localdate().isoformat()
    pages = [
        (reverse("buyer:po_receive", args=[po.pk]), {"received_date": today}),
        (reverse("consignment_buyer:replenishment_receive", args=[order.pk]), {}),
    ]
    for target, extra in pages:
        for posted, field, message in [
            ({}, None, "Enter the quantity received on at least one line."),
            ({"line_1": "-1"}, "line_1", "quantity"),
            ({"line_2": "21"}, "line_2", "20"),
        ]:
            response = client.post(target, {**extra, **posted})
            assert response.status_code == 422, (target, posted)
            form = response.context["form"]
            errors = form.errors.get(field) if field else form.non_field_errors()
            assert errors and message in " ".join(errors), (target, posted, form.errors)
