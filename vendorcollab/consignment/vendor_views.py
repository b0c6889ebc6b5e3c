"""The vendor's consignment pages: POs consuming its stock, products received from it (to invoice), on-hand stock,
and its replenishment orders. Every read goes through a selector scoped to the vendor user."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from vendorcollab.common.exports import FORMATS, Column, export_response, streamed
from vendorcollab.common.web import AuthenticatedRequest, int_param, paginate, vendor_required
from vendorcollab.purchasing import selectors as purchasing_selectors
from vendorcollab.purchasing.documents import version_pdf_response
from vendorcollab.purchasing.selectors import companies_for_vendor

from . import selectors
from .models import OwnershipChangeLine


def _filters(request: AuthenticatedRequest) -> dict[str, object]:
    return {"companies": companies_for_vendor(actor=request.user)}


@vendor_required
def purchase_orders(request: AuthenticatedRequest) -> HttpResponse:
    rows = selectors.consignment_pos_for_vendor(
        actor=request.user, company=int_param(request, "company"), q=request.GET.get("q", "")
    )
    return render(
        request,
        "consignment/vendor/purchase_orders.html",
        {"page": paginate(request, rows), **_filters(request), "search_label": _("Search PO number")},
    )


@vendor_required
def purchase_order(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    po = selectors.consignment_po_get_for_vendor(actor=request.user, pk=pk)
    version = purchasing_selectors.version_get(purchase_order=po)
    return render(
        request,
        "consignment/vendor/purchase_order.html",
        {"po": po, "version": version, "show_prices": po.vendor.show_prices, "show_dimensions": True},
    )


@vendor_required
def purchase_order_pdf(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    po = selectors.consignment_po_get_for_vendor(actor=request.user, pk=pk)
    return version_pdf_response(
        purchase_order=po,
        number=None,
        language=request.LANGUAGE_CODE,
        show_prices=po.vendor.show_prices,
        show_dimensions=True,
    )


def _date_param(request: AuthenticatedRequest, name: str) -> date | None:
    """A date from the query string; anything that is not an ISO date is left out, as an empty field is."""
    try:
        return date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return None


def _received_rows(request: AuthenticatedRequest) -> QuerySet[OwnershipChangeLine]:
    return selectors.received_lines_for_vendor(
        actor=request.user,
        company=int_param(request, "company"),
        q=request.GET.get("q", ""),
        date_from=_date_param(request, "from"),
        date_to=_date_param(request, "to"),
    )


@vendor_required
def received(request: AuthenticatedRequest) -> HttpResponse:
    """Products received from consignment inventory; ``?format=csv`` (or ``xlsx``) downloads the same rows for
    invoicing."""
    rows = _received_rows(request)
    if (fmt := request.GET.get("format")) in FORMATS:
        return export_response(streamed(rows), _received_columns(), fmt=fmt, filename="consignment-received")
    return render(
        request,
        "consignment/vendor/received.html",
        {"page": paginate(request, rows), **_filters(request), "search_label": _("Search item or PO number")},
    )


def _received_columns() -> list[Column]:
    """What a vendor invoices from: every transfer; prices only for vendor accounts that show them."""

    def priced(line: OwnershipChangeLine, value: object) -> object:
        return value if line.journal.vendor.show_prices else None

    return [
        Column(_("Date"), lambda line: line.journal.transfer_date),
        Column(_("Purchase order"), lambda line: line.journal.purchase_order.number),
        Column(_("Customer"), lambda line: line.journal.company.name),
        Column(_("Vendor account"), lambda line: line.journal.vendor.number),
        Column(_("Item"), lambda line: line.item.number),
        Column(_("Description"), lambda line: line.item.name),
        Column(_("Site"), lambda line: line.site.code),
        Column(_("Warehouse"), lambda line: line.warehouse.code),
        Column(_("Color"), lambda line: line.color),
        Column(_("Size"), lambda line: line.size),
        Column(_("Style"), lambda line: line.style),
        Column(_("Configuration"), lambda line: line.configuration),
        Column(_("Quantity"), lambda line: line.quantity),
        Column(_("Unit price"), lambda line: priced(line, line.unit_price)),
        Column(_("Amount"), lambda line: priced(line, line.amount)),
        Column(_("Currency"), lambda line: priced(line, line.journal.purchase_order.currency)),
    ]


@vendor_required
def on_hand(request: AuthenticatedRequest) -> HttpResponse:
    rows = selectors.stock_for_vendor(
        actor=request.user, company=int_param(request, "company"), q=request.GET.get("q", "")
    )
    return render(
        request,
        "consignment/vendor/on_hand.html",
        {"page": paginate(request, rows), **_filters(request), "search_label": _("Search item")},
    )


@vendor_required
def replenishments(request: AuthenticatedRequest) -> HttpResponse:
    rows = selectors.replenishments_for_vendor(actor=request.user, company=int_param(request, "company"))
    return render(
        request, "consignment/vendor/replenishments.html", {"page": paginate(request, rows), **_filters(request)}
    )
