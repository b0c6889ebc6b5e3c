"""Demo vendor performance: half a year of orders for each demo vendor, sent, answered, confirmed, shipped on a notice
and received through the real services, each step on the day it happened, so that the performance pages show trends
and distributions made of real history rather than invented figures.

The services stamp every step with the current time, so each step runs with the clock set to its moment
(``clock_at``): a version sent in June is sent in June, its answer came hours later, the receipt on the day the
goods came. The vendors differ as real ones do: Fabrikam answers within hours and delivers on time, Northwind
confirms at once but sometimes delivers early, Tailspin answered slowly and delivered late and got better over the
months, Fabrikam Belgium once delivered a line short and the rest later.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from unittest import mock

from django.utils import timezone

from vendorcollab.purchasing import services as purchasing
from vendorcollab.purchasing.models import LineAction, POStatus, PurchaseOrder, ResponseKind
from vendorcollab.purchasing.services import LineAnswer, ReceiptLineInput
from vendorcollab.shipping.inputs import NoticeReceiptLineInput, ShipNoticeInput, ShipNoticeLineInput
from vendorcollab.shipping.services import ship_notice_create, ship_notice_receive

from .data import RESPONDERS, Demo, _Builder

# Orders of the history, in days before today: every 15 days from half a year ago to a month ago, so every month
# has some and the last one is received weeks before today: the history leaves nothing open.
ORDER_DAYS_AGO = tuple(range(182, 31, -15))
LEAD_DAYS = 10  # from order to the confirmed delivery date
HISTORY_BEFORE_DAYS_AGO = 31  # the demo's other POs are at most 30 days old: older ones are this history


@dataclass(frozen=True)
class Habit:
    """How one vendor answers and delivers; ``number`` counts its orders oldest first, ``age`` is days ago."""

    company: str
    items: tuple[int, int]

    def answer_hours(self, number: int, age: int) -> float:
        raise NotImplementedError

    def lateness_days(self, number: int, age: int) -> int:
        raise NotImplementedError

    def answer(self, number: int) -> ResponseKind:
        return ResponseKind.ACCEPTED

    def short_by(self, number: int) -> int:
        """Units of the first line missing from the shipment (received later on their own)."""
        return 0


class Fabrikam(Habit):
    def answer_hours(self, number: int, age: int) -> float:
        return 2 + (number % 3) * 2

    def lateness_days(self, number: int, age: int) -> int:
        return 4 if number == 5 else number % 2  # on time but once

    def answer(self, number: int) -> ResponseKind:
        # Every fourth order: a later date for the second line, which the buyer applies.
        return ResponseKind.ACCEPTED_WITH_CHANGES if number % 4 == 1 else ResponseKind.ACCEPTED


class FabrikamBelgium(Habit):
    def answer_hours(self, number: int, age: int) -> float:
        return 16 + (number % 2) * 10

    def lateness_days(self, number: int, age: int) -> int:
        return 1 if number % 3 == 0 else 0

    def short_by(self, number: int) -> int:
        return 4 if number == 3 else 0


class Northwind(Habit):
    def answer_hours(self, number: int, age: int) -> float:
        return 0.5 + number % 2

    def lateness_days(self, number: int, age: int) -> int:
        return -4 if number % 3 == 2 else 0  # early now and then, beyond the tolerance


class Tailspin(Habit):
    """Slow and late at first, better every month."""

    def answer_hours(self, number: int, age: int) -> float:
        return 20 + age / 4

    def lateness_days(self, number: int, age: int) -> int:
        return 7 if age > 140 else 3 if age > 80 else 0

    def answer(self, number: int) -> ResponseKind:
        return ResponseKind.REJECTED if number == 2 else ResponseKind.ACCEPTED


HABITS: dict[str, Habit] = {
    "fabrikam_nl": Fabrikam("NL01", (0, 5)),
    "fabrikam_be": FabrikamBelgium("BE01", (2, 4)),
    "northwind_nl": Northwind("NL01", (1, 4)),
    "tailspin_be": Tailspin("BE01", (3, 0)),
}


@contextmanager
def clock_at(moment: dt.datetime) -> Iterator[None]:
    """Run the services as if it were ``moment``: ``timezone.now`` (which ``localdate``, the models' ``auto_now`` and
    the services all read) answers it. The demo's history needs each step on its own day; nothing else does this."""
    with mock.patch.object(timezone, "now", return_value=moment):
        yield


def history_exists(demo: Demo) -> bool:
    first_day = timezone.localdate() - dt.timedelta(days=HISTORY_BEFORE_DAYS_AGO)
    return PurchaseOrder.objects.filter(company__in=demo.companies.values(), order_date__lt=first_day).exists()


def ensure_performance_history(demo: Demo) -> int:
    """Create the history once; returns how many POs it made."""
    if history_exists(demo):
        return 0
    b = _Builder(demo)
    made = 0
    for vendor, habit in HABITS.items():
        for number, age in enumerate(ORDER_DAYS_AGO):
            _order(b, vendor, habit, number, age)
            made += 1
    return made


def _at(b: _Builder, days_ago: float, hour: float) -> dt.datetime:
    day = b.today - dt.timedelta(days=days_ago)
    return dt.datetime.combine(day, dt.time(0), tzinfo=timezone.get_current_timezone()) + dt.timedelta(hours=hour)


def _order(b: _Builder, vendor: str, habit: Habit, number: int, age: int) -> None:
    """One order's life, each step at its moment: sent at nine, answered after the vendor's hours, confirmed by
    the buyer an hour later where the vendor's answer does not confirm it, shipped two days before it is due and
    received on the day it came."""
    demo = b.demo
    responder = demo.users[RESPONDERS[vendor]]
    due_in = LEAD_DAYS - age  # from today, as ``_Builder.line`` counts
    lines = [
        b.line(habit.company, habit.items[0], str(20 + 10 * (number % 4)), due_in),
        b.line(habit.company, habit.items[1], str(5 + number % 3), due_in),
    ]
    sent_at = _at(b, age, 9)
    with clock_at(sent_at):
        po = b.send(b.create(vendor, lines, days_ago=age))
    answered_at = sent_at + dt.timedelta(hours=habit.answer_hours(number, age))
    kind = habit.answer(number)
    answers: tuple[LineAnswer, ...] = ()
    if kind == ResponseKind.ACCEPTED_WITH_CHANGES:
        later = b.today + dt.timedelta(days=due_in + 3)
        answers = (
            LineAnswer(line_number=1, action=LineAction.ACCEPT),
            LineAnswer(line_number=2, action=LineAction.CHANGE, delivery_date=later, note="From our second plant."),
        )
    with clock_at(answered_at):
        note = "We cannot make this quantity this month." if kind == ResponseKind.REJECTED else ""
        b.respond(po, kind, answers, note=note)
    with clock_at(answered_at + dt.timedelta(hours=1)):
        po.refresh_from_db()
        if kind == ResponseKind.REJECTED:
            purchasing.po_cancel(actor=b.agent, purchase_order=po, reason="Ordered from another vendor.")
            return
        if po.status == POStatus.IN_EXTERNAL_REVIEW:
            po = b.confirm(po, apply=kind == ResponseKind.ACCEPTED_WITH_CHANGES)
    po_lines = list(po.lines.order_by("line_number"))
    due = max(line.delivery_date for line in po_lines)
    short = habit.short_by(number)
    lateness = habit.lateness_days(number, age)
    # Shipped two days before it is due, or earlier for goods that arrive early: never received before despatch.
    with clock_at(_at(b, (b.today - due).days + max(2, 1 - lateness), 8)):
        notice = ship_notice_create(
            actor=responder,
            data=ShipNoticeInput(
                lines=tuple(
                    ShipNoticeLineInput(
                        purchase_order_id=po.pk,
                        line_number=line.line_number,
                        quantity=line.quantity - (short if index == 0 else 0),
                    )
                    for index, line in enumerate(po_lines)
                ),
                expected_delivery_date=due,
                carrier="DHL Freight" if number % 2 else "PostNL",
                tracking_number=f"DEMO{po.pk:06d}{number:02d}",
                packages=1 + number % 3,
            ),
        )
    arrived = (b.today - due).days - lateness
    with clock_at(_at(b, arrived, 10)):
        ship_notice_receive(
            actor=b.clerk,
            notice=notice,
            lines=[
                NoticeReceiptLineInput(line_number=line.line_number, quantity=line.quantity)
                for line in notice.lines.order_by("line_number")
            ],
        )
    if short:
        # What was missing came a week later, without a notice: the delivery in two parts.
        with clock_at(_at(b, arrived - 7, 10)):
            purchasing.receipt_post(
                actor=b.clerk,
                purchase_order=po,
                lines=[ReceiptLineInput(line_number=po_lines[0].line_number, quantity=Decimal(short))],
            )
