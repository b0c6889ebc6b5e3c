"""Every read of purchase orders, scoped to the actor: the vendor's lists and pages, and the buyer's workspace.

The vendor's lists follow DESIGN.md section 4 exactly; each rule is a plain filter on the PO's denormalised
``latest_version`` / ``confirmed_version`` so that every list is one indexed query whatever its size.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.core.cache import caches
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, TextChoices
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from vendorcollab.accounts.models import User
from vendorcollab.common.counting import aggregated, table_stamp
from vendorcollab.common.lookups import EqualsAny
from vendorcollab.partners.models import Company, Item

from .diff import diff_versions
from .errors import not_found
from .models import (
    Attachment,
    Note,
    POStatus,
    PurchaseOrder,
    PurchaseOrderCharge,
    PurchaseOrderEvent,
    PurchaseOrderLine,
    PurchaseOrderVersion,
    ResponseDraft,
    VendorResponse,
    VersionKind,
    VersionLine,
    Visibility,
    collaborative_condition,
    visible_condition,
)


class VendorList(TextChoices):
    FOR_REVIEW = "for_review", _("Purchase orders for review")
    AWAITING_CUSTOMER = "awaiting_customer", _("Awaiting customer action")
    OPEN_CONFIRMED = "open_confirmed", _("Open confirmed purchase orders")
    ALL_CONFIRMED = "all_confirmed", _("All confirmed purchase orders")

    @property
    def needs_action(self) -> bool:
        """The list whose POs wait for the vendor (its tile stands out); the others are information."""
        return self == VendorList.FOR_REVIEW


class BuyerList(TextChoices):
    REQUIRING_ACTION = "requiring_action", _("In external review, action required")
    AWAITING_VENDOR = "awaiting_vendor", _("In external review, awaiting the vendor")
    DRAFTS = "drafts", _("Drafts")
    CONFIRMED_NOT_RECEIVED = "confirmed_not_received", _("Confirmed, not yet received")

    @property
    def needs_action(self) -> bool:
        """The list whose POs wait for the buyer (its tile stands out); the others are information."""
        return self == BuyerList.REQUIRING_ACTION


def _vendor_list_condition(which: VendorList) -> Q:
    """Which of the vendor's POs a list holds: plain conditions on the PO's own columns (DESIGN.md section 4)."""
    if which == VendorList.FOR_REVIEW:
        # Sent and not answered; only the latest version can be answered, so only it shows.
        return Q(status=POStatus.IN_EXTERNAL_REVIEW, latest_response__isnull=True)
    if which == VendorList.AWAITING_CUSTOMER:
        # Answered and not confirmed. "accepted" leaves on confirmation; "rejected" and "accepted with changes"
        # leave when a new version is sent (the latest is then unanswered) or on confirmation. A PO the buyer took
        # back to draft after the answer still waits for the buyer.
        return Q(status__in=[POStatus.IN_EXTERNAL_REVIEW, POStatus.DRAFT], latest_response__isnull=False) & (
            Q(confirmed_version__isnull=True) | ~Q(confirmed_version_id=F("latest_version_id"))
        )
    if which == VendorList.OPEN_CONFIRMED:
        # Confirmed at some version and not yet fully received. A confirmed PO that the buyer is changing stays
        # here as its last confirmed version until the new version is confirmed.
        return Q(confirmed_version__isnull=False) & ~Q(status__in=[POStatus.RECEIVED, POStatus.CANCELLED])
    # Every PO ever confirmed, received and cancelled ones included: they never leave this list.
    return Q(confirmed_version__isnull=False)


def _vendor_base(actor: User) -> QuerySet[PurchaseOrder]:
    return (
        PurchaseOrder.objects.visible_to(actor)
        .collaborative()
        .filter(vendor_id__in=actor.vendor_ids)  # a buyer who opens a vendor list sees no vendor's list
    )


def _list_version_field(which: VendorList) -> str:
    """The version a row of the list stands for: the latest in the review lists, the last confirmed one in the
    confirmed lists."""
    return "confirmed_version" if which in (VendorList.OPEN_CONFIRMED, VendorList.ALL_CONFIRMED) else "latest_version"


# A list's display columns are subqueries on the row's own foreign keys rather than joins: a page asks them for its
# 25 rows only, and the page's count (which Django strips of unused annotations, but not of their joins) stays a
# plain indexed count over the PO table.
def _version_column(version_field: str, column: str) -> Subquery:
    return Subquery(
        PurchaseOrderVersion.objects.filter(pk=OuterRef(f"{version_field}_id")).order_by().values(column)[:1]
    )


def _latest_response_kind() -> Subquery:
    return Subquery(VendorResponse.objects.filter(pk=OuterRef("latest_response_id")).order_by().values("kind")[:1])


# The columns of a vendor list's row besides its ``list_*`` annotations.
LIST_ROW_FIELDS = (
    "number",
    "status",
    "currency",
    "order_date",
    "company_id",
    "vendor_id",
    "latest_version_id",
    "confirmed_version_id",
    "latest_response_id",
    "company__name",
    "vendor__number",
    "vendor__show_prices",
)


def po_list_for_vendor(*, actor: User, which: VendorList) -> QuerySet[PurchaseOrder]:
    """One of the vendor's lists. Rows carry ``list_version`` (the number of the version the row stands for)."""
    version_field = _list_version_field(which)
    return (
        _vendor_base(actor)
        .filter(_vendor_list_condition(which))
        # The customer's name, the account's number and price setting. Not the version: its columns come from the
        # subqueries below, for the page's rows only. Joined, it was joined to every PO of the list before the
        # page was cut, whenever PostgreSQL's plan (a prepared statement's generic one) did not know the vendor's size.
        .select_related("company", "vendor")
        # What a row shows (the page, the API, the exports): the rest of the PO, its customer and its vendor account
        # are dozens of columns the list never reads, and built into every statement and every row object.
        .only(*LIST_ROW_FIELDS)
        .annotate(
            list_version=_version_column(version_field, "number"),
            list_version_sent_at=_version_column(version_field, "created_at"),
            list_total=_version_column(version_field, "total_amount"),
            list_delivery_date=Subquery(
                VersionLine.objects.filter(version_id=OuterRef(f"{version_field}_id"), is_cancelled=False)
                .order_by("delivery_date")
                .values("delivery_date")[:1]
            ),
            list_response_kind=_latest_response_kind(),
        )
    )


class Sort(TextChoices):
    NEWEST = "-date", _("Newest first")
    OLDEST = "date", _("Oldest first")
    NUMBER = "number", _("PO number, ascending")
    NUMBER_DESC = "-number", _("PO number, descending")


def _lines_matching(term: str, version_ref: str) -> Exists:
    """A version (``version_ref`` names its id in the outer query) with a line whose item matches ``term``: our item
    number or name, the description, or the vendor's own item number."""
    return Exists(
        VersionLine.objects.filter(version_id=OuterRef(version_ref)).filter(
            Q(item__number__icontains=term)
            | Q(item__name__icontains=term)
            | Q(description__icontains=term)
            | Q(external_item_number__icontains=term)
        )
    )


def _ordering(sort: str, *, date: str, number: tuple[str, ...]) -> list[str]:
    """The ``order_by`` of a list page; the primary key breaks ties so that paging never skips or repeats a row."""
    chosen = Sort(sort) if sort in Sort.values else Sort.NEWEST
    if chosen in (Sort.NEWEST, Sort.OLDEST):
        sign = "-" if chosen == Sort.NEWEST else ""
        return [f"{sign}{date}"] if date == "pk" else [f"{sign}{date}", f"{sign}pk"]
    sign = "-" if chosen == Sort.NUMBER_DESC else ""
    return [f"{sign}{field}" for field in (*number, "pk")]


def po_page_for_vendor(
    *, actor: User, which: VendorList, q: str = "", company: int | None = None, sort: str = Sort.NEWEST
) -> QuerySet[PurchaseOrder]:
    """A vendor list page: the list, searched by PO number or item, filtered by company, sorted."""
    rows = po_list_for_vendor(actor=actor, which=which)
    confirmed = which in (VendorList.OPEN_CONFIRMED, VendorList.ALL_CONFIRMED)
    term = q.strip()
    if term:
        version_ref = "confirmed_version_id" if confirmed else "latest_version_id"
        rows = rows.filter(Q(number__icontains=term) | Q(_lines_matching(term, version_ref)))
    if company:
        rows = rows.filter(company_id=company)
    # Newest first means the most recently sent version first: version ids grow as versions are sent.
    return rows.order_by(*_ordering(sort, date=f"{_list_version_field(which)}_id", number=("number",)))


def history_page_for_vendor(
    *, actor: User, q: str = "", company: int | None = None, sort: str = Sort.NEWEST
) -> QuerySet[PurchaseOrderVersion]:
    rows = version_history_for_vendor(actor=actor)
    term = q.strip()
    if term:
        rows = rows.filter(Q(purchase_order__number__icontains=term) | Q(_lines_matching(term, "pk")))
    if company:
        rows = rows.filter(purchase_order__company_id=company)
    # Versions are append-only, so their ids follow the order in which they were sent.
    return rows.order_by(*_ordering(sort, date="pk", number=("purchase_order__number", "number")))


def companies_for_vendor(*, actor: User) -> QuerySet[Company]:
    """The buyer's companies in which the actor holds a vendor account: the choices of the company filter."""
    # The filter shows a company's name and sends its id: the rest of its address and parties is not read.
    return (
        Company.objects.filter(vendors__pk__in=actor.vendor_ids).only("pk", "code", "name").distinct().order_by("code")
    )


def po_count_for_vendor(*, actor: User) -> dict[VendorList, int]:
    """The counts of the workspace tiles, all four in one pass over the vendor's POs."""
    # Counting ``latest_version`` (never empty on a PO the vendor sees) rather than ids lets PostgreSQL answer from
    # the covering index ``po_vendor_status_latest`` alone.
    counts = _vendor_base(actor).aggregate(
        **{which.value: Count("latest_version", filter=_vendor_list_condition(which)) for which in VendorList}
    )
    return {which: counts[which.value] for which in VendorList}


def version_history_for_vendor(*, actor: User) -> QuerySet[PurchaseOrderVersion]:
    """Every version of every PO sent to the actor's vendor accounts, each with its response if any."""
    # ``_vendor_base``'s rules, on the PO the rows join for their columns anyway.
    return (
        PurchaseOrderVersion.objects.filter(
            visible_condition(actor, through="purchase_order__"),
            collaborative_condition(through="purchase_order__"),
            purchase_order__vendor_id__in=actor.vendor_ids,
        )
        .select_related("purchase_order__company", "purchase_order__vendor", "response")
        .order_by("-pk")
    )


def po_get(*, actor: User, pk: int) -> PurchaseOrder:
    """One PO the actor may see, or ``NotFound`` (also when it exists but is someone else's)."""
    po = PurchaseOrder.objects.visible_to(actor).select_related("company", "vendor").filter(pk=pk).first()
    if po is None:
        raise not_found()
    return po


def po_get_for_vendor(*, actor: User, pk: int) -> PurchaseOrder:
    """A PO on the vendor's pages: collaborative, one of the actor's vendor accounts."""
    po = _vendor_base(actor).select_related("company", "vendor").filter(pk=pk).first()
    if po is None:
        raise not_found()
    return po


def _version_details() -> list[str | Prefetch]:
    return [
        Prefetch("lines", queryset=VersionLine.objects.select_related("item", "site", "warehouse")),
        "charges",
        "notes",
        Prefetch("attachments", queryset=Attachment.objects.order_by("uploaded_at", "pk")),
        "response__lines",
        Prefetch("response__attachments", queryset=Attachment.objects.order_by("uploaded_at", "pk")),
    ]


def version_get(*, purchase_order: PurchaseOrder, number: int | None = None) -> PurchaseOrderVersion:
    """One version of a PO already fetched through a scoped selector (``po_get_for_vendor``, ``po_get_for_buyer``),
    with everything a page shows of it: the latest when ``number`` is None."""
    number = number or (purchase_order.latest_version.number if purchase_order.latest_version else 0)
    version = (
        PurchaseOrderVersion.objects.filter(purchase_order=purchase_order, number=number)
        .select_related("response__submitted_by", "created_by")
        .prefetch_related(*_version_details())
        .first()
    )
    if version is None:
        raise not_found()
    version.purchase_order = purchase_order  # already loaded, with company and vendor
    return version


def version_previous(*, version: PurchaseOrderVersion) -> PurchaseOrderVersion | None:
    """The version sent before ``version`` (fetched through a scoped selector), with what ``diff.diff_versions``
    compares: None for the first."""
    if version.number <= 1:
        return None
    return (
        PurchaseOrderVersion.objects.filter(purchase_order_id=version.purchase_order_id, number=version.number - 1)
        .prefetch_related(
            Prefetch("lines", queryset=VersionLine.objects.select_related("item", "site", "warehouse")), "charges"
        )
        .first()
    )


def changed_since_previous(rows: Iterable[PurchaseOrder]) -> dict[int, int]:
    """For list rows (``po_list_for_vendor``: each carries ``list_version``), which POs' shown version the buyer
    changed since the version before: PO id to that earlier version's number. A vendor without prices sees no
    price change; a confirmation version (the vendor's own changes applied) is no change by the buyer.

    At most three queries for any number of rows: the shown versions and the ones before, then their lines and
    charges; ``diff.diff_versions`` compares them exactly as the PO page marks them.
    """
    rows = list(rows)
    shown_numbers = {row.pk: number for row in rows if (number := getattr(row, "list_version", None) or 0) > 1}
    if not shown_numbers:
        return {}
    show_prices = {row.pk: row.vendor.show_prices for row in rows if row.pk in shown_numbers}
    # Versions never change, so neither does the answer for a version and the one before it (but for the vendor's
    # prices setting, part of the key): it is kept, and a list reads the lines of versions it has not seen yet.
    keys = {pk: f"changed-since:{pk}:{number}:{int(show_prices[pk])}" for pk, number in shown_numbers.items()}
    kept = caches["pages"].get_many(list(keys.values()))
    missing = {pk: number for pk, number in shown_numbers.items() if keys[pk] not in kept}
    if missing:
        found = _changed_since_previous(missing, show_prices)
        fresh = {keys[pk]: found.get(pk, 0) for pk in missing}
        caches["pages"].set_many(fresh, CHANGED_SINCE_SECONDS)
        kept.update(fresh)
    return {pk: kept[key] for pk, key in keys.items() if kept[key]}


CHANGED_SINCE_SECONDS = 24 * 3600


def _changed_since_previous(shown_numbers: dict[int, int], show_prices: dict[int, bool]) -> dict[int, int]:
    wanted = Q()
    for pk, number in shown_numbers.items():
        wanted |= Q(purchase_order_id=pk, number__in=[number, number - 1])
    versions = {
        (version.purchase_order_id, version.number): version
        for version in PurchaseOrderVersion.objects.filter(wanted).prefetch_related("lines", "charges")
    }
    changed = {}
    for pk, number in shown_numbers.items():
        shown, before = versions.get((pk, number)), versions.get((pk, number - 1))
        if shown is None or before is None or shown.kind != VersionKind.SENT:
            continue
        if diff_versions(before, shown).for_reader(show_prices=show_prices[pk]).has_changes:
            changed[pk] = before.number
    return changed


def draft_for_version(*, actor: User, version: PurchaseOrderVersion) -> ResponseDraft | None:
    """The response draft of a version the actor may answer (callers fetched the version through a scoped
    selector)."""
    if not actor.is_vendor_user:
        return None
    return ResponseDraft.objects.filter(version=version).prefetch_related("attachments").first()


def attachment_get_for_vendor(*, actor: User, pk: int) -> Attachment:
    """A file the vendor may download: an external file in a version it received, or one on its own responses or
    drafts. Internal files, and everything of other vendors, do not exist for it."""
    visible = _vendor_base(actor).values("pk")
    attachment = (
        Attachment.objects.filter(pk=pk, purchase_order__in=visible)
        .filter(
            Q(visibility=Visibility.EXTERNAL, versions__isnull=False)
            | Q(response__isnull=False)
            | Q(draft__isnull=False)
        )
        .distinct()
        .first()
    )
    if attachment is None:
        raise not_found()
    return attachment


def po_versions(*, purchase_order: PurchaseOrder) -> QuerySet[PurchaseOrderVersion]:
    """The versions of a PO already fetched through a scoped selector, with lines, charges and responses."""
    return (
        PurchaseOrderVersion.objects.filter(purchase_order=purchase_order)
        .select_related("purchase_order", "response__submitted_by", "created_by")
        .prefetch_related(*_version_details())
        .order_by("number")
    )


def po_list_for_buyer(*, actor: User, which: BuyerList) -> QuerySet[PurchaseOrder]:
    """The buyer's "Purchase order preparation" workspace lists."""
    base = PurchaseOrder.objects.visible_to(actor).collaborative().select_related("company", "vendor")
    if not actor.is_buyer:
        return base.none()
    return base.filter(_buyer_list_condition(which)).select_related("latest_version")


def _buyer_list_status(which: BuyerList) -> POStatus:
    """The one status each buyer list holds POs of."""
    if which in (BuyerList.REQUIRING_ACTION, BuyerList.AWAITING_VENDOR):
        return POStatus.IN_EXTERNAL_REVIEW
    return POStatus.DRAFT if which == BuyerList.DRAFTS else POStatus.CONFIRMED


def _buyer_list_condition(which: BuyerList) -> Q:
    """Which POs a buyer list holds, for the list and for its tile's count alike."""
    condition = Q(status=_buyer_list_status(which))
    if which == BuyerList.REQUIRING_ACTION:
        # Any answer on a PO still in review needs the buyer: an auto-confirmed acceptance is confirmed already.
        condition &= Q(latest_response__isnull=False)
    elif which == BuyerList.AWAITING_VENDOR:
        condition &= Q(latest_response__isnull=True)
    return condition


def po_page_for_buyer(
    *, actor: User, which: BuyerList, q: str = "", company: int | None = None, sort: str = Sort.NEWEST
) -> QuerySet[PurchaseOrder]:
    """A buyer list page: searched by PO number, vendor or item, filtered by company, sorted by the date of the
    last status change (the date a draft was created)."""
    rows = po_list_for_buyer(actor=actor, which=which).annotate(
        list_date=Coalesce("status_changed_at", "created_at"),
        list_response_kind=_latest_response_kind(),
        list_total=_version_column("latest_version", "total_amount"),
    )
    term = q.strip()
    if term:
        rows = rows.filter(
            Q(number__icontains=term)
            | Q(vendor__name__icontains=term)
            | Q(vendor__number__icontains=term)
            | Q(lines__item__number__icontains=term)
            | Q(lines__item__name__icontains=term)
        ).distinct()
    if company:
        rows = rows.filter(company_id=company)
    return rows.order_by(*_ordering(sort, date="list_date", number=("number",)))


# What a row of the buyer's PO table shows (``purchasing/buyer/po_table.html``), beside the page's annotations: the
# pages read only these columns (every column of a PO, its company, vendor and version cost a workspace 5 ms).
BUYER_LIST_ROW_FIELDS = (
    "number",
    "status",
    "currency",
    "company_id",
    "vendor_id",
    "latest_version_id",
    "company__code",
    "vendor__number",
    "vendor__name",
    "latest_version__number",
)


def shown_in_buyer_table(rows: QuerySet[PurchaseOrder]) -> QuerySet[PurchaseOrder]:
    """``po_page_for_buyer``'s rows as the buyer's PO table reads them; not for a file, which has more columns."""
    return rows.only(*BUYER_LIST_ROW_FIELDS)


def po_get_for_buyer(*, actor: User, pk: int) -> PurchaseOrder:
    """A PO with everything its buyer page shows: lines, charges, notes, attachments, the versions' numbers."""
    if not actor.is_buyer:
        raise not_found()
    po = (
        PurchaseOrder.objects.visible_to(actor)
        # The latest response too: the table's confirm rows read its kind (``transitions.available``).
        .select_related("company", "vendor", "latest_version", "confirmed_version", "buyer_contact", "latest_response")
        .prefetch_related(
            Prefetch("lines", queryset=PurchaseOrderLine.objects.select_related("item", "site", "warehouse")),
            "charges",
            Prefetch("notes", queryset=Note.objects.select_related("author")),
            Prefetch(
                "attachments",
                queryset=Attachment.objects.filter(draft__isnull=True).select_related("uploaded_by", "response"),
            ),
        )
        .filter(pk=pk)
        .first()
    )
    if po is None:
        raise not_found()
    return po


def po_for_buyer_action(*, actor: User, pk: int) -> PurchaseOrder:
    """The PO row alone, checked to be the buyer's: what a service that locks the PO and reads it again needs. The
    page's relations (``po_get_for_buyer``) would be read for nothing."""
    po = PurchaseOrder.objects.visible_to(actor).filter(pk=pk).first() if actor.is_buyer else None
    if po is None:
        raise not_found()
    return po


def po_get_for_api(*, actor: User, pk: int) -> PurchaseOrder:
    """The PO row the API's ``PurchaseOrderOut`` is built from: the list's row (``po_rows_for_buyer``) for one id;
    its lines and charges come from ``po_lines_and_charges``."""
    po = po_rows_for_buyer(actor=actor).filter(pk=pk).first()
    if po is None:
        raise not_found()
    return po


# What ``po_rows_for_buyer`` reads of a PO's relations into its row: (relation, name in the row, field of the relation).
_ROW_RELATIONS = (
    ("latest_version", "latest_number", "number"),
    ("confirmed_version", "confirmed_number", "number"),
    ("latest_response", "latest_response_kind", "kind"),
)


def po_row_as_changed(po: PurchaseOrder) -> PurchaseOrder | None:
    """``po``, just changed by a service under its lock (so the caller's to see) and returned with its vendor and
    versions read, as ``po_get_for_api`` would read its row again; None when a relation the row names was not read
    with it, and the row must be read."""
    values: dict[str, object] = {}
    for relation, name, field in _ROW_RELATIONS:
        descriptor = getattr(PurchaseOrder, relation)
        if getattr(po, f"{relation}_id") is None:
            values[name] = None
        elif descriptor.is_cached(po):
            values[name] = getattr(getattr(po, relation), field)
        else:
            return None
    if not PurchaseOrder.vendor.is_cached(po):
        return None
    for name, value in values.items():
        setattr(po, name, value)
    return po


def po_events(*, purchase_order: PurchaseOrder) -> QuerySet[PurchaseOrderEvent]:
    return PurchaseOrderEvent.objects.filter(purchase_order=purchase_order).select_related("actor").order_by("-pk")


def attachment_get_for_buyer(*, actor: User, pk: int) -> Attachment:
    """Any file of a PO the buyer may see, but never a vendor's unfinished draft."""
    attachment = (
        Attachment.objects.filter(
            pk=pk, draft__isnull=True, purchase_order__in=PurchaseOrder.objects.visible_to(actor)
        ).first()
        if actor.is_buyer
        else None
    )
    if attachment is None:
        raise not_found()
    return attachment


def po_rows_for_buyer(
    *,
    actor: User,
    status: str | None = None,
    vendor: int | None = None,
    company: int | None = None,
    number: str | None = None,
    updated_since: datetime | None = None,
) -> QuerySet[PurchaseOrder]:
    """Every PO the buyer may see, consignment ones included, filtered as the API's list offers, oldest change first
    (to synchronise): the PO rows with what ``PurchaseOrderOut`` reads of them in the same query. Their lines and
    charges: ``po_lines_and_charges``."""
    rows = (
        PurchaseOrder.objects.visible_to(actor)
        # Only the numbers of the versions: a page of 50 POs would otherwise make a hundred version objects to read
        # one field of each.
        .annotate(latest_number=F("latest_version__number"), confirmed_number=F("confirmed_version__number"))
        # What the life cycle table's guards read for ``actions``, in the same query (``transitions.available``):
        # the answer's kind. Whether a line is left to send or copy comes from the lines, which the output reads or
        # keeps anyway (``api.purchase_order_output``): an EXISTS here let PostgreSQL plan a scan of every line.
        .annotate(latest_response_kind=F("latest_response__kind"))
        .select_related("vendor")
    )
    if not actor.is_buyer:
        return rows.none()
    if status:
        rows = rows.filter(status=status)
    if vendor:
        rows = rows.filter(vendor_id=vendor)
    if company:
        rows = rows.filter(company_id=company)
    if number:
        rows = rows.filter(number=number)
    if updated_since:
        rows = rows.filter(updated_at__gte=updated_since)
    return rows.order_by("updated_at", "pk")


def po_lines_and_charges(
    pks: Sequence[int],
) -> dict[int, tuple[list[PurchaseOrderLine], list[PurchaseOrderCharge]]]:
    """The lines (with their item's number) and charges of POs a scoped selector has already given, in two
    queries, by PO id."""
    found: dict[int, tuple[list[PurchaseOrderLine], list[PurchaseOrderCharge]]] = {pk: ([], []) for pk in pks}
    lines = PurchaseOrderLine.objects.filter(purchase_order_id__in=pks).with_item_numbers()
    for line in lines.order_by("purchase_order_id", "line_number"):
        found[line.purchase_order_id][0].append(line)
    for charge in PurchaseOrderCharge.objects.filter(purchase_order_id__in=pks).order_by("purchase_order_id", "pk"):
        found[charge.purchase_order_id][1].append(charge)
    return found


def item_numbers(pks: Iterable[int]) -> dict[int, str]:
    """Items' numbers by id, for output that names items it has kept by id."""
    wanted = set(pks)
    if not wanted:
        return {}
    return dict(Item.objects.filter(EqualsAny(F("pk"), wanted)).order_by().values_list("pk", "number"))


def po_responses(*, actor: User, purchase_order: PurchaseOrder) -> QuerySet[VendorResponse]:
    """The vendor's responses to a PO, oldest first; nothing when the actor may not see the PO."""
    return (
        VendorResponse.objects.filter(
            purchase_order=purchase_order, purchase_order__in=PurchaseOrder.objects.visible_to(actor)
        )
        .select_related("version")
        .prefetch_related("lines", Prefetch("attachments", queryset=Attachment.objects.order_by("uploaded_at", "pk")))
        .order_by("submitted_at", "pk")
    )


def po_count_for_buyer(*, actor: User) -> dict[BuyerList, int]:
    """The count of every buyer list (the preparation workspace's tiles), in one aggregate kept per change of the
    POs: four counts over the year's POs (the confirmed ones alone are a quarter of them) on every visit otherwise.
    The aggregate reads only the statuses the lists hold (along ``po_status_response``), so that counting again after
    a change stays cheap."""
    if not actor.is_buyer:
        return dict.fromkeys(BuyerList, 0)
    counts = aggregated(
        PurchaseOrder.objects.visible_to(actor)
        .collaborative()
        .filter(status__in=sorted({_buyer_list_status(which) for which in BuyerList})),
        po_table_stamp,
        **{which.value: Count("pk", filter=_buyer_list_condition(which)) for which in BuyerList},
    )
    return {which: counts[which.value] for which in BuyerList}


def po_table_stamp() -> str:
    """What changes whenever a PO is added or changed: every change saves the PO (``common.counting.table_stamp``)."""
    return table_stamp(PurchaseOrder.objects.all())
