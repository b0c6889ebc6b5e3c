"""Demo ship notices: each vendor announces a shipment of an order the buyer confirmed, so that the vendors' notice
lists and the buyer's incoming shipments show every case: one on its way, one expected this week, one overdue, and
one received with a line short, the difference shown to both sides. Made through the real services, as the vendors
and the receiving clerk would."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from vendorcollab.purchasing.models import PurchaseOrder, ResponseKind
from vendorcollab.shipping.inputs import NoticeReceiptLineInput, ShipNoticeInput, ShipNoticeLineInput
from vendorcollab.shipping.models import ShipNotice
from vendorcollab.shipping.services import ship_notice_create, ship_notice_receive

from .data import RESPONDERS, Demo, _Builder


@dataclass(frozen=True)
class NoticePlan:
    vendor: str  # the vendor key (``data.VENDORS``)
    company: str
    # (item index, quantity ordered, quantity shipped): a line ordered and not shipped stays open on the PO.
    lines: tuple[tuple[int, str, str], ...]
    despatched_days_ago: int
    expected_in_days: int  # negative: before today (overdue while in transit)
    carrier: str
    tracking_number: str
    packages: int
    # What arrived per notice line when the clerk received it; empty: still in transit.
    received: tuple[str, ...] = ()


RECENT_DAYS = 20


def this_week_in_days(today: dt.date) -> int:
    """Days from today to a day later in the current ISO week (today itself on a Sunday)."""
    return min(2, 6 - today.weekday())


def plans(today: dt.date) -> tuple[NoticePlan, ...]:
    return (
        # On its way, expected next week; the third line is still to ship (the PO shows it open).
        NoticePlan(
            "fabrikam_nl", "NL01", ((0, "60", "60"), (5, "24", "24"), (2, "10", "0")), 1, 8, "DHL Freight",
            "JVGL0612345678", 3,
        ),
        # Expected this week.
        NoticePlan(
            "northwind_nl", "NL01", ((1, "400", "400"),), 0, this_week_in_days(today), "PostNL", "3SNWT0014452", 1,
        ),
        # Overdue: expected two days ago and not received yet; the buyer's "overdue" list shows it.
        NoticePlan("fabrikam_be", "BE01", ((2, "200", "200"), (4, "1500", "1000")), 6, -2, "DPD", "0550122334", 6),
        # Received with one line short: 46 of 48 arrived; both sides see the difference of -2.
        NoticePlan(
            "tailspin_be", "BE01", ((0, "48", "48"), (3, "80", "80")), 4, -1, "Own transport", "", 2,
            received=("46", "80"),
        ),
    )  # fmt: skip


def ensure_ship_notices(demo: Demo) -> int:
    """Create the demo notices once (none despatched in the last weeks yet: the performance history's notices are
    months old); returns how many were created."""
    b = _Builder(demo)
    vendors = [demo.vendors[key] for key in RESPONDERS]
    recent = b.day(-RECENT_DAYS)
    if ShipNotice.objects.filter(vendor__in=vendors, despatch_date__gte=recent).exists():
        return 0
    created = 0
    for plan in plans(b.today):
        po = _confirmed(b, plan)
        responder = demo.users[RESPONDERS[plan.vendor]]
        shipped = [
            ShipNoticeLineInput(purchase_order_id=po.pk, line_number=number, quantity=Decimal(quantity))
            for number, (_, _, quantity) in enumerate(plan.lines, start=1)
            if Decimal(quantity) > 0
        ]
        notice = ship_notice_create(
            actor=responder,
            data=ShipNoticeInput(
                lines=tuple(shipped),
                despatch_date=b.day(-plan.despatched_days_ago),
                expected_delivery_date=b.day(plan.expected_in_days),
                carrier=plan.carrier,
                tracking_number=plan.tracking_number,
                packages=plan.packages,
            ),
        )
        created += 1
        if plan.received:
            ship_notice_receive(
                actor=b.clerk,
                notice=notice,
                lines=[
                    NoticeReceiptLineInput(line_number=number, quantity=Decimal(quantity))
                    for number, quantity in enumerate(plan.received, start=1)
                ],
            )
    return created


def _confirmed(b: _Builder, plan: NoticePlan) -> PurchaseOrder:
    """A PO of the plan's lines, sent two weeks ago, accepted by the vendor and confirmed (auto-confirming vendors
    confirm by accepting)."""
    # Due on the day the vendor expects to deliver; an order entered today cannot ask for a day past, so the overdue
    # shipment's order asked for tomorrow and the vendor shipped it late all the same.
    due_in_days = max(1, plan.expected_in_days)
    lines = [b.line(plan.company, item, quantity, due_in_days) for item, quantity, _ in plan.lines]
    po = b.send(b.create(plan.vendor, lines, days_ago=14))
    b.respond(po, ResponseKind.ACCEPTED)
    po.refresh_from_db()
    if po.is_in_review:
        po = b.confirm(po)
    return po
