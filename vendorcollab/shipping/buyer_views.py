"""The buyer's ship-notice pages: incoming shipments (expected this week, overdue, in transit, received, all), a
notice with what was shipped and received, and receiving from a notice with the shipped quantities prefilled.

Reads go through ``selectors`` (scoped to the actor), the receipt through ``ship_notice_receive`` (the rules of a
product receipt, under the same locks the API takes); the buttons are what ``transitions.available`` offers now.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from vendorcollab.accounts.models import RECEIVING_ROLES
from vendorcollab.common.errors import AppError, Conflict
from vendorcollab.common.exports import FORMATS, export_response, streamed
from vendorcollab.common.lifecycle import Offered
from vendorcollab.common.web import AuthenticatedRequest, buyer_required, int_param, paginate
from vendorcollab.partners.models import Company

from . import pages, selectors, services, transitions
from .forms import NoticeReceiptForm
from .list_rows import notice_rows
from .models import ShipNotice, ShipNoticeStatus
from .selectors import BuyerShipNoticeList
from .transitions import ShipNoticeAction


def _list_kind(request: AuthenticatedRequest) -> BuyerShipNoticeList:
    """The tab asked for; an unknown one (a hand-edited address) shows every notice in transit."""
    which = request.GET.get("list", "")
    return BuyerShipNoticeList(which) if which in BuyerShipNoticeList.values else BuyerShipNoticeList.IN_TRANSIT


@buyer_required()
def shipments(request: AuthenticatedRequest) -> HttpResponse:
    list_kind = _list_kind(request)
    rows = selectors.buyer_ship_notice_page(
        actor=request.user,
        which=list_kind,
        q=request.GET.get("q", ""),
        company=int_param(request, "company"),
        vendor=int_param(request, "vendor"),
        sort=request.GET.get("sort", ""),
    )
    if (fmt := request.GET.get("format")) in FORMATS:
        return export_response(
            streamed(rows), pages.notice_columns(buyer=True), fmt=fmt, filename=f"shipments-{list_kind.value}"
        )
    counts = selectors.buyer_ship_notice_counts(actor=request.user)
    page = paginate(request, rows)
    numbers = selectors.po_numbers(page.object_list)
    today = timezone.localdate()
    # Each notice with the numbers of its POs and whether it is late (in transit, expected before today).
    page_rows = [(notice, numbers.get(notice.pk, []), notice.is_overdue(today)) for notice in page.object_list]
    return render(
        request,
        "shipping/buyer/list.html",
        {
            "rows": page_rows,
            "rows_html": notice_rows(page_rows, buyer=True),
            "list_kind": list_kind,
            "tabs": [(which, counts.get(which, 0)) for which in BuyerShipNoticeList],
            "page": page,
            "companies": Company.objects.order_by("code"),
            "vendors": pages.vendors_with_notices(request.user),
            "current_sort": request.GET.get("sort", ""),
            "search_label": gettext_lazy("Search ship notice, purchase order, vendor or tracking number"),
        },
    )


def _notice_context(request: AuthenticatedRequest, notice: ShipNotice) -> dict[str, Any]:
    return {
        "notice": notice,
        "lines": pages.line_views(notice),
        "purchase_orders": pages.purchase_orders_of(notice),
        "received_on": pages.received_on(notice),
        "actions": Offered(transitions.available(notice, request.user)),
        "events": selectors.ship_notice_events(notice),
        "documents": pages.documents_of(notice, actor=request.user),
    }


@buyer_required()
def ship_notice_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    notice = selectors.ship_notice_for_page(actor=request.user, pk=pk)
    return render(request, "shipping/buyer/detail.html", _notice_context(request, notice))


@buyer_required(*RECEIVING_ROLES)
def ship_notice_receive(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """GET: the receipt form, each line still in transit prefilled with what was shipped. POST: the receipt posted
    through ``ship_notice_receive``; a refusal shows the form again as typed, the reason next to the line."""
    notice = selectors.ship_notice_get(actor=request.user, pk=pk)
    lines = sorted(notice.lines.all(), key=lambda line: line.line_number)
    if ShipNoticeAction.RECEIVE not in transitions.available(notice, request.user):
        messages.info(
            request,
            _("Ship notice %(number)s is %(status)s: there is nothing to receive from it.")
            % {"number": notice.number, "status": notice.get_status_display()},
        )
        return redirect("buyer:ship_notice", pk=notice.pk)
    if request.method != "POST":
        return _render(request, notice, NoticeReceiptForm(lines))
    form = NoticeReceiptForm(lines, request.POST)
    if form.is_valid():
        entries = form.entries()
        try:
            services.ship_notice_receive(
                actor=request.user, notice=notice, lines=entries, received_date=form.cleaned_data["received_date"]
            )
        except AppError as error:
            form.add_service_error(error)
            return _render(request, notice, form, status=409 if isinstance(error, Conflict) else 422)
        received = selectors.ship_notice_get(actor=request.user, pk=notice.pk)
        messages.success(request, _received_message(received, len(entries)))
        return redirect("buyer:ship_notice", pk=notice.pk)
    return _render(request, notice, form, status=422)


def _received_message(notice: ShipNotice, count: int) -> str:
    """What happened, in whole sentences: how many lines, whether some differ, and what is still in transit."""
    params = {"number": notice.number, "count": count}
    done = (
        ngettext(
            "Ship notice %(number)s: %(count)s line received.",
            "Ship notice %(number)s: %(count)s lines received.",
            count,
        )
        % params
    )
    if notice.has_difference:
        done += " " + _(
            "The quantities that differ from what was shipped are shown on the notice; the vendor sees them."
        )
    if notice.status == ShipNoticeStatus.SHIPPED:
        done += " " + _("The other lines stay in transit until you receive them.")
    return done


def _render(
    request: AuthenticatedRequest, notice: ShipNotice, form: NoticeReceiptForm, *, status: int = 200
) -> HttpResponse:
    views = {view.line.pk: view for view in pages.line_views(notice)}
    return render(
        request,
        "shipping/buyer/receive.html",
        {
            "notice": notice,
            "form": form,
            "rows": [(views[line.pk], field) for line, field in form.rows()],
            "purchase_orders": pages.purchase_orders_of(notice),
        },
        status=status,
    )
