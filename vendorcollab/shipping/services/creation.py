"""Creating a ship notice: every input rule checked at once, then the quantities announced under the PO lines' row
locks, so that what is in transit never exceeds what was open."""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Length
from django.utils import timezone

from vendorcollab.accounts.models import VENDOR_ROLES, User
from vendorcollab.common.errors import CommonErrorCode
from vendorcollab.common.events import Event, publish
from vendorcollab.common.formatting import quantity_text
from vendorcollab.common.text import (
    QUANTITY_DIGITS,
    Kind,
    Limit,
    check_count,
    check_date,
    check_decimal,
    check_text,
    check_texts,
)
from vendorcollab.partners.models import Vendor
from vendorcollab.purchasing.models import POStatus, PurchaseOrder, PurchaseOrderLine

from .. import transitions
from ..errors import FieldErrors, ShippingErrorCode, invalid, refused
from ..inputs import ShipNoticeInput, ShipNoticeLineInput
from ..models import ShipNotice, ShipNoticeEventKind, ShipNoticeLine, ShipNoticeOrigin, ShipNoticeStatus
from .common import event_payload, lock_purchase_orders, move_in_transit

NUMBER_PREFIX = "SN-"
NUMBER_DIGITS = 6
_ASSIGNED_NUMBER = re.compile(r"^SN-[0-9]+$")
# The largest value of the packages column (a PostgreSQL integer).
PACKAGES_LIMIT = 2_147_483_647
# The largest id and line number the columns hold (a PostgreSQL integer).
ID_LIMIT = 2_147_483_647
# An assigned number lost to a notice created at the same moment is taken again this many times.
NUMBER_ATTEMPTS = 5
# The text columns' own lengths: the input rules refuse what the column cannot keep.
NUMBER_LENGTH: int = ShipNotice._meta.get_field("number").max_length or 0
CARRIER_LENGTH: int = ShipNotice._meta.get_field("carrier").max_length or 0
TRACKING_LENGTH: int = ShipNotice._meta.get_field("tracking_number").max_length or 0
LINE_NOTE_LENGTH: int = ShipNoticeLine._meta.get_field("note").max_length or 0


def next_ship_notice_number(vendor: Vendor) -> str:
    """The next assigned number of the vendor account: one more than the highest ``SN-nnnnnn`` it has ("SN-000001"
    for its first). Numbers the vendor chose itself in another shape are left alone."""
    assigned = (
        ShipNotice.objects.filter(vendor=vendor, number__regex=_ASSIGNED_NUMBER.pattern)
        .annotate(length=Length("number"))
        .order_by("-length", "-number")
        .values_list("number", flat=True)
        .first()
    )
    following = int(assigned[len(NUMBER_PREFIX) :]) + 1 if assigned else 1
    return f"{NUMBER_PREFIX}{following:0{NUMBER_DIGITS}d}"


def _check_header(data: ShipNoticeInput, errors: FieldErrors) -> None:
    check_texts(
        errors,
        {
            "number": (data.number.strip(), Kind.IDENTIFIER, NUMBER_LENGTH),
            "carrier": (data.carrier, Kind.LINE, CARRIER_LENGTH),
            "tracking_number": (data.tracking_number, Kind.LINE, TRACKING_LENGTH),
            "note": (data.note, Kind.MULTILINE, Limit.NOTE),
        },
    )
    today = timezone.localdate()
    despatch = data.despatch_date or today
    if despatch > today:
        errors.add("despatch_date", ShippingErrorCode.DESPATCH_IN_FUTURE)
    check_date(errors, "despatch_date", data.despatch_date, recorded=True)
    if data.expected_delivery_date is None:
        errors.add("expected_delivery_date", ShippingErrorCode.REQUIRED)
    else:
        check_date(errors, "expected_delivery_date", data.expected_delivery_date, recorded=True)
        if data.expected_delivery_date < despatch:
            errors.add("expected_delivery_date", ShippingErrorCode.DELIVERY_BEFORE_DESPATCH)
    if data.packages is not None and not 1 <= data.packages <= PACKAGES_LIMIT:
        errors.add("packages", ShippingErrorCode.PACKAGES_INVALID)


def _po_lines(actor: User, lines: tuple[ShipNoticeLineInput, ...]) -> dict[tuple[int, int], PurchaseOrderLine]:
    """The PO lines the input names, among the POs the actor may see, in one query. A PO of another vendor account
    is not among them: to this vendor it does not exist."""
    wanted = Q(pk__in=[])
    for entry in lines:
        # An id beyond the columns' range names nothing; asked of PostgreSQL it would fail the query instead.
        if 0 < entry.purchase_order_id <= ID_LIMIT and 0 < entry.line_number <= ID_LIMIT:
            wanted |= Q(purchase_order_id=entry.purchase_order_id, line_number=entry.line_number)
    found = (
        PurchaseOrderLine.objects.filter(purchase_order__in=PurchaseOrder.objects.visible_to(actor))
        .filter(wanted)
        .select_related("purchase_order", "purchase_order__vendor")
    )
    return {(line.purchase_order_id, line.line_number): line for line in found}


def _check_lines(actor: User, data: ShipNoticeInput, errors: FieldErrors) -> list[PurchaseOrderLine]:
    """Each line names a line of a confirmed PO the actor may see, once, with a positive quantity; every PO of one
    vendor account and every line of one ship-to. Returns the PO lines in the order of ``data.lines``."""
    if not data.lines:
        errors.add("lines", ShippingErrorCode.NO_LINES)
        return []
    po_lines = _po_lines(actor, data.lines)
    resolved: list[PurchaseOrderLine] = []
    seen: set[int] = set()
    first: PurchaseOrderLine | None = None
    for index, entry in enumerate(data.lines):
        path = f"lines.{index}"
        po_line = po_lines.get((entry.purchase_order_id, entry.line_number))
        check_decimal(errors, f"{path}.quantity", entry.quantity, QUANTITY_DIGITS)
        if not entry.quantity.is_finite() or entry.quantity <= 0:
            errors.add(f"{path}.quantity", ShippingErrorCode.QUANTITY_NOT_POSITIVE)
        check_text(errors, f"{path}.note", entry.note, Kind.LINE, LINE_NOTE_LENGTH)
        if po_line is None:
            errors.add(
                f"{path}.line_number",
                ShippingErrorCode.UNKNOWN_LINE,
                purchase_order=entry.purchase_order_id,
                line_number=entry.line_number,
            )
            continue
        po = po_line.purchase_order
        if po_line.pk in seen:
            errors.add(path, ShippingErrorCode.DUPLICATE_LINE, number=po.number, line_number=po_line.line_number)
            continue
        seen.add(po_line.pk)
        if first is None:
            first = po_line
        if po.vendor_id != first.purchase_order.vendor_id:
            errors.add(f"{path}.purchase_order", ShippingErrorCode.WRONG_VENDOR, number=po.number)
        elif po.status != POStatus.CONFIRMED:
            errors.add(
                f"{path}.purchase_order",
                ShippingErrorCode.NOT_SHIPPABLE,
                number=po.number,
                status=POStatus(po.status).label,
            )
        elif po_line.site_id != first.site_id:
            errors.add(path, ShippingErrorCode.MIXED_SHIP_TO, number=po.number, line_number=po_line.line_number)
        resolved.append(po_line)
    return resolved


def _announce(data: ShipNoticeInput, po_lines: list[PurchaseOrderLine]) -> None:
    """Under the PO and line locks: every PO still confirmed and no line announced beyond what is open and not yet
    announced; then the quantities are in transit. Refused whole, as a conflict: what was open when the vendor
    entered it was taken by another notice or a receipt since."""
    locked = lock_purchase_orders({line.purchase_order_id for line in po_lines}, {line.pk for line in po_lines})
    errors = FieldErrors()
    announced: dict[int, Decimal] = defaultdict(Decimal)
    for index, (entry, po_line) in enumerate(zip(data.lines, po_lines, strict=True)):
        fresh = locked[po_line.pk]
        po = fresh.purchase_order
        if po.status != POStatus.CONFIRMED:
            errors.add(
                f"lines.{index}.purchase_order",
                ShippingErrorCode.NOT_SHIPPABLE,
                number=po.number,
                status=POStatus(po.status).label,
            )
            continue
        if entry.quantity > fresh.to_announce_quantity:
            errors.add(
                f"lines.{index}.quantity",
                ShippingErrorCode.OVER_ANNOUNCED,
                available=quantity_text(fresh.to_announce_quantity),
                line_number=fresh.line_number,
                number=po.number,
            )
        announced[fresh.pk] += entry.quantity
    refusal = errors.conflict()
    if refusal is not None:
        raise refusal
    move_in_transit(dict(announced), sign=1)


def _save_numbered(notice: ShipNotice, *, assigned: bool) -> None:
    """Save, turning a lost race for the number into ``number_taken``; an assigned number lost that way is assigned
    again. A savepoint each time, so that the outer transaction stays usable."""
    for _attempt in range(NUMBER_ATTEMPTS):
        try:
            with transaction.atomic():
                notice.save()
            return
        except IntegrityError:
            if not assigned:
                break
            notice.number = next_ship_notice_number(notice.vendor)
    raise invalid("number", ShippingErrorCode.NUMBER_TAKEN, number=notice.number)


def ship_notice_create(
    *, actor: User, data: ShipNoticeInput, origin: ShipNoticeOrigin = ShipNoticeOrigin.PORTAL
) -> ShipNotice:
    """A vendor announces a shipment: lines of open confirmed POs of one vendor account and one ship-to, each no
    more than is still open and not already announced (checked under the lines' row locks). The quantities are in
    transit from now until the notice is received or cancelled."""
    if not actor.has_role(*VENDOR_ROLES):
        raise refused()
    errors = FieldErrors()
    check_count(errors, "lines", data.lines, Limit.LINES_PER_ORDER)
    if CommonErrorCode.TOO_MANY_ROWS in errors.codes.values():
        errors.raise_if_any()  # before reading however many lines someone sent
    _check_header(data, errors)
    with transaction.atomic():
        po_lines = _check_lines(actor, data, errors)
        number = data.number.strip()
        vendor = po_lines[0].purchase_order.vendor if po_lines else None
        # A number refused by the input rules is not looked up: PostgreSQL cannot even compare a NUL.
        valid_number = number and "number" not in errors.fields
        if valid_number and vendor is not None and ShipNotice.objects.filter(vendor=vendor, number=number).exists():
            errors.add("number", ShippingErrorCode.NUMBER_TAKEN, number=number)
        errors.raise_if_any()
        # At least one line resolved and a delivery date given, or an error was raised.
        assert vendor is not None and data.expected_delivery_date is not None
        _announce(data, po_lines)
        notice = ShipNotice(
            vendor=vendor,
            company_id=po_lines[0].purchase_order.company_id,
            number=number or next_ship_notice_number(vendor),
            status=ShipNoticeStatus.SHIPPED,
            origin=origin,
            site_id=po_lines[0].site_id,
            despatch_date=data.despatch_date or timezone.localdate(),
            expected_delivery_date=data.expected_delivery_date,
            carrier=data.carrier.strip(),
            tracking_number=data.tracking_number.strip(),
            packages=data.packages,
            note=data.note.strip(),
            created_by=actor,
        )
        _save_numbered(notice, assigned=not number)
        ShipNoticeLine.objects.bulk_create(
            ShipNoticeLine(
                notice=notice,
                line_number=position,
                purchase_order_id=po_line.purchase_order_id,
                po_line=po_line,
                quantity=entry.quantity,
                note=entry.note.strip(),
            )
            for position, (entry, po_line) in enumerate(zip(data.lines, po_lines, strict=True), start=1)
        )
        transitions.record_event(
            notice,
            ShipNoticeEventKind.CREATED,
            actor=actor,
            to_status=ShipNoticeStatus.SHIPPED,
            data={"lines": len(po_lines), "origin": str(origin)},
        )
        publish(Event.SHIP_NOTICE_CREATED, **event_payload(notice, actor))
    return notice
