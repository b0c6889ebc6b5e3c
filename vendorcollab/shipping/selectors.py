"""Every read of ship notices, scoped to the actor: the vendor's notices by status, the buyer's incoming shipments
(expected this week, overdue), one notice with what its page shows, the PO lines a new notice can ship, and what is
in transit and still to announce per PO for the vendor's PO lists.

Each list is one indexed query (``ShipNotice`` indexes ``ship_notice_vendor_status`` and ``ship_notice_incoming``);
each side's tile counts are one aggregate.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    TextChoices,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vendorcollab.accounts.models import User
from vendorcollab.common.counting import aggregated, table_stamp
from vendorcollab.purchasing.models import POStatus, PurchaseOrder, PurchaseOrderLine
from vendorcollab.purchasing.selectors import Sort, _ordering

from .errors import not_found
from .models import ShipNotice, ShipNoticeEvent, ShipNoticeLine, ShipNoticeStatus

ZERO = Decimal(0)
_QUANTITY = DecimalField(max_digits=16, decimal_places=4)


class VendorShipNoticeList(TextChoices):
    """The vendor's ship-notice lists: in transit first, then the received and the cancelled ones."""

    SHIPPED = "shipped", _("Shipped, in transit")
    RECEIVED = "received", _("Received")
    CANCELLED = "cancelled", _("Cancelled")
    ALL = "all", _("All ship notices")

    @property
    def statuses(self) -> tuple[str, ...]:
        if self == VendorShipNoticeList.ALL:
            return tuple(ShipNoticeStatus.values)
        return (self.value,)


class BuyerShipNoticeList(TextChoices):
    """The buyer's incoming shipments. "This week" and "overdue" are what the receiving clerk plans the dock with:
    notices in transit expected in the current ISO week (Monday to Sunday), and those expected before today."""

    THIS_WEEK = "this_week", _("Expected this week")
    OVERDUE = "overdue", _("Overdue")
    IN_TRANSIT = "in_transit", _("In transit")
    RECEIVED = "received", _("Received")
    ALL = "all", _("All ship notices")

    @property
    def incoming(self) -> bool:
        """The lists of what is still on its way, shown by expected delivery date, soonest first."""
        return self in (BuyerShipNoticeList.THIS_WEEK, BuyerShipNoticeList.OVERDUE, BuyerShipNoticeList.IN_TRANSIT)

    def condition(self, today: dt.date | None = None) -> Q:
        """The list as a filter on ``ShipNotice``, for the page and for its tile's count alike."""
        today = today or timezone.localdate()
        in_transit = Q(status=ShipNoticeStatus.SHIPPED)
        if self == BuyerShipNoticeList.THIS_WEEK:
            monday = today - dt.timedelta(days=today.weekday())
            return in_transit & Q(expected_delivery_date__range=(monday, monday + dt.timedelta(days=6)))
        if self == BuyerShipNoticeList.OVERDUE:
            return in_transit & Q(expected_delivery_date__lt=today)
        if self == BuyerShipNoticeList.IN_TRANSIT:
            return in_transit
        if self == BuyerShipNoticeList.RECEIVED:
            return Q(status=ShipNoticeStatus.RECEIVED)
        return Q()


# --- one notice ----------------------------------------------------------------------------------------------------


# What a notice's page shows of each line (``list_rows.notice_line_rows``, ``pages.purchase_orders_of``): the page
# reads the largest notices whole, and the full rows of a line's PO, PO line, item and site were most of its time.
PAGE_LINE_FIELDS = (
    "notice_id",
    "line_number",
    "quantity",
    "received_quantity",
    "note",
    "purchase_order__number",
    "po_line__line_number",
    "po_line__description",
    "po_line__sellers_item_id",
    "po_line__unit",
    "po_line__item__number",
    "po_line__item__name",
)


def _with_lines(rows: QuerySet[ShipNotice], *, page_columns_only: bool = False) -> QuerySet[ShipNotice]:
    """The notices with their vendor account, company and site, and their lines in order with each line's PO, PO
    line and item; with ``page_columns_only`` the lines read only what a notice's page shows."""
    lines = ShipNoticeLine.objects.order_by("line_number")
    if page_columns_only:
        lines = lines.select_related("purchase_order", "po_line__item").only(*PAGE_LINE_FIELDS)
        rows = rows.select_related("vendor", "company", "site")
    else:
        lines = lines.select_related("purchase_order", "po_line__item", "po_line__site")
        rows = rows.select_related("vendor", "company", "site", "created_by")
    return rows.prefetch_related(Prefetch("lines", queryset=lines))


def _one(rows: QuerySet[ShipNotice], pk: int) -> ShipNotice:
    notice = rows.filter(pk=pk).first()
    if notice is None:
        raise not_found()
    return notice


def ship_notice_get(actor: User, pk: int) -> ShipNotice:
    """One notice the actor may see, with its lines, their PO lines and items, its POs and vendor account, or
    ``NotFound``: also when it exists but is another vendor's."""
    return _one(_with_lines(ShipNotice.objects.visible_to(actor)), pk)


def ship_notice_for_page(actor: User, pk: int) -> ShipNotice:
    """``ship_notice_get`` for the notice's page on either side: the same notice and scope, its lines read with
    only the columns the page shows. Not for a service or a form, which may read any column of a line."""
    return _one(_with_lines(ShipNotice.objects.visible_to(actor), page_columns_only=True), pk)


def ship_notice_events(notice: ShipNotice) -> QuerySet[ShipNoticeEvent]:
    """The history of a notice fetched through ``ship_notice_get``, newest first."""
    return ShipNoticeEvent.objects.filter(notice=notice).select_related("actor").order_by("-pk")


def difference_lines(notice: ShipNotice) -> list[ShipNoticeLine]:
    """The lines of a notice fetched through ``ship_notice_get`` that arrived with another quantity than shipped:
    what both sides are shown (short: negative ``difference``; over: positive)."""
    return [line for line in notice.lines.all() if line.difference not in (None, ZERO)]


def notices_of_purchase_order(actor: User, purchase_order: PurchaseOrder) -> list[ShipNotice]:
    """The notices with a line on a PO (fetched through a scoped selector) that the actor may see, newest first,
    with their lines: the PO page's "shipments" section."""
    on_po = ShipNoticeLine.objects.filter(notice_id=OuterRef("pk"), purchase_order_id=purchase_order.pk)
    return list(_with_lines(ShipNotice.objects.visible_to(actor)).filter(Exists(on_po)).order_by("-pk"))


# --- what a new notice can ship --------------------------------------------------------------------------------------


def _to_announce() -> Case:
    """``PurchaseOrderLine.to_announce_quantity`` in SQL: open, not yet announced, never below zero."""
    return Case(
        When(
            is_cancelled=False,
            then=Greatest(
                F("quantity") - F("received_quantity") - F("in_transit_quantity"), Value(ZERO), output_field=_QUANTITY
            ),
        ),
        default=Value(ZERO),
        output_field=_QUANTITY,
    )


# A line a new notice can ship: not cancelled, with more ordered than received and announced.
_LEFT_TO_SHIP = Q(is_cancelled=False, quantity__gt=F("received_quantity") + F("in_transit_quantity"))


def can_ship(actor: User, purchase_order: PurchaseOrder) -> bool:
    """Whether a new notice of the actor could ship anything of this PO (fetched through a scoped selector): the
    PO page's "Create ship notice" button, as ``shippable_lines`` would find lines. A PO that is not confirmed, or
    not of the actor's own vendor accounts, is answered without asking the database (most POs a vendor opens are
    still to answer)."""
    if purchase_order.status != POStatus.CONFIRMED or purchase_order.vendor_id not in actor.vendor_ids:
        return False
    return PurchaseOrderLine.objects.filter(_LEFT_TO_SHIP, purchase_order_id=purchase_order.pk).exists()


def shippable_lines(actor: User, purchase_order_ids: Sequence[int]) -> list[PurchaseOrderLine]:
    """The lines a new notice of these POs can ship: of the actor's own vendor accounts, POs confirmed, lines not
    cancelled with something still to announce, in PO and line order, with PO, item and site: the create form's
    rows. POs out of reach are left out (the service refuses them in its own words)."""
    pos = PurchaseOrder.objects.visible_to(actor).filter(
        vendor_id__in=actor.vendor_ids, pk__in=list(purchase_order_ids), status=POStatus.CONFIRMED
    )
    return list(
        PurchaseOrderLine.objects.filter(_LEFT_TO_SHIP, purchase_order__in=pos)
        .select_related("purchase_order", "purchase_order__company", "item", "site")
        .order_by("purchase_order_id", "line_number")
    )


def shipped_quantities(purchase_order_ids: Iterable[int]) -> dict[int, tuple[Decimal, Decimal]]:
    """Per PO: (in transit, still to announce), summed over its lines, in one query: the vendor's PO lists'
    columns. The caller passes the ids of a page it read through a scoped selector."""
    ids = sorted(set(purchase_order_ids))
    rows = (
        PurchaseOrderLine.objects.filter(purchase_order_id__in=ids)
        .values("purchase_order_id")
        .annotate(
            in_transit=Coalesce(Sum("in_transit_quantity", filter=Q(is_cancelled=False)), Value(ZERO)),
            to_announce=Coalesce(Sum(_to_announce()), Value(ZERO), output_field=_QUANTITY),
        )
        .order_by()
    )
    found = {pk: (ZERO, ZERO) for pk in ids}
    for row in rows:
        found[row["purchase_order_id"]] = (Decimal(row["in_transit"]), Decimal(row["to_announce"]))
    return found


# --- the lists -----------------------------------------------------------------------------------------------------


def _vendor_notices(actor: User) -> QuerySet[ShipNotice]:
    # A buyer who opens a vendor list sees no vendor's list.
    return ShipNotice.objects.visible_to(actor).filter(vendor_id__in=actor.vendor_ids)


def _searched(rows: QuerySet[ShipNotice], term: str, *, vendor_fields: bool) -> QuerySet[ShipNotice]:
    """By notice number, tracking number or PO number (and, for the buyer, the vendor account's name or number)."""
    on_po = Exists(ShipNoticeLine.objects.filter(notice_id=OuterRef("pk"), purchase_order__number__icontains=term))
    condition = Q(number__icontains=term) | Q(tracking_number__icontains=term)
    if vendor_fields:
        condition |= Q(vendor__name__icontains=term) | Q(vendor__number__icontains=term)
    return rows.filter(condition | Q(on_po))


# What a list's row and its file (``list_rows.notice_rows``, ``pages.notice_columns``) show of a notice: the lists
# read nothing else, not the whole rows of its company, vendor account and site.
LIST_FIELDS = (
    "vendor_id",
    "company_id",
    "number",
    "status",
    "despatch_date",
    "expected_delivery_date",
    "carrier",
    "tracking_number",
    "packages",
    "received_date",
    "has_difference",
    "company__code",
    "company__name",
    "vendor__number",
    "vendor__name",
)


def vendor_ship_notice_page(
    *,
    actor: User,
    which: VendorShipNoticeList,
    q: str = "",
    company: int | None = None,
    sort: str = Sort.NEWEST,
) -> QuerySet[ShipNotice]:
    """A page of the vendor's notices: the list, searched, filtered by company, newest first by default (along
    ``ship_notice_vendor_status``). The face pages it with the list helpers."""
    rows = (
        _vendor_notices(actor).filter(status__in=which.statuses).select_related("company", "vendor").only(*LIST_FIELDS)
    )
    term = q.strip()
    if term:
        rows = _searched(rows, term, vendor_fields=False)
    if company:
        rows = rows.filter(company_id=company)
    return rows.order_by(*_ordering(sort, date="pk", number=("number",)))


def buyer_ship_notice_page(
    *,
    actor: User,
    which: BuyerShipNoticeList,
    q: str = "",
    company: int | None = None,
    vendor: int | None = None,
    sort: str = "",
    today: dt.date | None = None,
) -> QuerySet[ShipNotice]:
    """A page of the buyer's incoming shipments. By default what is on its way shows the soonest expected first
    (along ``ship_notice_incoming``), the received and all lists the newest first."""
    if not actor.is_buyer:
        return ShipNotice.objects.none()
    rows: QuerySet[ShipNotice] = (
        ShipNotice.objects.visible_to(actor)
        .filter(which.condition(today))
        .select_related("company", "vendor")
        .only(*LIST_FIELDS)
    )
    term = q.strip()
    if term:
        rows = _searched(rows, term, vendor_fields=True)
    if company:
        rows = rows.filter(company_id=company)
    if vendor:
        rows = rows.filter(vendor_id=vendor)
    if not sort:
        sort = Sort.OLDEST if which.incoming else Sort.NEWEST
    date = "expected_delivery_date" if which.incoming else "pk"
    return rows.order_by(*_ordering(sort, date=date, number=("number",)))


def po_numbers(notices: Iterable[ShipNotice]) -> dict[int, list[str]]:
    """The numbers of the POs each notice of a page ships, in one query: the lists' "purchase orders" column."""
    ids = [notice.pk for notice in notices]
    found: dict[int, list[str]] = {pk: [] for pk in ids}
    pairs = (
        ShipNoticeLine.objects.filter(notice_id__in=ids)
        .values_list("notice_id", "purchase_order__number")
        .distinct()
        .order_by()
    )
    for notice_id, number in pairs:
        found[notice_id].append(number)
    for numbers in found.values():
        numbers.sort()
    return found


def vendor_ship_notice_counts(actor: User) -> dict[str, int]:
    """The counts of every vendor list, in one aggregate."""
    return _vendor_notices(actor).aggregate(
        **{which.value: Count("pk", filter=Q(status__in=which.statuses)) for which in VendorShipNoticeList}
    )


def buyer_ship_notice_counts(actor: User, today: dt.date | None = None) -> dict[str, int]:
    """The counts of every buyer list, in one aggregate, kept per change of the notices: the receiving clerk's
    tiles and list counts count every notice of the year (15 ms at 74,000 notices) on every visit otherwise. The
    day is in the statement (this week, overdue), so in the key too."""
    if not actor.is_buyer:
        return dict.fromkeys(BuyerShipNoticeList.values, 0)
    return aggregated(
        ShipNotice.objects.visible_to(actor),
        ship_notice_table_stamp,
        **{which.value: Count("pk", filter=which.condition(today)) for which in BuyerShipNoticeList},
    )


def ship_notice_table_stamp() -> str:
    """What changes whenever a notice is added or changed: every change saves the notice
    (``common.counting.table_stamp``). Notices are never deleted."""
    return table_stamp(ShipNotice.objects.all())
