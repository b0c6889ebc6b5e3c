"""Every read of vendor performance, scoped to the actor: the buyer's ranking and totals, one vendor account's page
(its months and distributions), and the filter the faces pass in.

One vendor's page is a grouped aggregate over each fact table (``models``) along its ``(vendor, month)`` index: a
dozen queries whatever the number of months. The ranking and the totals sum the vendor months (``rollups``) in one
grouped query, plus the answers' percentiles, which no sum can give: five or six queries whatever the number of
vendors. A filter by item reads the facts for both. Nothing here walks purchase orders.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import fields
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from operator import attrgetter
from typing import Any

from django.core.cache import caches
from django.db.models import Count, F, Max, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from vendorcollab.accounts.models import User
from vendorcollab.common.lookups import EqualsAny
from vendorcollab.partners.models import Company, Item, Vendor
from vendorcollab.purchasing.models import PurchaseOrderLine, ResponseKind
from vendorcollab.shipping.models import ShipNoticeLine

from . import rollups
from .aggregates import Percentile, percentiles_per_group_and_overall
from .errors import FieldErrors, PerformanceErrorCode, invalid, not_found, refused
from .figures import ZERO, Bucket, Figures, PerformanceFilter, Period, VendorFigures, VendorPerformance
from .models import ROLLED_TOLERANCE, DeliveryFact, DueFact, NoticeFact, ResponseFact, VendorMonth

# The longest period a page or the API may ask for: three years of months on one vendor's trend.
MAX_PERIOD_MONTHS = 36
DEFAULT_PERIOD_MONTHS = 12
HOUR = Decimal(3600)
TENTH = Decimal("0.1")
# How long computed figures are kept at most. They are keyed on their stamp, so a refresh that commits is a new
# key; but the stamp is the newest ``summed_at``, written before commit: two refreshes committing out of order can
# leave the stamp unchanged for the later commit, and this bounds how long such figures are shown.
CACHE_SECONDS = 60

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


# ---------------------------------------------------------------------------------------------------------- period


def add_months(month: date, count: int) -> date:
    """The first day of the month ``count`` months after (or before, when negative) ``month``'s."""
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def months_of(period: Period) -> list[date]:
    """Every month of the period, oldest first."""
    count = (period.end.year - period.start.year) * 12 + period.end.month - period.start.month + 1
    return [add_months(period.start, offset) for offset in range(count)]


def default_period(today: date | None = None) -> Period:
    """The 12 months up to and including today's month."""
    end = (today or timezone.localdate()).replace(day=1)
    return Period(start=add_months(end, 1 - DEFAULT_PERIOD_MONTHS), end=end)


def _parse_month(value: str | None, field: str, errors: FieldErrors) -> date | None:
    if not value or not value.strip():
        return None
    match = _MONTH.match(value.strip())
    if match is None or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1900:
        errors.add(field, PerformanceErrorCode.PERIOD_INVALID)
        return None
    return date(int(match.group(1)), int(match.group(2)), 1)


def _parse_id(value: str | None, field: str, code: str, model: Any, errors: FieldErrors) -> int | None:
    if not value or not value.strip():
        return None
    text = value.strip()
    # An id the lists never offer is refused beside its field rather than quietly showing nothing.
    if not text.isdigit() or len(text) > 18 or not model.objects.filter(pk=int(text)).exists():
        errors.add(field, code)
        return None
    return int(text)


def parse_filter(params: Mapping[str, str], *, today: date | None = None) -> PerformanceFilter:
    """The filter of a page's or the API's query string: ``from`` and ``to`` (YYYY-MM, both included; missing ones
    default to the 12 months up to the current one), ``company`` and ``item`` (ids). Raises ValidationFailed with a
    message per wrong field."""
    errors = FieldErrors()
    start = _parse_month(params.get("from"), "from", errors)
    end = _parse_month(params.get("to"), "to", errors)
    company_id = _parse_id(params.get("company"), "company", PerformanceErrorCode.COMPANY_INVALID, Company, errors)
    item_id = _parse_id(params.get("item"), "item", PerformanceErrorCode.ITEM_INVALID, Item, errors)
    errors.raise_if_any()
    default = default_period(today)
    if start is None and end is None:
        period = default
    elif start is None:
        assert end is not None
        period = Period(start=add_months(end, 1 - DEFAULT_PERIOD_MONTHS), end=end)
    elif end is None:
        period = Period(start=start, end=max(start, default.end))
    else:
        period = Period(start=start, end=end)
    if period.end < period.start:
        raise invalid("to", PerformanceErrorCode.PERIOD_ENDS_BEFORE_START)
    if len(months_of(period)) > MAX_PERIOD_MONTHS:
        raise invalid("from", PerformanceErrorCode.PERIOD_TOO_LONG, months=MAX_PERIOD_MONTHS)
    return PerformanceFilter(period=period, company_id=company_id, item_id=item_id)


# -------------------------------------------------------------------------------------------------------- queries

_TOLERANCE = F("company__delivery_tolerance_days")

# The answers' response times as the pages show them: interpolated like PostgreSQL's percentile_cont.
ANSWER_PERCENTILES = {"median_seconds": 0.5, "p90_seconds": 0.9}
_ANSWER_PERCENTILE_AGGREGATES = {name: Percentile("seconds", share) for name, share in ANSWER_PERCENTILES.items()}
RESPONSE_AGGREGATES: dict[str, Any] = {
    "responses": Count("id"),
    **_ANSWER_PERCENTILE_AGGREGATES,
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
DUE_AGGREGATES: dict[str, Any] = {
    "quantity_confirmed": Sum("confirmed_quantity"),
    "quantity_received": Sum("received_quantity"),
    "lines_due": Count("id"),
    "lines_in_full": Count("id", filter=Q(received_quantity__gte=F("confirmed_quantity"))),
}
# On time within the company's tolerance either side of the confirmed date, read from the company now: a changed
# tolerance applies to every month at once, without rebuilding a fact.
DELIVERY_AGGREGATES: dict[str, Any] = {
    "deliveries": Count("id"),
    "on_time": Count("id", filter=Q(days_late__gte=_TOLERANCE * -1, days_late__lte=_TOLERANCE)),
    "early": Count("id", filter=Q(days_late__lt=_TOLERANCE * -1)),
    "late": Count("id", filter=Q(days_late__gt=_TOLERANCE)),
}
NOTICE_AGGREGATES: dict[str, Any] = {
    "notices": Count("id"),
    "notices_on_time": Count("id", filter=Q(days_late__lte=_TOLERANCE)),
}


def _period_filter(flt: PerformanceFilter) -> Q:
    condition = Q(month__gte=flt.period.start, month__lte=flt.period.end)
    if flt.company_id is not None:
        condition &= Q(company_id=flt.company_id)
    return condition


def _fact_querysets(flt: PerformanceFilter, vendor_id: int | None = None) -> dict[str, QuerySet[Any]]:
    """The four fact tables filtered by period, company, item (and vendor), each ready to aggregate."""
    condition = _period_filter(flt)
    if vendor_id is not None:
        condition &= Q(vendor_id=vendor_id)
    responses = ResponseFact.objects.filter(condition)
    due = DueFact.objects.filter(
        condition,
        # A line due later than today is not yet a miss: accuracy measures what should have arrived by now.
        due_date__lte=timezone.localdate(),
    )
    deliveries = DeliveryFact.objects.filter(condition)
    notices = NoticeFact.objects.filter(condition)
    if flt.item_id is not None:
        # Answers are to a whole PO: those of POs with a line of the item. Notices: those with a line of it.
        responses = responses.filter(
            purchase_order_id__in=PurchaseOrderLine.objects.filter(item_id=flt.item_id).values("purchase_order_id")
        )
        due = due.filter(item_id=flt.item_id)
        deliveries = deliveries.filter(item_id=flt.item_id)
        notices = notices.filter(
            ship_notice_id__in=ShipNoticeLine.objects.filter(po_line__item_id=flt.item_id).values("notice_id")
        )
    return {"responses": responses, "due": due, "deliveries": deliveries, "notices": notices}


_AGGREGATES = {
    "responses": RESPONSE_AGGREGATES,
    "due": DUE_AGGREGATES,
    "deliveries": DELIVERY_AGGREGATES,
    "notices": NOTICE_AGGREGATES,
}


def _grouped(querysets: dict[str, QuerySet[Any]], key: str) -> dict[Any, dict[str, Any]]:
    """One grouped query per fact table; every group's values merged into one dict per key."""
    merged: dict[Any, dict[str, Any]] = {}
    for table, queryset in querysets.items():
        for row in queryset.order_by().values(key).annotate(**_AGGREGATES[table]):
            merged.setdefault(row.pop(key), {}).update(row)
    return merged


def _totals(querysets: dict[str, QuerySet[Any]]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for table, queryset in querysets.items():
        values.update(queryset.order_by().aggregate(**_AGGREGATES[table]))
    return values


def _hours(seconds: float | None) -> Decimal | None:
    if seconds is None:
        return None
    return (Decimal(str(seconds)) / HOUR).quantize(TENTH, rounding=ROUND_HALF_UP)


# Figures' counts and sums, named as the aggregates name them; the percentiles come as seconds and show as hours.
_COUNTS = tuple(field.name for field in fields(Figures) if field.type == "int")
_QUANTITIES = tuple(field.name for field in fields(Figures) if field.type == "Decimal")


def _figures(values: Mapping[str, Any]) -> Figures:
    """A Figures from aggregated values; what a table had no row for counts as zero (or None for percentiles).
    Built for every vendor of the ranking (a thousand at a time), hence written for speed."""
    get = values.get
    built: dict[str, Any] = {name: int(get(name) or 0) for name in _COUNTS}
    built.update((name, ZERO if (value := get(name)) is None else Decimal(value)) for name in _QUANTITIES)
    return Figures(
        response_median_hours=_hours(get("median_seconds")), response_p90_hours=_hours(get("p90_seconds")), **built
    )


# ----------------------------------------------------------------------------------------------------- the ranking


def _best_first(value: Decimal | None, *, higher_is_better: bool) -> tuple[int, Decimal]:
    """A sort key: vendors with nothing to measure last, whichever way the figure is better."""
    if value is None:
        return (1, ZERO)
    return (0, -value if higher_is_better else value)


RANKING_ORDERS: dict[str, Callable[[Figures], tuple[int, Decimal]]] = {
    "on_time": lambda figures: _best_first(figures.on_time_share, higher_is_better=True),
    "accuracy": lambda figures: _best_first(figures.quantity_accuracy, higher_is_better=True),
    "response": lambda figures: _best_first(figures.response_median_hours, higher_is_better=False),
    # Fewest answers with changes first: a vendor that confirms what was ordered is the easier one to plan with.
    "changes": lambda figures: _best_first(figures.changed_share, higher_is_better=False),
    "vendor": lambda figures: (0, ZERO),
}


def _require_buyer(actor: User) -> None:
    if not actor.is_buyer:
        raise refused()


def _add(values: dict[str, Any], more: dict[str, Any]) -> None:
    for name, value in more.items():
        if value is not None:
            values[name] = (values.get(name) or 0) + value


def _computed_months(flt: PerformanceFilter, key: str | None, stamp: str | None = None) -> dict[Any, dict[str, Any]]:
    """The period's figures per vendor (``key`` "vendor_id") or all together (None): the vendor months summed by
    the database, the on-time counts of companies with a tolerance wider than the months keep, the current month's
    due lines, and the answers' percentiles. Five or six queries whatever the number of vendors. A filter by item
    reads the facts instead (the vendor months are not kept per item)."""
    if flt.item_id is not None:
        querysets = _fact_querysets(flt)
        return _grouped(querysets, key) if key else {None: _totals(querysets)}
    today = timezone.localdate()
    current_month = today.replace(day=1)
    values: dict[Any, dict[str, Any]] = {}

    def rows(
        queryset: QuerySet[Any], aggregates: dict[str, Any], names: Iterable[str] | None = None
    ) -> Iterable[tuple[Any, dict[str, Any]]]:
        """Each group's aggregates, under ``names`` (the aggregates' own by default), as tuples: a thousand
        vendors' rows of two dozen sums are read faster than as dicts renamed one by one."""
        queryset = queryset.order_by()
        names = tuple(names or aggregates)
        if key is None:
            found = queryset.aggregate(**aggregates)
            return [(None, dict(zip(names, (found[aggregate] for aggregate in aggregates), strict=True)))]
        grouped = queryset.values(key).annotate(**aggregates).values_list(key, *aggregates)
        return ((group, dict(zip(names, found, strict=True))) for group, *found in grouped)

    months = VendorMonth.objects.filter(_period_filter(flt))
    sums = rollups.month_sums(before=current_month)
    for group, row in rows(months, sums, (name.removeprefix(rollups.SUMMED) for name in sums)):
        if not row["responses"] and not row["deliveries"] and not row["notices"] and not row["lines_due"]:
            continue  # an aggregate() over no rows, or months whose only due lines are still to come
        rolled = row.pop("rolled_deliveries") or 0
        row["late"] = rolled - (row["on_time"] or 0) - (row["early"] or 0)
        values[group] = row
    # Companies whose tolerance is wider than the months keep are rare: their on-time counts are read from the
    # facts, and when there is none (a lookup in the small companies table) those two scans are not made at all.
    if Company.objects.filter(delivery_tolerance_days__gt=ROLLED_TOLERANCE).exists():
        wide = ~rollups.WITHIN_ROLLED
        on_time = {name: DELIVERY_AGGREGATES[name] for name in ("on_time", "early", "late")}
        for group, row in rows(DeliveryFact.objects.filter(_period_filter(flt), wide), on_time):
            _add(values.setdefault(group, {}), row)
        notices_on_time = {"notices_on_time": NOTICE_AGGREGATES["notices_on_time"]}
        for group, row in rows(NoticeFact.objects.filter(_period_filter(flt), wide), notices_on_time):
            _add(values.setdefault(group, {}), row)
    if flt.period.start <= current_month <= flt.period.end:
        # This month's lines count once their date has passed: read from the facts, one month of them.
        due = DueFact.objects.filter(_period_filter(flt), month=current_month, due_date__lte=today)
        for group, row in rows(due, DUE_AGGREGATES):
            _add(values.setdefault(group, {}), row)
    for group, row in _answer_percentiles(flt, stamp).items():
        if (group is None) == (key is None):
            values.setdefault(group, {}).update(row)
    # A group that only ever had nothing (an aggregate over no rows) has no figure to show.
    return {group: row for group, row in values.items() if any(row.values()) or group is None}


def figures_stamp(vendor_id: int | None = None) -> str:
    """What the figures of the vendor months depend on besides the filter: the months themselves (every refresh of
    a PO's facts rewrites the months they count in, stamping ``summed_at``; a month left without facts is deleted,
    which the count tells), the companies' tolerances (read when the figures are), and today (this month's due
    lines count once their date has passed). Small indexed queries. With ``vendor_id``, one vendor account's months:
    its own figures change with nothing else, and its two dozen months are counted from their index where counting
    every account's was most of the vendor's workspace."""
    if vendor_id is None:
        # Two statements: the newest summing from the end of its index, the count from the smallest index alone.
        # Together in one aggregate, PostgreSQL read every month row (6 ms at 14,000 months, on every visit).
        months = VendorMonth.objects.aggregate(last=Max("summed_at"))
        months["rows"] = VendorMonth.objects.count()
    else:
        months = VendorMonth.objects.filter(vendor_id=vendor_id).aggregate(last=Max("summed_at"), rows=Count("id"))
    tolerances = list(Company.objects.order_by("pk").values_list("pk", "delivery_tolerance_days"))
    last = months["last"].timestamp() if months["last"] else 0
    return f"{last}|{months['rows']}|{hash(tuple(tolerances))}|{timezone.localdate()}"


def _cached(name: str, flt: PerformanceFilter, stamp: str, compute: Callable[[], Any]) -> Any:
    """``compute()`` kept per process under the filter and the stamp: the ranking page is paged and sorted again and
    again over the same figures, and at 200,000 POs computing them is most of the page's time. A changed stamp is
    another key; ``CACHE_SECONDS`` bounds the one case a stamp can miss (see there). ``pages`` is a bounded
    in-memory cache."""
    key = f"performance:{name}:{flt.period.start}:{flt.period.end}:{flt.company_id}:{stamp}"
    kept = caches["pages"].get(key)
    if kept is None:
        kept = compute()
        caches["pages"].set(key, kept, CACHE_SECONDS)
    return kept


# What the ranking builds from the kept months (each vendor's Figures, their sum), kept per process as they are:
# ``pages`` pickles what it keeps, and unpickling a thousand vendors' months, building their figures and adding them
# up again was most of the ranking's time on every visit. Keyed like ``_cached``, and as bounded in time.
_BUILT: dict[str, tuple[float, Any]] = {}
_BUILT_KEPT = 64


def _built(name: str, flt: PerformanceFilter, stamp: str, build: Callable[[], Any]) -> Any:
    key = f"{name}:{flt.period.start}:{flt.period.end}:{flt.company_id}:{stamp}"
    now = time.monotonic()
    found = _BUILT.get(key)
    if found is None or now - found[0] > CACHE_SECONDS:
        if len(_BUILT) >= _BUILT_KEPT:
            _BUILT.clear()
        found = _BUILT[key] = (now, build())
    return found[1]


def forget_kept_figures() -> None:
    """Drop every kept figure of this process (``_cached``'s and ``_built``'s): what a test measures cold."""
    caches["pages"].clear()
    _BUILT.clear()


def _summed_totals(flt: PerformanceFilter) -> dict[str, Any]:
    """Every vendor together: ``_computed_months`` kept under the figures' stamp; a filter by item reads the facts,
    uncached."""
    if flt.item_id is not None:
        return _computed_months(flt, None).get(None, {})
    stamp = figures_stamp()
    return _cached("months-totals", flt, stamp, lambda: _computed_months(flt, None, stamp).get(None, {}))


def _answer_percentiles(flt: PerformanceFilter, stamp: str | None) -> dict[int | None, dict[str, float | None]]:
    """The answers' median and 90th percentile over the filter's months, per vendor account and of every answer
    together (under None), in one statement, kept under the stamp when there is one: the ranking needs both (its
    rows and its "All vendors" row), and reading the answers once for both is a third of their time."""

    def compute() -> dict[int | None, dict[str, float | None]]:
        answers = ResponseFact.objects.filter(_period_filter(flt))
        return percentiles_per_group_and_overall(answers, "vendor_id", "seconds", ANSWER_PERCENTILES)

    return _cached("percentiles", flt, stamp, compute) if stamp else compute()


def performance_ranking(
    actor: User, flt: PerformanceFilter, *, order: str = "on_time", stamp: str | None = None
) -> list[VendorFigures]:
    """Every vendor account with any figure in the period, best first by ``order`` (then company and vendor
    number). Buyers only. Five queries, whatever the number of vendors."""
    _require_buyer(actor)
    if order not in RANKING_ORDERS:
        raise invalid("order", PerformanceErrorCode.ORDER_INVALID)
    figures = _vendor_figures(flt, stamp)
    # Plain values, not model instances: a thousand vendors' rows are read in a fraction of the time. Their names
    # and numbers are read on every visit (master data, edited on their own), as one array parameter.
    vendors = Vendor.objects.filter(EqualsAny(F("pk"), figures)).values_list(
        "pk", "number", "name", "company_id", "company__code"
    )
    rows = [
        VendorFigures(
            vendor_id=vendor_id,
            vendor_number=number,
            vendor_name=name,
            company_id=company_id,
            company_code=company_code,
            figures=figures[vendor_id],
        )
        for vendor_id, number, name, company_id, company_code in vendors
    ]
    key = RANKING_ORDERS[order]
    rows.sort(key=lambda row: (key(row.figures), row.company_code, row.vendor_number))
    return rows


def _vendor_figures(flt: PerformanceFilter, stamp: str | None) -> dict[int, Figures]:
    """Each vendor's figures over the period, built once per stamp (``_built``); a filter by item reads the facts."""

    if flt.item_id is not None:  # the facts, read for the item: nothing kept
        return {pk: _figures(values) for pk, values in _computed_months(flt, "vendor_id").items()}
    kept_stamp = stamp or figures_stamp()

    def build() -> dict[int, Figures]:
        # Not through the page cache as the totals are (``_cached``): these figures are what is kept, and pickling
        # the thousand vendors' sums into it as well only cost time.
        return {pk: _figures(values) for pk, values in _computed_months(flt, "vendor_id", kept_stamp).items()}

    return dict(_built("vendor-figures", flt, kept_stamp, build))


def performance_ranking_with_totals(
    actor: User, flt: PerformanceFilter, *, order: str = "on_time"
) -> tuple[list[VendorFigures], Figures]:
    """The ranking and every vendor together, as the ranking page shows them: the totals' counts and sums are the
    vendors' rows added up (every figure but the percentiles is a count or a sum), so only the percentiles of all
    answers together cost one more query, instead of the whole computation again (``performance_totals``)."""
    stamp = figures_stamp() if flt.item_id is None else ""
    rows = performance_ranking(actor, flt, order=order, stamp=stamp)

    def added_up() -> dict[str, Any]:
        figures = [row.figures for row in rows]
        return {name: sum(map(attrgetter(name), figures)) for name in (*_COUNTS, *_QUANTITIES)}

    # The same sum whatever the order of the rows: built once per stamp, as the figures it adds up.
    summed = dict(_built("vendor-totals", flt, stamp, added_up) if stamp else added_up())
    if flt.item_id is not None:
        summed.update(_fact_querysets(flt)["responses"].order_by().aggregate(**_ANSWER_PERCENTILE_AGGREGATES))
    else:
        summed.update(_answer_percentiles(flt, stamp)[None])
    return rows, _figures(summed)


def performance_totals(actor: User, flt: PerformanceFilter) -> Figures:
    """Every vendor together over the filter (buyers only): four queries."""
    _require_buyer(actor)
    return _figures(_summed_totals(flt))


# -------------------------------------------------------------------------------------------- one vendor's page


def _response_buckets() -> list[tuple[str, Q, Decimal | None, Decimal | None]]:
    """(label, condition on seconds, low and high in hours) of the response time distribution."""
    hours = 3600
    return [
        (_("Under 4 hours"), Q(seconds__lt=4 * hours), Decimal(0), Decimal(4)),
        (_("4 to 24 hours"), Q(seconds__gte=4 * hours, seconds__lt=24 * hours), Decimal(4), Decimal(24)),
        (_("1 to 2 days"), Q(seconds__gte=24 * hours, seconds__lt=48 * hours), Decimal(24), Decimal(48)),
        (_("2 to 5 days"), Q(seconds__gte=48 * hours, seconds__lt=120 * hours), Decimal(48), Decimal(120)),
        (_("5 days or more"), Q(seconds__gte=120 * hours), Decimal(120), None),
    ]


def _delivery_buckets() -> list[tuple[str, Q, Decimal | None, Decimal | None]]:
    """(label, condition on days late, low and high in days, both included) of the days early or late."""
    return [
        (_("More than 7 days early"), Q(days_late__lt=-7), None, Decimal(-8)),
        (_("3 to 7 days early"), Q(days_late__gte=-7, days_late__lte=-3), Decimal(-7), Decimal(-3)),
        (_("1 or 2 days early"), Q(days_late__gte=-2, days_late__lte=-1), Decimal(-2), Decimal(-1)),
        (_("On the confirmed date"), Q(days_late=0), Decimal(0), Decimal(0)),
        (_("1 or 2 days late"), Q(days_late__gte=1, days_late__lte=2), Decimal(1), Decimal(2)),
        (_("3 to 7 days late"), Q(days_late__gte=3, days_late__lte=7), Decimal(3), Decimal(7)),
        (_("More than 7 days late"), Q(days_late__gt=7), Decimal(8), None),
    ]


def _distribution(
    queryset: QuerySet[Any], buckets: list[tuple[str, Q, Decimal | None, Decimal | None]]
) -> list[Bucket]:
    """Every bucket's count in one query."""
    conditions = {f"bucket_{index}": Count("id", filter=bucket[1]) for index, bucket in enumerate(buckets)}
    counts = queryset.order_by().aggregate(**conditions)
    return [
        Bucket(label=label, count=counts[f"bucket_{index}"] or 0, low=low, high=high)
        for index, (label, _condition, low, high) in enumerate(buckets)
    ]


def vendor_performance(actor: User, vendor_id: int, flt: PerformanceFilter) -> VendorPerformance:
    """One vendor account's figures over the period, month by month (every month, empty ones included) and its
    two distributions. NotFound when the actor may not see the account (a vendor user: only its own)."""
    if not Vendor.objects.visible_to(actor).filter(pk=vendor_id).exists():
        raise not_found()
    if flt.item_id is not None:
        return _vendor_performance(vendor_id, flt)
    # Kept under the figures' stamp like the ranking (the page is opened again and again, the vendor's own one from
    # its workspace tile); per language, as the distributions' labels are translated.
    name = f"vendor-{vendor_id}-{get_language()}"
    return _cached(name, flt, figures_stamp(vendor_id), lambda: _vendor_performance(vendor_id, flt))


def _vendor_performance(vendor_id: int, flt: PerformanceFilter) -> VendorPerformance:
    querysets = _fact_querysets(flt, vendor_id=vendor_id)
    by_month = _grouped(querysets, "month")
    return VendorPerformance(
        vendor_id=vendor_id,
        total=_figures(_totals(querysets)),
        months=[(month, _figures(by_month.get(month, {}))) for month in months_of(flt.period)],
        response_time_distribution=_distribution(querysets["responses"], _response_buckets()),
        delivery_days_distribution=_distribution(querysets["deliveries"], _delivery_buckets()),
    )


def vendors_with_performance(actor: User) -> list[Vendor]:
    """The vendor accounts whose performance the actor may open: a vendor user's own accounts (one page and tile
    each), every vendor account for a buyer. Company selected, ordered by company and number."""
    return list(Vendor.objects.visible_to(actor).select_related("company").order_by("company__code", "number"))
