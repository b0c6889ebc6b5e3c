"""The vendor months give the ranking and the totals exactly the figures the facts give, whatever the period, the
company filter, the current month (whose due lines count only once their date has passed) or the tolerance."""

from __future__ import annotations

from datetime import date

import pytest

from vendorcollab.performance import selectors
from vendorcollab.performance.figures import PerformanceFilter, Period
from vendorcollab.performance.models import VendorMonth

pytestmark = pytest.mark.django_db

PERIODS = [
    Period(date(2026, 2, 1), date(2026, 4, 1)),
    Period(date(2026, 3, 1), date(2026, 3, 1)),
    Period(date(2026, 1, 1), date(2026, 12, 1)),
    Period(date(2026, 4, 1), date(2026, 9, 1)),
]


def figures_from_the_facts(flt):
    querysets = selectors._fact_querysets(flt)
    grouped = selectors._grouped(querysets, "vendor_id")
    return {vendor: selectors._figures(values) for vendor, values in grouped.items()}, selectors._figures(
        selectors._totals(querysets)
    )


def assert_same_figures(actor, flt):
    by_vendor, totals = figures_from_the_facts(flt)
    ranking = selectors.performance_ranking(actor, flt)
    assert {row.vendor_id: row.figures for row in ranking} == by_vendor
    assert selectors.performance_totals(actor, flt) == totals
    # The ranking page's totals are the vendors' rows added up, with the percentiles of all answers together.
    rows, added_up = selectors.performance_ranking_with_totals(actor, flt)
    assert rows == ranking and added_up == totals


@pytest.mark.parametrize("now", ["2026-03-15T12:00", "2026-06-01T12:00"])
def test_the_vendor_months_equal_the_facts(history, clock, cast, now):
    # On 15 March, March is the current month: PO2's and PO1's first split line are due, PO1's other lines not yet.
    clock.set(now)
    for period in PERIODS:
        assert_same_figures(cast.agent, PerformanceFilter(period=period))
        assert_same_figures(cast.agent, PerformanceFilter(period=period, company_id=cast.company.pk))


def test_a_changed_tolerance_applies_to_the_vendor_months_at_once(history, clock, cast):
    clock.set("2026-06-01T12:00")
    cast.company.delivery_tolerance_days = 0
    cast.company.save()
    flt = PerformanceFilter(period=PERIODS[0])
    assert_same_figures(cast.agent, flt)
    [a] = [row for row in selectors.performance_ranking(cast.agent, flt) if row.vendor_number == "V-A"]
    # Without tolerance only the two deliveries on the day itself are on time (PO1 line 1, PO3); +1 and -1 not.
    assert (a.figures.on_time, a.figures.early, a.figures.late) == (2, 4, 3)


def test_a_tolerance_wider_than_the_months_keep_is_read_from_the_facts(history, clock, cast):
    clock.set("2026-06-01T12:00")
    cast.company.delivery_tolerance_days = 10
    cast.company.save()
    flt = PerformanceFilter(period=PERIODS[0])
    assert_same_figures(cast.agent, flt)
    [a, b] = selectors.performance_ranking(cast.agent, flt, order="vendor")
    # Within 10 days either side: every delivery of A (-8 … +9), and B's 10 days late.
    assert (a.figures.deliveries, a.figures.on_time, b.figures.on_time) == (9, 9, 1)


def test_a_vendor_month_keeps_its_on_time_counts_per_tolerance(history, cast):
    march = VendorMonth.objects.get(vendor=cast.vendor_a, month=date(2026, 3, 1))
    # March's deliveries of A, days late: PO1 0, +3, -8, +9, +1; PO2 -1, -1; PO3 0.
    assert march.deliveries == 8
    on_time = [getattr(march, f"on_time_{days}") for days in range(8)]
    early = [getattr(march, f"early_{days}") for days in range(8)]
    assert on_time == [2, 5, 5, 6, 6, 6, 6, 6]
    assert early == [3, 1, 1, 1, 1, 1, 1, 1]
    assert (march.responses, march.rejected, march.accepted) == (2, 1, 1)
