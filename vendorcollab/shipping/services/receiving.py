"""The end of a ship notice: the vendor cancels it (its quantities open again), or the receiving clerk receives
from it, posting product receipts through purchasing's receipt rules and recording what arrived per line."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from vendorcollab.accounts.models import User
from vendorcollab.common.errors import AppError, CommonErrorCode
from vendorcollab.common.events import Event, publish
from vendorcollab.common.text import QUANTITY_DIGITS, Kind, Limit, check_count, check_date, check_decimal, check_text
from vendorcollab.purchasing.errors import PurchasingErrorCode
from vendorcollab.purchasing.models import PurchaseOrder, Receipt
from vendorcollab.purchasing.services import ReceiptLineInput, receipt_post

from .. import transitions
from ..errors import MESSAGES, NOTICE_LINE_UNKNOWN, RECEIPT_LINE_TWICE, FieldErrors, ShippingErrorCode
from ..inputs import NoticeReceiptLineInput
from ..models import ShipNotice, ShipNoticeLine, ShipNoticeStatus
from ..transitions import ShipNoticeAction
from .common import event_payload, lock_purchase_orders, move_in_transit


def ship_notice_cancel(*, actor: User, notice: ShipNotice | int, reason: str = "") -> ShipNotice:
    """The vendor takes a notice back before anything of it is received: its quantities are no longer in transit
    and can be announced again."""
    with transaction.atomic():
        notice = transitions.lock(notice, actor=actor)
        transitions.check(notice, ShipNoticeAction.CANCEL, actor=actor)
        errors = FieldErrors()
        check_text(errors, "reason", reason, Kind.MULTILINE, Limit.NOTE)
        errors.raise_if_any()
        lines = list(notice.lines.all())
        lock_purchase_orders({line.purchase_order_id for line in lines}, {line.po_line_id for line in lines})
        given_back: dict[int, Decimal] = defaultdict(Decimal)
        for line in lines:
            given_back[line.po_line_id] += line.quantity
        move_in_transit(dict(given_back), sign=-1)
        notice.cancelled_at = timezone.now()
        notice.cancel_reason = reason.strip()
        transitions.transition(
            notice, ShipNoticeAction.CANCEL, actor=actor, data={"reason": notice.cancel_reason} if reason else None
        )
        publish(Event.SHIP_NOTICE_CANCELLED, **event_payload(notice, actor))
    return notice


@dataclass(frozen=True)
class _Arrival:
    """One notice line received: where it came from in the input (``index``, for error paths) and how much."""

    index: int
    line: ShipNoticeLine
    quantity: Decimal


# The refusals of a receipt from a notice name the notice's own lines.
RECEIPT_MESSAGES = {
    **MESSAGES,
    ShippingErrorCode.UNKNOWN_LINE: NOTICE_LINE_UNKNOWN,
    ShippingErrorCode.DUPLICATE_LINE: RECEIPT_LINE_TWICE,
}


def _receipt_errors() -> FieldErrors:
    return FieldErrors(RECEIPT_MESSAGES)


def _check_received_date(errors: FieldErrors, received_date: date | None) -> None:
    if received_date is not None and received_date > timezone.localdate():
        errors.add("received_date", PurchasingErrorCode.RECEIPT_IN_FUTURE)
    check_date(errors, "received_date", received_date, recorded=True)


def _renumbered(error: AppError, indexes: list[int]) -> AppError:
    """A refusal of ``receipt_post`` with its ``lines.N`` paths (N: the position in that PO's receipt) turned into
    the positions in what the caller sent."""
    names = {}
    for path in [*error.fields, *error.field_codes]:
        parts = path.split(".")
        if len(parts) >= 2 and parts[0] == "lines" and parts[1].isdigit() and int(parts[1]) < len(indexes):
            names[path] = ".".join(["lines", str(indexes[int(parts[1])]), *parts[2:]])
    return error.with_fields_renamed(names)


def _receive(*, actor: User, notice: ShipNotice, arrivals: list[_Arrival], received_date: date | None) -> list[Receipt]:
    """Post a receipt per PO of what arrived (lines that arrived as 0 need none), move the shipped quantity of each
    line out of transit, record what arrived, and close the notice once every line is received. Call with the notice
    locked and the input checked."""
    transitions.check(notice, ShipNoticeAction.RECEIVE, actor=actor)
    by_po: dict[int, list[_Arrival]] = defaultdict(list)
    for arrival in arrivals:
        by_po[arrival.line.purchase_order_id].append(arrival)
    # Every PO of the lines, then the lines, in primary-key order (the order every service takes them in), before
    # purchasing's receipts lock each PO again (already held) and move its received quantities.
    lock_purchase_orders(by_po, {arrival.line.po_line_id for arrival in arrivals})
    receipts = []
    for po_id in sorted(by_po):
        arrived = [arrival for arrival in by_po[po_id] if arrival.quantity > 0]
        if not arrived:
            continue
        try:
            receipts.append(
                receipt_post(
                    actor=actor,
                    purchase_order=arrived[0].line.purchase_order,
                    lines=[ReceiptLineInput(arrival.line.po_line.line_number, arrival.quantity) for arrival in arrived],
                    received_date=received_date,
                    ship_notice=notice,
                )
            )
        except AppError as error:
            raise _renumbered(error, [arrival.index for arrival in arrived]) from None
    out_of_transit: dict[int, Decimal] = defaultdict(Decimal)
    for arrival in arrivals:
        out_of_transit[arrival.line.po_line_id] += arrival.line.quantity
        arrival.line.received_quantity = arrival.quantity
    move_in_transit(dict(out_of_transit), sign=-1)
    ShipNoticeLine.objects.bulk_update([arrival.line for arrival in arrivals], ["received_quantity"])
    every_line = list(notice.lines.all())
    differing = [arrival.line.line_number for arrival in arrivals if arrival.quantity != arrival.line.quantity]
    notice.has_difference = any(
        line.received_quantity is not None and line.received_quantity != line.quantity for line in every_line
    )
    complete = all(line.received_quantity is not None for line in every_line)
    if complete:
        notice.received_date = received_date or timezone.localdate()
    transitions.transition(
        notice,
        ShipNoticeAction.RECEIVE,
        actor=actor,
        target=ShipNoticeStatus.RECEIVED if complete else ShipNoticeStatus.SHIPPED,
        data={
            "receipts": [receipt.pk for receipt in receipts],
            "lines": {str(arrival.line.line_number): str(arrival.quantity) for arrival in arrivals},
        },
    )
    publish(
        Event.SHIP_NOTICE_RECEIVED,
        **event_payload(notice, actor, receipts=[receipt.pk for receipt in receipts], difference_lines=differing),
    )
    return receipts


def _notice_lines(notice: ShipNotice) -> list[ShipNoticeLine]:
    return list(notice.lines.select_related("purchase_order", "po_line").order_by("line_number"))


def ship_notice_receive(
    *,
    actor: User,
    notice: ShipNotice | int,
    lines: Sequence[NoticeReceiptLineInput],
    received_date: date | None = None,
) -> list[Receipt]:
    """The receiving clerk receives from a notice: per notice line what arrived (0: nothing of it). Lines not given
    stay in transit and can be received later. Returns the receipts posted, one per PO with something received."""
    with transaction.atomic():
        notice = transitions.lock(notice, actor=actor)
        transitions.check(notice, ShipNoticeAction.RECEIVE, actor=actor)
        on_notice = {line.line_number: line for line in _notice_lines(notice)}
        arrivals = _arrivals(
            notice, on_notice, lines, received_date, missing=ShippingErrorCode.UNKNOWN_LINE, nothing_allowed=True
        )
        return _receive(actor=actor, notice=notice, arrivals=arrivals, received_date=received_date)


def ship_notice_receive_purchase_order(
    *,
    actor: User,
    notice: ShipNotice | int,
    purchase_order: PurchaseOrder,
    lines: Sequence[ReceiptLineInput],
    received_date: date | None = None,
) -> Receipt:
    """A receipt of one PO that names the notice its goods came with (the buyer API's receipts with
    ``ship_notice``): PO line numbers, each on the notice for this PO, each with a quantity above zero, as every
    receipt of a PO. The notice's lines given are received; the others stay in transit."""
    with transaction.atomic():
        notice = transitions.lock(notice, actor=actor)
        transitions.check(notice, ShipNoticeAction.RECEIVE, actor=actor)
        on_notice = {
            line.po_line.line_number: line
            for line in _notice_lines(notice)
            if line.purchase_order_id == purchase_order.pk
        }
        arrivals = _arrivals(
            notice, on_notice, lines, received_date, missing=ShippingErrorCode.NOT_ON_NOTICE, nothing_allowed=False
        )
        [receipt] = _receive(actor=actor, notice=notice, arrivals=arrivals, received_date=received_date)
    return receipt


def _arrivals(
    notice: ShipNotice,
    on_notice: dict[int, ShipNoticeLine],
    lines: Sequence[NoticeReceiptLineInput | ReceiptLineInput],
    received_date: date | None,
    *,
    missing: ShippingErrorCode,
    nothing_allowed: bool,
) -> list[_Arrival]:
    """What arrived, per line of the notice named by ``lines`` (keyed in ``on_notice`` by the number the caller's
    lines use: the notice's own line numbers, or a PO's), with every refusal at once: a line not on the notice
    (``missing``), twice, or received already, and a quantity below zero (or, for a receipt of a PO, not above
    zero, as every PO receipt: ``nothing_allowed`` False)."""
    errors = _receipt_errors()
    _check_received_date(errors, received_date)
    if not lines:
        errors.add("lines", ShippingErrorCode.NO_LINES)
    check_count(errors, "lines", lines, Limit.LINES_PER_ORDER)
    if CommonErrorCode.TOO_MANY_ROWS in errors.codes.values():
        errors.raise_if_any()  # before reading however many lines someone sent
    arrivals: list[_Arrival] = []
    seen: set[int] = set()
    for index, entry in enumerate(lines):
        path = f"lines.{index}"
        line = on_notice.get(entry.line_number)
        if line is None:
            errors.add(f"{path}.line_number", missing, line_number=entry.line_number, notice=notice.number)
            continue
        if entry.line_number in seen:
            errors.add(f"{path}.line_number", ShippingErrorCode.DUPLICATE_LINE, line_number=entry.line_number)
            continue
        seen.add(entry.line_number)
        if line.received_quantity is not None:
            errors.add(
                f"{path}.line_number",
                ShippingErrorCode.ALREADY_RECEIVED,
                line_number=line.line_number,
                notice=notice.number,
            )
            continue
        check_decimal(errors, f"{path}.quantity", entry.quantity, QUANTITY_DIGITS)
        if not entry.quantity.is_finite() or entry.quantity < 0 or (entry.quantity == 0 and not nothing_allowed):
            code = ShippingErrorCode.QUANTITY_NEGATIVE if nothing_allowed else ShippingErrorCode.QUANTITY_NOT_POSITIVE
            errors.add(f"{path}.quantity", code)
            continue
        arrivals.append(_Arrival(index, line, entry.quantity))
    errors.raise_if_any()
    return arrivals
