"""UBL documents over the API: import an Order (PEPPOL T01) as a PO; export a version as an Order and a vendor's
response as an Order Response (T76).

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
from vendorcollab.interop.services import ubl_order_import
from vendorcollab.interop.ubl_reader import max_bytes
from vendorcollab.interop.ubl_writer import ubl_order, ubl_order_response
from vendorcollab.purchasing import selectors as purchasing_selectors

from .auth import actor, api_auth, buyer_users
from .buyer_schemas import PurchaseOrderOut
from .error_codes import UBL_IMPORT, answers
from .errors import error_responses
from .schemas import Id

router = Router(auth=api_auth(buyer_users()), tags=["ubl"])

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
    response={201: PurchaseOrderOut, **error_responses(400, 401, 403, 409, 413, 415, 422)},
    summary="Import a UBL Order as a purchase order",
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "A UBL 2.1 Order (PEPPOL BIS Ordering 3, T01), at most `UBL_MAX_BYTES` (10 MB).",
            "content": {"application/xml": {"schema": {"type": "string"}}},
        }
    },
)
@answers(UBL_IMPORT)
def purchase_order_import_ubl(request: HttpRequest) -> Status[PurchaseOrderOut]:
    """Creates a draft PO (origin `ubl`). The buyer and seller parties are matched on their `EndpointID` and
    `schemeID` against the company's and the vendor account's endpoint; items on their buyer's, seller's or standard
    identification against the item numbers, else on their name. A refusal changes nothing and names the element at
    fault, in `message` and as the keys of `fields` (`Order/OrderLine[2]/LineItem/Quantity`): 422 for the content,
    409 `number_taken` when the company already has the order's number (a document imported twice), 400 for a body
    that is not a readable document (not well-formed, any DOCTYPE), 413 `request_too_large` for a body over
    `UBL_MAX_BYTES`, 415 for a body that is not XML."""
    user = actor(request)
    po = ubl_order_import(actor=user, document=_xml_body(request))
    # The same representation as ``GET /purchase-orders/{id}``.
    return Status(201, PurchaseOrderOut.build(purchasing_selectors.po_get_for_buyer(actor=user, pk=po.pk), actor=user))


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
