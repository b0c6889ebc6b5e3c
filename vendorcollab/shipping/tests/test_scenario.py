"""The ship-notice flow of issue 17 at service level, switching roles along the way: the vendor ships part of a
confirmed PO with a notice, the clerk receives from it with one line short, both sides see the difference; the rest
ships and is received; the notice cannot be cancelled after receipt; over-announcing is refused; another vendor
sees none of it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from vendorcollab.common.errors import Conflict, NotFound
from vendorcollab.purchasing.models import POStatus, PurchaseOrder, Receipt
from vendorcollab.shipping import selectors, services
from vendorcollab.shipping.inputs import NoticeReceiptLineInput
from vendorcollab.shipping.selectors import BuyerShipNoticeList, VendorShipNoticeList

from .conftest import confirmed_po, ship

D = Decimal


def test_ship_part_receive_short_ship_the_rest(cast):
    # Given a confirmed PO of 10 and 20 to the Amsterdam site
    po = confirmed_po(cast, quantities=("10", "20"), site=cast.site)
    vendor, clerk = cast.vendor_a_user, cast.clerk

    # When the vendor ships part of it: 6 of line 1 and all 20 of line 2
    assert [line.line_number for line in selectors.shippable_lines(vendor, [po.pk])] == [1, 2]
    first = ship(
        cast,
        (po, 1, "6"),
        (po, 2, "20"),
        expected_delivery_date=timezone.localdate(),
        carrier="PostNL",
        tracking_number="3S0001",
        packages=2,
    )
    # Then the vendor's PO list shows 26 in transit and 4 still to announce
    assert selectors.shipped_quantities([po.pk]) == {po.pk: (D(26), D(4))}
    # and the buyer sees it coming this week
    assert selectors.buyer_ship_notice_counts(clerk)["this_week"] == 1
    [incoming] = selectors.buyer_ship_notice_page(actor=clerk, which=BuyerShipNoticeList.IN_TRANSIT)
    assert (incoming.pk, incoming.site) == (first.pk, cast.site)
    # Over-announcing is refused: only 4 of line 1 is left
    with pytest.raises(Conflict) as refused:
        ship(cast, (po, 1, "5"))
    assert refused.value.code == "over_announced"

    # When the clerk receives from the notice, quantities as shipped except 2 missing on line 2
    notice = selectors.ship_notice_get(clerk, first.pk)
    prefilled = [NoticeReceiptLineInput(line.line_number, line.quantity) for line in notice.lines.all()]
    prefilled[1] = NoticeReceiptLineInput(2, D(18))
    [receipt] = services.ship_notice_receive(actor=clerk, notice=notice, lines=prefilled)
    assert receipt.ship_notice_id == first.pk

    # Then both sides see the difference
    for actor in (clerk, vendor):
        seen = selectors.ship_notice_get(actor, first.pk)
        assert (seen.status, seen.has_difference) == ("received", True)
        assert [(line.line_number, line.difference) for line in selectors.difference_lines(seen)] == [(2, D(-2))]
    [received] = selectors.vendor_ship_notice_page(actor=vendor, which=VendorShipNoticeList.RECEIVED)
    assert received.has_difference is True
    # and the 2 short are open again next to the 4 never shipped
    assert selectors.shipped_quantities([po.pk]) == {po.pk: (D(0), D(6))}
    assert PurchaseOrder.objects.get(pk=po.pk).status == POStatus.CONFIRMED

    # The received notice cannot be cancelled
    with pytest.raises(Conflict) as refused:
        services.ship_notice_cancel(actor=vendor, notice=first)
    assert refused.value.code == "invalid_transition"

    # When the rest ships and arrives
    rest = ship(cast, (po, 1, "4"), (po, 2, "2"))
    assert selectors.shipped_quantities([po.pk]) == {po.pk: (D(6), D(0))}
    assert selectors.shippable_lines(vendor, [po.pk]) == []
    services.ship_notice_receive(
        actor=clerk, notice=rest, lines=[NoticeReceiptLineInput(1, D(4)), NoticeReceiptLineInput(2, D(2))]
    )
    # Then the PO is received, from two receipts that name their notices, and nothing is in transit
    assert PurchaseOrder.objects.get(pk=po.pk).status == POStatus.RECEIVED
    assert sorted(Receipt.objects.filter(purchase_order=po).values_list("ship_notice_id", flat=True)) == sorted(
        [first.pk, rest.pk]
    )
    assert selectors.shipped_quantities([po.pk]) == {po.pk: (D(0), D(0))}
    assert selectors.buyer_ship_notice_counts(clerk)["in_transit"] == 0
    assert selectors.vendor_ship_notice_counts(vendor)["received"] == 2

    # Another vendor sees none of it
    with pytest.raises(NotFound):
        selectors.ship_notice_get(cast.vendor_b_user, first.pk)
    assert selectors.vendor_ship_notice_counts(cast.vendor_b_user)["all"] == 0
    assert selectors.notices_of_purchase_order(cast.vendor_b_user, po) == []
