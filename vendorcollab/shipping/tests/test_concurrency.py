"""Ship notices racing on PostgreSQL, with real transactions and one connection per thread: two notices for the same
open quantity (exactly one wins, the other gets ``over_announced``, and what is in transit never exceeds what was
open), a receipt racing a cancellation (one wins), and two notices numbered at the same moment.

Skipped on SQLite, whose database-wide write lock serialises the threads before the row locks under test are
ever reached.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection

from vendorcollab.common.errors import Conflict
from vendorcollab.purchasing.models import PurchaseOrderLine, Receipt
from vendorcollab.purchasing.tests.test_concurrency import race, split_outcomes
from vendorcollab.shipping import services
from vendorcollab.shipping.inputs import NoticeReceiptLineInput
from vendorcollab.shipping.models import ShipNotice, ShipNoticeStatus

from .conftest import confirmed_po, notice_input

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are tested on PostgreSQL"),
]


def create(actor, *lines, **extra):
    return lambda: services.ship_notice_create(actor=actor, data=notice_input(*lines, **extra))


def in_transit(po):
    return [line.in_transit_quantity for line in PurchaseOrderLine.objects.filter(purchase_order=po).order_by("pk")]


def test_two_notices_for_the_same_open_quantity_one_wins(cast):
    po = confirmed_po(cast, quantities=("10", "10"))
    # The lines in opposite orders: the locks are taken in primary-key order whatever the notice's order.
    first = create(cast.vendor_a_user, (po, 1, "7"), (po, 2, "7"), number="A")
    second = create(cast.vendor_a_admin, (po, 2, "7"), (po, 1, "7"), number="B")
    wins, losses = split_outcomes(race(first, second))
    assert len(wins) == 1 and len(losses) == 1
    assert isinstance(losses[0], Conflict) and losses[0].code == "over_announced"
    assert losses[0].status == 409
    assert in_transit(po) == [Decimal(7), Decimal(7)]
    assert ShipNotice.objects.count() == 1


def test_many_small_notices_at_once_never_announce_more_than_is_open(cast):
    po = confirmed_po(cast, quantities=("10",))
    calls = [create(cast.vendor_a_user, (po, 1, "3"), number=f"S-{index}") for index in range(5)]
    wins, losses = split_outcomes(race(*calls))
    assert (len(wins), len(losses)) == (3, 2)
    assert {loss.code for loss in losses} == {"over_announced"}
    assert in_transit(po) == [Decimal(9)]


def test_notices_numbered_at_the_same_moment_get_numbers_of_their_own(cast):
    po = confirmed_po(cast, quantities=("10",))
    wins, losses = split_outcomes(race(*(create(cast.vendor_a_user, (po, 1, "1")) for _ in range(3))))
    assert (len(wins), losses) == (3, [])
    assert sorted(notice.number for notice in wins) == ["SN-000001", "SN-000002", "SN-000003"]


def test_a_receipt_racing_a_cancellation_one_wins(cast):
    po = confirmed_po(cast, quantities=("10",))
    notice = services.ship_notice_create(actor=cast.vendor_a_user, data=notice_input((po, 1, "6")))

    def receive():
        return services.ship_notice_receive(
            actor=cast.clerk, notice=notice.pk, lines=[NoticeReceiptLineInput(1, Decimal(6))]
        )

    def cancel():
        return services.ship_notice_cancel(actor=cast.vendor_a_user, notice=notice.pk)

    wins, losses = split_outcomes(race(receive, cancel))
    assert len(wins) == 1 and len(losses) == 1
    assert isinstance(losses[0], Conflict) and losses[0].code == "invalid_transition"
    notice.refresh_from_db()
    line = PurchaseOrderLine.objects.get(purchase_order=po)
    if notice.status == ShipNoticeStatus.RECEIVED:
        assert (line.received_quantity, line.in_transit_quantity) == (6, 0)
        assert Receipt.objects.filter(ship_notice=notice).count() == 1
    else:
        assert notice.status == ShipNoticeStatus.CANCELLED
        assert (line.received_quantity, line.in_transit_quantity) == (0, 0)
        assert not Receipt.objects.filter(ship_notice=notice).exists()
