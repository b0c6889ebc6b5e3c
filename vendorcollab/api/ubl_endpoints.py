"""UBL documents over the API: the buyer's ERP posts an Order (T01), Order Change (T114) or Order Cancellation
(T115); the vendor's ERP posts an Order Response (T76 / T116) at ``/vendor/documents/inbound``; a version exports as
an Order and a vendor's response as an Order Response (T76).

Mounted on ``/purchase-orders`` next to the buyer's JSON endpoints (ninja allows two routers on one prefix). Those
take ``{int:id}``: a plain ``{id}`` becomes Django's ``<id>``, which matches any text, and would answer
``POST /purchase-orders/import-ubl`` with a 405 if registered first.

Buyer users only (vendor users get a 404); importing needs a purchasing role (a 403 otherwise).
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from ninja import Field, Router
from ninja.responses import Status

from vendorcollab.accounts.models import PURCHASING_ROLES
from vendorcollab.common.request_limits import RequestTooLarge, request_too_large
from vendorcollab.interop import selectors
from vendorcollab.interop.errors import unsupported_media_type
from vendorcollab.interop.inbound import FROM_BUYER, ORDER_RESPONSES, take_document
from vendorcollab.interop.ubl_reader import max_bytes
from vendorcollab.interop.ubl_writer import ubl_order, ubl_order_response
from vendorcollab.purchasing import selectors as purchasing_selectors

from .auth import actor, api_auth, buyer_users, vendor_users
from .buyer_schemas import PurchaseOrderOut
from .error_codes import UBL_IMPORT, VENDOR_UBL_INBOUND, answers
from .errors import error_responses
from .schemas import Id
from .vendor_schemas import VendorResponseOut

router = Router(auth=api_auth(buyer_users()), tags=["ubl"])
# Mounted on ``/vendor/documents``: documents from the vendor's ERP. Buyer users get a 404 (the router's gate).
vendor_router = Router(auth=api_auth(vendor_users), tags=["ubl"])

VersionNumber = Annotated[int, Field(ge=1, le=2**31 - 1)]
XML_MEDIA_TYPES = frozenset({"application/xml", "text/xml"})


def _xml_body(request: HttpRequest) -> bytes:
    """The request body, refused before it is read when it is not XML (415) or larger than ``UBL_MAX_BYTES`` (413, as
    ``RequestBodyLimitMiddleware`` refuses a declared length; this also bounds a body sent without one). Read from the
    stream, not ``request.body``, which refuses anything over Django's form limit with a bare 400."""
    media_type = (request.content_type or "").lower()
    if media_type not in XML_MEDIA_TYPES and not media_type.endswith("+xml"):
        raise unsupported_media_type()
    limit = max_bytes()
    declared = request.META.get("CONTENT_LENGTH") or ""
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    body = request.read(limit + 1)
    if len(body) > limit:
        raise _too_large(limit)
    return body


def _too_large(limit: int) -> RequestTooLarge:
    return request_too_large(limit)


def _xml_response(document: bytes, name: str) -> HttpResponse:
    response = HttpResponse(document, content_type="application/xml; charset=utf-8")
    disposition = content_disposition_header(False, re.sub(r"[^A-Za-z0-9._-]", "_", name) + ".xml")
    assert disposition is not None  # always a header when a file name is given
    response["Content-Disposition"] = disposition
    return response


def _xml_200(description: str) -> dict[str, Any]:
    return {
        "responses": {200: {"description": description, "content": {"application/xml": {"schema": {"type": "string"}}}}}
    }


@router.post(
    "/import-ubl",
    auth=api_auth(buyer_users(*PURCHASING_ROLES)),
    response={200: PurchaseOrderOut, 201: PurchaseOrderOut, **error_responses(400, 401, 403, 404, 409, 413, 415, 422)},
    summary="Import a UBL Order, Order Change or Order Cancellation",
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "A UBL 2.1 Order (PEPPOL BIS Ordering 3, T01), Order Change (T114) or Order Cancellation "
            "(T115), at most `UBL_MAX_BYTES` (10 MB).",
            "content": {"application/xml": {"schema": {"type": "string"}}},
        }
    },
)
@answers(UBL_IMPORT)
def purchase_order_import_ubl(request: HttpRequest) -> Status[PurchaseOrderOut]:
    """An Order creates a draft PO (origin `ubl`, 201). The buyer and seller parties are matched on their
    `EndpointID` and `schemeID` against the company's and the vendor account's endpoint; items on their buyer's,
    seller's or standard identification against the item numbers, else on their name. An Order Change becomes the
    next version of the PO whose number is its `OrderReference/ID`, sent to the vendor for review (200); an Order
    Cancellation cancels it (200); either taken before changes nothing (200). A refusal changes nothing and names
    the element at fault, in `message` and as the keys of `fields` (`Order/OrderLine[2]/LineItem/Quantity`): 422
    for the content (also another transaction or profile), 404 `ubl_unknown_order` for a change or cancellation of
    an order nobody knows, 409 `number_taken` when the company already has the order's number (a document imported
    twice), 400 for a body that is not a readable document (not well-formed, any DOCTYPE), 413 `request_too_large`
    for a body over `UBL_MAX_BYTES`, 415 for a body that is not XML."""
    user = actor(request)
    taken = take_document(actor=user, xml=_xml_body(request), accept=FROM_BUYER)
    # The same representation as ``GET /purchase-orders/{id}``.
    po = purchasing_selectors.po_get_for_buyer(actor=user, pk=taken.purchase_order.pk)
    return Status(201 if taken.created else 200, PurchaseOrderOut.build(po, actor=user))


@vendor_router.post(
    "/inbound",
    response={
        200: VendorResponseOut,
        201: VendorResponseOut,
        202: None,
        **error_responses(400, 401, 403, 404, 409, 413, 415, 422),
    },
    summary="Answer a purchase order with a UBL Order Response",
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "A UBL 2.1 Order Response (PEPPOL BIS Ordering 3, T76) or Order Response Advanced (T116), "
            "at most `UBL_MAX_BYTES` (10 MB).",
            "content": {"application/xml": {"schema": {"type": "string"}}},
        }
    },
)
@answers(VENDOR_UBL_INBOUND)
def vendor_document_inbound(request: HttpRequest) -> Status[VendorResponseOut | None]:
    """The vendor's ERP answers the latest version of the PO whose number is the response's `OrderReference/ID`,
    through the same rules as `POST /vendor/purchase-orders/{id}/responses` (201): `OrderResponseCode` AP, RE or CA
    with line status 5 accepted, 7 not accepted, 3 changed; several lines on one `OrderLineReference` are a split, a
    `SellerSubstitutedLineItem` a substitute. A T76 answers the Order (version 1), a T116 the latest Order Change.
    An acknowledgement (AB) is logged and changes nothing (202). The same response posted again is taken once
    (200); another answer is a 409 `ubl_already_answered`, an answer
    to an older version a 409 `ubl_outdated_version`, an order the vendor does not have a 404 `ubl_unknown_order`,
    another transaction or profile a 422."""
    user = actor(request)
    taken = take_document(actor=user, xml=_xml_body(request), accept=ORDER_RESPONSES)
    if taken.response is None:
        return Status(202, None)  # AB: acknowledged, answered later
    response = taken.response
    return Status(
        201 if taken.changed else 200, VendorResponseOut.build(response, version_number=response.version.number)
    )


@router.get(
    "/{id}/versions/{n}/ubl",
    response={200: None, **error_responses(401, 404, 422)},
    summary="A version as a UBL Order",
    openapi_extra=_xml_200("Version n as a UBL 2.1 Order (PEPPOL T01); its `cbc:ID` is the version label."),
)
def purchase_order_version_ubl(request: HttpRequest, id: Id, n: VersionNumber) -> HttpResponse:
    """The version exactly as it was sent (or confirmed), lines cancelled for the record left out."""
    version = selectors.version_for_export(actor=actor(request), purchase_order_id=id, number=n)
    return _xml_response(ubl_order(version), version.label)


@router.get(
    "/{id}/responses/{response_id}/ubl",
    response={200: None, **error_responses(401, 404, 422)},
    summary="A vendor response as a UBL Order Response",
    openapi_extra=_xml_200("The response as a UBL 2.1 Order Response (PEPPOL T76): AP, RE or CA with every line."),
)
def purchase_order_response_ubl(request: HttpRequest, id: Id, response_id: Id) -> HttpResponse:
    """`OrderResponseCode` AP (accepted), RE (rejected) or CA (accepted with changes, every line with its status: 5
    accepted, 7 not accepted, 3 changed; a split as several lines referring to one order line; a substitute as
    `SellerSubstitutedLineItem`). `OrderReference` is the label of the version answered."""
    response = selectors.response_for_export(actor=actor(request), purchase_order_id=id, response_id=response_id)
    return _xml_response(ubl_order_response(response), f"{response.version.label}-response")
