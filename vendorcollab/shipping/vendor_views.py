"""The vendor's ship-notice pages: the notice lists (shipped, received, cancelled, all), the form that announces a
shipment of open confirmed POs, the notice page, and cancelling a notice.

Every view reads through a selector scoped to the signed-in vendor user and writes through a service; what the user
may not see is a 404. What may be done with a notice now is asked of ``transitions.available``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from vendorcollab.common.errors import AppError, Conflict
from vendorcollab.common.exports import FORMATS, export_response, streamed
from vendorcollab.common.formatting import plain_number
from vendorcollab.common.lifecycle import Offered
from vendorcollab.common.web import AuthenticatedRequest, int_param, paginate, vendor_required
from vendorcollab.purchasing.models import PurchaseOrderLine
from vendorcollab.purchasing.selectors import VendorList, companies_for_vendor

from . import pages, selectors, services, transitions
from .forms import CancelForm, ShipNoticeEditor
from .list_rows import notice_rows
from .models import ShipNotice
from .selectors import VendorShipNoticeList
from .transitions import ShipNoticeAction

# The POs one notice may be made from in one go (the service limits the lines).
MAX_SELECTED = 100
NO_SITE = "none"


def _list_kind(request: AuthenticatedRequest) -> VendorShipNoticeList:
    """The tab asked for; an unknown one (a hand-edited address) shows the notices in transit."""
    which = request.GET.get("list", "")
    return VendorShipNoticeList(which) if which in VendorShipNoticeList.values else VendorShipNoticeList.SHIPPED


@vendor_required
def ship_notice_list(request: AuthenticatedRequest) -> HttpResponse:
    list_kind = _list_kind(request)
    rows = selectors.vendor_ship_notice_page(
        actor=request.user,
        which=list_kind,
        q=request.GET.get("q", ""),
        company=int_param(request, "company"),
        sort=request.GET.get("sort", ""),
    )
    if (fmt := request.GET.get("format")) in FORMATS:
        return export_response(
            streamed(rows), pages.notice_columns(buyer=False), fmt=fmt, filename=f"ship-notices-{list_kind.value}"
        )
    counts = selectors.vendor_ship_notice_counts(actor=request.user)
    page = paginate(request, rows)
    numbers = selectors.po_numbers(page.object_list)
    page_rows = [(notice, numbers.get(notice.pk, [])) for notice in page.object_list]
    return render(
        request,
        "shipping/vendor/list.html",
        {
            "rows": page_rows,
            "rows_html": notice_rows(page_rows, buyer=False),
            "list_kind": list_kind,
            "tabs": [(which, counts.get(which, 0)) for which in VendorShipNoticeList],
            "page": page,
            "companies": companies_for_vendor(actor=request.user),
            "current_sort": request.GET.get("sort", ""),
            "search_label": gettext_lazy("Search ship notice, purchase order or tracking number"),
        },
    )


# --- the form -------------------------------------------------------------------------------------------------------


def _selected(request: AuthenticatedRequest) -> list[int]:
    """The POs ticked on the open confirmed list (or the one of a PO page's button), as ids."""
    return [int(value) for value in request.GET.getlist("po")[:MAX_SELECTED] if value.isdigit() and len(value) <= 9]


def _site_key(line: PurchaseOrderLine) -> str:
    return str(line.site_id) if line.site_id else NO_SITE


def _ship_to_choices(lines: list[PurchaseOrderLine], chosen: str) -> list[dict[str, Any]]:
    """Each ship-to site of the selected lines once, in the order met: a notice goes to one site, so the form shows
    one site's lines and links to the others."""
    sites: dict[str, dict[str, Any]] = {}
    for line in lines:
        key = _site_key(line)
        if key not in sites:
            sites[key] = {
                "key": key,
                "site": line.site,
                "lines": 0,
                "current": key == chosen,
            }
        sites[key]["lines"] += 1
    return list(sites.values())


@vendor_required
def ship_notice_create(request: AuthenticatedRequest) -> HttpResponse:
    """A new notice. GET: every shippable line of the selected POs (of one ship-to site) prefilled with what is still
    to announce. POST: the notice created through ``ship_notice_create``; a refusal shows the form again as typed."""
    back = reverse("vendor:po_list", args=[VendorList.OPEN_CONFIRMED])
    if request.method == "POST":
        return _save(request)
    po_ids = _selected(request)
    if not po_ids:
        messages.error(request, _("Select at least one open confirmed purchase order to ship."))
        return redirect(back)
    lines = selectors.shippable_lines(actor=request.user, purchase_order_ids=po_ids)
    if not lines:
        messages.error(request, _("Nothing is left to ship on the selected purchase orders."))
        return redirect(back)
    if len({line.purchase_order.vendor_id for line in lines}) > 1:
        messages.error(
            request,
            _("A ship notice is for one vendor account. Select purchase orders of a single vendor account."),
        )
        return redirect(back)
    chosen = request.GET.get("site", "")
    if chosen not in {_site_key(line) for line in lines}:
        chosen = _site_key(lines[0])
    ship_to = _ship_to_choices(lines, chosen)
    lines = [line for line in lines if _site_key(line) == chosen]
    initial = {
        "header": {"despatch_date": timezone.localdate()},
        "lines": [
            {
                "purchase_order": line.purchase_order_id,
                "line_number": line.line_number,
                # "10", not "10.0000": the input shows the number as a person would type it.
                "quantity": plain_number(line.to_announce_quantity),
            }
            for line in lines
        ],
    }
    return _render_form(request, ShipNoticeEditor(initial=initial), ship_to=ship_to, po_ids=po_ids)


def _render_form(
    request: AuthenticatedRequest,
    editor: ShipNoticeEditor,
    *,
    ship_to: list[dict[str, Any]] | None = None,
    po_ids: list[int] | None = None,
    status: int = 200,
) -> HttpResponse:
    keys = editor.line_keys()
    # The facts shown beside each row (item, ordered, still to ship), read again: after a refusal they say what
    # is open now. A line another notice took in full meanwhile is no longer shippable; its row stays, as typed.
    facts = {
        (line.purchase_order_id, line.line_number): line
        for line in selectors.shippable_lines(
            actor=request.user, purchase_order_ids=sorted({po_id for po_id, _number in keys})
        )
    }
    rows = [(form, facts.get(key) if (key := form.key) else None) for form in editor.lines.forms]
    first = next((line for _form, line in rows if line is not None), None)
    return render(
        request,
        "shipping/vendor/form.html",
        {
            "editor": editor,
            "rows": rows,
            "first": first,
            "purchase_orders": sorted({line.purchase_order.number for _form, line in rows if line is not None}),
            "ship_to": ship_to if ship_to and len(ship_to) > 1 else None,
            "po_ids": po_ids or [],
        },
        status=status,
    )


def _save(request: AuthenticatedRequest) -> HttpResponse:
    editor = ShipNoticeEditor(request.POST)
    if not editor.is_valid():
        return _render_form(request, editor, status=422)
    try:
        notice = services.ship_notice_create(actor=request.user, data=editor.as_input())
    except AppError as error:
        editor.add_service_error(error)
        return _render_form(request, editor, status=409 if isinstance(error, Conflict) else 422)
    messages.success(
        request,
        _(
            "Ship notice %(number)s sent to %(company)s: expected on %(date)s. The customer sees it among its "
            "incoming shipments."
        )
        % {
            "number": notice.number,
            "company": notice.company.name,
            "date": _date_text(notice.expected_delivery_date),
        },
    )
    return redirect("vendor:ship_notice", pk=notice.pk)


def _date_text(value: Any) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


# --- the notice page -------------------------------------------------------------------------------------------------


def _notice_context(request: AuthenticatedRequest, notice: ShipNotice, **extra: Any) -> dict[str, Any]:
    return {
        "notice": notice,
        "lines": pages.line_views(notice),
        "purchase_orders": pages.purchase_orders_of(notice),
        "received_on": pages.received_on(notice),
        "actions": Offered(transitions.available(notice, request.user)),
        "events": selectors.ship_notice_events(notice),
        "documents": pages.documents_of(notice, actor=request.user),
        "cancel_form": extra.pop("cancel_form", None) or CancelForm(),
        **extra,
    }


@vendor_required
def ship_notice_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    notice = selectors.ship_notice_for_page(actor=request.user, pk=pk)
    return render(request, "shipping/vendor/detail.html", _notice_context(request, notice))


@require_POST
@vendor_required
def ship_notice_cancel(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Cancel a notice. A post without ``confirmed`` is the first tap: it asks once, on a page of its own (with the
    script, a dialog on the notice page asks and sends ``confirmed`` itself)."""
    notice = selectors.ship_notice_get(actor=request.user, pk=pk)
    if ShipNoticeAction.CANCEL not in transitions.available(notice, request.user):
        messages.info(request, _("This ship notice can no longer be cancelled."))
        return redirect("vendor:ship_notice", pk=notice.pk)
    form = CancelForm(request.POST)
    if request.POST.get("confirmed") != "1" or not form.is_valid():
        status = 200 if request.POST.get("confirmed") != "1" else 422
        return render(
            request, "shipping/vendor/cancel.html", _notice_context(request, notice, cancel_form=form), status=status
        )
    try:
        notice = services.ship_notice_cancel(actor=request.user, notice=notice, reason=form.cleaned_data["reason"])
    except AppError as error:
        if error.fields:
            for message in error.fields.values():
                form.add_error("reason", str(message))
            return render(
                request, "shipping/vendor/cancel.html", _notice_context(request, notice, cancel_form=form), status=422
            )
        messages.error(request, error.rendered_message())
        return redirect("vendor:ship_notice", pk=notice.pk)
    messages.success(
        request,
        _("Ship notice %(number)s is cancelled. Its quantities are open to ship again; the customer is told.")
        % {"number": notice.number},
    )
    return redirect("vendor:ship_notice", pk=notice.pk)
