"""Ship notices in the bench data: what the vendors announced before their goods arrived (issue 17).

Added after the purchase orders, from what the database then holds, so that the same code completes a data set
loaded before ship notices existed (``bench_data --skip-if-loaded`` adds them) as well as a fresh one. Each notice
is written as the shipping services leave it, in bulk like the rest of the bench data:

- **received**: most receipts of the vendors that announce their shipments were received from a notice: one notice
  per receipt, shipping exactly the receipt's lines to their one site, despatched a few days before it arrived,
  expected on a date the vendor mostly kept; the receipt names the notice (``Receipt.ship_notice``), each line's
  ``received_quantity`` is the receipt line's. One in twenty arrived with more than was announced on one line (the
  vendor's notice under-counted), which the notice keeps as its difference. Receipts whose lines go to several
  sites were not announced: one notice has one ship-to.
- **in transit**: some open confirmed POs have a notice on its way for the open lines of one site, expected this
  week, later, or overdue; the PO lines' ``in_transit_quantity`` holds what they announce.
- **cancelled**: a few notices were cancelled by the vendor before anything arrived; they hold nothing in transit.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from vendorcollab.accounts.models import VendorMembership
from vendorcollab.partners.models import Vendor
from vendorcollab.purchasing.models import Origin, POStatus
from vendorcollab.shipping.models import (
    ShipNotice,
    ShipNoticeEvent,
    ShipNoticeEventKind,
    ShipNoticeLine,
    ShipNoticeOrigin,
    ShipNoticeStatus,
)

from .tables import SHIP_NOTICE, SHIP_NOTICE_EVENT, SHIP_NOTICE_LINE, SHIPPING_TABLES
from .world import BIG_VENDOR_NUMBER, Ids
from .writers import Table, reset_sequences, write_batch, writer_for_connection

Batch = dict[Table, list[tuple[Any, ...]]]

# The share of vendor accounts that announce their shipments (the big, measured vendor always does), and the share
# of such a vendor's receipts that were announced (the rest were delivered by someone who did not).
VENDORS_WITH_NOTICES = 0.7
RECEIPTS_ANNOUNCED = 0.85
# Of received notices: more arrived on one line than announced.
DIFFERENCE_SHARE = 0.05
# Of open confirmed POs of those vendors: a notice on its way, or one cancelled before it left.
IN_TRANSIT_SHARE = 0.35
CANCELLED_SHARE = 0.05
# Of notices on their way: the expected delivery date before today.
OVERDUE_SHARE = 0.12
CARRIERS = ("DHL Freight", "PostNL", "DPD", "UPS", "DB Schenker", "Own transport")
CANCEL_REASONS = ("Truck not available; shipped on a new notice", "Entered twice", "Wrong quantities")
# Receipts read per query: enough to keep the database busy, few enough to hold in memory.
CHUNK = 5000


@dataclass
class NoticeLine:
    po_id: int
    po_line_id: int
    quantity: Decimal
    received: Decimal | None = None


@dataclass
class Counts:
    received: int = 0
    with_difference: int = 0
    in_transit: int = 0
    overdue: int = 0
    cancelled: int = 0
    lines: int = 0
    receipts_named: list[tuple[int, int]] = field(default_factory=list)  # (receipt id, notice id), per batch
    in_transit_lines: list[tuple[int, Decimal]] = field(default_factory=list)  # (PO line id, quantity), per batch

    @property
    def notices(self) -> int:
        return self.received + self.in_transit + self.cancelled


def ship_notices_loaded() -> bool:
    return ShipNotice.objects.exists()


class ShipNoticeFactory:
    def __init__(self, *, seed: int, now: dt.datetime | None = None) -> None:
        self.rng = random.Random(seed + 17)
        self.now = (now or timezone.now()).replace(microsecond=0)
        self.today = timezone.localdate(self.now)
        self.ids = Ids.after_existing()
        self.counts = Counts()
        # The numbers the service assigns ("SN-000001", per vendor account, one more than the highest): notices are
        # only added where there are none, so each vendor's start at 1.
        self.numbers: dict[int, int] = {}
        users: dict[int, list[int]] = {}
        for vendor_id, user_id in VendorMembership.objects.order_by("pk").values_list("vendor_id", "user_id"):
            users.setdefault(vendor_id, []).append(user_id)
        self.vendor_users = users
        choose = random.Random(seed + 18)
        self.announcing = {
            vendor_id
            for vendor_id, number in Vendor.objects.order_by("pk").values_list("pk", "number")
            if vendor_id in users and (number == BIG_VENDOR_NUMBER or choose.random() < VENDORS_WITH_NOTICES)
        }

    # --- the rows of one notice -----------------------------------------------------------------------------------

    def _number(self, vendor_id: int) -> str:
        self.numbers[vendor_id] = self.numbers.get(vendor_id, 0) + 1
        return f"SN-{self.numbers[vendor_id]:06d}"

    def _moment(self, day: dt.date, hour: int) -> dt.datetime:
        moment = dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC) + dt.timedelta(minutes=self.rng.randint(0, 240))
        return min(moment, self.now - dt.timedelta(minutes=5))

    def notice(
        self,
        batch: Batch,
        *,
        vendor_id: int,
        company_id: int,
        site_id: int | None,
        despatch: dt.date,
        expected: dt.date,
        lines: list[NoticeLine],
        received: tuple[dt.date, dt.datetime, int, int] | None = None,
        cancelled: dt.datetime | None = None,
    ) -> int:
        """One notice, its lines and its events (with the details the services record);
        ``received``: (date, moment, clerk, receipt id) when it was received."""
        rng = self.rng
        notice_id = self.ids.take(ShipNotice)
        vendor_user = rng.choice(self.vendor_users[vendor_id])
        created = self._moment(despatch, 7)
        carrier = rng.choice(CARRIERS)
        origin = ShipNoticeOrigin.API if rng.random() < 0.3 else ShipNoticeOrigin.PORTAL
        events: list[tuple[str, str, str, int, dt.datetime, dict[str, Any]]] = [
            (
                ShipNoticeEventKind.CREATED,
                "",
                ShipNoticeStatus.SHIPPED,
                vendor_user,
                created,
                {"lines": len(lines), "origin": str(origin)},
            )
        ]
        status = ShipNoticeStatus.SHIPPED
        has_difference = False
        if received is not None:
            status = ShipNoticeStatus.RECEIVED
            has_difference = any(line.received != line.quantity for line in lines)
            events.append(
                (
                    ShipNoticeEventKind.RECEIVED,
                    ShipNoticeStatus.SHIPPED,
                    ShipNoticeStatus.RECEIVED,
                    received[2],
                    max(received[1], created),
                    {
                        "receipts": [received[3]],
                        "lines": {str(number): str(line.received) for number, line in enumerate(lines, start=1)},
                    },
                )
            )
        elif cancelled is not None:
            status = ShipNoticeStatus.CANCELLED
            reason = rng.choice(CANCEL_REASONS)
            events.append(
                (
                    ShipNoticeEventKind.CANCELLED,
                    ShipNoticeStatus.SHIPPED,
                    ShipNoticeStatus.CANCELLED,
                    vendor_user,
                    max(cancelled, created),
                    {"reason": reason},
                )
            )
        last_at = events[-1][4]
        batch[SHIP_NOTICE].append(
            (
                notice_id,
                vendor_id,
                company_id,
                self._number(vendor_id),
                status,
                origin,
                site_id,
                despatch,
                expected,
                carrier,
                "" if carrier == "Own transport" else f"{carrier[:3].upper().strip()}{notice_id:010d}",
                rng.randint(1, 12),
                "",
                vendor_user,
                created,
                last_at,
                received[0] if received else None,
                has_difference,
                last_at if cancelled is not None else None,
                events[-1][5].get("reason", "") if cancelled is not None else "",
                last_at if len(events) > 1 else None,  # set by a transition, not on creation
            )
        )
        for number, line in enumerate(lines, start=1):
            batch[SHIP_NOTICE_LINE].append(
                (
                    self.ids.take(ShipNoticeLine),
                    notice_id,
                    number,
                    line.po_id,
                    line.po_line_id,
                    line.quantity,
                    line.received,
                    "",
                )
            )
        for kind, source, target, actor, at, data in events:
            event_id = self.ids.take(ShipNoticeEvent)
            batch[SHIP_NOTICE_EVENT].append((event_id, notice_id, kind, source, target, actor, at, data))
        self.counts.lines += len(lines)
        return notice_id

    # --- received notices, from the receipts --------------------------------------------------------------------

    def received_batches(self) -> Iterator[Batch]:
        """One batch per ``CHUNK`` receipts: a notice for most announced receipts of one site."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT MIN(id), MAX(id) FROM purchasing_receipt WHERE ship_notice_id IS NULL")
            low, high = cursor.fetchone()
        if low is None:
            return
        for start in range(low, high + 1, CHUNK):
            batch: Batch = {table: [] for table in SHIPPING_TABLES}
            self.counts.receipts_named = []
            for receipt, rows in groupby(self._receipt_rows(start, start + CHUNK - 1), key=lambda row: row[:7]):
                self._received_notice(batch, receipt, list(rows))
            yield batch

    def _receipt_rows(self, first: int, last: int) -> list[tuple[Any, ...]]:
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT r.id, r.purchase_order_id, r.received_date, r.posted_by_id, r.posted_at, po.vendor_id,
                       po.company_id, po.confirmed_at, rl.line_id, rl.quantity, pl.site_id
                FROM purchasing_receipt r
                JOIN purchasing_purchaseorder po ON po.id = r.purchase_order_id
                JOIN purchasing_receiptline rl ON rl.receipt_id = r.id
                JOIN purchasing_purchaseorderline pl ON pl.id = rl.line_id
                WHERE r.id BETWEEN %s AND %s AND r.ship_notice_id IS NULL AND po.origin <> %s
                ORDER BY r.id, pl.line_number
                """,
                [first, last, Origin.CONSIGNMENT.value],
            )
            return cursor.fetchall()

    def _received_notice(self, batch: Batch, receipt: tuple[Any, ...], rows: list[tuple[Any, ...]]) -> None:
        receipt_id, po_id, received_date, clerk, posted_at, vendor_id, company_id = receipt
        confirmed_at = rows[0][7]
        sites = {row[10] for row in rows}
        if vendor_id not in self.announcing or len(sites) != 1 or self.rng.random() >= RECEIPTS_ANNOUNCED:
            return
        rng = self.rng
        received_date = _as_date(received_date)
        confirmed_on = _as_date(confirmed_at) if confirmed_at else received_date
        despatch = max(confirmed_on, received_date - dt.timedelta(days=rng.randint(1, 5)))
        # Mostly the goods came on the day the vendor expected; sometimes a day or more after it.
        expected = max(despatch, received_date - dt.timedelta(days=rng.choice((0, 0, 0, 0, 0, 1, 1, 3))))
        lines = [NoticeLine(po_id, row[8], _decimal(row[9]), _decimal(row[9])) for row in rows]
        if rng.random() < DIFFERENCE_SHARE:
            # The notice announced less than what came: the receipt's quantity stands, the difference is kept.
            candidates = [line for line in lines if line.quantity > 1]
            if candidates:
                line = rng.choice(candidates)
                line.quantity -= min(line.quantity - 1, Decimal(rng.randint(1, 5)))
                self.counts.with_difference += 1
        notice_id = self.notice(
            batch,
            vendor_id=vendor_id,
            company_id=company_id,
            site_id=sites.pop(),
            despatch=despatch,
            expected=expected,
            lines=lines,
            received=(received_date, _as_moment(posted_at), clerk, receipt_id),
        )
        self.counts.received += 1
        self.counts.receipts_named.append((receipt_id, notice_id))

    # --- notices on their way, and cancelled ones, on open confirmed POs -------------------------------------------

    def open_batches(self) -> Iterator[Batch]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT MIN(id), MAX(id) FROM purchasing_purchaseorder WHERE status = %s", [POStatus.CONFIRMED.value]
            )
            low, high = cursor.fetchone()
        if low is None:
            return
        for start in range(low, high + 1, CHUNK * 4):
            batch: Batch = {table: [] for table in SHIPPING_TABLES}
            self.counts.in_transit_lines = []
            for po, rows in groupby(self._open_rows(start, start + CHUNK * 4 - 1), key=lambda row: row[:4]):
                self._open_notice(batch, po, list(rows))
            yield batch

    def _open_rows(self, first: int, last: int) -> list[tuple[Any, ...]]:
        """The lines still to announce of confirmed POs: open, not cancelled, nothing in transit yet."""
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT po.id, po.vendor_id, po.company_id, po.confirmed_at, pl.id, pl.site_id,
                       pl.quantity - pl.received_quantity - pl.in_transit_quantity
                FROM purchasing_purchaseorder po
                JOIN purchasing_purchaseorderline pl ON pl.purchase_order_id = po.id
                WHERE po.id BETWEEN %s AND %s AND po.status = %s AND po.origin <> %s AND NOT pl.is_cancelled
                  AND pl.quantity - pl.received_quantity - pl.in_transit_quantity > 0
                ORDER BY po.id, pl.line_number
                """,
                [first, last, POStatus.CONFIRMED.value, Origin.CONSIGNMENT.value],
            )
            return cursor.fetchall()

    def _open_notice(self, batch: Batch, po: tuple[Any, ...], rows: list[tuple[Any, ...]]) -> None:
        po_id, vendor_id, company_id, confirmed_at = po
        if vendor_id not in self.announcing:
            return
        rng = self.rng
        roll = rng.random()
        if roll >= IN_TRANSIT_SHARE + CANCELLED_SHARE:
            return
        site_id = rows[0][5]
        lines = [NoticeLine(po_id, row[4], _decimal(row[6])) for row in rows if row[5] == site_id]
        confirmed_on = _as_date(confirmed_at) if confirmed_at else self.today
        if roll < IN_TRANSIT_SHARE:
            if rng.random() < OVERDUE_SHARE:
                expected = self.today - dt.timedelta(days=rng.randint(1, 6))
                self.counts.overdue += 1
            else:
                expected = self.today + dt.timedelta(days=rng.randint(0, 10))
            despatch = min(self.today, expected - dt.timedelta(days=rng.randint(0, 4)))
            despatch = max(despatch, min(confirmed_on, expected))
            self.notice(
                batch,
                vendor_id=vendor_id,
                company_id=company_id,
                site_id=site_id,
                despatch=despatch,
                expected=expected,
                lines=lines,
            )
            self.counts.in_transit += 1
            self.counts.in_transit_lines += [(line.po_line_id, line.quantity) for line in lines]
        else:
            despatch = max(confirmed_on, self.today - dt.timedelta(days=rng.randint(3, 20)))
            self.notice(
                batch,
                vendor_id=vendor_id,
                company_id=company_id,
                site_id=site_id,
                despatch=min(despatch, self.today),
                expected=min(despatch, self.today) + dt.timedelta(days=rng.randint(1, 5)),
                lines=lines,
                cancelled=self._moment(min(despatch + dt.timedelta(days=1), self.today), 9),
            )
            self.counts.cancelled += 1

    # --- writing -----------------------------------------------------------------------------------------------------

    def write(self, progress: Any = None) -> Counts:
        """Generate and write every notice, batch by batch: each batch's notices, the receipts that name them and
        the in-transit quantities they hold commit together."""
        writer = writer_for_connection()
        for batch in self.received_batches():
            with transaction.atomic():
                write_batch(writer, batch)
                _name_receipts(self.counts.receipts_named)
            if progress:
                progress(f"{self.counts.received:,} received ship notices")
        for batch in self.open_batches():
            with transaction.atomic():
                write_batch(writer, batch)
                _put_in_transit(self.counts.in_transit_lines)
        with transaction.atomic():
            reset_sequences([table.model for table in SHIPPING_TABLES])
        return self.counts


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):  # SQLite hands dates back as text through a raw cursor
        return dt.date.fromisoformat(value[:10])
    assert isinstance(value, dt.date)
    return value


def _as_moment(value: Any) -> dt.datetime:
    """A timestamp from a raw cursor: aware on PostgreSQL, naive UTC (or text) on SQLite."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    assert isinstance(value, dt.datetime)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _decimal(value: Any) -> Decimal:
    """A quantity from a raw cursor: a Decimal on PostgreSQL, a number on SQLite (whole numbers in the bench)."""
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _name_receipts(pairs: list[tuple[int, int]]) -> None:
    """``Receipt.ship_notice`` of the receipts the notices were received by (receipts are append-only to the ORM;
    the bench writes the column the receiving service would have written when posting them)."""
    if not pairs:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "UPDATE purchasing_receipt r SET ship_notice_id = v.notice FROM unnest(%s::bigint[], %s::bigint[]) "
                "AS v(receipt, notice) WHERE r.id = v.receipt",
                [[receipt for receipt, _ in pairs], [notice for _, notice in pairs]],
            )
        else:
            cursor.executemany(
                "UPDATE purchasing_receipt SET ship_notice_id = %s WHERE id = %s",
                [(notice, receipt) for receipt, notice in pairs],
            )


def _put_in_transit(lines: list[tuple[int, Decimal]]) -> None:
    """What the notices on their way announce, added to their PO lines' ``in_transit_quantity``."""
    if not lines:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "UPDATE purchasing_purchaseorderline l SET in_transit_quantity = l.in_transit_quantity + v.quantity "
                "FROM unnest(%s::bigint[], %s::numeric[]) AS v(line, quantity) WHERE l.id = v.line",
                [[line for line, _ in lines], [quantity for _, quantity in lines]],
            )
        else:
            cursor.executemany(
                "UPDATE purchasing_purchaseorderline SET in_transit_quantity = in_transit_quantity + %s WHERE id = %s",
                [(str(quantity), line) for line, quantity in lines],
            )
