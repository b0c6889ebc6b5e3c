"""On-hand stock equals the sum of its movements, whatever sequence of receipts and ownership changes produced it."""

from collections import defaultdict
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vendorcollab.common.errors import ValidationFailed
from vendorcollab.consignment.models import ConsignmentMovement, ConsignmentStock
from vendorcollab.consignment.services import (
    ReceiveInput,
    ownership_change_post,
    replenishment_create,
    replenishment_receive,
)

from .helpers import priced, stock_line

# A step: ("replenish", item, colour, quantity, received part) or ("take", item, colour, quantity).
items = st.integers(min_value=0, max_value=2)
colours = st.sampled_from(["", "Red"])
quantities = st.integers(min_value=1, max_value=30)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("replenish"), items, colours, quantities, st.integers(min_value=0, max_value=30)),
        st.tuples(st.just("take"), items, colours, quantities),
    ),
    min_size=1,
    max_size=12,
)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=steps)
def test_on_hand_is_the_sum_of_the_movements(cast, sequence):
    ConsignmentMovement.objects.all()._raw_delete(ConsignmentMovement.objects.db)  # each example starts empty
    ConsignmentStock.objects.all().delete()
    priced(cast)
    expected_physical: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    for step in sequence:
        item, colour, quantity = step[1], step[2], Decimal(step[3])
        key = (item, colour)
        if step[0] == "replenish":
            received = min(Decimal(step[4]), quantity)
            order = replenishment_create(
                actor=cast.agent, vendor=cast.vendor_a, lines=[stock_line(cast, item, str(quantity), color=colour)]
            )
            if received:
                replenishment_receive(actor=cast.clerk, order=order, lines=[ReceiveInput(1, received)])
                expected_physical[key] += received
        else:
            try:
                ownership_change_post(
                    actor=cast.agent, vendor=cast.vendor_a, lines=[stock_line(cast, item, str(quantity), color=colour)]
                )
            except ValidationFailed as refused:
                assert refused.code == "more_than_owned"
                assert quantity > expected_physical[key]
            else:
                expected_physical[key] -= quantity
    for stock in ConsignmentStock.objects.filter(vendor=cast.vendor_a):
        moves = ConsignmentMovement.objects.filter(
            vendor=cast.vendor_a, item=stock.item, warehouse=stock.warehouse, color=stock.color
        )
        assert stock.physical_quantity == sum((m.physical_change for m in moves), Decimal(0))
        assert stock.expected_quantity == sum((m.expected_change for m in moves), Decimal(0))
        assert stock.physical_quantity >= 0
        key = (cast.items.index(stock.item), stock.color)
        assert stock.physical_quantity == expected_physical[key]
