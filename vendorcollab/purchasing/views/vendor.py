"""The vendor's portal: the PO lists (the workspace that opens them is ``vendorcollab.workspace``), a PO, and the
response editor.

Every view reads through a selector scoped to the signed-in vendor user and writes through a service; what the
user may not see is a 404 (``NotFound`` from a selector becomes one in ``common.middleware``).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from vendorcollab.common.errors import AppError, Conflict, ValidationFailed
from vendorcollab.common.exports import FORMATS, export_response, streamed
from vendorcollab.common.lifecycle import Offered
from vendorcollab.common.web import AuthenticatedRequest, int_param, int_param_post, paginate, vendor_required
from vendorcollab.partners.selectors import response_messages_for

from .. import exports, fragments, selectors, transitions
from ..diff import diff_versions, response_lines, version_history
from ..documents import render_document_html, version_pdf_response
from ..errors import PurchasingErrorCode
from ..forms import AcceptForm, ReasonForm, ResponseEditor
from ..models import LineAction, POStatus, PurchaseOrder, PurchaseOrderVersion, ResponseKind, VendorResponse
from ..selectors import Sort, VendorList
from ..services import BulkAcceptItem, BulkOutcome, response_accept_many, response_draft_save, response_submit
from ..transitions import Action


@vendor_required
def po_list(request: AuthenticatedRequest, which: str) -> HttpResponse:
    if which not in VendorList.values:
        raise Http404
    list_kind = VendorList(which)
    rows = selectors.po_page_for_vendor(
        actor=request.user,
        which=list_kind,
        q=request.GET.get("q", ""),
        company=int_param(request, "company"),
        sort=request.GET.get("sort", Sort.NEWEST),
    )
    confirmed_list = list_kind in (VendorList.OPEN_CONFIRMED, VendorList.ALL_CONFIRMED)
    if (fmt := request.GET.get("format")) in FORMATS:
        columns = exports.vendor_po_columns(confirmed_list=confirmed_list)
        return export_response(streamed(rows), columns, fmt=fmt, filename=list_kind.value)
    return render(
        request,
        "purchasing/vendor/po_list.html",
        {
            "list_kind": list_kind,
            # Counted once per change of the vendor's POs (their stamp moves with each): 4 to 6 ms a page at 200,000.
            "page": paginate(request, rows, stamp=lambda: fragments.vendor_stamp(actor=request.user)),
            "companies": selectors.companies_for_vendor(actor=request.user),
            "sorts": Sort.choices,
            "confirmed_list": confirmed_list,
            "current_sort": request.GET.get("sort") or Sort.NEWEST,
            # Only the POs waiting for an answer can be accepted together.
            "bulk": list_kind == VendorList.FOR_REVIEW,
        },
    )


@vendor_required
def history_list(request: AuthenticatedRequest) -> HttpResponse:
    rows = selectors.history_page_for_vendor(
        actor=request.user,
        q=request.GET.get("q", ""),
        company=int_param(request, "company"),
        sort=request.GET.get("sort", Sort.NEWEST),
    )
    if (fmt := request.GET.get("format")) in FORMATS:
        return export_response(streamed(rows), exports.vendor_history_columns(), fmt=fmt, filename="history")
    return render(
        request,
        "purchasing/vendor/history.html",
        {
            # Versions are counted per change of the vendor's POs: their stamp moves with each.
            "page": paginate(request, rows, stamp=lambda: fragments.vendor_stamp(actor=request.user)),
            "companies": selectors.companies_for_vendor(actor=request.user),
            "sorts": Sort.choices,
        },
    )


def _po_context(request: AuthenticatedRequest, po: PurchaseOrder, version: PurchaseOrderVersion) -> dict[str, object]:
    response = getattr(version, "response", None)
    is_latest = po.latest_version_id == version.pk
    return {
        "po": po,
        "version": version,
        "response": response,
        "response_lines": response_lines(version, response) if response else None,
        # What the buyer changed since the version before, as this vendor may see it (prices only where shown).
        "version_diff": diff_versions(selectors.version_previous(version=version), version).for_reader(
            show_prices=po.vendor.show_prices
        ),
        "is_latest": is_latest,
        # What the table offers now; answering is offered only on the page of the version it would answer.
        "actions": Offered(
            action for action in transitions.available(po, request.user) if is_latest or action != Action.RESPOND
        ),
        "has_draft": is_latest and selectors.draft_for_version(actor=request.user, version=version) is not None,
        "show_prices": po.vendor.show_prices,
        "show_dimensions": request.user.show_dimensions,
        "confirmed_number": po.confirmed_version.number if po.confirmed_version else None,
        "response_messages": response_messages_for(request.LANGUAGE_CODE),
    }


def _may_respond(context: dict[str, object]) -> bool:
    actions = context["actions"]
    return isinstance(actions, Offered) and Action.RESPOND in actions


@vendor_required
def po_detail(request: AuthenticatedRequest, pk: int, number: int | None = None) -> HttpResponse:
    po = selectors.po_get_for_vendor(actor=request.user, pk=pk)
    version = selectors.version_get(purchase_order=po, number=number)
    return render(request, "purchasing/vendor/po_detail.html", _po_context(request, po, version))


@vendor_required
def po_history(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    po = selectors.po_get_for_vendor(actor=request.user, pk=pk)
    return render(
        request,
        "purchasing/vendor/po_history.html",
        {
            "po": po,
            "entries": version_history(selectors.po_versions(purchase_order=po)),
            "show_prices": po.vendor.show_prices,
        },
    )


@vendor_required
def po_pdf(request: AuthenticatedRequest, pk: int, number: int | None = None) -> HttpResponse:
    po = selectors.po_get_for_vendor(actor=request.user, pk=pk)
    return version_pdf_response(
        purchase_order=po,
        number=number,
        language=request.LANGUAGE_CODE,
        show_prices=po.vendor.show_prices,
        show_dimensions=request.user.show_dimensions,
    )


@vendor_required
def po_print(request: AuthenticatedRequest, pk: int, number: int | None = None) -> HttpResponse:
    po = selectors.po_get_for_vendor(actor=request.user, pk=pk)
    version = selectors.version_get(purchase_order=po, number=number)
    html = render_document_html(
        request=request,
        version=version,
        show_prices=po.vendor.show_prices,
        show_dimensions=request.user.show_dimensions,
    )
    return HttpResponse(html)


@vendor_required
def attachment_download(request: AuthenticatedRequest, pk: int) -> FileResponse:
    attachment = selectors.attachment_get_for_vendor(actor=request.user, pk=pk)
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


@require_POST
@vendor_required
def toggle_dimensions(request: AuthenticatedRequest) -> HttpResponse:
    """Show or hide the dimension columns; remembered for the user, everywhere."""
    user = request.user
    user.show_dimensions = not user.show_dimensions
    user.save(update_fields=["show_dimensions"])
    back = request.POST.get("next") or reverse("vendor:workspace")
    if not back.startswith("/") or back.startswith("//"):
        back = reverse("vendor:workspace")
    return redirect(back)


# --- answering ---------------------------------------------------------------------------------------------------


def _sent_message(response: VendorResponse, po: PurchaseOrder) -> str:
    lines = list(response.lines.all())
    changed = sum(1 for line in lines if line.action != LineAction.ACCEPT)
    company = po.company.name
    # One translatable message per outcome, so that a translator sees whole sentences together.
    if response.kind == ResponseKind.ACCEPTED:
        po.refresh_from_db(fields=["status"])
        if po.status == POStatus.CONFIRMED:
            return _("Response sent to %(company)s: accepted. The purchase order is confirmed.") % {"company": company}
        return _("Response sent to %(company)s: accepted. The customer will confirm the purchase order.") % {
            "company": company
        }
    if response.kind == ResponseKind.REJECTED:
        return _("Response sent to %(company)s: rejected. The customer will review your rejection.") % {
            "company": company
        }
    return ngettext(
        "Response sent to %(company)s: accepted with changes on %(changed)s of %(total)s line. "
        "The customer will review your changes.",
        "Response sent to %(company)s: accepted with changes on %(changed)s of %(total)s lines. "
        "The customer will review your changes.",
        len(lines),
    ) % {"company": company, "changed": changed, "total": len(lines)}


def _quick_answer(
    request: AuthenticatedRequest,
    po: PurchaseOrder,
    kind: ResponseKind,
    *,
    vendor_reference: str,
    note: str,
    form: forms.Form | None = None,
) -> HttpResponse | None:
    """Accept or reject the whole version in one step, then back to the PO with what happened. With ``form``, a
    refused field is put beside its field of the form and None returned, for the caller to show the form again."""
    try:
        response = response_submit(
            actor=request.user,
            purchase_order=po,
            version=int_param_post(request, "version") or 0,
            kind=kind,
            vendor_reference=vendor_reference,
            note=note,
        )
    except ValidationFailed as error:
        if form is None:
            messages.error(request, error.rendered_message())
            return redirect("vendor:po_detail", pk=po.pk)
        for path, message in error.fields.items():
            name = {"note": "reason"}.get(path, path)
            form.add_error(name if name in form.fields else None, str(message))
        return None
    except AppError as error:
        messages.error(request, error.rendered_message())
    else:
        messages.success(request, _sent_message(response, po))
    return redirect("vendor:po_detail", pk=po.pk)


@require_POST
@vendor_required
def po_accept(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Accept the whole version. A post without ``confirmed`` is the first tap: it asks once, on a page of its own
    (with the script, a dialog on the PO page asks and sends ``confirmed`` itself)."""
    po = selectors.po_get_for_vendor(actor=request.user, pk=pk)
    if request.POST.get("confirmed") != "1":
        version = selectors.version_get(purchase_order=po)
        context = _po_context(request, po, version)
        if not _may_respond(context):
            messages.info(request, _("This version cannot be answered any more."))
            return redirect("vendor:po_detail", pk=po.pk)
        return render(request, "purchasing/vendor/respond_accept.html", context)
    form = AcceptForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The response could not be read. Please try again."))
        return redirect("vendor:po_detail", pk=po.pk)
    answered = _quick_answer(
        request,
        po,
        ResponseKind.ACCEPTED,
        vendor_reference=form.cleaned_data["vendor_reference"],
        note=form.cleaned_data["note"],
    )
    assert answered is not None  # without a form, every outcome is a redirect
    return answered


def _bulk_item(value: str) -> BulkAcceptItem | None:
    """A checkbox's value, ``<po id>:<version>``; anything else is no choice at all."""
    pk, _sep, version = value.partition(":")
    if not (pk.isdigit() and version.isdigit() and len(pk) <= 9 and len(version) <= 9):
        return None
    return BulkAcceptItem(purchase_order=int(pk), version=int(version))


@require_POST
@vendor_required
def po_bulk_accept(request: AuthenticatedRequest) -> HttpResponse:
    """Accept the POs chosen on the "for review" list, each as its own single accept; a page says what became of
    each (accepted, confirmed, or refused and why)."""
    items = [item for value in request.POST.getlist("po") if (item := _bulk_item(value))]
    back = reverse("vendor:po_list", args=[VendorList.FOR_REVIEW])
    if not items:
        messages.error(request, _("Select at least one purchase order to accept."))
        return redirect(back)
    try:
        results = response_accept_many(actor=request.user, items=items)
    except AppError as error:
        messages.error(request, error.rendered_message())
        return redirect(back)
    counts = {outcome: sum(1 for result in results if result.outcome == outcome) for outcome in BulkOutcome}
    return render(
        request,
        "purchasing/vendor/respond_bulk.html",
        {
            "results": results,
            "accepted": counts[BulkOutcome.ACCEPTED],
            "confirmed": counts[BulkOutcome.CONFIRMED],
            "refused": counts[BulkOutcome.REFUSED],
            "back": back,
        },
    )


@vendor_required
def po_reject(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    po = selectors.po_get_for_vendor(actor=request.user, pk=pk)
    version = selectors.version_get(purchase_order=po)
    context = _po_context(request, po, version)
    if request.method != "POST" and not _may_respond(context):
        messages.info(request, _("This version cannot be answered any more."))
        return redirect("vendor:po_detail", pk=po.pk)
    form = ReasonForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        answered = _quick_answer(
            request,
            po,
            ResponseKind.REJECTED,
            vendor_reference=form.cleaned_data["vendor_reference"],
            note=form.cleaned_data["reason"],
            form=form,
        )
        if answered is not None:
            return answered
        status = 422  # the service refused a field; it is marked on the form
    return render(request, "purchasing/vendor/reject.html", {**context, "form": form}, status=status)


@vendor_required
def po_respond(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """ "Accept with changes": the line-by-line editor. Plain form posts do everything; htmx only spares reloads."""
    po = selectors.po_get_for_vendor(actor=request.user, pk=pk)
    latest = selectors.version_get(purchase_order=po)
    posted_version = int_param_post(request, "version") if request.method == "POST" else latest.number
    version = latest
    if posted_version is not None and posted_version != latest.number:
        version = selectors.version_get(purchase_order=po, number=posted_version)
    context = _po_context(request, po, version)
    if request.method != "POST":
        if not _may_respond(context):
            messages.info(request, _("This version cannot be answered any more."))
            return redirect("vendor:po_detail", pk=po.pk)
        draft = selectors.draft_for_version(actor=request.user, version=version)
        editor = ResponseEditor(version, draft.payload if draft else None)
        return _render_editor(request, context, editor, draft)

    editor = ResponseEditor(version, request.POST, request.FILES)
    command = request.POST.get("command", "submit")
    if command == "update_dates":
        return _render_editor(request, context, editor.fill_delivery_dates())
    if command.startswith("add_row:"):
        return _render_editor(request, context, editor.add_schedule_row(_number(command, 1)))
    if command.startswith("remove_row:"):
        return _render_editor(request, context, editor.remove_schedule_row(_number(command, 1), _number(command, 2)))
    if command == "refresh":
        return _render_editor(request, context, editor)
    if command == "save_draft":
        try:
            response_draft_save(
                actor=request.user,
                purchase_order=po,
                version=version.number,
                payload=editor.payload(),
                attachments=editor.uploads(),
            )
        except Conflict as error:
            return _render_conflict(request, context, editor, error)
        except AppError as error:
            editor.add_service_error(error)
            return _render_editor(request, context, editor, status=422)
        messages.success(request, _("Draft saved. You can finish and submit it later."))
        return _after(request, reverse("vendor:po_detail", args=[po.pk]))
    if not editor.is_valid():
        return _render_editor(request, context, editor, status=422)
    try:
        response = response_submit(
            actor=request.user,
            purchase_order=po,
            version=version.number,
            kind=ResponseKind.ACCEPTED_WITH_CHANGES,
            lines=editor.answers(),
            vendor_reference=editor.vendor_reference,
            note=editor.note,
            attachments=editor.uploads(),
            # Another quantity than ordered surprises the customer: asked once ("Send anyway" sends the flag).
            quantities_confirmed="1" in request.POST.getlist("quantities_confirmed"),
        )
    except Conflict as error:
        return _render_conflict(request, context, editor, error)
    except AppError as error:
        if error.code == PurchasingErrorCode.QUANTITIES_NOT_CONFIRMED:
            return _render_editor(request, context, editor, differences=editor.quantity_differences())
        editor.add_service_error(error)
        return _render_editor(request, context, editor, status=422)
    messages.success(request, _sent_message(response, po))
    return _after(request, reverse("vendor:po_detail", args=[po.pk]))


def _render_editor(
    request: AuthenticatedRequest,
    context: dict[str, object],
    editor: ResponseEditor,
    draft: object = None,
    status: int = 200,
    differences: list[dict[str, object]] | None = None,
) -> HttpResponse:
    if request.method == "POST":
        # Whatever brings the editor back (an error, a command without script), the files chosen are not kept.
        editor.ask_to_choose_files_again()
    return render(
        request,
        "purchasing/vendor/respond.html",
        {**context, "editor": editor, "draft": draft, "today": _today_iso(), "differences": differences},
        status=status,
    )


def _render_conflict(
    request: AuthenticatedRequest, context: dict[str, object], editor: ResponseEditor, error: Conflict
) -> HttpResponse:
    """A newer version arrived, or someone answered first: say so plainly, keep the typed notes on screen."""
    po = context["po"]
    assert isinstance(po, PurchaseOrder)
    po.refresh_from_db()
    return render(
        request,
        "purchasing/vendor/respond_conflict.html",
        {
            **context,
            "error": error,
            "typed_notes": editor.typed_notes(),
            "latest_number": po.latest_version.number if po.latest_version else None,
        },
        status=409,
    )


def _after(request: AuthenticatedRequest, url: str) -> HttpResponse:
    return HttpResponseClientRedirect(url) if getattr(request, "htmx", False) else redirect(url)


def _number(command: str, position: int) -> int:
    parts = command.split(":")
    try:
        return int(parts[position])
    except (IndexError, ValueError):
        raise Http404 from None


def _today_iso() -> str:
    return timezone.localdate().isoformat()
