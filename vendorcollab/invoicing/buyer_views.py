"""The buyer's invoice pages: the invoices workspace (on hold first), the lists, and an invoice beside its POs and
receipts with the decisions accounts payable takes on it (approve, reject with a reason, record payment).

Reads go through ``selectors`` (scoped to the actor: a buyer never sees a vendor's draft), every decision through
the same services the API uses; the buttons are what ``transitions.available`` offers this user now.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from vendorcollab.accounts.models import INVOICE_ROLES, PURCHASING_ROLES, Role, User
from vendorcollab.common.errors import AppError, ValidationFailed
from vendorcollab.common.exports import FORMATS, export_response, streamed
from vendorcollab.common.lifecycle import Offered
from vendorcollab.common.web import AuthenticatedRequest, buyer_required, int_param, paginate
from vendorcollab.partners.models import Company
from vendorcollab.purchasing.views.buyer import _errors_to_form as errors_to_form

from . import buyer_exports, selectors, services, transitions
from .buyer_forms import InvoiceNoteForm, PaymentForm, RejectForm
from .buyer_page import findings_of, line_views, purchase_orders_of, tax_breakdown
from .models import Invoice
from .selectors import BuyerInvoiceList

WORKSPACE_LISTS = tuple(BuyerInvoiceList)


def lands_on_invoices(user: User) -> bool:
    """Accounts payable who do not also purchase start on the invoices workspace, as a clerk starts on receiving."""
    return user.has_role(Role.ACCOUNTS_PAYABLE) and not user.has_role(*PURCHASING_ROLES)


@buyer_required()
def invoice_workspace(request: AuthenticatedRequest) -> HttpResponse:
    counts = selectors.buyer_invoice_counts(actor=request.user)
    on_hold = selectors.buyer_invoice_page(actor=request.user, which=BuyerInvoiceList.ON_HOLD)[:10]
    return render(
        request,
        "invoicing/buyer/workspace.html",
        {"tiles": [(which, counts[which]) for which in WORKSPACE_LISTS], "on_hold": on_hold},
    )


@buyer_required()
def invoice_list(request: AuthenticatedRequest, which: str) -> HttpResponse:
    if which not in BuyerInvoiceList.values:
        raise Http404
    list_kind = BuyerInvoiceList(which)
    company, vendor = int_param(request, "company"), int_param(request, "vendor")
    rows = selectors.buyer_invoice_page(
        actor=request.user, which=list_kind, q=request.GET.get("q", ""), company=company, vendor=vendor
    )
    if (fmt := request.GET.get("format")) in FORMATS:
        return export_response(
            streamed(rows), buyer_exports.buyer_invoice_columns(), fmt=fmt, filename=f"invoices-{list_kind.value}"
        )
    return render(
        request,
        "invoicing/buyer/invoice_list.html",
        {
            "list_kind": list_kind,
            # Counted once per change of the invoices: "all" is every invoice of every vendor.
            "page": paginate(request, rows, stamp=selectors.invoice_table_stamp),
            "companies": Company.objects.order_by("code"),
            "vendors": selectors.vendors_in_buyer_list(
                actor=request.user, which=list_kind, company=company, chosen=vendor
            ),
            "search_label": gettext_lazy("Search invoice number, vendor or purchase order"),
        },
    )


def _invoice_context(request: AuthenticatedRequest, invoice: Invoice, **forms: Any) -> dict[str, Any]:
    _by_line, whole = findings_of(invoice)
    return {
        "invoice": invoice,
        "lines": line_views(invoice),
        "tax_breakdown": tax_breakdown(invoice),
        "invoice_findings": whole,
        "purchase_orders": purchase_orders_of(invoice),
        "events": selectors.invoice_events(invoice=invoice)[:20],
        "actions": Offered(transitions.available(invoice, request.user)),
        "reject_form": forms.get("reject_form") or RejectForm(),
        "payment_form": forms.get("payment_form") or PaymentForm(),
        "note_form": forms.get("note_form") or InvoiceNoteForm(),
        "open_form": forms.get("open_form", ""),
    }


def _detail(request: AuthenticatedRequest, invoice: Invoice, *, status: int = 200, **forms: Any) -> HttpResponse:
    return render(
        request, "invoicing/buyer/invoice_detail.html", _invoice_context(request, invoice, **forms), status=status
    )


@buyer_required()
def invoice_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.invoice_get(actor=request.user, pk=pk))


@buyer_required()
def invoice_attachment(request: AuthenticatedRequest, pk: int) -> FileResponse:
    attachment = selectors.invoice_attachment_get(actor=request.user, pk=pk)
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


def _refused(request: AuthenticatedRequest, invoice: Invoice, error: AppError) -> HttpResponse:
    """A decision the service refused as a whole (another person decided first, the invoice moved on): say why on
    the invoice as it stands now."""
    messages.error(request, error.rendered_message())
    return redirect("buyer:invoice_detail", pk=invoice.pk)


@require_POST
@buyer_required(*INVOICE_ROLES)
def invoice_approve(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    invoice = selectors.invoice_get(actor=request.user, pk=pk)
    try:
        invoice = services.invoice_approve(actor=request.user, invoice=invoice)
    except AppError as error:
        return _refused(request, invoice, error)
    messages.success(
        request,
        _("Invoice %(number)s of %(vendor)s is approved and ready for payment. The vendor is told.")
        % {"number": invoice.number, "vendor": invoice.vendor.name},
    )
    return redirect("buyer:invoice_detail", pk=invoice.pk)


@require_POST
@buyer_required(*INVOICE_ROLES)
def invoice_reject(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    invoice = selectors.invoice_get(actor=request.user, pk=pk)
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            invoice = services.invoice_reject(actor=request.user, invoice=invoice, reason=form.cleaned_data["reason"])
        except ValidationFailed as error:
            errors_to_form(form, error)
        except AppError as error:
            return _refused(request, invoice, error)
        else:
            messages.success(
                request,
                _(
                    "Invoice %(number)s of %(vendor)s is rejected; its quantities can be invoiced again. The vendor "
                    "is told the reason."
                )
                % {"number": invoice.number, "vendor": invoice.vendor.name},
            )
            return redirect("buyer:invoice_detail", pk=invoice.pk)
    return _detail(request, invoice, status=422, reject_form=form, open_form="reject")


@require_POST
@buyer_required(*INVOICE_ROLES)
def invoice_record_payment(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    invoice = selectors.invoice_get(actor=request.user, pk=pk)
    form = PaymentForm(request.POST)
    if form.is_valid():
        try:
            invoice = services.invoice_record_payment(
                actor=request.user,
                invoice=invoice,
                payment_date=form.cleaned_data["payment_date"],
                reference=form.cleaned_data["reference"],
            )
        except ValidationFailed as error:
            errors_to_form(form, error)
        except AppError as error:
            return _refused(request, invoice, error)
        else:
            messages.success(
                request,
                _("Payment of invoice %(number)s recorded. The vendor sees it as paid.") % {"number": invoice.number},
            )
            return redirect("buyer:invoice_detail", pk=invoice.pk)
    return _detail(request, invoice, status=422, payment_form=form, open_form="payment")


@require_POST
@buyer_required()
def invoice_note_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    invoice = selectors.invoice_get(actor=request.user, pk=pk)
    form = InvoiceNoteForm(request.POST)
    if form.is_valid():
        try:
            services.invoice_note_add(
                actor=request.user,
                invoice=invoice,
                text=form.cleaned_data["text"],
                visibility=form.cleaned_data["visibility"],
            )
        except ValidationFailed as error:
            errors_to_form(form, error)
        except AppError as error:
            return _refused(request, invoice, error)
        else:
            messages.success(request, _("Note added."))
            return redirect("buyer:invoice_detail", pk=invoice.pk)
    return _detail(request, invoice, status=422, note_form=form)
