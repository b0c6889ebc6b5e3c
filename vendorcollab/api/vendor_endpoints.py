"""The vendor side of the API: the purchase order lists, a PO, its history, the answer, the PDF.

The same selectors and service as the vendor's pages: everything is scoped to the user's vendor accounts, and what
it may not see is a 404. Buyer users get a 404 on every path here (the router's gate).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from vendorcollab.purchasing import fragments, selectors
from vendorcollab.purchasing.documents import version_pdf_response
from vendorcollab.purchasing.selectors import Sort, VendorList
from vendorcollab.purchasing.services import BulkAcceptItem, response_accept_many, response_submit

from .auth import actor, api_auth, vendor_users
from .error_codes import VENDOR_BULK_ACCEPT, VENDOR_RESPONSE, answers
from .errors import error_responses
from .pagination import Page, PageQuery, PageResult, paginate
from .schemas import Id
from .vendor_schemas import (
    RESPONSE_KINDS,
    BulkAcceptIn,
    BulkAcceptOut,
    BulkAcceptResultOut,
    ResponseIn,
    VendorHistoryOut,
    VendorOrderOut,
    VendorOrderRow,
    VendorResponseOut,
)

router = Router(auth=api_auth(vendor_users), tags=["vendor"])


class VendorListQuery(Schema):
    list: VendorList = Field(description="Which of the vendor's lists (DESIGN.md section 4).")
    q: str = Field("", max_length=100, description="Search: PO number, item number or name, description.")
    company: Id | None = Field(None, description="Only this company's purchase orders.")
    sort: Sort = Field(Sort.NEWEST, description="By the date the version was sent, or by PO number.")


@router.get(
    "/purchase-orders",
    response={200: Page[VendorOrderRow], **error_responses(401, 404, 422)},
    summary="The vendor's purchase order lists",
)
def vendor_purchase_order_list(
    request: HttpRequest, filters: Query[VendorListQuery], paging: Query[PageQuery]
) -> PageResult[VendorOrderRow]:
    """One of the lists of the vendor's workspace: `for_review`, `awaiting_customer`, `open_confirmed`,
    `all_confirmed`. In the confirmed lists a row stands for the PO's last confirmed version."""
    rows = selectors.po_page_for_vendor(
        actor=actor(request), which=filters.list, q=filters.q, company=filters.company, sort=filters.sort
    )
    # Counted once per change of the vendor's POs, as the pages count them (``fragments.vendor_stamp``).
    user = actor(request)
    return paginate(request, rows, paging, build=VendorOrderRow.build, stamp=lambda: fragments.vendor_stamp(actor=user))


# Before the routes with an {id}: Django takes the first pattern that matches the path.
@router.post(
    "/purchase-orders/bulk-accept",
    response={200: BulkAcceptOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Accept several purchase orders",
)
@answers(VENDOR_BULK_ACCEPT)
def vendor_bulk_accept(request: HttpRequest, payload: BulkAcceptIn) -> BulkAcceptOut:
    """Accept each listed version exactly as `POST .../{id}/responses` with `"action": "accept"` would: only the
    latest version, once, confirmed at once for a vendor account set to auto-confirm. Each purchase order is
    accepted or refused on its own (a refusal leaves the others accepted); the answer is 200 with a result per
    item, whose `error.code` is what the single answer would have answered (`already_answered`,
    `version_outdated`, `not_found`, …). More than 100 items: 422 `too_many_rows`, nothing accepted."""
    results = response_accept_many(
        actor=actor(request),
        items=[BulkAcceptItem(purchase_order=item.purchase_order, version=item.version) for item in payload.items],
    )
    return BulkAcceptOut.model_construct(results=[BulkAcceptResultOut.build(result) for result in results])


@router.get(
    "/purchase-orders/{id}",
    response={200: VendorOrderOut, **error_responses(401, 404, 422)},
    summary="A purchase order",
)
def vendor_purchase_order_get(request: HttpRequest, id: Id) -> VendorOrderOut:
    """The latest version sent to the vendor, as the vendor may see it."""
    po = selectors.po_get_for_vendor(actor=actor(request), pk=id)
    version = selectors.version_get(purchase_order=po)
    return VendorOrderOut.build_order(po, version, actor=actor(request))


@router.get(
    "/purchase-orders/{id}/history",
    response={200: VendorHistoryOut, **error_responses(401, 404, 422)},
    summary="A purchase order's versions and responses",
)
def vendor_purchase_order_history(request: HttpRequest, id: Id) -> VendorHistoryOut:
    """Every version sent and every response, each response naming the version it answers."""
    po = selectors.po_get_for_vendor(actor=actor(request), pk=id)
    return VendorHistoryOut.build(po, list(selectors.po_versions(purchase_order=po)))


@router.post(
    "/purchase-orders/{id}/responses",
    response={201: VendorResponseOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Answer the latest version",
)
@answers(VENDOR_RESPONSE)
def vendor_response_create(request: HttpRequest, id: Id, payload: ResponseIn) -> Status[VendorResponseOut]:
    """Accept, reject, or accept with changes line by line. Only the latest version can be answered, once: an
    older version is a 409 `version_outdated`, a second answer a 409 `already_answered`. Prices, discounts and
    charges cannot be changed (422 `price_change_not_allowed`, `charge_change_not_allowed`)."""
    user = actor(request)
    po = selectors.po_get_for_vendor(actor=user, pk=id)
    response = response_submit(
        actor=user,
        purchase_order=po,
        version=payload.version,
        kind=RESPONSE_KINDS[payload.action],
        lines=[line.to_answer() for line in payload.lines],
        vendor_reference=payload.vendor_reference,
        note=payload.note,
        charges=None if payload.charges is None else [charge.to_input() for charge in payload.charges],
    )
    return Status(201, VendorResponseOut.build(response, version_number=payload.version))


@router.get(
    "/purchase-orders/{id}/pdf",
    response={200: None, **error_responses(401, 404, 422)},
    summary="The purchase order as PDF",
    openapi_extra={
        "responses": {
            200: {
                "description": "The latest version as a PDF document, in the user's language.",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def vendor_purchase_order_pdf(request: HttpRequest, id: Id) -> HttpResponse:
    """The latest version as the vendor received it, with prices only where the vendor account shows them and the
    dimension columns as the user chose."""
    user = actor(request)
    po = selectors.po_get_for_vendor(actor=user, pk=id)
    return version_pdf_response(
        purchase_order=po,
        number=None,
        language=request.LANGUAGE_CODE,
        show_prices=po.vendor.show_prices,
        show_dimensions=user.show_dimensions,
    )
