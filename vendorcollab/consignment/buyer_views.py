"""The buyer's consignment pages: vendor-owned stock, replenishment orders and their receipts, and the inventory
ownership change journal that turns vendor stock into the buyer's (and into a consignment purchase order).

Reads go through the selectors, writes through the consignment services; the role gates are ``buyer_required``
(404 for vendor users, 403 for the wrong role). Reading is for every buyer role.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.db.models import Count, Min, QuerySet, Sum
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from vendorcollab.accounts.models import PURCHASING_ROLES, RECEIVING_ROLES
from vendorcollab.common.errors import AppError, Conflict
from vendorcollab.common.web import AuthenticatedRequest, buyer_required, int_param, paginate
from vendorcollab.partners.models import Vendor
from vendorcollab.purchasing.order_forms import add_blank_line

from . import selectors, services
from .buyer_forms import OwnershipEditor, ReplenishmentEditor, ReplenishmentReceiveForm, StockLinesEditor
from .models import ReplenishmentOrder, ReplenishmentStatus

ADD_LINE = "add_line"


def _vendors() -> QuerySet[Vendor]:
    return Vendor.objects.select_related("company").order_by("company__code", "number")


def _list_context(request: AuthenticatedRequest, rows: QuerySet[Any]) -> dict[str, Any]:
    vendor = int_param(request, "vendor")
    if vendor:
        rows = rows.filter(vendor_id=vendor)
    return {"page": paginate(request, rows), "vendors": _vendors(), "current_vendor": vendor}


# --- reading --------------------------------------------------------------------------------------------------------


@buyer_required()
def stock(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request,
        "consignment/buyer/stock.html",
        _list_context(request, selectors.stock_for_buyer(actor=request.user)),
    )


@buyer_required()
def replenishment_list(request: AuthenticatedRequest) -> HttpResponse:
    rows = selectors.replenishments_for_buyer(actor=request.user).annotate(
        line_count=Count("lines"), first_expected=Min("lines__expected_date")
    )
    return render(request, "consignment/buyer/replenishment_list.html", _list_context(request, rows))


@buyer_required()
def ownership_list(request: AuthenticatedRequest) -> HttpResponse:
    rows = selectors.ownership_changes_for_buyer(actor=request.user).annotate(
        line_count=Count("lines"), total=Sum("lines__amount")
    )
    return render(request, "consignment/buyer/ownership_list.html", _list_context(request, rows))


@buyer_required()
def ownership_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    journal = selectors.ownership_change_get(actor=request.user, pk=pk)
    lines = list(journal.lines.all())
    return render(
        request,
        "consignment/buyer/ownership_detail.html",
        {"journal": journal, "lines": lines, "total": sum((line.amount for line in lines), start=Decimal(0))},
    )


# --- replenishment orders -------------------------------------------------------------------------------------------


def _editor_response(
    request: AuthenticatedRequest, template: str, editor: StockLinesEditor, status: int = 200
) -> HttpResponse:
    return render(request, template, {"editor": editor}, status=status)


@buyer_required(*PURCHASING_ROLES)
def replenishment_create(request: AuthenticatedRequest) -> HttpResponse:
    template = "consignment/buyer/replenishment_form.html"
    if request.method != "POST":
        return _editor_response(request, template, ReplenishmentEditor())
    if request.POST.get("command") == ADD_LINE:
        return _editor_response(request, template, ReplenishmentEditor(add_blank_line(request.POST)))
    editor = ReplenishmentEditor(request.POST)
    if (lines := editor.checked_lines()) is None:
        return _editor_response(request, template, editor, status=422)
    try:
        order = services.replenishment_create(
            actor=request.user, vendor=editor.vendor, lines=lines, note=editor.header.cleaned_data["note"]
        )
    except AppError as error:
        editor.add_service_error(error)
        return _editor_response(request, template, editor, status=422)
    messages.success(
        request,
        ngettext(
            "Replenishment order %(number)s created for %(vendor)s: %(count)s line. "
            "It shows as expected stock until it is received.",
            "Replenishment order %(number)s created for %(vendor)s: %(count)s lines. "
            "They show as expected stock until they are received.",
            len(lines),
        )
        % {"number": order.number, "vendor": order.vendor.name, "count": len(lines)},
    )
    return redirect("consignment_buyer:replenishment_detail", pk=order.pk)


def _replenishment_response(
    request: AuthenticatedRequest, order: ReplenishmentOrder, form: ReplenishmentReceiveForm | None, status: int = 200
) -> HttpResponse:
    """The order's page; the receive form only for those who may receive, while something is still expected."""
    if form is None:
        form = ReplenishmentReceiveForm(order)
    may_receive = request.user.has_role(*RECEIVING_ROLES) and form.can_receive
    return render(
        request,
        "consignment/buyer/replenishment_detail.html",
        {
            "order": order,
            "form": form if may_receive else None,
            "rows": form.rows(),
            "may_cancel": request.user.has_role(*PURCHASING_ROLES) and order.status == ReplenishmentStatus.OPEN,
        },
        status=status,
    )


@buyer_required()
def replenishment_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _replenishment_response(request, selectors.replenishment_get(actor=request.user, pk=pk), None)


@require_POST
@buyer_required(*RECEIVING_ROLES)
def replenishment_receive(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    order = selectors.replenishment_get(actor=request.user, pk=pk)
    form = ReplenishmentReceiveForm(order, request.POST)
    if not form.can_receive:
        messages.error(
            request,
            _("Nothing more is expected on replenishment order %(number)s.") % {"number": order.number},
        )
        return redirect("consignment_buyer:replenishment_detail", pk=order.pk)
    if form.is_valid():
        entries = form.entries()
        try:
            received = services.replenishment_receive(actor=request.user, order=order, lines=entries)
        except Conflict as error:
            # Cancelled or received in full by a colleague a moment ago.
            messages.error(request, error.rendered_message())
            return redirect("consignment_buyer:replenishment_detail", pk=order.pk)
        except AppError as error:
            form.add_service_error(error, entries)
        else:
            messages.success(request, _received_message(order, received, len(entries)))
            return redirect("consignment_buyer:replenishment_detail", pk=order.pk)
    return _replenishment_response(request, order, form, status=422)


def _received_message(order: ReplenishmentOrder, received: ReplenishmentOrder, count: int) -> str:
    """One translatable message per outcome, so that a translator sees whole sentences together."""
    params = {"number": order.number, "count": count}
    # The service returns the order it locked, with the status it just set.
    if received.status == ReplenishmentStatus.RECEIVED:
        return (
            ngettext(
                "Receipt posted for replenishment order %(number)s: %(count)s line. The vendor owns what arrived. "
                "The replenishment order is fully received.",
                "Receipt posted for replenishment order %(number)s: %(count)s lines. The vendor owns what arrived. "
                "The replenishment order is fully received.",
                count,
            )
            % params
        )
    return (
        ngettext(
            "Receipt posted for replenishment order %(number)s: %(count)s line. The vendor owns what arrived. "
            "The rest is still expected.",
            "Receipt posted for replenishment order %(number)s: %(count)s lines. The vendor owns what arrived. "
            "The rest is still expected.",
            count,
        )
        % params
    )


@require_POST
@buyer_required(*PURCHASING_ROLES)
def replenishment_cancel(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    order = selectors.replenishment_get(actor=request.user, pk=pk)
    try:
        services.replenishment_cancel(actor=request.user, order=order)
    except AppError as error:
        messages.error(request, error.rendered_message())
    else:
        messages.success(
            request,
            _("Replenishment order %(number)s is cancelled. Its remaining quantities are no longer expected.")
            % {"number": order.number},
        )
    return redirect("consignment_buyer:replenishment_detail", pk=order.pk)


# --- inventory ownership change -------------------------------------------------------------------------------------


@buyer_required(*PURCHASING_ROLES)
def ownership_create(request: AuthenticatedRequest) -> HttpResponse:
    template = "consignment/buyer/ownership_form.html"
    if request.method != "POST":
        return _editor_response(request, template, OwnershipEditor(prefill=request.GET))
    if request.POST.get("command") == ADD_LINE:
        return _editor_response(request, template, OwnershipEditor(add_blank_line(request.POST)))
    editor = OwnershipEditor(request.POST)
    if (lines := editor.checked_lines()) is None:
        return _editor_response(request, template, editor, status=422)
    try:
        journal = services.ownership_change_post(
            actor=request.user,
            vendor=editor.vendor,
            lines=lines,
            transfer_date=editor.header.cleaned_data["transfer_date"],
        )
    except AppError as error:
        editor.add_service_error(error)
        return _editor_response(request, template, editor, status=422)
    messages.success(
        request,
        ngettext(
            "Ownership change %(number)s posted: %(count)s line. Consignment purchase order %(po)s created.",
            "Ownership change %(number)s posted: %(count)s lines. Consignment purchase order %(po)s created.",
            len(lines),
        )
        % {"number": journal.number, "count": len(lines), "po": journal.purchase_order.number},
    )
    return redirect("consignment_buyer:ownership_detail", pk=journal.pk)
