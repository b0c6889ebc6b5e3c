"""The buyer's vendor performance pages: every vendor account ranked (filters company, period, item; sortable;
CSV and Excel), and one account's page with its trends and distributions.

Every buyer role reads them. The numbers come from ``selectors`` in a fixed number of queries whatever the number
of vendors or months; this module only reads the filter and picks the template.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from vendorcollab.common.exports import FORMATS, export_response
from vendorcollab.common.web import PAGE_SIZE, AuthenticatedRequest, buyer_required
from vendorcollab.partners.models import Company, Vendor

from . import exports, selectors
from .page import months_export, read_filter, vendor_page_context

# The ranking's orders (``selectors.performance_ranking``) and the column whose header sorts by each: best first.
ORDERS = {
    "vendor": _("Vendor"),
    "response": _("Median response time"),
    "changes": _("Accepted with changes"),
    "on_time": _("On time"),
    "accuracy": _("Quantity accuracy"),
}
DEFAULT_ORDER = "on_time"


def _filter_choices() -> dict[str, object]:
    """The companies to filter by (one query; an item is typed by its number)."""
    return {"companies": Company.objects.order_by("code")}


@buyer_required()
def vendor_performance(request: AuthenticatedRequest) -> HttpResponse:
    state = read_filter(request)
    order = request.GET.get("order", "")
    order = order if order in ORDERS else DEFAULT_ORDER
    context: dict[str, object] = {"state": state, "order": order, "orders": ORDERS, **_filter_choices()}
    if not state.valid:
        return render(request, "performance/buyer/ranking.html", context, status=422)
    assert state.filter is not None
    rows, totals = selectors.performance_ranking_with_totals(request.user, state.filter, order=order)
    if (fmt := request.GET.get("format")) in FORMATS:
        period = state.filter.period
        filename = f"vendor-performance-{period.start:%Y-%m}-{period.end:%Y-%m}"
        return export_response(rows, exports.ranking_columns(), fmt=fmt, filename=filename)
    context["page"] = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context["totals"] = totals
    return render(request, "performance/buyer/ranking.html", context)


@buyer_required()
def vendor_performance_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    vendor = get_object_or_404(Vendor.objects.visible_to(request.user).select_related("company"), pk=pk)
    state = read_filter(request, fields=("from", "to", "item"))
    context: dict[str, object] = {"state": state, "vendor": vendor, **_filter_choices()}
    if not state.valid:
        return render(request, "performance/buyer/detail.html", context, status=422)
    assert state.filter is not None
    performance = selectors.vendor_performance(request.user, vendor.pk, state.filter)
    if (fmt := request.GET.get("format")) in FORMATS:
        prefix = f"vendor-performance-{slugify(vendor.number)}"
        return months_export(performance, state.filter, fmt=fmt, prefix=prefix)
    context.update(vendor_page_context(vendor, performance))
    return render(request, "performance/buyer/detail.html", context)
