"""Vendor performance in the API (DESIGN.md sections 8 and 13): the buyer's ranking or one vendor account's
months, and the vendor's own figures.

The same selectors as the pages (``performance.selectors``), with the same filter (``from``, ``to``, ``company``,
``item``) and the same refusals: a month that is not one, a period that ends before it starts or is too long, a
company or item that does not exist are a 422 naming the parameter. Another vendor's account is a 404.
"""

from __future__ import annotations

import dataclasses
from typing import TypeVar

from django.http import HttpRequest
from ninja import Query, Router

from vendorcollab.partners.models import Vendor
from vendorcollab.performance import selectors
from vendorcollab.performance.errors import PerformanceErrorCode

from .auth import actor, api_auth, buyer_users, vendor_users
from .error_codes import answers
from .errors import error_responses
from .pagination import Page, PageQuery, PageResult
from .performance_schemas import (
    BuyerPerformanceFilters,
    VendorPerformanceFilters,
    VendorPerformanceOut,
    VendorRowOut,
)

T = TypeVar("T")

buyer_router = Router(auth=api_auth(buyer_users()), tags=["vendor performance"])
vendor_router = Router(auth=api_auth(vendor_users), tags=["vendor performance"])

READ_ERRORS = error_responses(401, 403, 404, 422)
FILTER_CODES = (
    PerformanceErrorCode.PERIOD_INVALID,
    PerformanceErrorCode.PERIOD_ENDS_BEFORE_START,
    PerformanceErrorCode.PERIOD_TOO_LONG,
)


def _page_of(request: HttpRequest, rows: list[T], paging: PageQuery) -> PageResult[T]:
    """A page of a list the selector has already computed whole (the figures of every vendor come from grouped
    aggregates, never row by row): the same ``items``/``count``/``next`` as every list of the API."""
    start = (paging.page - 1) * paging.page_size
    end = start + paging.page_size
    next_url = None
    if end < len(rows):
        query = request.GET.copy()
        query["page"] = str(paging.page + 1)
        next_url = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
    return PageResult(items=rows[start:end], count=len(rows), next=next_url)


@buyer_router.get(
    "",
    response={200: Page[VendorRowOut] | VendorPerformanceOut, **READ_ERRORS},
    summary="Vendor performance: every vendor account ranked, or one account's months",
)
@answers(
    *FILTER_CODES,
    PerformanceErrorCode.COMPANY_INVALID,
    PerformanceErrorCode.ITEM_INVALID,
    PerformanceErrorCode.ORDER_INVALID,
)
def vendor_performance_list(
    request: HttpRequest, filters: Query[BuyerPerformanceFilters], paging: Query[PageQuery]
) -> PageResult[VendorRowOut] | VendorPerformanceOut:
    """Without `vendor`: a page of vendor accounts with any figure in the period, best first by `order`, each with
    its figures. With `vendor`: that account's figures, `months` (every month of the period) and the response time
    and days early/late distributions (`company` and `order` are then ignored)."""
    user = actor(request)
    flt = selectors.parse_filter(filters.params())
    if filters.vendor is not None:
        flt = dataclasses.replace(flt, company_id=None)  # an account belongs to one company: as documented, ignored
        performance = selectors.vendor_performance(user, filters.vendor, flt)  # 404 for an unknown account
        vendor = Vendor.objects.visible_to(user).select_related("company").get(pk=filters.vendor)
        return VendorPerformanceOut.build(vendor, performance, (flt.period.start, flt.period.end))
    rows = selectors.performance_ranking(user, flt, order=filters.order)
    page = _page_of(request, rows, paging)
    return PageResult(items=[VendorRowOut.build(row) for row in page.items], count=page.count, next=page.next)


@vendor_router.get(
    "/performance",
    response={200: Page[VendorPerformanceOut], **READ_ERRORS},
    summary="Your performance, per vendor account",
)
@answers(*FILTER_CODES)
def vendor_own_performance(
    request: HttpRequest, filters: Query[VendorPerformanceFilters], paging: Query[PageQuery]
) -> PageResult[VendorPerformanceOut]:
    """The figures the customer sees of each of your vendor accounts (or of `vendor` only): the period's, every
    month's, and the two distributions. Another vendor's account is a 404."""
    user = actor(request)
    flt = selectors.parse_filter(filters.params())
    accounts = selectors.vendors_with_performance(user)
    if filters.vendor is not None:
        accounts = [account for account in accounts if account.pk == filters.vendor]
        if not accounts:
            selectors.vendor_performance(user, filters.vendor, flt)  # raises the selector's 404
    page = _page_of(request, accounts, paging)
    period = (flt.period.start, flt.period.end)
    return PageResult(
        items=[
            VendorPerformanceOut.build(vendor, selectors.vendor_performance(user, vendor.pk, flt), period)
            for vendor in page.items
        ],
        count=page.count,
        next=page.next,
    )
