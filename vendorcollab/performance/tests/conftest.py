"""A history of vendor A (and a little of vendor B) made through the real services at chosen moments, whose
performance figures are computed by hand in ``test_figures``.

The services stamp "now" themselves (a version's sending, an answer's submission) and refuse dates on the wrong side
of today (a changed delivery date in the past, a receipt in the future), so the history is played on a clock: each
step sets the moment, runs the services, and lets the commit's subscribers run, as they do after a real request.

The company's delivery tolerance is 2 days. Times are UTC; the project's time zone is Europe/Amsterdam (UTC+1 in
February and March 2026, until 29 March).

PO1, vendor A: line 1 item 0, 10 due 10 March; line 2 item 1, 20 due 10 March. Sent 2 Feb 09:00, answered 19:00
  (10 h) with changes: line 1 to 8 on 12 March (quantity and date), line 2 split 12 on 9 March + 8 on 20 March.
  Confirmed applying the changes. Received in two parts: 12 March line 1 5, line 2 15; 21 March line 1 3, line 2 5.
PO2, vendor A: line 1 item 0, 10 due 5 March; line 2 item 2, 5 due 5 March; line 3 item 1, 4 due 5 March. Sent
  10 Feb 08:00, answered 12 Feb 08:00 (48 h) with changes: line 2 rejected, line 3 substituted. Confirmed applying
  them (line 2 cancelled). Received 4 March: line 1 6 (of 10), line 3 4.
PO3, vendor A: one line item 2, 6 due 15 March. Sent 20 Feb, confirmed without a response 21 Feb. Received
  15 March: 6.
PO4, vendor A: one line item 0, 3 due 20 March. Sent 27 Feb 19:30, rejected 28 Feb 23:30 UTC (28 h), which is
  1 March 00:30 in Amsterdam: an answer of March.
PO5, vendor A: one line item 0, 2 due 10 April. Sent 2 March 08:00, accepted 10:00 (2 h), confirmed. Received
  9 April: 2.
PO6, vendor B: one line item 0, 5 due 10 March. Sent 3 March 08:00, accepted 09:00 (1 h), confirmed. Received
  20 March: 5.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from django.utils import timezone

from vendorcollab.purchasing.models import LineAction, PurchaseOrder, ResponseKind
from vendorcollab.purchasing.services import (
    LineAnswer,
    LineInput,
    ReceiptLineInput,
    ScheduleInput,
    po_confirm,
    po_create,
    po_send,
    receipt_post,
    response_submit,
)


class Clock:
    """What ``timezone.now()`` answers while the fixture is active (and so ``timezone.localdate()`` and every
    ``auto_now_add`` stamp)."""

    def __init__(self) -> None:
        self.moment = timezone.now()

    def set(self, moment: str) -> None:
        """``moment``: ISO 8601 in UTC, ``2026-02-02T09:00``."""
        self.moment = datetime.fromisoformat(moment).replace(tzinfo=UTC)


@pytest.fixture
def clock() -> Iterator[Clock]:
    clock = Clock()
    with mock.patch("django.utils.timezone.now", side_effect=lambda: clock.moment):
        yield clock


@pytest.fixture
def at(clock: Clock, django_capture_on_commit_callbacks: Any) -> Callable[[str], AbstractContextManager[None]]:
    """``with at("2026-02-02T09:00"): ...``: run services at that moment, then what their commits queued."""

    @contextmanager
    def step(moment: str) -> Iterator[None]:
        clock.set(moment)
        with django_capture_on_commit_callbacks(execute=True):
            yield

    return step


def day(text: str) -> date:
    return date.fromisoformat(text)


def line(item: Any, quantity: str, due: str) -> LineInput:
    return LineInput(item=item, quantity=Decimal(quantity), unit_price=Decimal("2.50"), delivery_date=day(due))


def receive(cast: Any, po: PurchaseOrder, on: str, **quantities: str) -> None:
    """``receive(cast, po, "2026-03-12", line_1="5")``"""
    receipt_post(
        actor=cast.clerk,
        purchase_order=po,
        lines=[ReceiptLineInput(int(name.removeprefix("line_")), Decimal(count)) for name, count in quantities.items()],
        received_date=day(on),
    )


@dataclass
class History:
    po1: PurchaseOrder
    po2: PurchaseOrder
    po3: PurchaseOrder
    po4: PurchaseOrder
    po5: PurchaseOrder
    po6: PurchaseOrder


def make_history(cast: Any, at: Callable[[str], AbstractContextManager[None]]) -> History:
    cast.company.delivery_tolerance_days = 2
    cast.company.save()
    item0, item1, item2 = cast.items
    agent, vendor = cast.agent, cast.vendor_a_user

    def sent(vendor_account: Any, *lines: LineInput) -> PurchaseOrder:
        po = po_create(actor=agent, company=cast.company, vendor=vendor_account, lines=list(lines))
        return po_send(actor=agent, purchase_order=po)

    with at("2026-02-02T09:00"):
        po1 = sent(cast.vendor_a, line(item0, "10", "2026-03-10"), line(item1, "20", "2026-03-10"))
    with at("2026-02-02T19:00"):
        response_submit(
            actor=vendor,
            purchase_order=po1,
            version=1,
            kind=ResponseKind.ACCEPTED_WITH_CHANGES,
            lines=[
                LineAnswer(1, LineAction.CHANGE, quantity=Decimal(8), delivery_date=day("2026-03-12")),
                LineAnswer(
                    2,
                    LineAction.SPLIT,
                    schedule=(
                        ScheduleInput(Decimal(8), day("2026-03-20")),
                        ScheduleInput(Decimal(12), day("2026-03-09")),
                    ),
                ),
            ],
        )
    with at("2026-02-03T08:00"):
        po_confirm(actor=agent, purchase_order=po1, apply_vendor_changes=True)

    with at("2026-02-10T08:00"):
        po2 = sent(
            cast.vendor_a,
            line(item0, "10", "2026-03-05"),
            line(item2, "5", "2026-03-05"),
            line(item1, "4", "2026-03-05"),
        )
    with at("2026-02-12T08:00"):
        response_submit(
            actor=vendor,
            purchase_order=po2,
            version=1,
            kind=ResponseKind.ACCEPTED_WITH_CHANGES,
            lines=[
                LineAnswer(2, LineAction.REJECT),
                LineAnswer(3, LineAction.SUBSTITUTE, external_item_number="EXT-9", external_description="Nine"),
            ],
        )
    with at("2026-02-12T10:00"):
        po_confirm(actor=agent, purchase_order=po2, apply_vendor_changes=True)

    with at("2026-02-20T08:00"):
        po3 = sent(cast.vendor_a, line(item2, "6", "2026-03-15"))
    with at("2026-02-21T08:00"):
        po_confirm(actor=agent, purchase_order=po3, without_response=True)

    with at("2026-02-27T19:30"):
        po4 = sent(cast.vendor_a, line(item0, "3", "2026-03-20"))
    with at("2026-02-28T23:30"):
        response_submit(actor=vendor, purchase_order=po4, version=1, kind=ResponseKind.REJECTED)

    with at("2026-03-02T08:00"):
        po5 = sent(cast.vendor_a, line(item0, "2", "2026-04-10"))
    with at("2026-03-02T10:00"):
        response_submit(actor=vendor, purchase_order=po5, version=1, kind=ResponseKind.ACCEPTED)
        po_confirm(actor=agent, purchase_order=po5)

    with at("2026-03-03T08:00"):
        po6 = sent(cast.vendor_b, line(item0, "5", "2026-03-10"))
    with at("2026-03-03T09:00"):
        response_submit(actor=cast.vendor_b_user, purchase_order=po6, version=1, kind=ResponseKind.ACCEPTED)
        po_confirm(actor=agent, purchase_order=po6)

    with at("2026-03-04T12:00"):
        receive(cast, po2, "2026-03-04", line_1="6", line_3="4")
    with at("2026-03-12T12:00"):
        receive(cast, po1, "2026-03-12", line_1="5", line_2="15")
    with at("2026-03-15T12:00"):
        receive(cast, po3, "2026-03-15", line_1="6")
    with at("2026-03-20T12:00"):
        receive(cast, po6, "2026-03-20", line_1="5")
    with at("2026-03-21T12:00"):
        receive(cast, po1, "2026-03-21", line_1="3", line_2="5")
    with at("2026-04-09T12:00"):
        receive(cast, po5, "2026-04-09", line_1="2")
    return History(po1=po1, po2=po2, po3=po3, po4=po4, po5=po5, po6=po6)


@pytest.fixture
def history(cast: Any, at: Callable[[str], AbstractContextManager[None]]) -> History:
    return make_history(cast, at)
