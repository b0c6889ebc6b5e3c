"""What the performance pages share: the filter as typed and as read (``selectors.parse_filter``), and one vendor
account's figures with its four charts.

The filter's refusals go beside the fields they concern, with what the person typed kept in them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from vendorcollab.common.errors import INVALID_INPUT, ValidationFailed
from vendorcollab.common.exports import export_response
from vendorcollab.partners.models import Item, Vendor

from . import charts, exports, selectors
from .figures import PerformanceFilter, VendorPerformance

FILTER_FIELDS = ("from", "to", "company", "item")


@dataclass
class FilterState:
    """The filter form: the values shown in its fields, the errors beside them, and the filter when it is valid."""

    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    message: str = ""
    filter: PerformanceFilter | None = None

    @property
    def valid(self) -> bool:
        return self.filter is not None

    @property
    def item_error(self) -> str:
        """The item field's problem: a number that names no item, or an id (from a link) that does not exist."""
        return self.errors.get("item_number") or self.errors.get("item", "")


def read_filter(request: HttpRequest, fields: tuple[str, ...] = FILTER_FIELDS) -> FilterState:
    """The filter of the page's query string; a blank period shows the default one (the last twelve months) so the
    person sees which months the figures cover. Where the page filters by item, the person types the item's number
    (``item_number``): a list of every item of every company would be tens of thousands of options."""
    params: dict[str, str] = {name: request.GET.get(name, "").strip() for name in fields}
    values = dict(params)
    errors: dict[str, str] = {}
    if "item" in fields:
        values["item_number"] = request.GET.get("item_number", "").strip()
        if values["item_number"]:
            item_id, problem = item_of_number(values["item_number"], params.get("company", ""))
            if problem:
                errors["item_number"] = problem
            else:
                params["item"] = str(item_id)
    try:
        flt = selectors.parse_filter({name: value for name, value in params.items() if value})
    except ValidationFailed as error:
        errors.update({name: str(message) for name, message in error.fields.items()})
        return FilterState(values, errors, error.rendered_message())
    if errors:
        return FilterState(values, errors, str(INVALID_INPUT))
    values["from"] = values["from"] or flt.period.start.strftime("%Y-%m")
    values["to"] = values["to"] or flt.period.end.strftime("%Y-%m")
    return FilterState(values, filter=flt)


def item_of_number(number: str, company: str) -> tuple[int | None, str]:
    """The item with this number (in the chosen company, when one is), or why there is none to filter by. Item
    numbers are unique per company, so the same number in two companies needs the company."""
    items = Item.objects.filter(number__iexact=number)
    if company.isdigit():
        items = items.filter(company_id=int(company))
    found = list(items.values_list("pk", flat=True)[:2])
    if not found:
        return None, _("No item has this number.")
    if len(found) > 1:
        return None, _("Items of several companies have this number: choose the company too.")
    return found[0], ""


def vendor_page_context(vendor: Vendor, performance: VendorPerformance) -> dict[str, Any]:
    """One vendor account's period figures and its four charts."""
    return {
        "vendor": vendor,
        "performance": performance,
        "figures": performance.total,
        "charts": [
            charts.delivery_trend(performance.months),
            charts.response_trend(performance.months),
            charts.response_distribution(performance.response_time_distribution),
            charts.delivery_days_distribution(performance.delivery_days_distribution),
        ],
    }


def months_export(performance: VendorPerformance, flt: PerformanceFilter, *, fmt: str, prefix: str) -> HttpResponse:
    """One account's months and the whole period as CSV or Excel, named after the account and the period."""
    period = flt.period
    return export_response(
        exports.month_rows(performance.months, performance.total),
        exports.month_columns(),
        fmt=fmt,
        filename=f"{prefix}-{period.start:%Y-%m}-{period.end:%Y-%m}",
    )
