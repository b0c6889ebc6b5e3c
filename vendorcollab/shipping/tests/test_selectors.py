"""The ship-notice reads: each side's lists and their counts, one notice, what can still ship, what is in transit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from vendorcollab.common.errors import NotFound
from vendorcollab.purchasing.models import POStatus, PurchaseOrder
from vendorcollab.shipping import selectors, services
from vendorcollab.shipping.inputs import NoticeReceiptLineInput
from vendorcollab.shipping.list_rows import notice_line_rows, notice_rows
from vendorcollab.shipping.pages import line_views, notice_columns
from vendorcollab.shipping.selectors import BuyerShipNoticeList, VendorShipNoticeList

from .conftest import confirmed_po, ship

D = Decimal


def days(count: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=count)


@pytest.fixture
def notices(cast):
    """Vendor A: one overdue, one expected today, one in ten days, one received, one cancelled; vendor B: one in
    transit expected today."""
    po = confirmed_po(cast, quantities=("100", "100"))
    made = {
        "overdue": ship(cast, (po, 1, "1"), despatch_date=days(-12), expected_delivery_date=days(-10)),
        "today": ship(cast, (po, 1, "1"), expected_delivery_date=days(0), tracking_number="TRACK-77"),
        "later": ship(cast, (po, 2, "1"), expected_delivery_date=days(10)),
        "received": ship(cast, (po, 2, "1"), expected_delivery_date=days(0)),
        "cancelled": ship(cast, (po, 2, "1")),
    }
    services.ship_notice_receive(actor=cast.clerk, notice=made["received"], lines=[NoticeReceiptLineInput(1, D("0.5"))])
    services.ship_notice_cancel(actor=cast.vendor_a_user, notice=made["cancelled"])
    other = confirmed_po(cast, vendor=cast.vendor_b)
    made["of_b"] = ship(cast, (other, 1, "1"), actor=cast.vendor_b_user, expected_delivery_date=days(0))
    made["po"] = po
    return made


def numbers(rows):
    return [notice.number for notice in rows]


def test_the_buyers_lists_by_expected_date(cast, notices):
    def listed(which, **extra):
        return {notice.pk for notice in selectors.buyer_ship_notice_page(actor=cast.clerk, which=which, **extra)}

    n = {name: notice.pk for name, notice in notices.items() if name != "po"}
    assert listed(BuyerShipNoticeList.THIS_WEEK) == {n["today"], n["of_b"]}
    assert listed(BuyerShipNoticeList.OVERDUE) == {n["overdue"]}
    assert listed(BuyerShipNoticeList.IN_TRANSIT) == {n["overdue"], n["today"], n["later"], n["of_b"]}
    assert listed(BuyerShipNoticeList.RECEIVED) == {n["received"]}
    assert listed(BuyerShipNoticeList.ALL) == set(n.values())
    # Ten days on, the one due then is this week's and today's are overdue.
    assert listed(BuyerShipNoticeList.THIS_WEEK, today=days(10)) == {n["later"]}
    assert listed(BuyerShipNoticeList.OVERDUE, today=days(10)) == {n["overdue"], n["today"], n["of_b"]}
    # What is on its way: soonest expected first.
    in_transit = selectors.buyer_ship_notice_page(actor=cast.clerk, which=BuyerShipNoticeList.IN_TRANSIT)
    order = [notice.pk for notice in in_transit]
    assert (order[0], order[-1]) == (n["overdue"], n["later"])


def test_the_buyers_search_and_filters(cast, notices):
    page = selectors.buyer_ship_notice_page
    every = BuyerShipNoticeList.ALL
    assert numbers(page(actor=cast.clerk, which=every, q="track-77")) == [notices["today"].number]
    assert len(page(actor=cast.clerk, which=every, q=notices["po"].number)) == 5
    assert {n.vendor_id for n in page(actor=cast.clerk, which=every, q="Beta")} == {cast.vendor_b.pk}
    assert {n.vendor_id for n in page(actor=cast.clerk, which=every, vendor=cast.vendor_b.pk)} == {cast.vendor_b.pk}
    assert not page(actor=cast.vendor_a_user, which=every).exists()


def test_counts_match_the_lists(cast, notices):
    buyer_counts = selectors.buyer_ship_notice_counts(cast.agent)
    for which in BuyerShipNoticeList:
        assert buyer_counts[which.value] == selectors.buyer_ship_notice_page(actor=cast.agent, which=which).count()
    assert buyer_counts == {"this_week": 2, "overdue": 1, "in_transit": 4, "received": 1, "all": 6}
    vendor_counts = selectors.vendor_ship_notice_counts(cast.vendor_a_user)
    for which in VendorShipNoticeList:
        rows = selectors.vendor_ship_notice_page(actor=cast.vendor_a_user, which=which)
        assert vendor_counts[which.value] == rows.count()
    assert vendor_counts == {"shipped": 3, "received": 1, "cancelled": 1, "all": 5}
    assert selectors.vendor_ship_notice_counts(cast.vendor_b_user) == {
        "shipped": 1,
        "received": 0,
        "cancelled": 0,
        "all": 1,
    }
    # Neither side counts the other side's lists.
    assert set(selectors.buyer_ship_notice_counts(cast.vendor_a_user).values()) == {0}
    assert set(selectors.vendor_ship_notice_counts(cast.clerk).values()) == {0}


def test_the_vendors_lists_are_its_own(cast, notices):
    rows = selectors.vendor_ship_notice_page(actor=cast.vendor_b_user, which=VendorShipNoticeList.ALL)
    assert numbers(rows) == [notices["of_b"].number]
    mine = selectors.vendor_ship_notice_page(actor=cast.vendor_a_user, which=VendorShipNoticeList.SHIPPED)
    # Newest first.
    assert numbers(mine) == [notices[name].number for name in ("later", "today", "overdue")]
    assert numbers(
        selectors.vendor_ship_notice_page(actor=cast.vendor_a_user, which=VendorShipNoticeList.ALL, q="TRACK")
    ) == [notices["today"].number]


def test_one_notice_with_its_difference_seen_by_both_sides_and_by_no_other_vendor(cast, notices):
    received = notices["received"]
    for actor in (cast.clerk, cast.vendor_a_user):
        notice = selectors.ship_notice_get(actor, received.pk)
        [line] = selectors.difference_lines(notice)
        assert (line.quantity, line.received_quantity, line.difference) == (1, D("0.5"), D("-0.5"))
        assert notice.has_difference is True
    with pytest.raises(NotFound):
        selectors.ship_notice_get(cast.vendor_b_user, received.pk)
    assert [
        event.kind for event in selectors.ship_notice_events(selectors.ship_notice_get(cast.clerk, received.pk))
    ] == [
        "received",
        "created",
    ]


def test_notices_of_a_purchase_order(cast, notices):
    po = notices["po"]
    assert len(selectors.notices_of_purchase_order(cast.vendor_a_user, po)) == 5
    assert len(selectors.notices_of_purchase_order(cast.agent, po)) == 5
    assert selectors.notices_of_purchase_order(cast.vendor_b_user, po) == []


def test_shippable_lines_and_shipped_quantities(cast, notices):
    po = notices["po"]
    # Line 1: 100 ordered, 2 in transit; line 2: 0.5 received, 1 in transit (the cancelled notice gave its 1 back).
    assert selectors.shipped_quantities([po.pk]) == {po.pk: (D(3), D("196.5"))}
    lines = selectors.shippable_lines(cast.vendor_a_user, [po.pk])
    assert [(line.line_number, line.to_announce_quantity) for line in lines] == [(1, D(98)), (2, D("98.5"))]
    assert selectors.shippable_lines(cast.vendor_b_user, [po.pk]) == []
    assert selectors.shippable_lines(cast.agent, [po.pk]) == []
    # The PO page's button says the same as the lines.
    assert selectors.can_ship(cast.vendor_a_user, po)
    assert not selectors.can_ship(cast.vendor_b_user, po) and not selectors.can_ship(cast.agent, po)
    # All announced: nothing left to ship; a cancelled line counts for nothing.
    full = confirmed_po(cast, quantities=("3", "4"))
    ship(cast, (full, 1, "3"))
    full.lines.filter(line_number=2).update(is_cancelled=True)
    assert selectors.shippable_lines(cast.vendor_a_user, [full.pk]) == []
    assert not selectors.can_ship(cast.vendor_a_user, full)
    # A PO that is not confirmed (back in review with a new version) ships nothing, and costs no query to say so.
    po.status = POStatus.IN_EXTERNAL_REVIEW
    with CaptureQueriesContext(connection) as statements:
        assert not selectors.can_ship(cast.vendor_a_user, po)
    assert len(statements) == 0
    assert selectors.shipped_quantities([full.pk, po.pk])[full.pk] == (D(3), D(0))


def test_query_counts_do_not_grow_with_the_rows(cast):
    def read_pages():
        with CaptureQueriesContext(connection) as context:
            buyer = list(selectors.buyer_ship_notice_page(actor=cast.clerk, which=BuyerShipNoticeList.ALL))
            vendor = list(selectors.vendor_ship_notice_page(actor=cast.vendor_a_user, which=VendorShipNoticeList.ALL))
            # What the lists show: their rows and their files' columns.
            numbers = selectors.po_numbers(buyer)
            notice_rows([(notice, numbers[notice.pk], False) for notice in buyer], buyer=True)
            notice_rows([(notice, []) for notice in vendor], buyer=False)
            for buyer_side, notices in ((True, buyer), (False, vendor)):
                [[column.value(notice) for column in notice_columns(buyer=buyer_side)] for notice in notices]
            # The vendor's PO list asks for its page's columns.
            pos = list(PurchaseOrder.objects.visible_to(cast.vendor_a_user).values_list("pk", flat=True))
            assert len(selectors.shipped_quantities(pos)) == len(pos)
            selectors.buyer_ship_notice_counts(cast.clerk)
            selectors.vendor_ship_notice_counts(cast.vendor_a_user)
            notice = selectors.ship_notice_get(cast.clerk, buyer[0].pk)
            [(line.purchase_order.number, line.po_line.item) for line in notice.lines.all()]
            # The notice's page: its lines as the page writes them.
            notice_line_rows(line_views(selectors.ship_notice_for_page(cast.clerk, buyer[0].pk)))
        return len(context.captured_queries), len(buyer)

    po = confirmed_po(cast, quantities=("100", "100", "100"))
    ship(cast, (po, 1, "1"), (po, 2, "1"))
    few, few_rows = read_pages()
    for _ in range(6):
        other = confirmed_po(cast, quantities=("5", "5"))
        ship(cast, (po, 3, "1"), (other, 1, "1"), (other, 2, "2"))
    many, many_rows = read_pages()
    assert (few_rows, many_rows) == (1, 7)
    assert many - few <= 0, (few, many)
