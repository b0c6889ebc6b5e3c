"""The buyer's purchase orders in the API: list and synchronise, enter and edit, send, confirm, take back, cancel,
receive, and the history of versions and responses (DESIGN.md section 8, buyer side).

The same selectors and services as the buyer's pages. Every buyer role reads; purchasing roles write; receiving
roles post receipts. Vendor users get a 404 on every path here, buyers without the role a 403 (the gates).

Paths take ``{int:id}``: the UBL router shares the ``/purchase-orders`` prefix, and its ``import-ubl`` must never
be read as the id of a PO whatever order the routers are registered in.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router
from ninja.responses import Status

from vendorcollab.accounts.models import PURCHASING_ROLES, RECEIVING_ROLES
from vendorcollab.partners.models import Company, Item, Site, Vendor, Warehouse
from vendorcollab.purchasing import selectors
from vendorcollab.purchasing.models import (
    Origin,
    PurchaseOrder,
)
from vendorcollab.purchasing.services import (
    LineInput,
    ReceiptLineInput,
    po_cancel,
    po_confirm,
    po_create,
    po_request_change,
    po_send,
    po_update,
    receipt_post,
)
from vendorcollab.shipping.models import ShipNotice
from vendorcollab.shipping.services import ship_notice_receive_purchase_order

from .auth import actor, api_auth, buyer_users
from .buyer_references import References
from .buyer_schemas import (
    BuyerVersionOut,
    ConfirmIn,
    PurchaseOrderFilters,
    PurchaseOrderIn,
    PurchaseOrderLineIn,
    PurchaseOrderOut,
    PurchaseOrderPatch,
    ReasonIn,
    ReceiptIn,
    ReceiptOut,
)
from .error_codes import (
    INPUT_RULES,
    PO_CONFIRM,
    PO_INPUT,
    PO_RECEIVE,
    PO_SEND,
    PO_STATE,
    SHIP_NOTICE_PO_RECEIPT,
    answers,
)
from .errors import ApiErrorCode, error_responses
from .order_terms_schemas import terms_input
from .pagination import Page, PageQuery, PageResult, json_page, paginate
from .purchase_order_output import ROW_FIELDS, purchase_orders_json, purchase_orders_out
from .schemas import Id
from .vendor_schemas import VendorResponseOut

router = Router(auth=api_auth(buyer_users()), tags=["purchase orders"])
purchasing = api_auth(buyer_users(*PURCHASING_ROLES))
receiving = api_auth(buyer_users(*RECEIVING_ROLES))

READ_ERRORS = error_responses(401, 404, 422)
WRITE_ERRORS = error_responses(400, 401, 403, 404, 409, 422)


def _po(request: HttpRequest, pk: int) -> PurchaseOrder:
    """The PO row, for a service (which locks it and reads what it needs again) or a nested list."""
    return selectors.po_for_buyer_action(actor=actor(request), pk=pk)


def _out(
    request: HttpRequest, pk: int, *, changed: PurchaseOrder | None = None, read: PurchaseOrder | None = None
) -> PurchaseOrderOut:
    """The PO as the API answers it. ``changed``: the PO a service has just changed and returned, whose row is not
    read again when the service read what the row names with it (``selectors.po_row_as_changed``). ``read``: such a
    PO with the lines (and their item's numbers) and charges it read under its lock and left as they were, so that
    they are not read a second time either."""
    user = actor(request)
    lines_and_charges = {read.pk: (list(read.lines.all()), list(read.charges.all()))} if read is not None else None
    changed = changed or read
    row = selectors.po_row_as_changed(changed) if changed is not None else None
    if row is None:
        row = selectors.po_get_for_api(actor=user, pk=pk)
    return purchase_orders_out([row], actor=user, read=lines_and_charges)[0]


@router.get(
    "",
    response={200: Page[PurchaseOrderOut], **READ_ERRORS},
    summary="Purchase orders",
)
def buyer_purchase_order_list(
    request: HttpRequest, filters: Query[PurchaseOrderFilters], paging: Query[PageQuery]
) -> HttpResponse:
    """Every purchase order, consignment ones included (`origin`), oldest change first: to synchronise, pass the
    largest `updated_at` seen as `updated_since` next time."""
    user = actor(request)
    rows = selectors.po_rows_for_buyer(
        actor=user,
        status=filters.status,
        vendor=filters.vendor,
        company=filters.company,
        number=filters.number,
        updated_since=filters.updated_since,
    )
    # Written as JSON text PO by PO (``purchase_order_output.purchase_orders_json``), the same answer as the
    # declared ``Page[PurchaseOrderOut]`` in a third of the time.
    page = paginate(
        request,
        rows.only(*ROW_FIELDS),
        paging,
        build_page=lambda pos: purchase_orders_json(pos, actor=user),
        stamp=selectors.po_table_stamp,
    )
    return json_page(page.items, count=page.count, next_url=page.next)


@router.get("/{int:id}", response={200: PurchaseOrderOut, **READ_ERRORS}, summary="A purchase order")
def buyer_purchase_order_get(request: HttpRequest, id: Id) -> PurchaseOrderOut:
    return _out(request, id)


@router.get(
    "/{int:id}/versions",
    response={200: Page[BuyerVersionOut], **READ_ERRORS},
    summary="A purchase order's versions",
)
def buyer_purchase_order_versions(
    request: HttpRequest, id: Id, paging: Query[PageQuery]
) -> PageResult[BuyerVersionOut]:
    """Every version sent to the vendor (and every version confirmed with the vendor's changes), first to last, as
    the vendor received it."""
    versions = selectors.po_versions(purchase_order=_po(request, id))
    return paginate(request, versions, paging, build=BuyerVersionOut.build_for_buyer)


@router.get(
    "/{int:id}/responses",
    response={200: Page[VendorResponseOut], **READ_ERRORS},
    summary="A purchase order's vendor responses",
)
def buyer_purchase_order_responses(
    request: HttpRequest, id: Id, paging: Query[PageQuery]
) -> PageResult[VendorResponseOut]:
    """Every answer of the vendor, first to last, each naming the `version` it answers."""
    rows = selectors.po_responses(actor=actor(request), purchase_order=_po(request, id))
    return paginate(
        request,
        rows,
        paging,
        build=lambda response: VendorResponseOut.build(response, version_number=response.version.number),
    )


# --- writes --------------------------------------------------------------------------------------------------------


def _lines(lines: Sequence[PurchaseOrderLineIn], refs: References) -> list[LineInput]:
    items = refs.many(Item.objects.all(), (line.item for line in lines))
    sites = refs.many(Site.objects.all(), (line.site for line in lines))
    warehouses = refs.many(Warehouse.objects.select_related("site"), (line.warehouse for line in lines))
    result = []
    for index, line in enumerate(lines):
        item = items.get(line.item) if line.item else None
        site = sites.get(line.site) if line.site else None
        warehouse = warehouses.get(line.warehouse) if line.warehouse else None
        for name, wanted, found in (
            ("item", line.item, item),
            ("site", line.site, site),
            ("warehouse", line.warehouse, warehouse),
        ):
            if wanted and found is None:
                refs.missing(f"lines.{index}.{name}")
        if line.item and item is None:
            continue
        result.append(
            LineInput(
                item=item,
                quantity=line.quantity,
                unit_price=line.unit_price,
                delivery_date=line.delivery_date,
                line_number=line.line_number,
                description=line.description,
                unit=line.unit,
                discount_percent=line.discount_percent,
                site=site,
                warehouse=warehouse,
                color=line.color,
                size=line.size,
                style=line.style,
                configuration=line.configuration,
                **line.line_fields(),
            )
        )
    return result


@router.post(
    "",
    auth=purchasing,
    response={201: PurchaseOrderOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Create a purchase order",
)
@answers(PO_INPUT)
def buyer_purchase_order_create(request: HttpRequest, body: PurchaseOrderIn) -> Status[PurchaseOrderOut]:
    """A new draft (origin `api`). Send it with `POST /purchase-orders/{id}/send`."""
    user = actor(request)
    refs = References()
    vendor = refs.one(Vendor.objects.visible_to(user).select_related("company"), body.vendor, "vendor")
    company = refs.one(Company.objects.all(), body.company, "company") if body.company else None
    lines = _lines(body.lines, refs)
    refs.raise_if_any()
    assert vendor is not None
    charges = [charge.to_input() for charge in body.charges]
    po = po_create(
        actor=user,
        company=company or vendor.company,
        vendor=vendor,
        lines=lines,
        charges=charges,
        number=body.number.strip(),
        currency=body.currency,
        order_date=body.order_date,
        origin=Origin.API,
        terms=terms_input(body),
        hold_written=True,  # the answer shows the lines and charges as written, without reading them back
    )
    return Status(201, _out(request, po.pk, read=po))


@router.patch(
    "/{int:id}",
    auth=purchasing,
    response={200: PurchaseOrderOut, **WRITE_ERRORS},
    summary="Change a draft purchase order",
)
@answers(*PO_INPUT, *PO_STATE, ApiErrorCode.READ_ONLY_FIELD)
def buyer_purchase_order_update(request: HttpRequest, id: Id, body: PurchaseOrderPatch) -> PurchaseOrderOut:
    """Only a draft can be changed (409 `invalid_transition` otherwise: take it back first with
    `request-change`). Fields left out stay as they are. The body may be the purchase order as `GET` returned it,
    edited: output-only fields are ignored when unchanged and refused (422 `read_only_field`) when changed where
    ignoring them would mislead; unknown fields are refused (422 `extra_forbidden`)."""
    po = _po(request, id)
    if body.sends_read_only:
        # What GET returned may come back; only a changed output-only field is refused (AIP-203).
        body.read_only_errors(_out(request, id)).raise_if_any()
    refs = References()
    lines = _lines(body.lines, refs) if body.lines is not None else None
    refs.raise_if_any()
    charges = [charge.to_input() for charge in body.charges] if body.charges is not None else None
    terms = terms_input(body, current=po)
    po_update(
        actor=actor(request), purchase_order=po, lines=lines, charges=charges, currency=body.currency, terms=terms
    )
    return _out(request, id)


@router.post(
    "/{int:id}/send",
    auth=purchasing,
    response={200: PurchaseOrderOut, **error_responses(401, 403, 404, 409, 422)},
    summary="Send a purchase order for confirmation",
)
@answers(PO_SEND)
def buyer_purchase_order_send(request: HttpRequest, id: Id) -> PurchaseOrderOut:
    """Freezes the draft as the next version (`version`, `version_label`) and puts it in front of the vendor.
    Refused (409) for a vendor whose collaboration is disabled, or a PO without lines."""
    sent = po_send(actor=actor(request), purchase_order=_po(request, id))
    return _out(request, id, read=sent)  # sending freezes the lines and charges, and changes neither


@router.post(
    "/{int:id}/confirm",
    auth=purchasing,
    response={200: PurchaseOrderOut, **WRITE_ERRORS},
    summary="Confirm a purchase order",
)
@answers(*PO_CONFIRM, *PO_INPUT)
def buyer_purchase_order_confirm(request: HttpRequest, id: Id, body: ConfirmIn | None = None) -> PurchaseOrderOut:
    """After the vendor's `accepted`, or applying the vendor's changes, or explicitly without a response. 409
    `no_response` when the vendor has not answered and `without_response` is not set; 409 `response_rejected` for
    a rejection that is not applied."""
    confirmed = po_confirm(
        actor=actor(request),
        purchase_order=_po(request, id),
        apply_vendor_changes=body.apply_vendor_changes if body else False,
        without_response=body.without_response if body else False,
    )
    return _out(request, id, changed=confirmed)


@router.post(
    "/{int:id}/request-change",
    auth=purchasing,
    response={200: PurchaseOrderOut, **WRITE_ERRORS},
    summary="Take a purchase order back to draft",
)
@answers(*PO_STATE, *INPUT_RULES)
def buyer_purchase_order_request_change(request: HttpRequest, id: Id, body: ReasonIn | None = None) -> PurchaseOrderOut:
    """From external review or confirmed back to draft, to edit it; the next send creates the next version. A
    confirmed PO stays confirmed for the vendor, as its last confirmed version, until the new one is."""
    po_request_change(actor=actor(request), purchase_order=_po(request, id), reason=body.reason if body else "")
    return _out(request, id)


@router.post(
    "/{int:id}/cancel",
    auth=purchasing,
    response={200: PurchaseOrderOut, **WRITE_ERRORS},
    summary="Cancel a purchase order",
)
@answers(*PO_STATE, *INPUT_RULES)
def buyer_purchase_order_cancel(request: HttpRequest, id: Id, body: ReasonIn | None = None) -> PurchaseOrderOut:
    """Any purchase order not yet (fully) received; the vendor sees it as cancelled."""
    po_cancel(actor=actor(request), purchase_order=_po(request, id), reason=body.reason if body else "")
    return _out(request, id)


@router.post(
    "/{int:id}/receipts",
    auth=receiving,
    response={201: ReceiptOut, **WRITE_ERRORS},
    summary="Post a product receipt",
)
@answers(PO_RECEIVE, SHIP_NOTICE_PO_RECEIPT, ApiErrorCode.UNKNOWN)
def buyer_purchase_order_receive(request: HttpRequest, id: Id, body: ReceiptIn) -> Status[ReceiptOut]:
    """Against confirmed lines, partly or fully; the PO becomes `received` when every line is. Receiving more than
    remains on a line, or on a future date, is refused (422) for the whole receipt. With `ship_notice`, the goods
    are received from that notice (422 `unknown` for a notice that does not exist)."""
    user = actor(request)
    lines = [ReceiptLineInput(line_number=line.line_number, quantity=line.quantity) for line in body.lines]
    if body.ship_notice is not None:
        refs = References()
        notice = refs.one(ShipNotice.objects.visible_to(user), body.ship_notice, "ship_notice")
        refs.raise_if_any()
        assert notice is not None
        receipt = ship_notice_receive_purchase_order(
            actor=user, notice=notice, purchase_order=_po(request, id), lines=lines, received_date=body.received_date
        )
        return Status(201, ReceiptOut.build(receipt, status=receipt.purchase_order.status))
    receipt = receipt_post(
        actor=user,
        purchase_order=_po(request, id),
        lines=lines,
        received_date=body.received_date,
    )
    return Status(201, ReceiptOut.build(receipt, status=receipt.purchase_order.status))
