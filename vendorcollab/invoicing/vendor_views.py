"""The vendor's invoicing pages: the invoicing workspace and its lists, the invoice form (a new invoice from received
POs or consignment receipts, a draft, a credit note), and the invoice page in every status.

Every view reads through a selector scoped to the signed-in vendor user and writes through a service; what the
user may not see is a 404. What may be done with an invoice now is asked of ``transitions.available``.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from vendorcollab.common.errors import AppError, Conflict
from vendorcollab.common.exports import FORMATS, Column, export_response, streamed
from vendorcollab.common.lifecycle import Offered
from vendorcollab.common.web import AuthenticatedRequest, int_param, paginate, vendor_required
from vendorcollab.purchasing.models import Origin, PurchaseOrderLine, Visibility
from vendorcollab.purchasing.selectors import Sort, companies_for_vendor

from . import selectors, services, transitions
from .amounts import invoice_totals
from .forms import InvoiceEditor, NoteForm, add_blank_charge, initial_from_input, initial_from_invoice, line_initial
from .models import ExceptionKind, Invoice, InvoiceKind
from .selectors import VendorInvoiceList
from .services.entry import order_net_price
from .transitions import InvoiceAction

# The number of POs one invoice may be made from in one go (the service limits the lines).
MAX_SELECTED = 100


def _list_kind(which: str) -> VendorInvoiceList:
    if which not in VendorInvoiceList.values:
        raise Http404
    return VendorInvoiceList(which)


# --- workspace and lists --------------------------------------------------------------------------------------------


@vendor_required
def invoicing_workspace(request: AuthenticatedRequest) -> HttpResponse:
    counts = selectors.vendor_invoice_counts(actor=request.user)
    return render(
        request,
        "invoicing/vendor/workspace.html",
        {"tiles": [(which, counts[which]) for which in VendorInvoiceList]},
    )


@vendor_required
def invoice_list(request: AuthenticatedRequest, which: str) -> HttpResponse:
    list_kind = _list_kind(which)
    rows = selectors.vendor_invoice_page(
        actor=request.user,
        which=list_kind,
        q=request.GET.get("q", ""),
        company=int_param(request, "company"),
        sort=request.GET.get("sort", Sort.NEWEST),
    )
    po_list = list_kind.lists_purchase_orders
    if (fmt := request.GET.get("format")) in FORMATS:
        columns = po_columns() if po_list else invoice_columns()
        return export_response(streamed(rows), columns, fmt=fmt, filename=f"invoicing-{list_kind.value}")
    page = paginate(request, rows)
    return render(
        request,
        "invoicing/vendor/list.html",
        {
            "list_kind": list_kind,
            "po_list": po_list,
            # A consignment PO has its own page: it is on no page of the confirmation workflow.
            "consignment_list": list_kind == VendorInvoiceList.CONSIGNMENT,
            "page": page,
            "invoice_rows": [] if po_list else _with_po_numbers(page.object_list),
            "companies": companies_for_vendor(actor=request.user),
            # The sorts name PO numbers: offered on the lists of POs; invoices come newest first.
            "sorts": Sort.choices if po_list else None,
            "search_label": _("Search PO number") if po_list else _("Search invoice or PO number"),
            "counting": "orders" if po_list else "invoices",
        },
    )


def _with_po_numbers(invoices: Any) -> list[tuple[Invoice, list[str]]]:
    """Each invoice of a page with the numbers of the POs it covers, in two queries for the page."""
    numbers = selectors.po_numbers(invoices)
    return [(invoice, numbers.get(invoice.pk, [])) for invoice in invoices]


def po_columns() -> list[Column]:
    return [
        Column(gettext_lazy("Purchase order"), lambda po: po.number),
        Column(gettext_lazy("Customer"), lambda po: po.company.name),
        Column(gettext_lazy("Vendor account"), lambda po: po.vendor.number),
        Column(gettext_lazy("Currency"), lambda po: po.currency),
        Column(gettext_lazy("Status"), lambda po: po.get_status_display()),
    ]


def invoice_columns() -> list[Column]:
    return [
        Column(gettext_lazy("Invoice number"), lambda invoice: invoice.number),
        Column(gettext_lazy("Kind"), lambda invoice: invoice.get_kind_display()),
        Column(gettext_lazy("Customer"), lambda invoice: invoice.company.name),
        Column(gettext_lazy("Vendor account"), lambda invoice: invoice.vendor.number),
        Column(gettext_lazy("Issue date"), lambda invoice: invoice.issue_date),
        Column(gettext_lazy("Due date"), lambda invoice: invoice.due_date),
        Column(gettext_lazy("Total without VAT"), lambda invoice: invoice.tax_exclusive_total),
        Column(gettext_lazy("VAT"), lambda invoice: invoice.tax_total),
        Column(gettext_lazy("Amount due"), lambda invoice: invoice.payable_amount),
        Column(gettext_lazy("Currency"), lambda invoice: invoice.currency),
        Column(gettext_lazy("Status"), lambda invoice: invoice.get_status_display()),
        Column(gettext_lazy("Payment date"), lambda invoice: invoice.payment_date),
    ]


# --- the form -------------------------------------------------------------------------------------------------------


def _render_form(
    request: AuthenticatedRequest,
    editor: InvoiceEditor,
    *,
    invoice: Invoice | None = None,
    credited: Invoice | None = None,
    status: int = 200,
) -> HttpResponse:
    if request.method == "POST" and editor.header.files.get("invoice-attachment"):
        # No browser lets a page fill in a file input again: say so next to it.
        editor.header.add_error(
            "attachment", _("Choose the file again: files are not kept when a form is shown again.")
        )
    facts = selectors.po_lines_for_form(actor=request.user, keys=editor.line_keys())
    rows = []
    for form in editor.lines.forms:
        po_line = facts.get(key) if (key := form.key) else None
        rows.append((form, po_line, order_net_price(po_line) if po_line else None))
    vendor = selectors.vendor_for_invoice(actor=request.user, vendor_id=editor.vendor_id)
    return render(
        request,
        "invoicing/vendor/form.html",
        {
            "editor": editor,
            "rows": rows,
            "invoice": invoice,
            "credited": credited,
            "vendor": vendor,
            "is_credit_note": editor.is_credit_note,
        },
        status=status,
    )


def _selected(request: AuthenticatedRequest) -> tuple[int | None, list[int]]:
    """The POs ticked on a ready-to-invoice list: each checkbox is ``<vendor account id>:<po id>``. One vendor account
    per invoice: POs of several give None for the account."""
    vendor_ids: set[int] = set()
    po_ids: list[int] = []
    for value in request.GET.getlist("po")[:MAX_SELECTED]:
        vendor, _sep, po = value.partition(":")
        if vendor.isdigit() and po.isdigit() and len(vendor) <= 9 and len(po) <= 9:
            vendor_ids.add(int(vendor))
            po_ids.append(int(po))
    return (vendor_ids.pop() if len(vendor_ids) == 1 else None), po_ids


@vendor_required
def invoice_create(request: AuthenticatedRequest) -> HttpResponse:
    """A new invoice. GET: prefilled from the POs ticked on a ready-to-invoice list. POST: saved as a draft."""
    if request.method == "POST":
        return _save(request, None)
    back = reverse("vendor:invoice_list", args=[request.GET.get("list") or VendorInvoiceList.READY_TO_INVOICE])
    vendor_id, po_ids = _selected(request)
    if not po_ids:
        messages.error(request, _("Select at least one purchase order to invoice."))
        return redirect(back)
    if vendor_id is None:
        messages.error(
            request, _("An invoice is for one vendor account. Select purchase orders of a single vendor account.")
        )
        return redirect(back)
    vendor = selectors.vendor_for_invoice(actor=request.user, vendor_id=vendor_id)
    try:
        lines = selectors.lines_prefill(actor=request.user, vendor_id=vendor.pk, purchase_order_ids=po_ids)
    except AppError as error:
        messages.error(request, error.rendered_message())
        return redirect(back)
    facts = selectors.po_lines_for_form(
        actor=request.user, keys=[(line.purchase_order_id, line.line_number) for line in lines]
    )
    issue_date = timezone.localdate()
    initial = {
        "header": {
            "vendor": vendor.pk,
            "kind": InvoiceKind.INVOICE,
            "issue_date": issue_date,
            "due_date": issue_date + timedelta(days=vendor.payment_terms_days),
        },
        "lines": [_priced(line_initial(line), facts) for line in lines],
        "charges": [],
    }
    return _render_form(request, InvoiceEditor(initial=initial))


def _priced(initial: dict[str, Any], facts: dict[tuple[int, int], PurchaseOrderLine]) -> dict[str, Any]:
    """A prefilled line with the PO line's net price and tax in its fields, for the vendor to see and change."""
    po_line = facts.get((initial["purchase_order"], initial["line_number"]))
    if po_line is None:
        return initial
    return {
        **initial,
        "unit_price": order_net_price(po_line) if initial.get("unit_price") is None else initial["unit_price"],
        "tax_category": initial.get("tax_category") or po_line.tax_category,
        "tax_percent": po_line.tax_percent if initial.get("tax_percent") is None else initial["tax_percent"],
    }


def _save(request: AuthenticatedRequest, invoice: Invoice | None, credited: Invoice | None = None) -> HttpResponse:
    """Create or update a draft from the posted form; "Add allowance or charge" is a command of the same form."""
    data = request.POST.copy()
    if invoice is not None:
        # Which vendor account and what kind a draft is for is not the form's to change.
        data.update({"invoice-vendor": str(invoice.vendor_id), "invoice-kind": invoice.kind})
        data["invoice-credited_invoice"] = str(invoice.credited_invoice_id or "")
    elif credited is not None:
        data.update({"invoice-vendor": str(credited.vendor_id), "invoice-kind": InvoiceKind.CREDIT_NOTE})
        data["invoice-credited_invoice"] = str(credited.pk)
    else:
        # The create page makes invoices; a credit note is made from the page of the invoice it credits.
        data.update({"invoice-kind": InvoiceKind.INVOICE, "invoice-credited_invoice": ""})
    if request.POST.get("command") == "add_charge":
        data = add_blank_charge(data)
    editor = InvoiceEditor(data, request.FILES)
    if editor.vendor_id is None:
        return HttpResponseBadRequest(_("The form could not be read. Open it again from the list."))
    if request.POST.get("command") == "add_charge":
        return _render_form(request, editor, invoice=invoice, credited=credited)
    if not editor.is_valid():
        return _render_form(request, editor, invoice=invoice, credited=credited, status=422)
    entered = editor.as_input()
    try:
        if invoice is None:
            invoice = services.invoice_create(actor=request.user, data=entered)
        else:
            invoice = services.invoice_update(actor=request.user, invoice=invoice, data=entered)
    except AppError as error:
        editor.add_service_error(error)
        status = error.status if error.status in (409, 422) else 422
        return _render_form(request, editor, invoice=invoice, credited=credited, status=status)
    upload = editor.upload
    if upload:
        try:
            services.invoice_attachment_add(actor=request.user, invoice=invoice, upload=upload)
        except AppError as error:
            messages.error(
                request,
                _("The draft was saved without the file %(name)s: %(reason)s")
                % {"name": upload.name, "reason": error.rendered_message()},
            )
            return redirect("vendor:invoice_detail", pk=invoice.pk)
    if invoice.is_credit_note:
        text = _("Credit note %(number)s saved as a draft. Submit it when it is complete.")
    else:
        text = _("Invoice %(number)s saved as a draft. Submit it when it is complete.")
    messages.success(request, text % {"number": invoice.number})
    return redirect("vendor:invoice_detail", pk=invoice.pk)


@vendor_required
def invoice_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    invoice = selectors.invoice_get(actor=request.user, pk=pk)
    if InvoiceAction.EDIT not in transitions.available(invoice, request.user):
        messages.info(request, _("This invoice has been submitted and cannot be changed any more."))
        return redirect("vendor:invoice_detail", pk=invoice.pk)
    credited = invoice.credited_invoice
    if request.method == "POST":
        return _save(request, invoice, credited)
    return _render_form(request, InvoiceEditor(initial=initial_from_invoice(invoice)), invoice=invoice,
                        credited=credited)  # fmt: skip


@vendor_required
def credit_note_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A credit note against an invoice, prefilled with what the invoice still holds (``credit_prefill``)."""
    credited = selectors.invoice_get(actor=request.user, pk=pk)
    if InvoiceAction.CREDIT not in transitions.available(credited, request.user):
        messages.info(request, _("No credit note can be made for this invoice."))
        return redirect("vendor:invoice_detail", pk=credited.pk)
    if request.method == "POST":
        return _save(request, None, credited)
    data = selectors.credit_prefill(actor=request.user, invoice=credited)
    return _render_form(request, InvoiceEditor(initial=initial_from_input(data)), credited=credited)


# --- the invoice page -------------------------------------------------------------------------------------------------


def _invoice_context(
    request: AuthenticatedRequest, invoice: Invoice, refused: AppError | None = None
) -> dict[str, Any]:
    lines = list(invoice.lines.all())
    charges = list(invoice.charges.all())
    purchase_orders = list({line.purchase_order_id: line.purchase_order for line in lines}.values())
    exceptions = [
        {
            **found,
            "label": ExceptionKind(found["kind"]).label if found.get("kind") in ExceptionKind.values else "",
            "expected": _amount_text(found.get("expected")),
            "actual": _amount_text(found.get("actual")),
        }
        for found in invoice.exceptions or []
    ]
    held = {found.get("line_number") for found in exceptions}
    # What a refused submit says of a line (``lines.<index>.quantity``), shown in that line's row.
    refusals = {
        int(parts[1]): str(message)
        for path, message in (refused.fields.items() if refused else ())
        if len(parts := path.split(".")) > 1 and parts[0] == "lines" and parts[1].isdigit()
    }
    return {
        "invoice": invoice,
        "line_rows": [
            {
                "line": line,
                "price_changed": line.unit_price != line.order_unit_price,
                "on_hold": line.line_number in held,
                "refusal": refusals.get(index, ""),
            }
            for index, line in enumerate(lines)
        ],
        "exceptions": exceptions,
        "charges": charges,
        "totals": invoice_totals(lines, charges),
        "purchase_orders": [(po, po.origin == Origin.CONSIGNMENT) for po in purchase_orders],
        "actions": Offered(transitions.available(invoice, request.user)),
        # As ``invoice_get`` scoped them: the vendor's own notes and those the buyer meant for it, never internal ones.
        "notes": invoice.notes.all(),
        "attachments": invoice.attachments.all(),
        "events": selectors.invoice_events(invoice=invoice),
        "credit_notes": selectors.invoice_credit_notes(actor=request.user, invoice=invoice),
        "note_form": NoteForm(),
    }


def _amount_text(value: object) -> str:
    """A price or total the match wrote as plain text ("2.5"), in the reader's separators with at least two decimals
    ("2,50"); anything else (a tax category and rate) as written."""
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return str(value or "")
    if not number.is_finite():
        return str(value)
    places = max(2, -int(number.as_tuple().exponent))
    return formats.number_format(number, decimal_pos=places, use_l10n=True, force_grouping=True)


@vendor_required
def invoice_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    invoice = selectors.invoice_get(actor=request.user, pk=pk)
    return render(request, "invoicing/vendor/detail.html", _invoice_context(request, invoice))


@vendor_required
def invoice_submit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Submit a draft. A post without ``confirmed`` is the first tap: it asks once, on a page of its own (with the
    script, a dialog on the invoice page asks and sends ``confirmed`` itself)."""
    invoice = selectors.invoice_get(actor=request.user, pk=pk)
    context = _invoice_context(request, invoice)
    if InvoiceAction.SUBMIT not in context["actions"]:
        messages.info(request, _("This invoice has already been submitted."))
        return redirect("vendor:invoice_detail", pk=invoice.pk)
    if request.method != "POST" or request.POST.get("confirmed") != "1":
        return render(request, "invoicing/vendor/submit.html", context)
    try:
        invoice = services.invoice_submit(actor=request.user, invoice=invoice)
    except AppError as error:
        # Someone was quicker (the quantity was invoiced meanwhile), or a rule refused it: the draft stays as it
        # is, and the page says what to change.
        invoice = selectors.invoice_get(actor=request.user, pk=pk)
        context = _invoice_context(request, invoice, refused=error)
        return render(
            request,
            "invoicing/vendor/detail.html",
            {**context, "submit_error": error},
            status=409 if isinstance(error, Conflict) else 422,
        )
    messages.success(request, _submitted_message(invoice))
    return redirect("vendor:invoice_detail", pk=invoice.pk)


def _submitted_message(invoice: Invoice) -> str:
    params = {"number": invoice.number, "company": invoice.company.name}
    if invoice.exceptions:
        return (
            _(
                "%(number)s was sent to %(company)s and is on hold: it differs from the purchase orders as listed "
                "below. The customer will review it."
            )
            % params
        )
    return _("%(number)s was sent to %(company)s and matches the purchase orders. The customer will approve it.") % (
        params
    )


@vendor_required
def invoice_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    invoice = selectors.invoice_get(actor=request.user, pk=pk)
    context = _invoice_context(request, invoice)
    if InvoiceAction.DELETE not in context["actions"]:
        messages.info(request, _("This invoice has been submitted and cannot be deleted."))
        return redirect("vendor:invoice_detail", pk=invoice.pk)
    if request.method != "POST" or request.POST.get("confirmed") != "1":
        return render(request, "invoicing/vendor/delete.html", context)
    number = invoice.number
    try:
        services.invoice_delete(actor=request.user, invoice=invoice)
    except AppError as error:
        messages.error(request, error.rendered_message())
        return redirect("vendor:invoice_detail", pk=invoice.pk)
    messages.success(request, _("Draft %(number)s deleted.") % {"number": number})
    return redirect("vendor:invoice_list", VendorInvoiceList.DRAFT)


@require_POST
@vendor_required
def invoice_note_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    invoice = selectors.invoice_get(actor=request.user, pk=pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.invoice_note_add(
                actor=request.user, invoice=invoice, text=form.cleaned_data["text"], visibility=Visibility.EXTERNAL
            )
        except AppError as error:
            for message in error.fields.values() or [error.rendered_message()]:
                form.add_error("text", str(message))
        else:
            messages.success(request, _("Note added. The customer sees it with the invoice."))
            return redirect("vendor:invoice_detail", pk=invoice.pk)
    context = {**_invoice_context(request, invoice), "note_form": form}
    return render(request, "invoicing/vendor/detail.html", context, status=422)


@vendor_required
def invoice_attachment(request: AuthenticatedRequest, pk: int) -> FileResponse:
    attachment = selectors.invoice_attachment_get(actor=request.user, pk=pk)
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)
