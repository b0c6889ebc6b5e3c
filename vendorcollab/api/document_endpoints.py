"""The document log over the API (DESIGN.md section 11): the feed of PEPPOL documents and each one's XML.

``/documents`` for buyer users (every document), ``/vendor/documents`` for vendor users (the documents of their
vendor accounts that are theirs: what the portal wrote to or for them, and what their ERP sent). The same selectors
as the pages; a document outside the actor's scope is a 404.
"""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from vendorcollab.accounts.models import PURCHASING_ROLES
from vendorcollab.interop import documents
from vendorcollab.interop.inbound import import_document
from vendorcollab.interop.models import Direction, Document, InboundStatus
from vendorcollab.interop.outbound import Transaction

from .auth import actor, api_auth, buyer_users, vendor_users
from .error_codes import DOCUMENT_IMPORT, answers
from .errors import error_responses
from .pagination import Page, PageQuery, PageResult, paginate
from .schemas import Id, OutSchema
from .ubl_endpoints import _xml_body

buyer_router = Router(auth=api_auth(buyer_users()), tags=["documents"])
vendor_router = Router(auth=api_auth(vendor_users), tags=["vendor documents"])


class DirectionIn(StrEnum):
    OUTBOUND = Direction.OUTBOUND.value
    INBOUND = Direction.INBOUND.value


class ReasonOut(OutSchema):
    code: str
    message: str = Field(description="In English, as the log keeps it.")
    field: str | None = Field(None, description="The element at fault, where one is named.")


class DocumentOut(OutSchema):
    """One entry of the document log."""

    id: int
    direction: DirectionIn = Field(description="`outbound`: written by the portal; `inbound`: given to it.")
    transaction: Transaction = Field(
        description="The PEPPOL transaction: BIS Ordering 3 T01, T114, T115, T76, T116; BIS Billing 3 T10 (Invoice), "
        "T14 (Credit Note); BIS Despatch Advice 3 T16."
    )
    document_id: str = Field(description="The document's own `cbc:ID`.")
    created_at: datetime
    company: int | None
    vendor: int | None
    purchase_order: int | None
    version: int | None = Field(description="The number of the PO's version the document belongs to.")
    response: int | None = Field(description="The vendor response the document belongs to.")
    invoice: int | None = Field(None, description="The invoice or credit note the document belongs to.")
    ship_notice: int | None = Field(None, description="The ship notice the document belongs to (a Despatch Advice).")
    status: InboundStatus | None = Field(description="Inbound only: `taken` or `refused`.")
    reasons: list[ReasonOut] = Field(description="Inbound and refused only: why.")
    xml_url: str = Field(description="Where the document's XML is.")

    @classmethod
    def build(cls, document: Document, *, base: str) -> DocumentOut:
        """From a row of ``documents.document_list`` (with its version)."""
        return cls.model_construct(
            id=document.pk,
            direction=DirectionIn(document.direction),
            transaction=Transaction(document.transaction),
            document_id=document.document_id,
            created_at=document.created_at,
            company=document.company_id,
            vendor=document.vendor_id,
            purchase_order=document.purchase_order_id,
            version=document.version.number if document.version else None,
            response=document.response_id,
            invoice=document.invoice_id,
            ship_notice=document.ship_notice_id,
            status=InboundStatus(document.status) if document.status else None,
            reasons=[
                ReasonOut.model_construct(
                    code=str(reason.get("code", "")),
                    message=str(reason.get("message", "")),
                    field=reason.get("field"),
                )
                for reason in document.reasons
            ],
            xml_url=f"{base}{document.pk}/xml",
        )


class DocumentQuery(Schema):
    since: datetime | None = Field(
        None,
        description="Only documents created at or after this moment (ISO 8601). Inclusive: pass the `created_at` "
        "of the last document seen and drop the repeat by its `id`.",
    )
    type: Transaction | None = Field(None, description="Only this transaction.")
    direction: DirectionIn | None = Field(None, description="Only this direction.")
    purchase_order: Id | None = Field(None, description="Only the documents of this purchase order.")


def _base(request: HttpRequest, prefix: str) -> str:
    return request.build_absolute_uri(f"/api/v1/{prefix}/")


def _page(request: HttpRequest, filters: DocumentQuery, paging: PageQuery, prefix: str) -> PageResult[DocumentOut]:
    rows = documents.document_list(
        actor=actor(request),
        since=filters.since,
        transaction_code=filters.type.value if filters.type else None,
        direction=filters.direction.value if filters.direction else None,
        purchase_order=filters.purchase_order,
    )
    base = _base(request, prefix)
    return paginate(request, rows, paging, build=lambda document: DocumentOut.build(document, base=base))


def _xml(request: HttpRequest, pk: int) -> HttpResponse:
    document = documents.document_get(actor=actor(request), pk=pk)
    response = HttpResponse(bytes(document.xml), content_type="application/xml; charset=utf-8")
    name = re.sub(r"[^A-Za-z0-9._-]", "_", f"{document.transaction}-{document.document_id or document.pk}") + ".xml"
    disposition = content_disposition_header(False, name)
    assert disposition is not None
    response["Content-Disposition"] = disposition
    return response


_XML_200: dict[str, Any] = {
    "responses": {
        200: {
            "description": "The document's XML exactly as it was written or received.",
            "content": {"application/xml": {"schema": {"type": "string"}}},
        }
    }
}


@buyer_router.get(
    "",
    response={200: Page[DocumentOut], **error_responses(401, 403, 404, 422)},
    summary="The document log",
)
def document_list(
    request: HttpRequest, filters: Query[DocumentQuery], paging: Query[PageQuery]
) -> PageResult[DocumentOut]:
    """The document log, oldest first: every PEPPOL document the portal wrote (`outbound`: Order T01, Order
    Change T114, Order Cancellation T115 to the vendor; Order Response T76 / T116 for a vendor's answer) and every
    one it was given (`inbound`, `taken` or `refused` with the reasons). An access point's gateway polls it with
    `since`."""
    return _page(request, filters, paging, "documents")


@buyer_router.get(
    "/{int:id}",
    response={200: DocumentOut, **error_responses(401, 403, 404, 422)},
    summary="A document of the log",
)
def document_detail(request: HttpRequest, id: Id) -> DocumentOut:
    """The log's entry, without its XML (see `.../xml`)."""
    return DocumentOut.build(documents.document_get(actor=actor(request), pk=id), base=_base(request, "documents"))


@buyer_router.get(
    "/{int:id}/xml",
    response={200: None, **error_responses(401, 403, 404, 422)},
    summary="A document's XML",
    openapi_extra=_XML_200,
)
def document_xml(request: HttpRequest, id: Id) -> HttpResponse:
    """The UBL 2.1 document as stored, `application/xml`."""
    return _xml(request, id)


@vendor_router.get(
    "",
    response={200: Page[DocumentOut], **error_responses(401, 403, 404, 422)},
    summary="The vendor's document log",
)
def vendor_document_list(
    request: HttpRequest, filters: Query[DocumentQuery], paging: Query[PageQuery]
) -> PageResult[DocumentOut]:
    """The documents of the user's vendor accounts, oldest first: the Orders, Order Changes and Order
    Cancellations the portal wrote to them, the Order Responses written for their answers, and the documents their
    ERP sent (`taken` or `refused` with the reasons). Filters as `GET /documents`."""
    return _page(request, filters, paging, "vendor/documents")


@vendor_router.get(
    "/{int:id}",
    response={200: DocumentOut, **error_responses(401, 403, 404, 422)},
    summary="A document of the vendor's log",
)
def vendor_document_detail(request: HttpRequest, id: Id) -> DocumentOut:
    """The log's entry, without its XML (see `.../xml`)."""
    document = documents.document_get(actor=actor(request), pk=id)
    return DocumentOut.build(document, base=_base(request, "vendor/documents"))


@vendor_router.get(
    "/{int:id}/xml",
    response={200: None, **error_responses(401, 403, 404, 422)},
    summary="A document's XML (vendor)",
    openapi_extra=_XML_200,
)
def vendor_document_xml(request: HttpRequest, id: Id) -> HttpResponse:
    """The UBL 2.1 document as stored, `application/xml`."""
    return _xml(request, id)


_XML_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "A UBL 2.1 document of PEPPOL BIS Ordering 3, at most `UBL_MAX_BYTES` (10 MB).",
        "content": {"application/xml": {"schema": {"type": "string"}}},
    }
}


def _take(request: HttpRequest, prefix: str) -> Status[DocumentOut]:
    # A refusal is raised after it is logged: the API answers it in the error shape, the log keeps every reason.
    document = import_document(actor=actor(request), xml=_xml_body(request))
    return Status(201, DocumentOut.build(document, base=_base(request, prefix)))


@buyer_router.post(
    "",
    auth=api_auth(buyer_users(*PURCHASING_ROLES)),
    response={201: DocumentOut, **error_responses(400, 401, 403, 404, 409, 413, 415, 422)},
    summary="Give the portal a document from the buyer's ERP",
    openapi_extra=_XML_BODY,
)
@answers(DOCUMENT_IMPORT)
def document_create(request: HttpRequest) -> Status[DocumentOut]:
    """An Order (T01), Order Change (T114) or Order Cancellation (T115), `Content-Type: application/xml`, taken
    through the same services and rules as the pages. Taken: 201 with the log's entry (its `purchase_order`). Refused:
    the error shape, and the log keeps the document with the reasons. `POST /purchase-orders/import-ubl` stays for
    Orders."""
    return _take(request, "documents")


@vendor_router.post(
    "",
    response={201: DocumentOut, **error_responses(400, 401, 403, 404, 409, 413, 415, 422)},
    summary="Give the portal a document from the vendor's ERP",
    openapi_extra=_XML_BODY,
)
@answers(DOCUMENT_IMPORT)
def vendor_document_create(request: HttpRequest) -> Status[DocumentOut]:
    """An Order Response (T76) or Order Response Advanced (T116), `Content-Type: application/xml`: the vendor's
    answer to the latest version, once, through the same service as the pages. An Invoice (T10) or Credit Note
    (T14) in PEPPOL BIS Billing 3: created and submitted through the same service as the pages (origin `ubl`), the
    vendor account from `AccountingSupplierParty`, the company from `AccountingCustomerParty`, the PO from
    `OrderReference` (else `BuyerReference`), each line from `OrderLineReference/LineID` (else its own `ID`); its
    totals must be the ones EN 16931 gives (`ubl_total_differs`). Taken: 201 with the log's entry (its `invoice`).
    A Despatch Advice (T16): a ship notice created through the same service as the pages (origin `ubl`), the vendor
    account from `DespatchSupplierParty`, the company from `DeliveryCustomerParty`, each line's PO from its
    `OrderLineReference/OrderReference` (else the header's `OrderReference`) and its PO line from `LineID`; taken:
    201 with the log's entry (its `ship_notice`).
    Refused: the error shape, and the log keeps the document with the reasons."""
    return _take(request, "vendor/documents")
