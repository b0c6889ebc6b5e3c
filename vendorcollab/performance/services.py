"""Keeps the performance facts (``models``) equal to what the history says.

One computation, ``_refresh``, takes a batch of purchase orders, deletes their facts and writes them again from
their versions, responses and receipts. ``refresh_purchase_order`` runs it for one PO after each change of its
history (``subscribers`` queue it after the commit); ``rebuild_all`` runs it over every PO in batches, to backfill
or to repair. Because it always starts from the history, running it twice, or in any order, gives the same facts.
After the facts, the vendor months they count in are summed again (``rollups``): the ranking reads those.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from vendorcollab.partners.models import Vendor
from vendorcollab.purchasing.models import (
    LineAction,
    Origin,
    POStatus,
    PurchaseOrder,
    PurchaseOrderLine,
    ReceiptLine,
    ResponseLine,
    VendorResponse,
    VersionLine,
)
from vendorcollab.shipping.models import ShipNotice, ShipNoticeStatus

from . import rollups
from .models import DeliveryFact, DueFact, NoticeFact, ResponseFact

logger = logging.getLogger(__name__)

ZERO = Decimal("0")
# Purchase orders refreshed together by ``rebuild_all``: a handful of queries per batch, whatever its size, and
# the rows of one batch fit easily in memory.
REBUILD_BATCH = 500


def month_of(day: date) -> date:
    return day.replace(day=1)


def local_month(moment: datetime) -> date:
    """The month a moment counts in: in the project's time zone (settings.TIME_ZONE), whatever the reader's."""
    return month_of(timezone.localtime(moment, timezone.get_default_timezone()).date())


def refresh_purchase_order(purchase_order_id: int) -> None:
    """Recompute this PO's facts from its history (idempotent), and its vendor's months they count in.

    Under the PO's row lock, so that two refreshes of one PO queued by two changes cannot interleave their deletes
    and inserts, and the vendor's, so that two POs of one vendor never sum one vendor month at the same time."""
    with transaction.atomic():
        po = PurchaseOrder.objects.select_for_update().filter(pk=purchase_order_id).values("vendor_id").first()
        before = _fact_months([purchase_order_id])
        if po is None:
            _delete_facts([purchase_order_id])
        else:
            _lock_vendors({po["vendor_id"]} | {vendor_id for vendor_id, _month in before})
            _refresh([purchase_order_id])
        _roll_up(before | _fact_months([purchase_order_id]))


def refresh_ship_notice(ship_notice_id: int) -> None:
    """Recompute this notice's fact: one when it is received, none otherwise (idempotent)."""
    with transaction.atomic():
        notice = ShipNotice.objects.filter(pk=ship_notice_id).first()
        before = set(NoticeFact.objects.filter(ship_notice_id=ship_notice_id).values_list("vendor_id", "month"))
        _lock_vendors({vendor_id for vendor_id, _month in before} | ({notice.vendor_id} if notice else set()))
        NoticeFact.objects.filter(ship_notice_id=ship_notice_id).delete()
        if notice is not None and notice.status == ShipNoticeStatus.RECEIVED and notice.received_date:
            fact = _notice_fact(notice)
            fact.save()
            before.add((fact.vendor_id, fact.month))
        _roll_up(before)


def rebuild_all() -> int:
    """Every PO's and every notice's facts, and every vendor month, written again from the history; returns the
    number of POs done.

    Each batch is its own transaction, so a rebuild of 200,000 POs never holds one long lock, and the facts of a
    PO changed meanwhile are at worst refreshed again by its own task.
    """
    ids = list(PurchaseOrder.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), REBUILD_BATCH):
        with transaction.atomic():
            _refresh(ids[start : start + REBUILD_BATCH])
    with transaction.atomic():
        # Facts of POs deleted since they were written (the foreign keys cascade, this is belt and braces).
        for model in (ResponseFact, DueFact, DeliveryFact):
            model.objects.exclude(purchase_order_id__in=PurchaseOrder.objects.values("pk")).delete()
        NoticeFact.objects.all().delete()
        notices = ShipNotice.objects.filter(status=ShipNoticeStatus.RECEIVED, received_date__isnull=False)
        NoticeFact.objects.bulk_create((_notice_fact(notice) for notice in notices.iterator()), batch_size=1000)
        rollups.roll_up()
    return len(ids)


def _lock_vendors(vendor_ids: set[int]) -> None:
    list(Vendor.objects.select_for_update().filter(pk__in=vendor_ids).order_by("pk").values_list("pk"))


def _fact_months(purchase_order_ids: Sequence[int]) -> set[tuple[int, date]]:
    """The (vendor, month) pairs these POs' facts count in."""
    months: set[tuple[int, date]] = set()
    for model in (ResponseFact, DueFact, DeliveryFact):
        found = model.objects.filter(purchase_order_id__in=purchase_order_ids).values_list("vendor_id", "month")
        months |= set(found.distinct())
    return months


def _roll_up(months: set[tuple[int, date]]) -> None:
    by_vendor: dict[int, set[date]] = defaultdict(set)
    for vendor_id, month in months:
        by_vendor[vendor_id].add(month)
    for vendor_id, vendor_months in by_vendor.items():
        rollups.roll_up(vendor_id, vendor_months)


def _delete_facts(purchase_order_ids: Sequence[int]) -> None:
    for model in (ResponseFact, DueFact, DeliveryFact):
        model.objects.filter(purchase_order_id__in=purchase_order_ids).delete()


def _notice_fact(notice: ShipNotice) -> NoticeFact:
    assert notice.received_date is not None
    return NoticeFact(
        ship_notice=notice,
        vendor_id=notice.vendor_id,
        company_id=notice.company_id,
        month=month_of(notice.received_date),
        expected_date=notice.expected_delivery_date,
        received_date=notice.received_date,
        days_late=(notice.received_date - notice.expected_delivery_date).days,
    )


def _refresh(purchase_order_ids: Sequence[int]) -> None:
    """The facts of these POs, deleted and written again: five reads and a few writes for the whole batch."""
    _delete_facts(purchase_order_ids)
    orders = {
        po.pk: po
        for po in PurchaseOrder.objects.filter(pk__in=purchase_order_ids).exclude(origin=Origin.CONSIGNMENT)
        # Consignment POs are the buyer taking stock it already holds: no answer, no delivery, nothing to measure.
    }
    if not orders:
        return
    responses = list(
        VendorResponse.objects.filter(purchase_order_id__in=orders)
        .select_related("version")
        .order_by("purchase_order_id", "version__number")
    )
    answered_lines: dict[int, list[ResponseLine]] = defaultdict(list)
    for answer in ResponseLine.objects.filter(response__in=responses).order_by("response_id", "line_number"):
        answered_lines[answer.response_id].append(answer)
    # The lines of every answered version and of every last confirmed version, in one read.
    version_ids = {response.version_id for response in responses}
    version_ids |= {po.confirmed_version_id for po in orders.values() if po.confirmed_version_id}
    version_lines: dict[int, dict[int, VersionLine]] = defaultdict(dict)
    for version_line in VersionLine.objects.filter(version_id__in=version_ids):
        version_lines[version_line.version_id][version_line.line_number] = version_line
    receipt_lines: dict[int, list[ReceiptLine]] = defaultdict(list)
    for receipt_line in (
        ReceiptLine.objects.filter(receipt__purchase_order_id__in=orders)
        .select_related("receipt", "line")
        # The order goods arrived in: what fills the earliest schedule line first.
        .order_by("receipt__received_date", "receipt_id", "id")
    ):
        receipt_lines[receipt_line.receipt.purchase_order_id].append(receipt_line)
    po_lines: dict[int, dict[int, PurchaseOrderLine]] = defaultdict(dict)
    for po_line in PurchaseOrderLine.objects.filter(purchase_order_id__in=orders):
        po_lines[po_line.purchase_order_id][po_line.line_number] = po_line

    response_facts = [
        _response_fact(orders[response.purchase_order_id], response, answered_lines[response.pk], version_lines)
        for response in responses
    ]
    due_facts: list[DueFact] = []
    delivery_facts: list[DeliveryFact] = []
    for po in orders.values():
        confirmed = version_lines.get(po.confirmed_version_id or 0, {})
        due, delivered = _deliveries(po, confirmed, po_lines[po.pk], receipt_lines[po.pk])
        due_facts += due
        delivery_facts += delivered
    ResponseFact.objects.bulk_create(response_facts, batch_size=1000)
    DueFact.objects.bulk_create(due_facts, batch_size=1000)
    DeliveryFact.objects.bulk_create(delivery_facts, batch_size=1000)


def _response_fact(
    po: PurchaseOrder,
    response: VendorResponse,
    answers: Iterable[ResponseLine],
    version_lines: dict[int, dict[int, VersionLine]],
) -> ResponseFact:
    sent_lines = version_lines.get(response.version_id, {})
    fact = ResponseFact(
        purchase_order=po,
        vendor_id=po.vendor_id,
        company_id=po.company_id,
        month=local_month(response.submitted_at),
        version_number=response.version.number,
        sent_at=response.version.created_at,
        answered_at=response.submitted_at,
        seconds=max(0, round((response.submitted_at - response.version.created_at).total_seconds())),
        kind=response.kind,
    )
    for answer in answers:
        fact.lines += 1
        if answer.action == LineAction.CHANGE:
            # The service stores the ordered value where the vendor changed nothing, so a difference against the
            # version's line is a change the vendor made; a line with both counts in both.
            sent = sent_lines.get(answer.line_number)
            if sent is not None and answer.quantity is not None and answer.quantity != sent.quantity:
                fact.lines_quantity_changed += 1
            if sent is not None and answer.delivery_date is not None and answer.delivery_date != sent.delivery_date:
                fact.lines_date_changed += 1
        elif answer.action == LineAction.SPLIT:
            fact.lines_split += 1
        elif answer.action == LineAction.SUBSTITUTE:
            fact.lines_substituted += 1
        elif answer.action == LineAction.REJECT:
            fact.lines_rejected += 1
    return fact


@dataclass
class _Slot:
    """One confirmed date of a line (the line's, or one schedule line's) and what has filled it so far."""

    due_date: date
    quantity: Decimal
    received: Decimal = ZERO

    @property
    def open(self) -> Decimal:
        return self.quantity - self.received


def _slots(version_line: VersionLine) -> list[_Slot]:
    if version_line.schedule:
        schedule = version_line.schedule
        parts = [_Slot(date.fromisoformat(part["delivery_date"]), Decimal(part["quantity"])) for part in schedule]
        return sorted(parts, key=lambda slot: slot.due_date)
    return [_Slot(version_line.delivery_date, version_line.quantity)]


def _deliveries(
    po: PurchaseOrder,
    confirmed: dict[int, VersionLine],
    po_lines: dict[int, PurchaseOrderLine],
    receipts: Sequence[ReceiptLine],
) -> tuple[list[DueFact], list[DeliveryFact]]:
    """What the last confirmed version made due, and each receipt set against the dates it fills."""
    slots = {
        number: _slots(version_line) for number, version_line in confirmed.items() if not version_line.is_cancelled
    }
    items = {number: line.item_id for number, line in po_lines.items()}
    delivered: list[DeliveryFact] = []
    for receipt_line in receipts:
        number = receipt_line.line.line_number
        line_slots = slots.get(number)
        if not line_slots:
            # Received on a line the last confirmed version does not hold open (it cannot happen through the
            # services, which receive only confirmed lines): measured against the line's own date.
            line_slots = slots[number] = [_Slot(receipt_line.line.delivery_date, ZERO)]
        remaining = receipt_line.quantity
        for index, slot in enumerate(line_slots):
            last = index == len(line_slots) - 1
            # The earliest date with something open takes what it can; the last takes whatever is left, so that
            # every received unit is measured against some confirmed date.
            taken = remaining if last else min(remaining, max(slot.open, ZERO))
            if taken <= 0:
                continue
            slot.received += taken
            remaining -= taken
            delivered.append(
                DeliveryFact(
                    purchase_order=po,
                    vendor_id=po.vendor_id,
                    company_id=po.company_id,
                    month=month_of(receipt_line.receipt.received_date),
                    line_number=number,
                    item_id=items.get(number),
                    received_date=receipt_line.receipt.received_date,
                    due_date=slot.due_date,
                    days_late=(receipt_line.receipt.received_date - slot.due_date).days,
                    quantity=taken,
                )
            )
            if remaining <= 0:
                break
    if po.status == POStatus.CANCELLED:
        # Nothing is due any more once the buyer cancelled; what arrived before still counts as delivered.
        return [], delivered
    due = [
        DueFact(
            purchase_order=po,
            vendor_id=po.vendor_id,
            company_id=po.company_id,
            month=month_of(slot.due_date),
            line_number=number,
            item_id=items.get(number),
            due_date=slot.due_date,
            confirmed_quantity=slot.quantity,
            # Never above what was confirmed: accuracy is received against confirmed, at most 100 %.
            received_quantity=min(slot.received, slot.quantity),
        )
        for number, line_slots in sorted(slots.items())
        if number in confirmed and not confirmed[number].is_cancelled
        for slot in line_slots
    ]
    return due, delivered
