"""Invoices and credit notes in the API (DESIGN.md sections 8 and 10): the vendor invoices what was received, the
buyer (or its ERP) approves, rejects and records payment.

The same selectors, services and life-cycle table as the invoicing pages. ``vendor_router`` (mounted on ``/vendor``)
is scoped to the user's vendor accounts, and buyer users get a 404 there; ``buyer_router`` (on ``/invoices``) is the
buyer's, where vendor users get a 404, every buyer role reads and only the invoice roles (procurement admin, accounts
payable) decide. What the caller may not see, another vendor's invoice or a vendor's draft, is a 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Case, Exists, IntegerField, OuterRef, Prefetch, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router
from ninja.responses import Status

from vendorcollab.accounts.models import INVOICE_ROLES, User
from vendorcollab.interop.writers.invoice import ubl_credit_note, ubl_invoice
from vendorcollab.invoicing import selectors
from vendorcollab.invoicing.documents import invoice_pdf_response
from vendorcollab.invoicing.models import (
    COUNTING_STATUSES,
    Invoice,
    InvoiceLine,
    InvoiceNote,
    InvoiceOrigin,
    InvoiceStatus,
)
from vendorcollab.invoicing.services import (
    invoice_approve,
    invoice_create,
    invoice_create_and_submit,
    invoice_record_payment,
    invoice_reject,
    invoice_submit,
    invoice_update,
)
from vendorcollab.purchasing.models import Visibility

from .auth import actor, api_auth, buyer_users, vendor_users
from .error_codes import (
    INVOICE_APPROVE,
    INVOICE_CREATE,
    INVOICE_PAY,
    INVOICE_REJECT,
    INVOICE_SUBMIT,
    INVOICE_UPDATE,
    answers,
)
from .errors import ApiErrorCode, error_responses
from .invoice_schemas import (
    BuyerInvoiceFilters,
    InvoiceableLineFilters,
    InvoiceableLineOut,
    InvoiceIn,
    InvoiceOut,
    InvoicePatch,
    PaymentIn,
    RejectIn,
    VendorInvoiceFilters,
)
from .pagination import Page, PageQuery, PageResult, paginate
from .schemas import Id
from .ubl_endpoints import _xml_response

vendor_router = Router(auth=api_auth(vendor_users), tags=["vendor invoices"])
buyer_router = Router(auth=api_auth(buyer_users()), tags=["invoices"])
deciding = api_auth(buyer_users(*INVOICE_ROLES))

READ_ERRORS = error_responses(401, 404, 422)
WRITE_ERRORS = error_responses(400, 401, 403, 404, 409, 422)


# --- reading --------------------------------------------------------------------------------------------------------


def _rows(user: User) -> QuerySet[Invoice]:
    """The invoices ``user`` may see, with everything ``InvoiceOut.build`` reads, as ``selectors.invoice_get``
    loads one: a page costs the same few queries whatever its size. A vendor user's notes are the external ones
    only. ``has_credit_notes`` is what the table's reject guard reads instead of asking each row."""
    notes = InvoiceNote.objects.all() if user.is_buyer else InvoiceNote.objects.filter(visibility=Visibility.EXTERNAL)
    credit_notes = Invoice.objects.filter(credited_invoice_id=OuterRef("pk"), status__in=COUNTING_STATUSES)
    return (
        Invoice.objects.visible_to(user)
        .annotate(has_credit_notes=Exists(credit_notes))
        .prefetch_related(
            Prefetch("lines", queryset=InvoiceLine.objects.select_related("purchase_order", "po_line")),
            "charges",
            Prefetch("notes", queryset=notes),
            "attachments",
        )
    )


def _filtered(rows: QuerySet[Invoice], filters: VendorInvoiceFilters) -> QuerySet[Invoice]:
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.vendor:
        rows = rows.filter(vendor_id=filters.vendor)
    if filters.company:
        rows = rows.filter(company_id=filters.company)
    if filters.q.strip():
        rows = rows.filter(number__icontains=filters.q.strip())
    return rows


def _invoice(request: HttpRequest, pk: int) -> Invoice:
    """The invoice as the caller may see it, with what its shape shows (404 outside the caller's reach)."""
    return selectors.invoice_get(actor=actor(request), pk=pk)


def _out(request: HttpRequest, pk: int) -> InvoiceOut:
    return InvoiceOut.build(_invoice(request, pk), actor=actor(request))


def _page(request: HttpRequest, rows: QuerySet[Invoice], paging: PageQuery) -> PageResult[InvoiceOut]:
    user = actor(request)
    return paginate(request, rows, paging, build=lambda invoice: InvoiceOut.build(invoice, actor=user))


# --- documents ------------------------------------------------------------------------------------------------------


def _pdf(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = _invoice(request, pk)
    return invoice_pdf_response(invoice=invoice, language=request.LANGUAGE_CODE)


def _ubl(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = _invoice(request, pk)
    xml = ubl_credit_note(invoice) if invoice.is_credit_note else ubl_invoice(invoice)
    return _xml_response(xml, f"{invoice.kind}-{invoice.number}")


PDF_200: dict[str, Any] = {
    "responses": {
        200: {
            "description": "The invoice or credit note as a PDF document, in the user's language.",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}
UBL_200: dict[str, Any] = {
    "responses": {
        200: {
            "description": "A UBL 2.1 Invoice or Credit Note of PEPPOL BIS Billing 3.",
            "content": {"application/xml": {"schema": {"type": "string"}}},
        }
    }
}


# --- vendor ---------------------------------------------------------------------------------------------------------


@vendor_router.get(
    "/invoiceable-lines",
    response={200: Page[InvoiceableLineOut], **READ_ERRORS},
    summary="Received purchase order lines not yet invoiced",
)
def vendor_invoiceable_lines(
    request: HttpRequest, filters: Query[InvoiceableLineFilters], paging: Query[PageQuery]
) -> PageResult[InvoiceableLineOut]:
    """Every line of the user's vendor accounts with a quantity received and not yet invoiced (consignment purchase
    orders included): what `POST /vendor/invoices` may take, at the PO's price and tax."""
    rows = selectors.invoiceable_lines(
        actor=actor(request), vendor_id=filters.vendor, purchase_order_id=filters.purchase_order
    )
    return paginate(request, rows, paging, build=InvoiceableLineOut.build)


@vendor_router.get(
    "/invoices",
    response={200: Page[InvoiceOut], **READ_ERRORS},
    summary="The vendor's invoices and credit notes",
)
def vendor_invoice_list(
    request: HttpRequest, filters: Query[VendorInvoiceFilters], paging: Query[PageQuery]
) -> PageResult[InvoiceOut]:
    """Drafts included, newest first."""
    rows = _filtered(_rows(actor(request)), filters).order_by("-issue_date", "-id")
    return _page(request, rows, paging)


@vendor_router.post(
    "/invoices",
    response={201: InvoiceOut, **WRITE_ERRORS},
    summary="Create an invoice or credit note",
)
@answers(INVOICE_CREATE)
def vendor_invoice_create(request: HttpRequest, body: InvoiceIn) -> Status[InvoiceOut]:
    """A draft (origin `api`) from received lines of the vendor account's purchase orders; unit price and tax come
    from the PO line where left out, the due date from the account's payment terms. With `"submit": true` it is
    submitted in the same call (matched or on hold) and nothing is kept when that is refused. A quantity above what
    is received and not yet invoiced is a 422 `over_invoiced` naming the line (`lines.0.quantity`); a 409 when
    another invoice took it while this one was submitted."""
    user = actor(request)
    make = invoice_create_and_submit if body.submit else invoice_create
    invoice = make(actor=user, data=body.to_input(), origin=InvoiceOrigin.API)
    return Status(201, _out(request, invoice.pk))


@vendor_router.get(
    "/invoices/{int:id}",
    response={200: InvoiceOut, **READ_ERRORS},
    summary="An invoice or credit note (vendor)",
)
def vendor_invoice_get(request: HttpRequest, id: Id) -> InvoiceOut:
    """With its lines, charges, totals, the match's exceptions, the vendor's notes and files, and `actions`."""
    return _out(request, id)


@vendor_router.patch(
    "/invoices/{int:id}",
    response={200: InvoiceOut, **WRITE_ERRORS},
    summary="Change a draft invoice",
)
@answers(*INVOICE_UPDATE, ApiErrorCode.READ_ONLY_FIELD)
def vendor_invoice_update(request: HttpRequest, id: Id, body: InvoicePatch) -> InvoiceOut:
    """Only a draft (409 `invalid_transition` once submitted). Fields left out stay as they are; `lines` and
    `charges`, when sent, replace every line or charge. The body may be the invoice as `GET` returned it, edited:
    output-only fields are ignored when unchanged; a changed id, company, origin, status or total is refused (422
    `read_only_field`); unknown fields are refused (422 `extra_forbidden`)."""
    user = actor(request)
    invoice = _invoice(request, id)
    body.read_only_errors(InvoiceOut.build(invoice, actor=user)).raise_if_any()
    invoice_update(actor=user, invoice=invoice, data=body.merged(invoice))
    return _out(request, id)


@vendor_router.post(
    "/invoices/{int:id}/submit",
    response={200: InvoiceOut, **WRITE_ERRORS},
    summary="Submit a draft invoice",
)
@answers(INVOICE_SUBMIT)
def vendor_invoice_submit(request: HttpRequest, id: Id) -> InvoiceOut:
    """Matched against the purchase orders and the company's tolerances: `matched`, or `on_hold` with the
    `exceptions`. A quantity above what is received and not yet invoiced (another invoice may have taken it in the
    meantime) is a 409 `over_invoiced` naming the line, and nothing changes."""
    invoice_submit(actor=actor(request), invoice=_invoice(request, id))
    return _out(request, id)


@vendor_router.get(
    "/invoices/{int:id}/pdf",
    response={200: None, **READ_ERRORS},
    summary="An invoice as PDF (vendor)",
    openapi_extra=PDF_200,
)
def vendor_invoice_pdf(request: HttpRequest, id: Id) -> HttpResponse:
    return _pdf(request, id)


@vendor_router.get(
    "/invoices/{int:id}/ubl",
    response={200: None, **READ_ERRORS},
    summary="An invoice as UBL (vendor)",
    openapi_extra=UBL_200,
)
def vendor_invoice_ubl(request: HttpRequest, id: Id) -> HttpResponse:
    """An Invoice, or a Credit Note for a credit note, as PEPPOL BIS Billing 3 would carry it."""
    return _ubl(request, id)


# --- buyer ----------------------------------------------------------------------------------------------------------

# On hold first (the invoices waiting for a person), then the longest waiting.
_ON_HOLD_FIRST = Case(When(status=InvoiceStatus.ON_HOLD, then=Value(0)), default=Value(1), output_field=IntegerField())


@buyer_router.get(
    "",
    response={200: Page[InvoiceOut], **READ_ERRORS},
    summary="Vendor invoices",
)
def buyer_invoice_list(
    request: HttpRequest, filters: Query[BuyerInvoiceFilters], paging: Query[PageQuery]
) -> PageResult[InvoiceOut]:
    """Every submitted invoice and credit note (never a vendor's draft): on hold first, then oldest submitted
    first. The internal notes of the buyer are included."""
    rows = _filtered(_rows(actor(request)), filters).order_by(_ON_HOLD_FIRST, "submitted_at", "id")
    return _page(request, rows, paging)


@buyer_router.get("/{int:id}", response={200: InvoiceOut, **READ_ERRORS}, summary="A vendor invoice")
def buyer_invoice_get(request: HttpRequest, id: Id) -> InvoiceOut:
    return _out(request, id)


@buyer_router.post(
    "/{int:id}/approve",
    auth=deciding,
    response={200: InvoiceOut, **error_responses(401, 403, 404, 409, 422)},
    summary="Approve an invoice",
)
@answers(INVOICE_APPROVE)
def buyer_invoice_approve(request: HttpRequest, id: Id) -> InvoiceOut:
    """A matched or on hold invoice (409 `invalid_transition` otherwise). Procurement admins and accounts payable."""
    invoice_approve(actor=actor(request), invoice=_invoice(request, id))
    return _out(request, id)


@buyer_router.post(
    "/{int:id}/reject",
    auth=deciding,
    response={200: InvoiceOut, **WRITE_ERRORS},
    summary="Reject an invoice",
)
@answers(INVOICE_REJECT)
def buyer_invoice_reject(request: HttpRequest, id: Id, body: RejectIn) -> InvoiceOut:
    """With a `reason` the vendor reads (422 `reason_required` without). The quantities it invoiced are released:
    the vendor may invoice them again."""
    invoice_reject(actor=actor(request), invoice=_invoice(request, id), reason=body.reason)
    return _out(request, id)


@buyer_router.post(
    "/{int:id}/paid",
    auth=deciding,
    response={200: InvoiceOut, **WRITE_ERRORS},
    summary="Record an invoice's payment",
)
@answers(INVOICE_PAY)
def buyer_invoice_pay(request: HttpRequest, id: Id, body: PaymentIn) -> InvoiceOut:
    """An approved invoice becomes `paid`, with the `payment_date` (required, not in the future) and the payment's
    `reference`: by a person or by the ERP once it has paid."""
    invoice_record_payment(
        actor=actor(request), invoice=_invoice(request, id), payment_date=body.payment_date, reference=body.reference
    )
    return _out(request, id)


@buyer_router.get(
    "/{int:id}/pdf",
    response={200: None, **READ_ERRORS},
    summary="A vendor invoice as PDF",
    openapi_extra=PDF_200,
)
def buyer_invoice_pdf(request: HttpRequest, id: Id) -> HttpResponse:
    return _pdf(request, id)


@buyer_router.get(
    "/{int:id}/ubl",
    response={200: None, **READ_ERRORS},
    summary="A vendor invoice as UBL",
    openapi_extra=UBL_200,
)
def buyer_invoice_ubl(request: HttpRequest, id: Id) -> HttpResponse:
    """An Invoice, or a Credit Note for a credit note, of PEPPOL BIS Billing 3."""
    return _ubl(request, id)
