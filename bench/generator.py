"""The benchmark data set: a large buyer with a thousand vendors and a year of purchase orders.

Rows are generated in Python and written in bulk (``writers``): on PostgreSQL by COPY, elsewhere by batched
INSERTs. Nothing goes through the services one PO at a time; instead every PO is generated in one of the states of
the life cycle exactly as the services would have left it (versions, responses, confirmation versions, receipts,
history events), so that the pages and the API read it as real data. The proportions follow a buyer whose vendors
answer most orders promptly: most POs of a year are received, a tenth wait for the vendor, a few for the buyer.

Every id is assigned here, past the largest id already in each table, so that the rows of one PO can point at each
other before any is written; the id sequences are moved past them at the end.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from vendorcollab.purchasing.models import (
    EventKind,
    LineAction,
    Origin,
    POStatus,
    PurchaseOrder,
    PurchaseOrderEvent,
    PurchaseOrderLine,
    PurchaseOrderVersion,
    Receipt,
    ReceiptLine,
    ResponseKind,
    ResponseLine,
    VendorResponse,
    VersionKind,
    VersionLine,
)

from .invoicing import InvoiceFactory, ReceivedLine
from .tables import (
    EVENT,
    LINE_COLUMNS,
    PO,
    PO_LINE,
    RECEIPT,
    RECEIPT_LINE,
    RESPONSE,
    RESPONSE_LINE,
    TABLES,
    VERSION,
    VERSION_LINE,
)
from .world import UNIT_CODES, Ids, Size, VendorInfo, World
from .writers import Table


class Scenario(models.TextChoices):
    """Where a PO stands in its life cycle, with the history that led there."""

    DRAFT = "draft"
    FOR_REVIEW = "for_review"
    FOR_REVIEW_RESENT = "for_review_resent"  # answered with changes, edited by the buyer, sent again
    AWAITING_ACCEPTED = "awaiting_accepted"
    AWAITING_CHANGES = "awaiting_changes"
    AWAITING_REJECTED = "awaiting_rejected"
    CONFIRMED = "confirmed"
    RECEIVED = "received"
    CANCELLED = "cancelled"
    CHANGE_REQUESTED = "change_requested"  # confirmed, then taken back to draft by the buyer


# Shares of a year of collaborative POs. Received ones dominate; about one in ten waits for the vendor.
SCENARIO_WEIGHTS = {
    Scenario.DRAFT: 3,
    Scenario.FOR_REVIEW: 8,
    Scenario.FOR_REVIEW_RESENT: 1.5,
    Scenario.AWAITING_ACCEPTED: 2,
    Scenario.AWAITING_CHANGES: 4,
    Scenario.AWAITING_REJECTED: 1.5,
    Scenario.CONFIRMED: 15,
    Scenario.RECEIVED: 59,
    Scenario.CANCELLED: 5,
    Scenario.CHANGE_REQUESTED: 1,
}
# Lines per PO: (fewest, most, share). About ten on average, a few up to fifty.
LINE_COUNTS = ((1, 5, 40), (6, 12, 38), (13, 30, 18), (31, 50, 4))
# Of answers that change something, which kind of change each changed line gets.
CHANGE_ACTIONS = (LineAction.CHANGE, LineAction.CHANGE, LineAction.SPLIT, LineAction.SUBSTITUTE, LineAction.REJECT)
# POs whose lines go to different sites of the company (each ship notice then ships one site's lines).
MIXED_SITES_SHARE = 0.15
# POs whose lines ask for different delivery dates.
MIXED_DATES_SHARE = 0.2
# How many days after its latest confirmed delivery date a vendor's goods arrive, per kind of vendor (negative:
# early). Each vendor account is one kind for the whole year, so the performance ranking has a spread to show;
# the weights are how common each kind is.
PUNCTUALITY = {
    "punctual": ((-1, 0, 0, 0, 0, 1), 50),
    "early": ((-5, -3, -2, 0, 0), 15),
    "late": ((0, 1, 3, 5, 8, 12), 25),
    "erratic": ((-6, -2, 0, 2, 6, 15, 25), 10),
}
COLORS = ("", "", "", "red", "blue", "black")
SIZES = ("", "", "S", "M", "L", "XL")


Batch = dict[Table, list[tuple[Any, ...]]]

# A generated line is a list in ``LINE_COLUMNS`` order; these name the places a PO's story reads and changes.
NUMBER, ITEM, DESCRIPTION, QUANTITY, UNIT, UNIT_PRICE, DISCOUNT, DELIVERY_DATE = 0, 1, 2, 3, 4, 5, 6, 7
EXTERNAL_ITEM, EXTERNAL_DESCRIPTION, SCHEDULE, CANCELLED, UNIT_CODE = 14, 15, 16, 17, 18
assert [
    LINE_COLUMNS[i] for i in (DESCRIPTION, QUANTITY, UNIT, UNIT_PRICE, DELIVERY_DATE, SCHEDULE, CANCELLED, UNIT_CODE)
] == ["description", "quantity", "unit", "unit_price", "delivery_date", "schedule", "is_cancelled", "unit_code"]


def _chosen_or_drawn(chosen: int | None, drawn: int) -> int:
    """``chosen`` when there is one, else ``drawn``; the draw is made either way, so that the main random stream,
    and with it every other value of the data set, stays the same."""
    return drawn if chosen is None else chosen


def _money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


class PurchaseOrderFactory:
    """Generates purchase orders with their whole history, batch by batch."""

    def __init__(self, world: World, ids: Ids, size: Size, rng: random.Random) -> None:
        self.world = world
        self.ids = ids
        self.size = size
        self.rng = rng
        self.now = timezone.now().replace(microsecond=0)
        self.today = timezone.localdate()
        self.scenarios = list(SCENARIO_WEIGHTS)
        self.scenario_weights = list(SCENARIO_WEIGHTS.values())
        self.invoices = InvoiceFactory(world, ids, rng, self.now)
        kinds = list(PUNCTUALITY)
        weights = [weight for _, weight in PUNCTUALITY.values()]
        # Drawn from generators of their own, so that the rest of the data set does not depend on them.
        self.shape_rng = random.Random(size.seed + 2)
        punctuality = random.Random(size.seed + 1)
        self.lateness_days = {
            vendor.id: PUNCTUALITY[punctuality.choices(kinds, weights=weights)[0]][0] for vendor in world.vendors
        }
        self.lateness_days[world.big_vendor.id] = PUNCTUALITY["punctual"][0]  # the measured vendor: mostly on time

    # --- which vendor gets how many POs -------------------------------------------------------------------------

    def vendor_plan(self) -> list[VendorInfo]:
        """One entry per collaborative PO to make, naming its vendor: the big vendor's share first, then the rest
        spread unevenly (a few vendors get many orders, most get some), then shuffled so that every batch holds
        a mix of vendors as a real year would."""
        collaborative = self.size.pos - self.consignment_pos()
        big = min(self.size.big_vendor_pos, collaborative)
        others = self.world.vendors[1:]
        weights = [self.rng.paretovariate(1.5) for _ in others]
        total = sum(weights)
        plan = [self.world.big_vendor] * big
        remaining = collaborative - big
        counts = [int(remaining * weight / total) for weight in weights]
        for index in range(remaining - sum(counts)):
            counts[index % len(counts)] += 1
        for vendor, count in zip(others, counts, strict=True):
            plan.extend([vendor] * count)
        self.rng.shuffle(plan)
        return plan

    def consignment_pos(self) -> int:
        return int(self.size.pos * self.size.consignment_share)

    # --- one PO ---------------------------------------------------------------------------------------------------

    def batches(self, batch_size: int = 2000) -> Iterator[Batch]:
        plan = self.vendor_plan()
        for start in range(0, len(plan), batch_size):
            batch: Batch = {table: [] for table in TABLES}
            for vendor in plan[start : start + batch_size]:
                self.purchase_order(batch, vendor)
            yield batch

    def _number(self, company_id: int) -> str:
        return f"{settings.PURCHASE_ORDER_NUMBER_PREFIX}{self.world.next_number(f'purchase_order:{company_id}'):06d}"

    def _line_count(self) -> int:
        low, high, _ = self.rng.choices(LINE_COUNTS, weights=[share for *_, share in LINE_COUNTS])[0]
        return self.rng.randint(low, high)

    def _lines(self, vendor: VendorInfo, count: int, order_date: dt.date) -> list[list[Any]]:
        """The PO's lines as lists in ``LINE_COLUMNS`` order; quantities are whole numbers and prices whole
        multiples of 20 cents, so that every discounted amount is exact in cents. Most POs go to one site (one
        ship-to, so one ship notice ships them); some spread their lines over the company's sites."""
        company = self.world.companies[vendor.company_id]
        # Drawn from a generator of its own, and the line's own draw kept below: every other value of the data set
        # stays what it was before POs had one ship-to.
        one_site = self.shape_rng.choice(company.sites) if self.shape_rng.random() >= MIXED_SITES_SHARE else None
        # Most POs ask for every line on one day, as a receipt of the whole PO then delivers them; the others
        # spread their lines over weeks (and their receipt is late for the lines due first).
        one_day = self.shape_rng.randint(7, 45) if self.shape_rng.random() >= MIXED_DATES_SHARE else None
        lines = []
        for number in range(1, count + 1):
            item_id, name, unit = self.rng.choice(vendor.catalogue)
            site_id, warehouses = self.rng.choice(company.sites)
            if one_site is not None:
                site_id, warehouses = one_site
            lines.append(
                [
                    number,
                    item_id,
                    name,
                    self.rng.randint(1, 200),
                    unit,
                    self.rng.randint(5, 5000) * 20,
                    self.rng.choice((0, 0, 0, 5, 10)),
                    order_date + dt.timedelta(days=_chosen_or_drawn(one_day, self.rng.randint(7, 45))),
                    site_id,
                    self.rng.choice(warehouses),
                    self.rng.choice(COLORS),
                    self.rng.choice(SIZES),
                    "",
                    "",
                    "",
                    "",
                    [],
                    False,
                    UNIT_CODES[unit],
                ]
            )
        return lines

    @staticmethod
    def _line_values(line: list[Any]) -> tuple[Any, ...]:
        values = list(line)
        values[UNIT_PRICE] = _money(line[UNIT_PRICE])
        return tuple(values)

    @staticmethod
    def _total(lines: list[list[Any]]) -> str:
        open_lines = [line for line in lines if not line[CANCELLED]]
        cents = sum(line[QUANTITY] * line[UNIT_PRICE] * (100 - line[DISCOUNT]) // 100 for line in open_lines)
        return _money(cents)

    def _at(self, order_date: dt.date, days: float) -> dt.datetime:
        """A moment ``days`` after the start of the order date, never in the future."""
        start = dt.datetime.combine(order_date, dt.time(8), tzinfo=dt.UTC)
        return min(
            start + dt.timedelta(days=days, minutes=self.rng.randint(0, 600)), self.now - dt.timedelta(minutes=5)
        )

    def purchase_order(self, batch: Batch, vendor: VendorInfo) -> None:
        rng = self.rng
        scenario = rng.choices(self.scenarios, weights=self.scenario_weights)[0]
        if scenario == Scenario.AWAITING_ACCEPTED and vendor.auto_confirm:
            scenario = Scenario.CONFIRMED  # an auto-confirming vendor's acceptance confirms at once
        # Older orders are further along: open ones are recent, received ones spread over the year.
        age = rng.randint(45, 365) if scenario == Scenario.RECEIVED else rng.randint(1, 60)
        order_date = self.today - dt.timedelta(days=age)
        po_id = self.ids.take(PurchaseOrder)
        agent = rng.choice(self.world.agent_ids)
        vendor_user = rng.choice(vendor.user_ids)
        lines = self._lines(vendor, self._line_count(), order_date)
        history = History(self, batch, po_id, agent, order_date)
        history.event(EventKind.CREATED, "", POStatus.DRAFT, 0.0)

        latest = confirmed = None
        status = POStatus.DRAFT
        confirmed_at = None
        if scenario != Scenario.DRAFT:
            latest = history.send(lines, 1, 0.1)
            status = POStatus.IN_EXTERNAL_REVIEW
        if scenario in (Scenario.FOR_REVIEW_RESENT, Scenario.AWAITING_CHANGES):
            assert latest is not None
            history.respond(latest, lines, ResponseKind.ACCEPTED_WITH_CHANGES, vendor_user, 1.0)
            if scenario == Scenario.FOR_REVIEW_RESENT:
                history.event(EventKind.CHANGE_REQUESTED, status, POStatus.DRAFT, 2.0, data={"reason": "New dates"})
                lines = [list(line) for line in lines]
                lines[0][QUANTITY] += 10
                latest = history.send(lines, 2, 2.1)
        elif scenario == Scenario.AWAITING_REJECTED:
            assert latest is not None
            history.respond(latest, lines, ResponseKind.REJECTED, vendor_user, 1.0)
        elif scenario == Scenario.AWAITING_ACCEPTED:
            assert latest is not None
            history.respond(latest, lines, ResponseKind.ACCEPTED, vendor_user, 1.0)
        elif scenario == Scenario.CANCELLED and rng.random() < 0.5:
            # Half of the cancelled POs were cancelled in review, some after the vendor had turned them down.
            assert latest is not None
            if rng.random() < 0.5:
                history.respond(latest, lines, ResponseKind.REJECTED, vendor_user, 1.0)
            history.event(EventKind.CANCELLED, status, POStatus.CANCELLED, 3.0, data={"reason": "No longer needed"})
            status = POStatus.CANCELLED
        elif scenario in (Scenario.CONFIRMED, Scenario.RECEIVED, Scenario.CHANGE_REQUESTED, Scenario.CANCELLED):
            assert latest is not None
            latest, lines = history.answer_and_confirm(latest, lines, vendor, vendor_user)
            confirmed = latest
            confirmed_at = history.last_at
            status = POStatus.CONFIRMED
            lateness = self.lateness_days[vendor.id]
            if scenario == Scenario.RECEIVED:
                history.receive(
                    lines, full=True, clerk=rng.choice(self.world.clerk_ids), version=latest, lateness=lateness
                )
                status = POStatus.RECEIVED
            elif scenario == Scenario.CONFIRMED and rng.random() < 0.3 and sum(not ln[CANCELLED] for ln in lines) > 1:
                # A partial receipt: half of the lines, so at least one stays open and the PO confirmed.
                history.receive(
                    lines, full=False, clerk=rng.choice(self.world.clerk_ids), version=latest, lateness=lateness
                )
            elif scenario == Scenario.CHANGE_REQUESTED:
                history.event(EventKind.CHANGE_REQUESTED, status, POStatus.DRAFT, 6.0, data={"reason": "Quantity"})
                status = POStatus.DRAFT
            elif scenario == Scenario.CANCELLED:
                history.event(EventKind.CANCELLED, status, POStatus.CANCELLED, 6.0, data={"reason": "No longer needed"})
                status = POStatus.CANCELLED

        received = history.received_by_line
        line_ids = {line[NUMBER]: self.ids.take(PurchaseOrderLine) for line in lines}
        history.line_ids_resolved(line_ids)
        invoiced = self.bill(batch, vendor, po_id, lines, line_ids, received, history.received_on)
        for line in lines:
            line_id = line_ids[line[NUMBER]]
            batch[PO_LINE].append(
                (line_id, po_id, *self._line_values(line), received.get(line[NUMBER], 0), invoiced.get(line_id, 0))
            )
        changed_at = history.last_at
        batch[PO].append(
            (
                po_id,
                vendor.company_id,
                vendor.id,
                self._number(vendor.company_id),
                Origin.MANUAL if rng.random() < 0.8 else Origin.API,
                status,
                "EUR",
                order_date,
                agent,
                latest.id if latest else None,
                history.latest_response,
                confirmed.id if confirmed else None,
                confirmed_at,
                agent,
                history.created_at,
                changed_at,
                changed_at,
                history.last_actor,
                any(invoiced.get(line_ids[number], 0) < quantity for number, quantity in received.items()),
            )
        )

    def bill(
        self,
        batch: Batch,
        vendor: VendorInfo,
        po_id: int,
        lines: list[list[Any]],
        line_ids: dict[int, int],
        received: dict[int, int],
        received_on: dt.date | None,
    ) -> dict[int, int]:
        """The vendor's invoices of what was received of one PO (``invoicing``); what is invoiced per line id.
        Nothing is invoiced of a PO received on no day (``received_on`` None)."""
        if received_on is None:
            return {}
        billable = [
            ReceivedLine(
                purchase_order_id=po_id,
                line_id=line_ids[line[NUMBER]],
                description=line[DESCRIPTION],
                unit=line[UNIT],
                unit_code=line[UNIT_CODE],
                quantity=received[line[NUMBER]],
                price_cents=line[UNIT_PRICE] * (100 - line[DISCOUNT]) // 100,
            )
            for line in lines
            if received.get(line[NUMBER])
        ]
        return self.invoices.bill(batch, vendor, billable, received_on)


@dataclass
class SentVersion:
    id: int
    number: int


class History:
    """The rows that one PO's history consists of, appended to the batch as the story unfolds."""

    def __init__(self, factory: PurchaseOrderFactory, batch: Batch, po_id: int, agent: int, order_date: dt.date):
        self.factory = factory
        self.batch = batch
        self.po_id = po_id
        self.agent = agent
        self.order_date = order_date
        self.created_at = factory._at(order_date, 0)
        self.last_at = self.created_at
        self.last_actor = agent
        self.received_by_line: dict[int, int] = {}
        self.received_on: dt.date | None = None  # the day of the (last) receipt
        self.latest_response: int | None = None  # the answer to the latest version sent, if any
        # Receipt lines point at PO line ids, which are assigned after the history is told.
        self._pending_receipt_lines: list[tuple[int, int, int]] = []  # (receipt line id, receipt id, line number)

    def event(
        self,
        kind: str,
        from_status: str,
        to_status: str,
        days: float,
        *,
        actor: int | None = None,
        version: int | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        self.last_at = max(self.factory._at(self.order_date, days), self.last_at)
        self.last_actor = actor or self.agent
        self.batch[EVENT].append(
            (
                self.factory.ids.take(PurchaseOrderEvent),
                self.po_id,
                kind,
                from_status,
                to_status,
                version,
                self.last_actor,
                self.last_at,
                data or {},
            )
        )

    def send(self, lines: list[list[Any]], number: int, days: float, kind: str = VersionKind.SENT) -> SentVersion:
        version_id = self.factory.ids.take(PurchaseOrderVersion)
        self.last_at = max(self.factory._at(self.order_date, days), self.last_at)
        self.batch[VERSION].append(
            (
                version_id,
                self.po_id,
                number,
                kind,
                None,
                "EUR",
                self.order_date,
                self.factory._total(lines),
                "Bench Agent",
                "agent@bench.example",
                self.agent,
                self.last_at,
            )
        )
        for line in lines:
            values = self.factory._line_values(line)
            self.batch[VERSION_LINE].append((self.factory.ids.take(VersionLine), version_id, *values))
        self.latest_response = None
        if kind == VersionKind.SENT:
            self.event(EventKind.SENT, POStatus.DRAFT, POStatus.IN_EXTERNAL_REVIEW, days, version=number)
        return SentVersion(version_id, number)

    def respond(
        self, version: SentVersion, lines: list[list[Any]], kind: str, vendor_user: int, days: float
    ) -> tuple[int, dict[int, tuple[str, Any, Any, list[Any], str]]]:
        """The vendor's answer to ``version``: every line answered. Returns the response id and, per changed line,
        what changed (action, quantity, date, schedule, vendor's item)."""
        rng = self.factory.rng
        response_id = self.factory.ids.take(VendorResponse)
        at = max(self.factory._at(self.order_date, days), self.last_at)
        self.batch[RESPONSE].append(
            (response_id, version.id, self.po_id, kind, f"SO-{response_id}", "", vendor_user, at)
        )
        self.latest_response = response_id
        changed: dict[int, tuple[str, Any, Any, list[Any], str]] = {}
        if kind == ResponseKind.ACCEPTED_WITH_CHANGES:
            for line in rng.sample(lines, min(len(lines), rng.randint(1, 3))):
                action: str = rng.choice(CHANGE_ACTIONS)
                if action == LineAction.REJECT and len(lines) <= 3:
                    action = LineAction.CHANGE  # never every line rejected: something is still delivered
                later = line[DELIVERY_DATE] + dt.timedelta(days=rng.randint(3, 20))
                if action == LineAction.SPLIT and line[QUANTITY] > 1:
                    first = line[QUANTITY] // 2
                    schedule = [
                        {"quantity": str(first), "delivery_date": line[DELIVERY_DATE].isoformat()},
                        {"quantity": str(line[QUANTITY] - first), "delivery_date": later.isoformat()},
                    ]
                    changed[line[NUMBER]] = (action, line[QUANTITY], line[DELIVERY_DATE], schedule, "")
                elif action == LineAction.SUBSTITUTE:
                    changed[line[NUMBER]] = (action, line[QUANTITY], line[DELIVERY_DATE], [], f"ALT-{line[ITEM]}")
                elif action == LineAction.REJECT:
                    changed[line[NUMBER]] = (action, None, None, [], "")
                else:
                    changed[line[NUMBER]] = (
                        LineAction.CHANGE,
                        max(1, line[QUANTITY] - rng.randint(0, line[QUANTITY] // 2)),
                        later,
                        [],
                        "",
                    )
        for line in lines:
            if kind == ResponseKind.REJECTED:
                answer: tuple[str, Any, Any, list[Any], str] = (LineAction.REJECT, None, None, [], "")
            else:
                answer = changed.get(line[NUMBER], (LineAction.ACCEPT, line[QUANTITY], line[DELIVERY_DATE], [], ""))
            action, quantity, date, schedule, external = answer
            self.batch[RESPONSE_LINE].append(
                (
                    self.factory.ids.take(ResponseLine),
                    response_id,
                    line[NUMBER],
                    action,
                    quantity,
                    date,
                    schedule,
                    external,
                    "Vendor's alternative" if external else "",
                    "",
                )
            )
        self.event(
            EventKind.RESPONDED,
            POStatus.IN_EXTERNAL_REVIEW,
            POStatus.IN_EXTERNAL_REVIEW,
            days,
            actor=vendor_user,
            version=version.number,
            data={"response": kind, "lines_changed": len(changed), "lines_total": len(lines)},
        )
        return response_id, changed

    def answer_and_confirm(
        self, version: SentVersion, lines: list[list[Any]], vendor: VendorInfo, vendor_user: int
    ) -> tuple[SentVersion, list[list[Any]]]:
        """Most confirmed POs were accepted; some were confirmed with the vendor's changes applied (a second,
        confirmation version), a few without any response."""
        roll = self.factory.rng.random()
        if roll < 0.05:
            self.event(
                EventKind.CONFIRMED,
                POStatus.IN_EXTERNAL_REVIEW,
                POStatus.CONFIRMED,
                3.0,
                version=version.number,
                data={"without_response": True},
            )
            return version, lines
        if roll < 0.8:
            self.respond(version, lines, ResponseKind.ACCEPTED, vendor_user, 1.0)
            automatic = vendor.auto_confirm
            self.event(
                EventKind.CONFIRMED,
                POStatus.IN_EXTERNAL_REVIEW,
                POStatus.CONFIRMED,
                1.0 if automatic else 2.0,
                actor=vendor_user if automatic else None,
                version=version.number,
                data={"automatic": True} if automatic else {"response": ResponseKind.ACCEPTED},
            )
            return version, lines
        response_id, changed = self.respond(version, lines, ResponseKind.ACCEPTED_WITH_CHANGES, vendor_user, 1.0)
        applied = [list(line) for line in lines]
        for line in applied:
            if line[NUMBER] not in changed:
                continue
            action, quantity, date, schedule, external = changed[line[NUMBER]]
            if action == LineAction.REJECT:
                line[CANCELLED] = True
            else:
                line[QUANTITY], line[DELIVERY_DATE], line[SCHEDULE] = quantity, date, schedule
                if external:
                    line[EXTERNAL_ITEM], line[EXTERNAL_DESCRIPTION] = external, "Vendor's alternative"
        confirmation = self.send(applied, version.number + 1, 2.0, kind=VersionKind.CONFIRMATION)
        # The confirmation version applies that response (set here, as ``version_freeze`` does).
        row = self.batch[VERSION][-1]
        self.batch[VERSION][-1] = (*row[:4], response_id, *row[5:])
        self.event(
            EventKind.CONFIRMED,
            POStatus.IN_EXTERNAL_REVIEW,
            POStatus.CONFIRMED,
            2.0,
            version=confirmation.number,
            data={
                "response": ResponseKind.ACCEPTED_WITH_CHANGES,
                "applied_changes": True,
                "answered_version": version.number,
            },
        )
        return confirmation, applied

    def receive(
        self, lines: list[list[Any]], *, full: bool, clerk: int, version: SentVersion, lateness: tuple[int, ...] = (0,)
    ) -> None:
        """One receipt: every open line in full, or (partial) half of the lines; on the latest confirmed delivery
        date of those lines give or take one of ``lateness`` days (the vendor's punctuality), never before the
        week after ordering nor after today."""
        receipt_id = self.factory.ids.take(Receipt)
        open_lines = [line for line in lines if not line[CANCELLED]]
        if not full:
            open_lines = open_lines[: len(open_lines) // 2]
        due = max(line[DELIVERY_DATE] for line in open_lines) - self.order_date
        days = max(7.0, due.days + self.factory.shape_rng.choice(lateness))
        at = max(self.factory._at(self.order_date, days), self.last_at)
        self.batch[RECEIPT].append((receipt_id, self.po_id, at.date(), clerk, at))
        self.received_on = at.date()
        for line in open_lines:
            self.received_by_line[line[NUMBER]] = line[QUANTITY]
            self._pending_receipt_lines.append((self.factory.ids.take(ReceiptLine), receipt_id, line[NUMBER]))
        self.event(
            EventKind.RECEIVED,
            POStatus.CONFIRMED,
            POStatus.RECEIVED if full else POStatus.CONFIRMED,
            days,
            actor=clerk,
            version=version.number,
            data={"receipt": receipt_id, "lines": {str(line[NUMBER]): str(line[QUANTITY]) for line in open_lines}},
        )

    def line_ids_resolved(self, line_ids: dict[int, int]) -> None:
        """Write the receipt lines, now that the PO's lines have their ids (``line_ids``: line number → id)."""
        for receipt_line_id, receipt_id, number in self._pending_receipt_lines:
            self.batch[RECEIPT_LINE].append(
                (receipt_line_id, receipt_id, line_ids[number], self.received_by_line[number])
            )
