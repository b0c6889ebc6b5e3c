"""The vendor's own performance page (the buyer's one-vendor page, for its own account; a switch when the user has
several accounts) and the "On-time delivery" tile of its workspace.

A vendor user reaches only its own accounts: another account's id is a 404, as everywhere on the vendor side.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify

from vendorcollab.accounts.models import User
from vendorcollab.common.exports import FORMATS
from vendorcollab.common.web import AuthenticatedRequest, int_param, vendor_required
from vendorcollab.partners.models import Vendor

from . import selectors
from .figures import PerformanceFilter, Period
from .page import months_export, read_filter, vendor_page_context

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
    performance = selectors.vendor_performance(request.user, vendor.pk, state.filter)
    if (fmt := request.GET.get("format")) in FORMATS:
        return months_export(performance, state.filter, fmt=fmt, prefix=f"performance-{slugify(vendor.number)}")
    context.update(vendor_page_context(vendor, performance))
    return render(request, "performance/vendor/performance.html", context)


@dataclass(frozen=True)
class OnTimeTile:
    vendor: Vendor
    share: Decimal | None  # None: nothing was delivered in those months
    deliveries: int


def last_months(today: date, months: int = TILE_MONTHS) -> Period:
    """The ``months`` months up to and including today's."""
    this_month = today.replace(day=1)
    return Period(start=selectors.add_months(this_month, 1 - months), end=this_month)


def on_time_tiles(actor: User) -> list[OnTimeTile]:
    """The workspace's tile per vendor account of the user: the on-time share of the last three months.

    The workspace is the page a vendor opens most: each account's figures come from ``selectors.vendor_performance``,
    which keeps them under the figures' stamp, so a visit reads them again only after a refresh changed them. The
    accounts come from the scoped selector on every visit, so a user who loses an account loses its tile at once."""
    flt = PerformanceFilter(period=last_months(timezone.localdate()))
    tiles = []
    for vendor in selectors.vendors_with_performance(actor):
        total = selectors.vendor_performance(actor, vendor.pk, flt).total
        tiles.append(OnTimeTile(vendor, total.on_time_share, total.deliveries))
    return tiles
