"""The vendor months (``models.VendorMonth``): each vendor account's month summed from its facts, and read back as
the ranking's and the totals' figures.

``roll_up`` rewrites the months a refresh touched (or every month, for a rebuild) from the facts with four grouped
queries; ``month_values`` sums a period of them per vendor (or per company) in Python, applying each company's
delivery tolerance to the counts per day late. Together they give the same figures as aggregating the facts
directly (``test_rollups`` holds them to that), in a small fraction of the rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, Sum

from vendorcollab.purchasing.models import ResponseKind

from .models import DeliveryFact, DueFact, NoticeFact, ResponseFact, VendorMonth

COUNTED = (
    "responses",
    "accepted",
    "accepted_with_changes",
    "rejected",
    "lines_answered",
    "lines_quantity_changed",
    "lines_date_changed",
    "lines_split",
    "lines_substituted",
    "lines_rejected",
)
DUE = ("quantity_confirmed", "quantity_received", "lines_due", "lines_in_full")
# What ``month_values`` reads of each vendor month.
READ = ("vendor_id", "company_id", "month", *COUNTED, *DUE, "delivery_days", "notice_days")

_RESPONSE_SUMS: dict[str, Any] = {
    "responses": Count("id"),
    "accepted": Count("id", filter=Q(kind=ResponseKind.ACCEPTED)),
    "accepted_with_changes": Count("id", filter=Q(kind=ResponseKind.ACCEPTED_WITH_CHANGES)),
    "rejected": Count("id", filter=Q(kind=ResponseKind.REJECTED)),
    "lines_answered": Sum("lines"),
    "lines_quantity_changed": Sum("lines_quantity_changed"),
    "lines_date_changed": Sum("lines_date_changed"),
    "lines_split": Sum("lines_split"),
    "lines_substituted": Sum("lines_substituted"),
    "lines_rejected": Sum("lines_rejected"),
}
_DUE_SUMS: dict[str, Any] = {
    "quantity_confirmed": Sum("confirmed_quantity"),
    "quantity_received": Sum("received_quantity"),
    "lines_due": Count("id"),
    "lines_in_full": Count("id", filter=Q(received_quantity__gte=F("confirmed_quantity"))),
}


def roll_up(vendor_id: int | None = None, months: Iterable[date] | None = None) -> None:
    """Write the vendor months again from the facts: of one vendor in some months (a refresh), or all (a rebuild).
    The caller holds the vendor's row lock (or rebuilds alone), so two refreshes never write one month at once."""
    scope = Q()
    if vendor_id is not None:
        scope &= Q(vendor_id=vendor_id)
    if months is not None:
        scope &= Q(month__in=list(months))
    rows: dict[tuple[int, date], VendorMonth] = {}

    def row(values: dict[str, Any]) -> VendorMonth:
        key = (values["vendor_id"], values["month"])
        if key not in rows:
            rows[key] = VendorMonth(vendor_id=key[0], month=key[1], company_id=values["company_id"])
        return rows[key]

    keys = ("vendor_id", "month", "company_id")
    for values in ResponseFact.objects.filter(scope).order_by().values(*keys).annotate(**_RESPONSE_SUMS):
        target = row(values)
        for name in COUNTED:
            setattr(target, name, values[name] or 0)
    for values in DueFact.objects.filter(scope).order_by().values(*keys).annotate(**_DUE_SUMS):
        target = row(values)
        for name in DUE:
            setattr(target, name, values[name] or 0)
    for values in DeliveryFact.objects.filter(scope).order_by().values(*keys, "days_late").annotate(n=Count("id")):
        row(values).delivery_days[str(values["days_late"])] = values["n"]
    for values in NoticeFact.objects.filter(scope).order_by().values(*keys, "days_late").annotate(n=Count("id")):
        row(values).notice_days[str(values["days_late"])] = values["n"]
    VendorMonth.objects.filter(scope).delete()
    VendorMonth.objects.bulk_create(rows.values(), batch_size=1000)


def _timing(days: dict[str, int], tolerance: int) -> tuple[int, int, int, int]:
    """(counted, on time, early, late) of counts per day late, on time within ``tolerance`` days either side."""
    counted = on_time = early = late = 0
    for text, count in days.items():
        late_by = int(text)
        counted += count
        if late_by < -tolerance:
            early += count
        elif late_by > tolerance:
            late += count
        else:
            on_time += count
    return counted, on_time, early, late


def month_values(months: Iterable[dict[str, Any]], tolerances: dict[int, int], *, due_before: date) -> dict[str, Any]:
    """The summed values of some vendor months (rows of ``VendorMonth.objects.values()``) in the names of the
    selectors' aggregates (``selectors._figures`` reads them); due lines only of the months before ``due_before``
    (the current month is read from the facts)."""
    values: dict[str, Any] = defaultdict(int)
    values["quantity_confirmed"] = values["quantity_received"] = Decimal(0)
    for month in months:
        tolerance = tolerances[month["company_id"]]
        for name in COUNTED:
            values[name] += month[name]
        if month["month"] < due_before:
            for name in DUE:
                values[name] += month[name]
        counted, on_time, early, late = _timing(month["delivery_days"], tolerance)
        values["deliveries"] += counted
        values["on_time"] += on_time
        values["early"] += early
        values["late"] += late
        notices, notices_on_time, _early, _late = _timing(month["notice_days"], tolerance)
        values["notices"] += notices
        # A notice is on time when it arrived no later than expected plus the tolerance: early ones too.
        values["notices_on_time"] += notices_on_time + _early
    return values
