"""Vendor performance against figures computed by hand from the history of ``conftest`` (read its docstring first).

Every figure here is worked out in the comments beside it. The module runs on SQLite and, with DATABASE_URL, on
PostgreSQL: the same history gives the same figures (the percentiles are SQLite's Python aggregate on one and
PostgreSQL's own percentile_cont on the other).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from vendorcollab.performance.figures import Figures, PerformanceFilter, Period
from vendorcollab.performance.models import DeliveryFact, DueFact, ResponseFact
from vendorcollab.performance.selectors import performance_ranking, performance_totals, vendor_performance

FEB, MAR, APR = date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)
FEB_TO_APR = PerformanceFilter(period=Period(start=FEB, end=APR))

pytestmark = pytest.mark.django_db


@pytest.fixture
def after_the_history(history, clock):
    """Read the figures in June, when everything of the history is due."""
    clock.set("2026-06-01T12:00")
    return history


def test_answers_response_times_and_changed_lines(after_the_history, cast):
    figures = vendor_performance(cast.agent, cast.vendor_a.pk, FEB_TO_APR).total
    # Answers of vendor A: PO1 10 h, PO2 48 h, PO4 28 h, PO5 2 h; PO3 was confirmed without one.
    assert figures.responses == 4
    # Sorted 2, 10, 28, 48: the median is between 10 and 28 = 19; the 90th percentile is at position 0.9 x 3 = 2.7,
    # 28 + 0.7 x (48 - 28) = 42.
    assert figures.response_median_hours == Decimal("19.0")
    assert figures.response_p90_hours == Decimal("42.0")
    # PO5 accepted; PO1 and PO2 with changes; PO4 rejected.
    assert (figures.accepted, figures.accepted_with_changes, figures.rejected) == (1, 2, 1)
    assert (figures.accepted_share, figures.changed_share, figures.rejected_share) == (
        Decimal("25.0"),
        Decimal("50.0"),
        Decimal("25.0"),
    )
    # Lines answered: PO1 2 + PO2 3 + PO4 1 + PO5 1 = 7. PO1 line 1 changed quantity and date (counts in both),
    # PO1 line 2 split, PO2 line 3 substituted; rejected: PO2 line 2 and PO4's line.
    assert figures.lines_answered == 7
    assert (figures.lines_quantity_changed, figures.lines_date_changed) == (1, 1)
    assert (figures.lines_split, figures.lines_substituted, figures.lines_rejected) == (1, 1, 2)


def test_deliveries_on_time_early_and_late_within_the_tolerance(after_the_history, cast):
    figures = vendor_performance(cast.agent, cast.vendor_a.pk, FEB_TO_APR).total
    # Tolerance 2 days either side. Receipts set against the confirmed dates they fill (days late):
    #   PO1 12 March: line 1 5 against 12 March (0, on time); line 2 15 fills 12 due 9 March (+3, late) and
    #       3 of the 8 due 20 March (-8, early).
    #   PO1 21 March: line 1 3 against 12 March (+9, late); line 2 5, the rest due 20 March (+1, on time).
    #   PO2 4 March: line 1 6 and line 3 4, both due 5 March (-1, on time).
    #   PO3 15 March: 6 due 15 March (0, on time).   PO5 9 April: 2 due 10 April (-1, on time).
    assert figures.deliveries == 9
    assert (figures.on_time, figures.early, figures.late) == (6, 1, 2)
    assert figures.on_time_share == Decimal("66.7")
    assert (figures.early_share, figures.late_share) == (Decimal("11.1"), Decimal("22.2"))


def test_quantity_accuracy_over_the_confirmed_lines(after_the_history, cast):
    figures = vendor_performance(cast.agent, cast.vendor_a.pk, FEB_TO_APR).total
    # Due (confirmed / received): PO1 line 1 8/8, split 12/12 and 8/8; PO2 line 1 10/6, line 3 4/4 (line 2 was
    # rejected and cancelled: not due); PO3 6/6; PO5 2/2. PO4 was never confirmed.
    assert figures.lines_due == 7
    assert figures.lines_in_full == 6
    assert figures.quantity_confirmed == Decimal(50)
    assert figures.quantity_received == Decimal(46)
    assert figures.quantity_accuracy == Decimal("92.0")


def test_a_line_due_after_today_is_not_yet_a_miss(history, clock, cast):
    clock.set("2026-04-09T18:00")  # PO5's 2 are received today, but due only tomorrow
    figures = vendor_performance(cast.agent, cast.vendor_a.pk, FEB_TO_APR).total
    assert (figures.lines_due, figures.quantity_confirmed, figures.quantity_received) == (6, 48, 44)
    assert figures.deliveries == 9  # what arrived counts the day it arrived


def test_the_months_count_in_amsterdam_time(after_the_history, cast):
    january = date(2026, 1, 1)
    performance = vendor_performance(cast.agent, cast.vendor_a.pk, PerformanceFilter(Period(january, APR)))
    months = dict(performance.months)
    # Every month of the period, oldest first; January had nothing at all.
    assert list(months) == [january, FEB, MAR, APR]
    assert months[january] == Figures()
    # February: PO1 10 h and PO2 48 h: median 29, 90th percentile 10 + 0.9 x 38 = 44.2. PO4's rejection at
    # 23:30 UTC on 28 February is 00:30 on 1 March in Amsterdam: March, with PO5's 2 h.
    assert (months[FEB].responses, months[FEB].response_median_hours, months[FEB].response_p90_hours) == (
        2,
        Decimal("29.0"),
        Decimal("44.2"),
    )
    assert (months[MAR].responses, months[MAR].rejected, months[MAR].accepted) == (2, 1, 1)
    # March: 15 = (2 + 28) / 2; 90th: 2 + 0.9 x 26 = 25.4.
    assert (months[MAR].response_median_hours, months[MAR].response_p90_hours) == (Decimal("15.0"), Decimal("25.4"))
    # Deliveries in the month received: 8 in March, PO5's in April; nothing in February.
    assert (months[FEB].deliveries, months[MAR].deliveries, months[APR].deliveries) == (0, 8, 1)
    assert (months[MAR].on_time, months[MAR].early, months[MAR].late) == (5, 1, 2)
    # Accuracy in the month due: everything but PO5 in March (48 confirmed, 44 received), PO5 in April.
    assert (months[MAR].quantity_confirmed, months[MAR].quantity_received) == (48, 44)
    assert (months[APR].lines_due, months[APR].quantity_accuracy) == (1, Decimal("100.0"))


def test_the_distributions(after_the_history, cast):
    performance = vendor_performance(cast.agent, cast.vendor_a.pk, FEB_TO_APR)
    # Response times 2 h; 10 h; 28 h; 48 h (48 is the start of "2 to 5 days").
    assert [bucket.count for bucket in performance.response_time_distribution] == [1, 1, 1, 1, 0]
    # Days late: -8; -1, -1, -1; 0, 0; +1; +3; +9.
    assert [bucket.count for bucket in performance.delivery_days_distribution] == [1, 0, 3, 2, 1, 1, 1]
    assert [(bucket.low, bucket.high) for bucket in performance.delivery_days_distribution][3] == (0, 0)


def test_the_facts_behind_the_figures(after_the_history):
    """The edge cases, row by row: what the figures above are sums of."""
    history = after_the_history
    # A PO confirmed without a response has no answer, but its deliveries and due lines count.
    assert not ResponseFact.objects.filter(purchase_order=history.po3).exists()
    assert DeliveryFact.objects.filter(purchase_order=history.po3).count() == 1
    # The split: two due dates, each filled earliest first by the receipts in two parts.
    split = DueFact.objects.filter(purchase_order=history.po1, line_number=2).order_by("due_date")
    assert [(fact.due_date, fact.confirmed_quantity, fact.received_quantity) for fact in split] == [
        (date(2026, 3, 9), 12, 12),
        (date(2026, 3, 20), 8, 8),
    ]
    deliveries = DeliveryFact.objects.filter(purchase_order=history.po1, line_number=2).order_by("received_date", "id")
    assert [(fact.received_date.day, fact.quantity, fact.days_late) for fact in deliveries] == [
        (12, 12, 3),
        (12, 3, -8),
        (21, 5, 1),
    ]
    # The cancelled line is not due at all; the rejected PO has nothing due.
    assert not DueFact.objects.filter(purchase_order=history.po2, line_number=2).exists()
    assert not DueFact.objects.filter(purchase_order=history.po4).exists()


def test_the_ranking_and_the_totals(after_the_history, cast):
    rows = performance_ranking(cast.agent, FEB_TO_APR)
    # Vendor A 66.7 % on time; vendor B received its 5 ten days late: 0 %.
    assert [(row.vendor_number, row.figures.on_time_share) for row in rows] == [
        ("V-A", Decimal("66.7")),
        ("V-B", Decimal("0.0")),
    ]
    vendor_b = rows[1].figures
    assert (vendor_b.responses, vendor_b.response_median_hours, vendor_b.response_p90_hours) == (
        1,
        Decimal("1.0"),
        Decimal("1.0"),
    )
    assert (vendor_b.late, vendor_b.quantity_accuracy) == (1, Decimal("100.0"))
    totals = performance_totals(cast.agent, FEB_TO_APR)
    # Both together: answers 1, 2, 10, 28, 48 h: median 10, 90th 28 + 0.6 x 20 = 40; deliveries 9 + 1.
    assert (totals.responses, totals.response_median_hours, totals.response_p90_hours) == (
        5,
        Decimal("10.0"),
        Decimal("40.0"),
    )
    assert (totals.deliveries, totals.on_time, totals.quantity_confirmed, totals.quantity_received) == (10, 6, 55, 51)
