"""The vendor's own performance page (the buyer's one-vendor page, for its own account; a switch when the user has
several accounts) and the "On-time delivery" tile of its workspace.

A vendor user reaches only its own accounts: another account's id is a 404, as everywhere on the vendor side.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify

from vendorcollab.accounts.models import User
from vendorcollab.common.exports import FORMATS, export_response
from vendorcollab.common.web import AuthenticatedRequest, int_param, vendor_required
from vendorcollab.partners.models import Vendor

from . import exports, selectors
from .figures import PerformanceFilter, Period
from .page import read_filter, vendor_page_context

TILE_MONTHS = 3


@vendor_required
def performance(request: AuthenticatedRequest) -> HttpResponse:
    accounts = selectors.vendors_with_performance(request.user)
    chosen = int_param(request, "vendor")
    if chosen is None and request.GET.get("vendor"):
        raise Http404  # not an id at all
    vendor = next((account for account in accounts if chosen in (None, account.pk)), None)
    if vendor is None:
        raise Http404  # another vendor's account, or none left to this user
    state = read_filter(request, fields=("from", "to"))
    context: dict[str, object] = {"state": state, "vendor": vendor, "accounts": accounts}
    if not state.valid:
        return render(request, "performance/vendor/performance.html", context, status=422)
    assert state.filter is not None
    context.update(vendor_page_context(request.user, vendor, state.filter))
    if (fmt := request.GET.get("format")) in FORMATS:
        performance = context["performance"]
        rows = exports.month_rows(performance.months, performance.total)  # type: ignore[attr-defined]
        period = state.filter.period
        filename = f"performance-{slugify(vendor.number)}-{period.start:%Y-%m}-{period.end:%Y-%m}"
        return export_response(rows, exports.month_columns(), fmt=fmt, filename=filename)
    return render(request, "performance/vendor/performance.html", context)


@dataclass(frozen=True)
class OnTimeTile:
    vendor: Vendor
    share: Decimal | None  # None: nothing was delivered in those months
    deliveries: int


def last_months(today: date, months: int = TILE_MONTHS) -> Period:
    """The ``months`` months up to and including today's."""
    start = today.replace(day=1)
    for _step in range(months - 1):
        start = (start.replace(day=1) - timedelta(days=1)).replace(day=1)
    return Period(start=start, end=today.replace(day=1))


def on_time_tiles(actor: User) -> list[OnTimeTile]:
    """The workspace's tile per vendor account of the user: the on-time share of the last three months. A few
    queries per account (a vendor user has one or two), whatever the number of POs."""
    period = last_months(timezone.localdate())
    tiles = []
    for vendor in selectors.vendors_with_performance(actor):
        total = selectors.vendor_performance(actor, vendor.pk, PerformanceFilter(period=period)).total
        tiles.append(OnTimeTile(vendor, total.on_time_share, total.deliveries))
    return tiles
