"""The vendor months (``models.VendorMonth``): each vendor account's month summed from its facts, and how the
ranking and the totals read them back.

``roll_up`` rewrites the months a refresh touched (or every month, for a rebuild) from the facts with four grouped
queries. ``MONTH_SUMS`` sums a period of them in one grouped query, picking each company's tolerance column; a
company whose tolerance is wider than ``ROLLED_TOLERANCE`` has its on-time counts read from the facts. Together they
give the same figures as aggregating the facts directly (``test_rollups`` holds them to that).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Case, Count, F, IntegerField, Q, Sum, When

from vendorcollab.purchasing.models import ResponseKind

from .models import ROLLED_TOLERANCE, DeliveryFact, DueFact, NoticeFact, ResponseFact, VendorMonth

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
TOLERANCES = range(ROLLED_TOLERANCE + 1)
WITHIN_ROLLED = Q(company__delivery_tolerance_days__lte=ROLLED_TOLERANCE)

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
    # Counts per number of days late, then per tolerance: a month has a handful of distinct values.
    for values in DeliveryFact.objects.filter(scope).order_by().values(*keys, "days_late").annotate(n=Count("id")):
        target, late_by, count = row(values), values["days_late"], values["n"]
        target.deliveries += count
        for tolerance in TOLERANCES:
            if late_by < -tolerance:
                _increment(target, f"early_{tolerance}", count)
            elif late_by <= tolerance:
                _increment(target, f"on_time_{tolerance}", count)
    for values in NoticeFact.objects.filter(scope).order_by().values(*keys, "days_late").annotate(n=Count("id")):
        target, late_by, count = row(values), values["days_late"], values["n"]
        target.notices += count
        for tolerance in TOLERANCES:
            # A notice is on time when it arrived no later than expected plus the tolerance: early ones too.
            if late_by <= tolerance:
                _increment(target, f"notices_on_time_{tolerance}", count)
    VendorMonth.objects.filter(scope).delete()
    VendorMonth.objects.bulk_create(rows.values(), batch_size=1000)


def _increment(month: VendorMonth, name: str, count: int) -> None:
    setattr(month, name, getattr(month, name) + count)


def _pick(prefix: str) -> Sum:
    """The sum of each row's ``<prefix>_<its company's tolerance>`` column (None for wider tolerances)."""
    return Sum(
        Case(
            *[When(company__delivery_tolerance_days=days, then=F(f"{prefix}_{days}")) for days in TOLERANCES],
            output_field=IntegerField(),
        )
    )


SUMMED = "summed_"


def month_sums(before: date) -> dict[str, Any]:
    """What a period of vendor months sums to, for ``values().annotate()`` or ``aggregate()``, each name prefixed
    with ``SUMMED`` (an annotation may not take the name of a field it sums); due lines only of the months before
    ``before`` (the current month's are read from the facts). ``rolled_deliveries`` are those whose on-time counts
    came from here, for the late ones: the rest."""
    sums = {
        **{name: Sum(name) for name in COUNTED},
        **{name: Sum(name, filter=Q(month__lt=before)) for name in DUE},
        "deliveries": Sum("deliveries"),
        "notices": Sum("notices"),
        "rolled_deliveries": Sum("deliveries", filter=WITHIN_ROLLED),
        "on_time": _pick("on_time"),
        "early": _pick("early"),
        "notices_on_time": _pick("notices_on_time"),
    }
    return {SUMMED + name: aggregate for name, aggregate in sums.items()}
