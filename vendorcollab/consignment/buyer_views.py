"""The buyer's consignment pages: vendor-owned stock, replenishment orders and their receipts, the inventory
ownership change journal that turns vendor stock into the buyer's (and into a consignment purchase order), and the
consignment prices the journal is priced from.

Reads go through the selectors, writes through the consignment services; the role gates are ``buyer_required``
(404 for vendor users, 403 for the wrong role). Reading is for every buyer role.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Min, QuerySet, Sum
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from vendorcollab.accounts.models import PURCHASING_ROLES, RECEIVING_ROLES
from vendorcollab.common.errors import AppError, Conflict
from vendorcollab.common.web import AuthenticatedRequest, buyer_required, int_param, paginate
from vendorcollab.partners.models import Vendor
from vendorcollab.purchasing.order_forms import add_blank_line

from . import selectors, services, transitions
from .buyer_forms import OwnershipEditor, PriceForm, ReplenishmentEditor, ReplenishmentReceiveForm, StockLinesEditor
from .models import ConsignmentPrice, ReplenishmentOrder, ReplenishmentStatus
from .transitions import ReplenishmentAction

ADD_LINE = "add_line"


def _vendors() -> QuerySet[Vendor]:
    return Vendor.objects.select_related("company").order_by("company__code", "number")


def _list_context(request: AuthenticatedRequest, rows: QuerySet[Any]) -> dict[str, Any]:
    return {"page": paginate(request, rows), "vendors": _vendors(), "current_vendor": int_param(request, "vendor")}


# --- reading --------------------------------------------------------------------------------------------------------


@buyer_required()
def stock(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request,
        "consignment/buyer/stock.html",
        _list_context(request, selectors.stock_for_buyer(actor=request.user, vendor=int_param(request, "vendor"))),
    )


@buyer_required()
def replenishment_list(request: AuthenticatedRequest) -> HttpResponse:
    rows = selectors.replenishments_for_buyer(actor=request.user, vendor=int_param(request, "vendor")).annotate(
        line_count=Count("lines"), first_expected=Min("lines__expected_date")
    )
    return render(request, "consignment/buyer/replenishment_list.html", _list_context(request, rows))


@buyer_required()
def ownership_list(request: AuthenticatedRequest) -> HttpResponse:
    rows = selectors.ownership_changes_for_buyer(actor=request.user, vendor=int_param(request, "vendor")).annotate(
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
    actions = transitions.available(order, request.user)
    return render(
        request,
        "consignment/buyer/replenishment_detail.html",
        {
            "order": order,
            "form": form if ReplenishmentAction.RECEIVE in actions and form.can_receive else None,
            "rows": form.rows(),
            "may_cancel": ReplenishmentAction.CANCEL in actions,
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


# --- consignment prices ---------------------------------------------------------------------------------------------


@buyer_required()
def price_list(request: AuthenticatedRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    rows = selectors.prices_for_buyer(actor=request.user, search=query)
    return render(request, "consignment/buyer/price_list.html", {**_list_context(request, rows), "query": query})


def _price_response(request: AuthenticatedRequest, form: PriceForm, status: int = 200) -> HttpResponse:
    return render(request, "consignment/buyer/price_form.html", {"form": form, "price": form.price}, status=status)


@buyer_required(*PURCHASING_ROLES)
def price_create(request: AuthenticatedRequest) -> HttpResponse:
    if request.method != "POST":
        return _price_response(request, PriceForm(initial={"vendor": int_param(request, "vendor")}))
    form = PriceForm(request.POST)
    if not form.is_valid():
        return _price_response(request, form, status=422)
    assert form.found_item is not None
    try:
        price = services.price_create(
            actor=request.user,
            vendor=form.cleaned_data["vendor"],
            item=form.found_item,
            unit_price=form.cleaned_data["unit_price"],
            currency=form.cleaned_data["currency"],
            valid_from=form.cleaned_data["valid_from"],
        )
    except AppError as error:
        form.add_service_error(error)
        return _price_response(request, form, status=422)
    messages.success(request, _price_saved(price))
    return redirect("consignment_buyer:price_list")


@buyer_required()
def price_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Every buyer reads a price here; purchasing roles change it."""
    if request.method == "POST" and not request.user.has_role(*PURCHASING_ROLES):
        # Refused before the price is read: the same answer whether it exists or not.
        raise PermissionDenied
    price = selectors.price_get(actor=request.user, pk=pk)
    initial = {"unit_price": price.unit_price, "currency": price.currency, "valid_from": price.valid_from}
    if request.method != "POST":
        return _price_response(request, PriceForm(initial=initial, price=price))
    form = PriceForm(request.POST, price=price)
    if not form.is_valid():
        return _price_response(request, form, status=422)
    try:
        price = services.price_update(
            actor=request.user,
            price=price,
            unit_price=form.cleaned_data["unit_price"],
            currency=form.cleaned_data["currency"],
            valid_from=form.cleaned_data["valid_from"],
        )
    except AppError as error:
        form.add_service_error(error)
        return _price_response(request, form, status=422)
    messages.success(request, _price_saved(price))
    return redirect("consignment_buyer:price_list")


def _price_saved(price: ConsignmentPrice) -> str:
    return _(
        "Consignment price saved: %(item)s from %(vendor)s costs %(price)s %(currency)s from %(valid_from)s. "
        "Ownership changes from that date take it."
    ) % {
        "item": price.item.number,
        "vendor": price.vendor.name,
        "price": number_format(price.unit_price),
        "currency": price.currency,
        "valid_from": date_format(price.valid_from, "SHORT_DATE_FORMAT"),
    }
