"""Ship notices on time: notices made and received through the shipping services, their figures by hand.

One confirmed PO of vendor A (three lines, items 0, 1, 2; company tolerance 2 days) and four notices:
  N1 line 1, expected 10 March, received 12 March: 2 days after, within the tolerance: on time.
  N2 line 2, expected 1 March, received 5 March: 4 days after: late.
  N3 line 3, still in transit: not counted.   N4 line 3, cancelled: not counted.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from vendorcollab.performance.figures import PerformanceFilter, Period
from vendorcollab.performance.models import NoticeFact
from vendorcollab.performance.selectors import performance_ranking, vendor_performance
from vendorcollab.performance.services import rebuild_all
from vendorcollab.purchasing.models import ResponseKind
from vendorcollab.purchasing.services import po_confirm, po_create, po_send, response_submit
from vendorcollab.shipping.inputs import NoticeReceiptLineInput, ShipNoticeInput, ShipNoticeLineInput
from vendorcollab.shipping.services import ship_notice_cancel, ship_notice_create, ship_notice_receive

from .conftest import day, line

pytestmark = pytest.mark.django_db

MARCH = PerformanceFilter(period=Period(date(2026, 3, 1), date(2026, 3, 1)))


@pytest.fixture
def notices(cast, at):
    cast.company.delivery_tolerance_days = 2
    cast.company.save()
    with at("2026-02-20T08:00"):
        po = po_create(
            actor=cast.agent,
            company=cast.company,
            vendor=cast.vendor_a,
            lines=[line(item, "10", "2026-03-10") for item in cast.items],
        )
        po_send(actor=cast.agent, purchase_order=po)
        response_submit(actor=cast.vendor_a_user, purchase_order=po, version=1, kind=ResponseKind.ACCEPTED)
        po_confirm(actor=cast.agent, purchase_order=po)

    def announce(line_number, quantity, expected):
        return ship_notice_create(
            actor=cast.vendor_a_user,
            data=ShipNoticeInput(
                lines=(ShipNoticeLineInput(po.pk, line_number, Decimal(quantity)),),
                expected_delivery_date=day(expected),
            ),
        )

    with at("2026-02-27T08:00"):
        n2 = announce(2, "5", "2026-03-01")
        n3 = announce(3, "2", "2026-03-03")
        n4 = announce(3, "1", "2026-03-03")
    with at("2026-03-05T12:00"):
        ship_notice_receive(actor=cast.clerk, notice=n2, lines=[NoticeReceiptLineInput(1, Decimal(5))])
    with at("2026-03-08T08:00"):
        n1 = announce(1, "4", "2026-03-10")
        ship_notice_cancel(actor=cast.vendor_a_user, notice=n4)
    with at("2026-03-12T12:00"):
        ship_notice_receive(actor=cast.clerk, notice=n1, lines=[NoticeReceiptLineInput(1, Decimal(4))])
    return {"n1": n1, "n2": n2, "n3": n3, "n4": n4}


def test_received_notices_on_time_within_the_tolerance(notices, cast):
    figures = vendor_performance(cast.agent, cast.vendor_a.pk, MARCH).total
    assert (figures.notices, figures.notices_on_time, figures.notices_on_time_share) == (2, 1, Decimal("50.0"))
    facts = {fact.ship_notice_id: fact.days_late for fact in NoticeFact.objects.all()}
    assert facts == {notices["n1"].pk: 2, notices["n2"].pk: 4}


def test_a_tighter_tolerance_applies_at_once(notices, cast):
    cast.company.delivery_tolerance_days = 1
    cast.company.save()
    figures = vendor_performance(cast.agent, cast.vendor_a.pk, MARCH).total
    assert (figures.notices, figures.notices_on_time) == (2, 0)


def test_the_item_filter_keeps_the_notices_with_a_line_of_it(notices, cast):
    item_1, item_2 = cast.items[1], cast.items[2]
    [row] = performance_ranking(cast.agent, PerformanceFilter(period=MARCH.period, item_id=item_1.pk))
    assert (row.figures.notices, row.figures.notices_on_time) == (1, 0)  # N2 only
    figures = vendor_performance(cast.agent, cast.vendor_a.pk, PerformanceFilter(MARCH.period, item_id=item_2.pk))
    assert figures.total.notices == 0


def test_rebuild_gives_the_notices_their_facts_again(notices):
    before = sorted(NoticeFact.objects.values_list("ship_notice_id", "month", "days_late"))
    NoticeFact.objects.all().delete()
    rebuild_all()
    assert sorted(NoticeFact.objects.values_list("ship_notice_id", "month", "days_late")) == before
