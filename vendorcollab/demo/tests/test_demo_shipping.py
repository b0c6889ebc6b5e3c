"""The demo's ship notices and vendor performance history: every case of the notice lists is there, and half a year
of orders lies on the days it happened, so the performance pages show real trends."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from vendorcollab.accounts.models import User
from vendorcollab.demo.performance import HISTORY_BEFORE_DAYS_AGO, ORDER_DAYS_AGO
from vendorcollab.partners.models import Vendor
from vendorcollab.performance.figures import PerformanceFilter
from vendorcollab.performance.selectors import default_period, vendor_performance
from vendorcollab.purchasing.models import EventKind, POStatus, PurchaseOrder, PurchaseOrderEvent, Receipt
from vendorcollab.shipping.models import ShipNotice, ShipNoticeStatus

pytestmark = pytest.mark.django_db


def run_demo(settings: Any) -> str:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    out = StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def test_the_notice_lists_show_every_case_once(settings: Any) -> None:
    run_demo(settings)
    today = timezone.localdate()
    week_ends = today + dt.timedelta(days=6 - today.weekday())
    in_transit = ShipNotice.objects.filter(status=ShipNoticeStatus.SHIPPED)
    overdue = in_transit.filter(expected_delivery_date__lt=today)
    this_week = in_transit.filter(expected_delivery_date__gte=today, expected_delivery_date__lte=week_ends)
    later = in_transit.filter(expected_delivery_date__gt=week_ends)
    assert (overdue.count(), this_week.count(), later.count()) == (1, 1, 1)
    assert {notice.vendor.name for notice in in_transit} == {"Fabrikam Supplies", "Northwind Traders"}
    # What is on its way is held in transit on the PO lines, and a line not shipped stays to announce.
    on_the_way = later.get()
    po = PurchaseOrder.objects.get(pk=on_the_way.lines.get(line_number=1).purchase_order_id)
    assert po.status == POStatus.CONFIRMED
    assert [(line.in_transit_quantity, line.to_announce_quantity) for line in po.lines.order_by("line_number")] == [
        (60, 0),
        (24, 0),
        (0, 10),
    ]
    # The one with a difference: one line short, received today from its notice.
    short = ShipNotice.objects.get(has_difference=True)
    assert short.status == ShipNoticeStatus.RECEIVED and short.received_date == today
    assert [line.difference for line in short.lines.order_by("line_number")] == [-2, 0]
    received = Receipt.objects.get(ship_notice=short).lines.values_list("quantity", flat=True)
    assert sorted(received) == [46, 80]

    # A second run adds nothing.
    notices = ShipNotice.objects.count()
    run_demo(settings)
    assert ShipNotice.objects.count() == notices


def test_the_history_lies_on_the_days_it_happened(settings: Any, django_capture_on_commit_callbacks: Any) -> None:
    """Each demo vendor's orders of the last half year were sent, answered, confirmed, shipped and received in that
    order, on their own days, in six or more different months; Tailspin got more punctual over time."""
    # The performance facts are refreshed by tasks queued after the commit, as in `make run`.
    with django_capture_on_commit_callbacks(execute=True):
        run_demo(settings)
    today = timezone.localdate()
    first_day = today - dt.timedelta(days=max(ORDER_DAYS_AGO))
    history = PurchaseOrder.objects.filter(order_date__lt=today - dt.timedelta(days=HISTORY_BEFORE_DAYS_AGO))
    assert history.count() == 4 * len(ORDER_DAYS_AGO)
    assert history.filter(status=POStatus.CANCELLED).count() == 1  # Tailspin turned one down
    steps = defaultdict(list)
    for po_id, kind, at in PurchaseOrderEvent.objects.filter(purchase_order__in=history).values_list(
        "purchase_order_id", "kind", "created_at"
    ):
        steps[po_id].append((at, kind))
    months = set()
    for po in history:
        moments = sorted(steps[po.pk])
        assert moments[0][0].date() == po.order_date >= first_day
        kinds = [kind for _, kind in moments]
        assert kinds.index(EventKind.SENT) < kinds.index(EventKind.RESPONDED)
        sent = next(at for at, kind in moments if kind == EventKind.SENT)
        answered = next(at for at, kind in moments if kind == EventKind.RESPONDED)
        assert dt.timedelta(minutes=20) <= answered - sent <= dt.timedelta(days=3)
        months.add(po.order_date.replace(day=1))
        if po.status == POStatus.RECEIVED:
            notice = ShipNotice.objects.filter(lines__purchase_order=po).distinct().get()
            assert answered.date() <= notice.despatch_date <= notice.received_date < today
    assert len(months) >= 6
    tailspin = Vendor.objects.get(number="V-3000")
    late = [
        (notice.received_date - notice.expected_delivery_date).days
        for notice in ShipNotice.objects.filter(
            vendor=tailspin, received_date__lt=today - dt.timedelta(days=20)
        ).order_by("despatch_date")
    ]
    assert late[0] > late[-1] >= 0, late

    # The performance pages read it so: Tailspin's months go from late to on time, every answer counted.
    agent = User.objects.get(username="agent")
    page = vendor_performance(agent, tailspin.pk, PerformanceFilter(period=default_period()))
    delivered = [figures for _, figures in page.months if figures.deliveries]
    assert len(delivered) >= 5
    assert delivered[0].on_time_share == 0 and delivered[-1].on_time_share == 100
    assert page.total.responses >= len(ORDER_DAYS_AGO) and page.total.rejected == 1  # and this month's answers
    assert page.total.notices == len(ORDER_DAYS_AGO) - 1 + 1  # the history's and today's received one
