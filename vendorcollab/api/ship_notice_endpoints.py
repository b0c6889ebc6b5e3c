"""Ship notices in the API (DESIGN.md sections 8 and 12): the vendor (or its ERP) announces a shipment against open
confirmed purchase orders and may cancel it until it is received; the buyer sees what is coming and receives from it.

The same services and life-cycle table as the ship-notice pages; every read starts from the actor's scope
(``ShipNotice.objects.visible_to``). ``vendor_router`` (mounted on ``/vendor``) is scoped to the user's vendor
accounts, and buyer users get a 404 there; ``buyer_router`` (on ``/ship-notices``) is the buyer's, where vendor users
get a 404, every buyer role reads and only the receiving roles (procurement admin, receiving clerk) receive. Another
vendor's notice is a 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router
from ninja.responses import Status

from vendorcollab.accounts.models import RECEIVING_ROLES, User
from vendorcollab.interop.models import Direction, Document, InboundStatus
from vendorcollab.interop.outbound import Transaction
from vendorcollab.interop.writers.despatch import despatch_document_id, ubl_despatch_advice
from vendorcollab.shipping import selectors
from vendorcollab.shipping.models import ShipNotice, ShipNoticeLine, ShipNoticeOrigin
from vendorcollab.shipping.services import ship_notice_cancel, ship_notice_create, ship_notice_receive

from .auth import actor, api_auth, buyer_users, vendor_users
from .error_codes import SHIP_NOTICE_CANCEL, SHIP_NOTICE_CREATE, SHIP_NOTICE_RECEIVE, answers
from .errors import error_responses
from .pagination import Page, PageQuery, PageResult, paginate
from .schemas import Id
from .ship_notice_schemas import (
    BuyerShipNoticeFilters,
    CancelIn,
    NoticeReceiptIn,
    ShipNoticeIn,
    ShipNoticeOut,
    VendorShipNoticeFilters,
)
from .ubl_endpoints import _xml_response

vendor_router = Router(auth=api_auth(vendor_users), tags=["vendor ship notices"])
buyer_router = Router(auth=api_auth(buyer_users()), tags=["ship notices"])
receiving = api_auth(buyer_users(*RECEIVING_ROLES))

READ_ERRORS = error_responses(401, 404, 422)
WRITE_ERRORS = error_responses(400, 401, 403, 404, 409, 422)

# --- reading --------------------------------------------------------------------------------------------------------


def _rows(user: User) -> QuerySet[ShipNotice]:
    """The notices ``user`` may see, with everything ``ShipNoticeOut.build`` reads: a page costs the same few
    queries whatever its size and however many lines its notices have."""
    lines = ShipNoticeLine.objects.select_related("purchase_order", "po_line__item").order_by("line_number")
    return ShipNotice.objects.visible_to(user).prefetch_related(Prefetch("lines", queryset=lines))


def _filtered(rows: QuerySet[ShipNotice], filters: VendorShipNoticeFilters) -> QuerySet[ShipNotice]:
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.purchase_order:
        # A notice of several purchase orders is listed once: ``Exists`` rather than a join on its lines.
        of_order = ShipNoticeLine.objects.filter(notice_id=OuterRef("pk"), purchase_order_id=filters.purchase_order)
        rows = rows.filter(Exists(of_order))
    if filters.vendor:
        rows = rows.filter(vendor_id=filters.vendor)
    if filters.company:
        rows = rows.filter(company_id=filters.company)
    if search := filters.q.strip():
        rows = rows.filter(Q(number__icontains=search) | Q(tracking_number__icontains=search))
    if isinstance(filters, BuyerShipNoticeFilters):
        if filters.expected_from:
            rows = rows.filter(expected_delivery_date__gte=filters.expected_from)
        if filters.expected_to:
            rows = rows.filter(expected_delivery_date__lte=filters.expected_to)
    return rows


def _visible(request: HttpRequest, pk: int) -> ShipNotice:
    """The notice as the caller may see it, with what its shape and its document read (404 outside the caller's
    reach)."""
    return selectors.ship_notice_get(actor=actor(request), pk=pk)


def _out(request: HttpRequest, pk: int) -> ShipNoticeOut:
    """The notice's shape, read afresh: after a write, the quantities and status the service stored."""
    return ShipNoticeOut.build(_visible(request, pk), actor=actor(request))


def _page(request: HttpRequest, rows: QuerySet[ShipNotice], paging: PageQuery) -> PageResult[ShipNoticeOut]:
    user = actor(request)
    return paginate(request, rows, paging, build=lambda notice: ShipNoticeOut.build(notice, actor=user))


def _ubl(request: HttpRequest, pk: int) -> HttpResponse:
    """The Despatch Advice the document log holds for the notice (what the gateway sent or the vendor's ERP
    posted), or, before the task that writes it has run, the same document written now."""
    notice = _visible(request, pk)
    logged = (
        Document.objects.visible_to(actor(request))
        .filter(ship_notice=notice, transaction=Transaction.T16)
        # Never a refused one: an outbound whose writer failed has no XML, an inbound refused was not taken.
        .filter(Q(direction=Direction.OUTBOUND, status="") | Q(direction=Direction.INBOUND, status=InboundStatus.TAKEN))
        .exclude(xml=b"")
        .order_by("-direction", "-created_at", "-pk")  # outbound first: the portal's own rendering
        .values_list("xml", flat=True)
        .first()
    )
    xml = bytes(logged) if logged is not None else ubl_despatch_advice(notice)
    return _xml_response(xml, f"despatch-advice-{despatch_document_id(notice)}")


UBL_200: dict[str, Any] = {
    "responses": {
        200: {
            "description": "The notice as a PEPPOL BIS Despatch Advice 3 (T16), UBL 2.1.",
            "content": {"application/xml": {"schema": {"type": "string"}}},
        }
    }
}


# --- vendor ---------------------------------------------------------------------------------------------------------


@vendor_router.get(
    "/ship-notices",
    response={200: Page[ShipNoticeOut], **READ_ERRORS},
    summary="The vendor's ship notices",
)
def vendor_ship_notice_list(
    request: HttpRequest, filters: Query[VendorShipNoticeFilters], paging: Query[PageQuery]
) -> PageResult[ShipNoticeOut]:
    """Newest despatch first, every status (filter with `status`)."""
    rows = _filtered(_rows(actor(request)), filters).order_by("-despatch_date", "-id")
    return _page(request, rows, paging)


@vendor_router.post(
    "/ship-notices",
    response={201: ShipNoticeOut, **WRITE_ERRORS},
    summary="Announce a shipment",
)
@answers(SHIP_NOTICE_CREATE)
def vendor_ship_notice_create(request: HttpRequest, body: ShipNoticeIn) -> Status[ShipNoticeOut]:
    """A notice (origin `api`, status `shipped`) for lines of open confirmed purchase orders of one vendor account
    and one ship-to site. Per PO line, never more than is still open and not already announced on another notice:
    refused whole with 409 `over_announced` naming the line (`lines.0.quantity`). On success the quantities are in
    transit until received or cancelled."""
    notice = ship_notice_create(actor=actor(request), data=body.to_input(), origin=ShipNoticeOrigin.API)
    return Status(201, _out(request, notice.pk))


@vendor_router.get(
    "/ship-notices/{int:id}",
    response={200: ShipNoticeOut, **READ_ERRORS},
    summary="A ship notice (vendor)",
)
def vendor_ship_notice_get(request: HttpRequest, id: Id) -> ShipNoticeOut:
    """With its lines (shipped, received, difference) and `actions`."""
    return _out(request, id)


@vendor_router.post(
    "/ship-notices/{int:id}/cancel",
    response={200: ShipNoticeOut, **WRITE_ERRORS},
    summary="Cancel a ship notice",
)
@answers(SHIP_NOTICE_CANCEL)
def vendor_ship_notice_cancel(request: HttpRequest, id: Id, body: CancelIn | None = None) -> ShipNoticeOut:
    """Only while `shipped` and nothing of it received (409 `invalid_transition` otherwise); its quantities are
    open to announce again. The `reason` is optional."""
    # The services read the notice through the actor's scope themselves: another vendor's id is a 404 there.
    ship_notice_cancel(actor=actor(request), notice=id, reason=body.reason if body else "")
    return _out(request, id)


@vendor_router.get(
    "/ship-notices/{int:id}/ubl",
    response={200: None, **READ_ERRORS},
    summary="A ship notice as UBL (vendor)",
    openapi_extra=UBL_200,
)
def vendor_ship_notice_ubl(request: HttpRequest, id: Id) -> HttpResponse:
    return _ubl(request, id)


# --- buyer ----------------------------------------------------------------------------------------------------------


@buyer_router.get(
    "",
    response={200: Page[ShipNoticeOut], **READ_ERRORS},
    summary="Incoming shipments",
)
def buyer_ship_notice_list(
    request: HttpRequest, filters: Query[BuyerShipNoticeFilters], paging: Query[PageQuery]
) -> PageResult[ShipNoticeOut]:
    """Every vendor's notices, soonest expected first. Incoming this week: `status=shipped` with `expected_from`
    and `expected_to`; overdue: `status=shipped` with `expected_to` yesterday."""
    rows = _filtered(_rows(actor(request)), filters).order_by("expected_delivery_date", "id")
    return _page(request, rows, paging)


@buyer_router.get("/{int:id}", response={200: ShipNoticeOut, **READ_ERRORS}, summary="A ship notice")
def buyer_ship_notice_get(request: HttpRequest, id: Id) -> ShipNoticeOut:
    return _out(request, id)


@buyer_router.post(
    "/{int:id}/receive",
    auth=receiving,
    response={200: ShipNoticeOut, **WRITE_ERRORS},
    summary="Receive from a ship notice",
)
@answers(SHIP_NOTICE_RECEIVE)
def buyer_ship_notice_receive(request: HttpRequest, id: Id, body: NoticeReceiptIn) -> ShipNoticeOut:
    """Per notice line (`line_number` as `GET` returns it) the quantity received, 0 when nothing of it arrived;
    lines left out stay in transit and can be received later. Posts one product receipt per purchase order, never
    more than a PO line still has open (422 `over_receipt`); a received quantity other than shipped is kept as the
    line's `difference`, shown to both sides. The notice is `received` once every line is."""
    ship_notice_receive(
        actor=actor(request),
        notice=id,
        lines=[line.to_input() for line in body.lines],
        received_date=body.received_date,
    )
    return _out(request, id)


@buyer_router.get(
    "/{int:id}/ubl",
    response={200: None, **READ_ERRORS},
    summary="A ship notice as UBL",
    openapi_extra=UBL_200,
)
def buyer_ship_notice_ubl(request: HttpRequest, id: Id) -> HttpResponse:
    return _ubl(request, id)
