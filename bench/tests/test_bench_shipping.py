"""The bench data's ship notices and performance facts (issue 17) hold what the services would have left, and a data
set loaded before them gets them added without being loaded again."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from bench.performance import performance_loaded
from bench.world import BIG_VENDOR_NUMBER, DELIVERY_TOLERANCE_DAYS
from vendorcollab.partners.models import Company, Vendor
from vendorcollab.purchasing.models import POStatus, PurchaseOrder, PurchaseOrderLine, Receipt, ReceiptLine
from vendorcollab.shipping.models import ShipNotice, ShipNoticeEvent, ShipNoticeLine, ShipNoticeStatus
from vendorcollab.shipping.services import next_ship_notice_number

pytestmark = pytest.mark.django_db


class _Null:
    def write(self, text: str) -> None:
        pass

    def flush(self) -> None:
        pass


def _load(**options: object) -> None:
    call_command("bench_data", vendors=8, pos=600, big_vendor_pos=120, consignment_vendors=3, stdout=_Null(), **options)


@pytest.fixture
def bench_data() -> None:
    _load()


def test_notices_in_every_status(bench_data: None) -> None:
    assert set(ShipNotice.objects.values_list("status", flat=True)) == set(ShipNoticeStatus.values)
    # The measured vendor: most of its receipts were announced, some notices are on their way.
    big = Vendor.objects.get(number=BIG_VENDOR_NUMBER)
    statuses = Counter(ShipNotice.objects.filter(vendor=big).values_list("status", flat=True))
    assert statuses[ShipNoticeStatus.RECEIVED] > statuses[ShipNoticeStatus.SHIPPED] > 0
    assert ShipNotice.objects.filter(has_difference=True).exists()
    today = timezone.localdate()
    in_transit = ShipNotice.objects.filter(status=ShipNoticeStatus.SHIPPED)
    assert in_transit.filter(expected_delivery_date__lt=today).exists()  # overdue
    assert in_transit.filter(expected_delivery_date__gte=today).exists()


def test_received_notices_are_their_receipts(bench_data: None) -> None:
    """A received notice is named by exactly one receipt of one PO, ships that receipt's lines to one site, and
    records what the receipt received; its difference is exactly a line received otherwise than announced."""
    # Read as plain rows: a prefetch of every line would pass SQLite's limit on the size of one query.
    receipts = defaultdict(list)
    for receipt in Receipt.objects.filter(ship_notice__isnull=False).select_related("purchase_order"):
        receipts[receipt.ship_notice_id].append(receipt)
    received = defaultdict(dict)
    for receipt_id, line_id, quantity in ReceiptLine.objects.values_list("receipt_id", "line_id", "quantity"):
        received[receipt_id][line_id] = quantity
    lines = defaultdict(list)
    for line in ShipNoticeLine.objects.select_related("po_line").order_by("notice_id", "line_number"):
        lines[line.notice_id].append(line)
    notices = ShipNotice.objects.filter(status=ShipNoticeStatus.RECEIVED)
    assert notices.exists()
    for notice in notices:
        assert len(receipts[notice.pk]) == 1, notice.number
        receipt = receipts[notice.pk][0]
        shipped = lines[notice.pk]
        assert [line.line_number for line in shipped] == list(range(1, len(shipped) + 1))
        assert {line.po_line_id: line.received_quantity for line in shipped} == received[receipt.pk], notice.number
        assert {line.purchase_order_id for line in shipped} == {receipt.purchase_order_id}
        assert {line.po_line.site_id for line in shipped} == {notice.site_id}
        assert notice.has_difference == any(line.difference for line in shipped), notice.number
        assert notice.received_date == receipt.received_date
        assert notice.despatch_date <= notice.expected_delivery_date
        assert notice.despatch_date <= notice.received_date
        assert receipt.purchase_order.vendor_id == notice.vendor_id
    assert sum(len(named) for named in receipts.values()) == notices.count()


def test_what_is_in_transit_is_what_notices_on_their_way_announce(bench_data: None) -> None:
    on_the_way = dict(
        ShipNoticeLine.objects.filter(notice__status=ShipNoticeStatus.SHIPPED)
        .values_list("po_line_id")
        .annotate(total=Sum("quantity"))
        .values_list("po_line_id", "total")
    )
    assert on_the_way
    for line in PurchaseOrderLine.objects.select_related("purchase_order"):
        assert line.in_transit_quantity == on_the_way.get(line.pk, Decimal(0)), line.pk
        assert line.received_quantity + line.in_transit_quantity <= line.quantity, line.pk
        if line.in_transit_quantity:
            assert line.purchase_order.status == POStatus.CONFIRMED
            assert not line.is_cancelled
    today = timezone.localdate()
    for notice in ShipNotice.objects.exclude(status=ShipNoticeStatus.RECEIVED):
        assert notice.received_date is None
        assert notice.despatch_date <= today  # never despatched in the future
        assert notice.expected_delivery_date >= notice.despatch_date
        assert (notice.status == ShipNoticeStatus.CANCELLED) == bool(notice.cancel_reason)
        assert not notice.receipts.exists()


def test_history_and_numbers_follow_the_services(bench_data: None) -> None:
    events = defaultdict(list)
    for notice_id, source, target in ShipNoticeEvent.objects.order_by("created_at", "pk").values_list(
        "notice_id", "from_status", "to_status"
    ):
        events[notice_id].append((source, target))
    numbers = defaultdict(list)
    for notice in ShipNotice.objects.order_by("pk"):
        chain = events[notice.pk]
        assert chain[0] == ("", ShipNoticeStatus.SHIPPED), notice.number
        assert chain[-1][1] == notice.status, notice.number
        assert len(chain) == (1 if notice.status == ShipNoticeStatus.SHIPPED else 2)
        numbers[notice.vendor_id].append(notice.number)
    for vendor_id, taken in numbers.items():
        assert taken == [f"SN-{n:06d}" for n in range(1, len(taken) + 1)]
        # The portal's next assigned number follows the loaded ones.
        assert next_ship_notice_number(Vendor.objects.get(pk=vendor_id)) == f"SN-{len(taken) + 1:06d}"


def test_performance_facts_rank_vendors_apart(bench_data: None) -> None:
    """The facts are built, and the vendors' punctuality differs, so the ranking has something to rank."""
    from vendorcollab.performance.models import DeliveryFact, NoticeFact, ResponseFact

    assert performance_loaded()
    assert Company.objects.filter(delivery_tolerance_days=DELIVERY_TOLERANCE_DAYS).count() == 3
    big = Vendor.objects.get(number=BIG_VENDOR_NUMBER)
    assert ResponseFact.objects.filter(vendor=big).exists()
    assert (
        NoticeFact.objects.filter(vendor=big).count()
        == ShipNotice.objects.filter(vendor=big, status=ShipNoticeStatus.RECEIVED).count()
    )
    late_shares = []
    for vendor_id in Vendor.objects.values_list("pk", flat=True):
        days = list(DeliveryFact.objects.filter(vendor_id=vendor_id).values_list("days_late", flat=True))
        if days:
            late_shares.append(sum(day > DELIVERY_TOLERANCE_DAYS for day in days) / len(days))
    assert len(late_shares) >= 4
    assert max(late_shares) - min(late_shares) > 0.2, late_shares
    # The measured vendor is a punctual one: most of what it delivered came within the tolerance.
    days = list(DeliveryFact.objects.filter(vendor=big).values_list("days_late", flat=True))
    assert sum(abs(day) <= DELIVERY_TOLERANCE_DAYS for day in days) / len(days) > 0.6


def _as_before_issue_17() -> None:
    """What a data set loaded before issue 17 held: no notices, nothing in transit, no facts, no tolerance."""
    from django.apps import apps

    with connection.cursor() as cursor:  # receipts are append-only to the ORM; the column did not exist then
        cursor.execute("UPDATE purchasing_receipt SET ship_notice_id = NULL")
    PurchaseOrderLine.objects.update(in_transit_quantity=0)
    ShipNoticeLine.objects.all().delete()
    ShipNoticeEvent.objects.all()._raw_delete(ShipNoticeEvent.objects.db)  # append-only to the ORM
    ShipNotice.objects.all().delete()
    for model in apps.get_app_config("performance").get_models():
        model._default_manager.all().delete()
    Company.objects.update(delivery_tolerance_days=0)


def test_an_older_data_set_is_completed_without_loading_it_again(bench_data: None) -> None:
    loaded = ShipNotice.objects.count()
    _as_before_issue_17()
    pos, receipts = PurchaseOrder.objects.count(), Receipt.objects.count()
    assert not performance_loaded()

    _load(skip_if_loaded=True)

    assert PurchaseOrder.objects.count() == pos and Receipt.objects.count() == receipts
    assert ShipNotice.objects.count() == loaded  # the same seed announces the same shipments
    assert performance_loaded()
    assert Company.objects.filter(delivery_tolerance_days=DELIVERY_TOLERANCE_DAYS).count() == 3
    # Completing twice adds nothing.
    _load(skip_if_loaded=True)
    assert ShipNotice.objects.count() == loaded
    _load(add="ship_notices")
    assert ShipNotice.objects.count() == loaded


def test_additions_are_named_and_need_a_data_set() -> None:
    with pytest.raises(CommandError, match="No bench data"):
        _load(add="ship_notices")
    with pytest.raises(CommandError, match="Unknown addition"):
        _load(add="parcels")


def test_load_time_dates_are_consistent(bench_data: None) -> None:
    today = timezone.localdate()
    assert not ShipNotice.objects.filter(despatch_date__gt=today).exists()
    assert not ShipNotice.objects.filter(received_date__gt=today).exists()
    week_ahead = today + dt.timedelta(days=11)
    assert not ShipNotice.objects.filter(expected_delivery_date__gt=week_ahead).exists()
