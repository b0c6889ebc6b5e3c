"""What the performance pages share: the filter as typed and as read (``selectors.parse_filter``), and one vendor
account's figures with its four charts.

The filter's refusals go beside the fields they concern, with what the person typed kept in them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest

from vendorcollab.accounts.models import User
from vendorcollab.common.errors import ValidationFailed
from vendorcollab.partners.models import Vendor

from . import charts, selectors
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


def read_filter(request: HttpRequest, fields: tuple[str, ...] = FILTER_FIELDS) -> FilterState:
    """The filter of the page's query string; a blank period shows the default one (the last twelve months) so the
    person sees which months the figures cover."""
    params: Mapping[str, str] = {name: request.GET.get(name, "").strip() for name in fields}
    values = dict(params)
    try:
        flt = selectors.parse_filter({name: value for name, value in params.items() if value})
    except ValidationFailed as error:
        errors = {name: str(message) for name, message in error.fields.items()}
        return FilterState(values, errors, error.rendered_message())
    values["from"] = values["from"] or flt.period.start.strftime("%Y-%m")
    values["to"] = values["to"] or flt.period.end.strftime("%Y-%m")
    return FilterState(values, filter=flt)


def vendor_page_context(actor: User, vendor: Vendor, flt: PerformanceFilter) -> dict[str, Any]:
    """One vendor account's period figures and its charts (404 through the selector when the actor may not see
    the account)."""
    performance: VendorPerformance = selectors.vendor_performance(actor, vendor.pk, flt)
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
