"""The vendor's consignment pages: POs consuming its stock, products received from it (to invoice), on-hand stock,
and its replenishment orders. Every read goes through a selector scoped to the vendor user."""

from __future__ import annotations

import csv
from datetime import date

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from vendorcollab.common.formatting import plain_number
from vendorcollab.common.web import AuthenticatedRequest, int_param, paginate, vendor_required
from vendorcollab.purchasing import selectors as purchasing_selectors
from vendorcollab.purchasing.documents import render_version_pdf
from vendorcollab.purchasing.selectors import companies_for_vendor

from . import selectors


def _filters(request: AuthenticatedRequest) -> dict[str, object]:
    return {"companies": companies_for_vendor(actor=request.user)}


@vendor_required
def purchase_orders(request: AuthenticatedRequest) -> HttpResponse:
    rows = selectors.consignment_pos_for_vendor(actor=request.user)
    company = int_param(request, "company")
    if company:
        rows = rows.filter(company_id=company)
    term = request.GET.get("q", "").strip()
    if term:
        rows = rows.filter(number__icontains=term)
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
    version = purchasing_selectors.version_get(purchase_order=po)
    pdf = render_version_pdf(
        version=version, language=request.LANGUAGE_CODE, show_prices=po.vendor.show_prices, show_dimensions=True
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{version.label}.pdf"'
    return response


def _received_rows(request: AuthenticatedRequest):  # type: ignore[no-untyped-def]
    rows = selectors.received_lines_for_vendor(actor=request.user)
    company = int_param(request, "company")
    if company:
        rows = rows.filter(journal__company_id=company)
    term = request.GET.get("q", "").strip()
    if term:
        rows = rows.filter(item__number__icontains=term) | rows.filter(journal__purchase_order__number__icontains=term)
    for name, lookup in (("from", "gte"), ("to", "lte")):
        try:
            day = date.fromisoformat(request.GET.get(name, ""))
        except ValueError:
            continue
        rows = rows.filter(**{f"journal__transfer_date__{lookup}": day})
    return rows


@vendor_required
def received(request: AuthenticatedRequest) -> HttpResponse:
    """Products received from consignment inventory; ``?format=csv`` downloads the same rows for invoicing."""
    rows = _received_rows(request)
    if request.GET.get("format") == "csv":
        return _received_csv(rows)
    return render(
        request,
        "consignment/vendor/received.html",
        {"page": paginate(request, rows), **_filters(request), "search_label": _("Search item or PO number")},
    )


def _received_csv(rows) -> HttpResponse:  # type: ignore[no-untyped-def]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="consignment-received.csv"'
    response.write("\ufeff")  # so that spreadsheet programs read the file as UTF-8
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Date"),
            _("Purchase order"),
            _("Customer"),
            _("Vendor account"),
            _("Item"),
            _("Description"),
            _("Site"),
            _("Warehouse"),
            _("Color"),
            _("Size"),
            _("Style"),
            _("Configuration"),
            _("Quantity"),
            _("Unit price"),
            _("Amount"),
            _("Currency"),
        ]
    )
    for line in rows.iterator(chunk_size=500):
        journal = line.journal
        shown = journal.vendor.show_prices
        writer.writerow(
            [
                journal.transfer_date.isoformat(),
                journal.purchase_order.number,
                journal.company.name,
                journal.vendor.number,
                line.item.number,
                line.item.name,
                line.site.code,
                line.warehouse.code,
                line.color,
                line.size,
                line.style,
                line.configuration,
                plain_number(line.quantity),
                plain_number(line.unit_price) if shown else "",
                plain_number(line.amount) if shown else "",
                journal.purchase_order.currency if shown else "",
            ]
        )
    return response


@vendor_required
def on_hand(request: AuthenticatedRequest) -> HttpResponse:
    rows = selectors.stock_for_vendor(actor=request.user)
    company = int_param(request, "company")
    if company:
        rows = rows.filter(vendor__company_id=company)
    term = request.GET.get("q", "").strip()
    if term:
        rows = rows.filter(item__number__icontains=term) | rows.filter(item__name__icontains=term)
    return render(
        request,
        "consignment/vendor/on_hand.html",
        {"page": paginate(request, rows), **_filters(request), "search_label": _("Search item")},
    )


@vendor_required
def replenishments(request: AuthenticatedRequest) -> HttpResponse:
    rows = selectors.replenishments_for_vendor(actor=request.user)
    company = int_param(request, "company")
    if company:
        rows = rows.filter(company_id=company)
    return render(
        request, "consignment/vendor/replenishments.html", {"page": paginate(request, rows), **_filters(request)}
    )
