"""The buyer's purchasing pages: the "Purchase order preparation" workspace, PO entry, and processing answers.

Reads go through selectors (buyers see every PO of the installation), writes through the same services the vendor
portal and the API use; the role gates are ``buyer_required`` (404 for vendor users, 403 for the wrong role).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vendorcollab.accounts.models import PURCHASING_ROLES
from vendorcollab.common.errors import AppError, ValidationFailed
from vendorcollab.common.exports import FORMATS, export_response, streamed
from vendorcollab.common.lifecycle import Offered
from vendorcollab.common.web import AuthenticatedRequest, buyer_required, int_param, paginate
from vendorcollab.partners.models import Company

from .. import exports, selectors, services, transitions
from ..diff import diff_versions, response_lines, version_history
from ..documents import version_pdf_response
from ..forms import choose_again
from ..models import PurchaseOrder
from ..order_forms import (
    AttachmentForm,
    CancelForm,
    ConfirmWithoutResponseForm,
    NoteForm,
    OrderEditor,
    add_blank_line,
)
from ..selectors import BuyerList, Sort
from ..transitions import Action


@buyer_required()
def po_list(request: AuthenticatedRequest, which: str) -> HttpResponse:
    if which not in BuyerList.values:
        raise Http404
    list_kind = BuyerList(which)
    rows = selectors.po_page_for_buyer(
        actor=request.user,
        which=list_kind,
        q=request.GET.get("q", ""),
        company=int_param(request, "company"),
        sort=request.GET.get("sort", Sort.NEWEST),
    )
    if (fmt := request.GET.get("format")) in FORMATS:
        return export_response(streamed(rows), exports.buyer_po_columns(), fmt=fmt, filename=list_kind.value)
    return render(
        request,
        "purchasing/buyer/po_list.html",
        {
            "list_kind": list_kind,
            "page": paginate(request, selectors.shown_in_buyer_table(rows)),
            "companies": Company.objects.order_by("code"),
            "sorts": Sort.choices,
            "current_sort": request.GET.get("sort") or Sort.NEWEST,
        },
    )


def _actions(po: PurchaseOrder, user: Any) -> Offered:
    """The buttons to show: exactly what the life cycle table makes available to this user now."""
    return Offered(transitions.available(po, user))


def _po_context(request: AuthenticatedRequest, po: PurchaseOrder) -> dict[str, Any]:
    latest = selectors.version_get(purchase_order=po) if po.latest_version_id else None
    response = getattr(latest, "response", None) if latest else None
    return {
        "po": po,
        "version": latest,
        "response": response,
        "response_lines": response_lines(latest, response) if latest and response else None,
        "actions": _actions(po, request.user),
        "events": selectors.po_events(purchase_order=po)[:20],
        "show_prices": True,
        "note_form": NoteForm(),
        "attachment_form": AttachmentForm(),
    }


@buyer_required()
def po_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    po = selectors.po_get_for_buyer(actor=request.user, pk=pk)
    return render(request, "purchasing/buyer/po_detail.html", _po_context(request, po))


@buyer_required()
def po_version(request: AuthenticatedRequest, pk: int, number: int) -> HttpResponse:
    po = selectors.po_get_for_buyer(actor=request.user, pk=pk)
    version = selectors.version_get(purchase_order=po, number=number)
    response = getattr(version, "response", None)
    return render(
        request,
        "purchasing/buyer/po_version.html",
        {
            "po": po,
            "version": version,
            "response": response,
            "response_lines": response_lines(version, response) if response else None,
            # The lines mark what changed since the version before, as the vendor's page does.
            "version_diff": diff_versions(selectors.version_previous(version=version), version),
            "show_prices": True,
        },
    )


@buyer_required()
def po_history(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    po = selectors.po_get_for_buyer(actor=request.user, pk=pk)
    return render(
        request,
        "purchasing/buyer/po_history.html",
        {
            "po": po,
            "entries": version_history(selectors.po_versions(purchase_order=po)),
            "events": selectors.po_events(purchase_order=po),
            "show_prices": True,
        },
    )


@buyer_required()
def po_pdf(request: AuthenticatedRequest, pk: int, number: int) -> HttpResponse:
    """The same PDF the vendor sees of that version: prices and dimensions as that vendor gets them."""
    po = selectors.po_get_for_buyer(actor=request.user, pk=pk)
    return version_pdf_response(
        purchase_order=po,
        number=number,
        language=request.LANGUAGE_CODE,
        show_prices=po.vendor.show_prices,
        show_dimensions=True,
    )


@buyer_required()
def attachment_download(request: AuthenticatedRequest, pk: int) -> FileResponse:
    attachment = selectors.attachment_get_for_buyer(actor=request.user, pk=pk)
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


# --- entry --------------------------------------------------------------------------------------------------------


def _editor_response(
    request: AuthenticatedRequest, editor: OrderEditor, po: PurchaseOrder | None, status: int = 200
) -> HttpResponse:
    return render(request, "purchasing/buyer/po_form.html", {"editor": editor, "po": po}, status=status)


def _save(request: AuthenticatedRequest, po: PurchaseOrder | None) -> HttpResponse:
    """Create or update from the posted form; "Add line" and "Save and send" are commands of the same form."""
    command = request.POST.get("command", "save")
    if command in ("add_line", "add_charge"):
        prefix = "lines" if command == "add_line" else "charges"
        return _editor_response(request, OrderEditor(add_blank_line(request.POST, prefix), purchase_order=po), po)
    editor = OrderEditor(request.POST, purchase_order=po)
    if not editor.is_valid():
        return _editor_response(request, editor, po, status=422)
    lines = editor.line_inputs()
    try:
        if po is None:
            vendor = editor.vendor
            po = services.po_create(
                actor=request.user,
                company=vendor.company,
                vendor=vendor,
                lines=lines,
                charges=editor.charge_inputs(),
                currency=editor.header.cleaned_data["currency"],
            )
        else:
            po = services.po_update(
                actor=request.user,
                purchase_order=po,
                lines=lines,
                charges=editor.charge_inputs(),
                currency=editor.header.cleaned_data["currency"],
                reopen=True,  # "Edit and resend": back to draft with the first change saved, not before
            )
    except AppError as error:
        editor.add_service_error(error)
        return _editor_response(request, editor, po if po and po.pk else None, status=422)
    if not transitions.allows(po, request.user, Action.EDIT):
        messages.info(
            request, _("Nothing was changed: %(number)s stays as it was sent to the vendor.") % {"number": po.number}
        )
        return redirect("buyer:po_detail", pk=po.pk)
    if command == "save_and_send":
        return _send(request, po)
    messages.success(request, _("Purchase order %(number)s saved as a draft.") % {"number": po.number})
    return redirect("buyer:po_detail", pk=po.pk)


@buyer_required(*PURCHASING_ROLES)
def po_create(request: AuthenticatedRequest) -> HttpResponse:
    if request.method == "POST":
        return _save(request, None)
    return _editor_response(request, OrderEditor(), None)


@buyer_required(*PURCHASING_ROLES)
def po_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Edit a draft; or "Edit and resend" a PO in review or confirmed: the form opens on what the PO holds now, and
    the PO goes back to draft only when a change is saved (the service decides, under the row lock)."""
    po = selectors.po_get_for_buyer(actor=request.user, pk=pk)
    actions = transitions.available(po, request.user)
    if Action.EDIT not in actions and Action.REQUEST_CHANGE not in actions:
        messages.info(request, _("This purchase order cannot be edited any more."))
        return redirect("buyer:po_detail", pk=po.pk)
    if request.method == "POST":
        return _save(request, po)
    if Action.EDIT not in actions:
        messages.info(
            request,
            _(
                "%(number)s stays as the vendor has it until you save a change; “Save and send for confirmation” "
                "sends the next version."
            )
            % {"number": po.number},
        )
    return _editor_response(request, OrderEditor(purchase_order=po), po)


@require_POST
@buyer_required(*PURCHASING_ROLES)
def po_copy(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    po = selectors.po_get_for_buyer(actor=request.user, pk=pk)
    try:
        copy = services.po_copy(actor=request.user, purchase_order=po)
    except AppError as error:
        messages.error(request, error.rendered_message())
        return redirect("buyer:po_detail", pk=po.pk)
    messages.success(
        request,
        _("%(copy)s is a copy of %(number)s. Check it and send it.") % {"copy": copy.number, "number": po.number},
    )
    return redirect("buyer:po_edit", pk=copy.pk)


def _send(request: AuthenticatedRequest, po: PurchaseOrder) -> HttpResponse:
    try:
        po = services.po_send(actor=request.user, purchase_order=po)
    except AppError as error:
        messages.error(request, error.rendered_message())
        return redirect("buyer:po_detail", pk=po.pk)
    assert po.latest_version is not None
    messages.success(
        request,
        _("%(label)s sent to %(vendor)s for confirmation. You will see their response here.")
        % {"label": po.latest_version.label, "vendor": po.vendor.name},
    )
    return redirect("buyer:po_detail", pk=po.pk)


@require_POST
@buyer_required(*PURCHASING_ROLES)
def po_send_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _send(request, selectors.po_get_for_buyer(actor=request.user, pk=pk))


# --- processing the answer ------------------------------------------------------------------------------------------


@buyer_required(*PURCHASING_ROLES)
def po_confirm_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Confirm: after an acceptance, applying the vendor's changes, as sent, or (asked twice) without a response."""
    po = selectors.po_get_for_buyer(actor=request.user, pk=pk)
    mode = request.POST.get("mode") or request.GET.get("mode", "")
    form = ConfirmWithoutResponseForm(request.POST or None)
    if mode == "without_response" and not (request.method == "POST" and form.is_valid()):
        # Confirming without an answer is a deliberate act: a page of its own, with the warning and a checkbox.
        return render(
            request,
            "purchasing/buyer/confirm_without_response.html",
            {**_po_context(request, po), "form": form},
            status=422 if request.method == "POST" else 200,
        )
    if request.method != "POST":
        return redirect("buyer:po_detail", pk=po.pk)
    try:
        po = services.po_confirm(
            actor=request.user,
            purchase_order=po,
            apply_vendor_changes=mode == "apply_changes",
            without_response=mode == "without_response",
        )
    except AppError as error:
        messages.error(request, error.rendered_message())
        return redirect("buyer:po_detail", pk=po.pk)
    assert po.confirmed_version is not None
    messages.success(
        request,
        _("%(label)s is confirmed. The vendor sees it among its confirmed purchase orders.")
        % {"label": po.confirmed_version.label},
    )
    return redirect("buyer:po_detail", pk=po.pk)


@require_POST
@buyer_required(*PURCHASING_ROLES)
def po_request_change_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    po = selectors.po_get_for_buyer(actor=request.user, pk=pk)
    try:
        services.po_request_change(actor=request.user, purchase_order=po, reason=request.POST.get("reason", ""))
    except AppError as error:
        messages.error(request, error.rendered_message())
        return redirect("buyer:po_detail", pk=po.pk)
    messages.info(request, _("%(number)s is a draft again. Edit it and send the next version.") % {"number": po.number})
    return redirect("buyer:po_edit", pk=po.pk)


@buyer_required(*PURCHASING_ROLES)
def po_cancel_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    po = selectors.po_get_for_buyer(actor=request.user, pk=pk)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.po_cancel(actor=request.user, purchase_order=po, reason=form.cleaned_data["reason"])
        except ValidationFailed as error:
            # The reason stays on the page with the error beside it.
            _errors_to_form(form, error)
            context = {**_po_context(request, po), "form": form}
            return render(request, "purchasing/buyer/cancel.html", context, status=422)
        except AppError as error:
            messages.error(request, error.rendered_message())
        else:
            messages.success(
                request, _("%(number)s is cancelled. The vendor sees it as cancelled.") % {"number": po.number}
            )
        return redirect("buyer:po_detail", pk=po.pk)
    return render(request, "purchasing/buyer/cancel.html", {**_po_context(request, po), "form": form})


@require_POST
@buyer_required(*PURCHASING_ROLES)
def po_note_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    po = selectors.po_get_for_buyer(actor=request.user, pk=pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.note_add(
                actor=request.user,
                purchase_order=po,
                text=form.cleaned_data["text"],
                visibility=form.cleaned_data["visibility"],
                line_number=form.cleaned_data["line_number"],
            )
        except AppError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Note added."))
            return redirect("buyer:po_detail", pk=po.pk)
    return render(
        request, "purchasing/buyer/po_detail.html", {**_po_context(request, po), "note_form": form}, status=422
    )


@require_POST
@buyer_required(*PURCHASING_ROLES)
def po_attachment_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    po = selectors.po_get_for_buyer(actor=request.user, pk=pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attachments_add(
                actor=request.user,
                purchase_order=po,
                uploads=[
                    services.UploadInput(file=form.cleaned_data["file"], line_number=form.cleaned_data["line_number"])
                ],
                visibility=form.cleaned_data["visibility"],
            )
        except AppError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("File attached."))
            return redirect("buyer:po_detail", pk=po.pk)
    chosen = request.FILES.get("file")
    if chosen and not form.has_error("file"):
        # Refused for another field: the browser shows the form again without the file.
        form.add_error("file", choose_again(chosen))
    return render(
        request, "purchasing/buyer/po_detail.html", {**_po_context(request, po), "attachment_form": form}, status=422
    )


def _errors_to_form(form: Any, error: AppError) -> None:
    for path, message in error.fields.items():
        field = path.split(".")[0]
        form.add_error(field if field in form.fields else None, str(message))
    if not error.fields:
        form.add_error(None, error.rendered_message())
