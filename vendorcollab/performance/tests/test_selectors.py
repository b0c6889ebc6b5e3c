"""The reads: the filter a face passes in, the ranking's orders and filters, who may see what, and query counts
that do not grow with the number of vendors or months."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from vendorcollab.common.errors import NotFound, PermissionRefused, ValidationFailed
from vendorcollab.common.testing.factories import CompanyFactory, VendorFactory, make_po
from vendorcollab.performance.errors import PerformanceErrorCode
from vendorcollab.performance.figures import PerformanceFilter, Period
from vendorcollab.performance.models import DeliveryFact, DueFact, ResponseFact
from vendorcollab.performance.rollups import roll_up
from vendorcollab.performance.selectors import (
    MAX_PERIOD_MONTHS,
    add_months,
    default_period,
    forget_kept_figures,
    parse_filter,
    performance_ranking,
    performance_ranking_with_totals,
    performance_totals,
    vendor_performance,
    vendors_with_performance,
)

pytestmark = pytest.mark.django_db

FEB, MAR, APR = date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)
FEB_TO_APR = PerformanceFilter(period=Period(start=FEB, end=APR))
TODAY = date(2026, 12, 6)


# --------------------------------------------------------------------------------------------------- the filter


def test_the_default_period_is_the_twelve_months_up_to_this_one():
    assert default_period(TODAY) == Period(date(2026, 1, 1), date(2026, 12, 1))
    assert default_period(date(2026, 3, 31)) == Period(date(2025, 4, 1), date(2026, 3, 1))
    assert parse_filter({}, today=TODAY) == PerformanceFilter(period=default_period(TODAY))


def test_add_months_crosses_years():
    assert add_months(date(2026, 1, 1), -1) == date(2025, 12, 1)
    assert add_months(date(2025, 12, 1), 14) == date(2027, 2, 1)


def test_a_filter_from_the_query_string(cast):
    flt = parse_filter(
        {"from": "2026-02", "to": "2026-04", "company": str(cast.company.pk), "item": str(cast.items[0].pk)},
        today=TODAY,
    )
    assert flt == PerformanceFilter(period=FEB_TO_APR.period, company_id=cast.company.pk, item_id=cast.items[0].pk)
    # One end given: the other follows, twelve months back, or up to this month.
    assert parse_filter({"to": "2026-04"}, today=TODAY).period == Period(date(2025, 5, 1), APR)
    assert parse_filter({"from": "2026-02", "company": ""}, today=TODAY).period == Period(FEB, date(2026, 12, 1))


@pytest.mark.parametrize(
    ("params", "field", "code"),
    [
        ({"from": "2026-13"}, "from", PerformanceErrorCode.PERIOD_INVALID),
        ({"to": "March"}, "to", PerformanceErrorCode.PERIOD_INVALID),
        ({"from": "2026-3"}, "from", PerformanceErrorCode.PERIOD_INVALID),
        ({"from": "2026-04", "to": "2026-02"}, "to", PerformanceErrorCode.PERIOD_ENDS_BEFORE_START),
        ({"from": "2020-01", "to": "2026-02"}, "from", PerformanceErrorCode.PERIOD_TOO_LONG),
        ({"company": "x1"}, "company", PerformanceErrorCode.COMPANY_INVALID),
        ({"company": "999999"}, "company", PerformanceErrorCode.COMPANY_INVALID),
        ({"item": "-4"}, "item", PerformanceErrorCode.ITEM_INVALID),
    ],
)
def test_nonsense_is_refused_beside_its_field(cast, params, field, code):
    with pytest.raises(ValidationFailed) as refused:
        parse_filter(params, today=TODAY)
    assert refused.value.code == code
    assert list(refused.value.fields) == [field]


def test_the_longest_period_is_accepted():
    flt = parse_filter({"from": "2024-01", "to": "2026-12"}, today=TODAY)
    assert (flt.period.end.year - flt.period.start.year) * 12 + flt.period.end.month - flt.period.start.month + 1 == (
        MAX_PERIOD_MONTHS
    )


def test_every_wrong_field_at_once(cast):
    with pytest.raises(ValidationFailed) as refused:
        parse_filter({"from": "x", "to": "y", "item": "z"}, today=TODAY)
    assert refused.value.field_codes == {
        "from": PerformanceErrorCode.PERIOD_INVALID,
        "to": PerformanceErrorCode.PERIOD_INVALID,
        "item": PerformanceErrorCode.ITEM_INVALID,
    }


# -------------------------------------------------------------------------------------------------- the ranking


@pytest.fixture
def ranked(history, clock):
    clock.set("2026-06-01T12:00")
    return history


@pytest.mark.parametrize(
    ("order", "vendors"),
    [
        # A 66.7 % on time, B 0 %; A 92 % accurate, B 100 %; medians A 19 h, B 1 h; with changes A 50 %, B 0 %.
        ("on_time", ["V-A", "V-B"]),
        ("accuracy", ["V-B", "V-A"]),
        ("response", ["V-B", "V-A"]),
        ("changes", ["V-B", "V-A"]),
        ("vendor", ["V-A", "V-B"]),
    ],
)
def test_the_ranking_orders(ranked, cast, order, vendors):
    assert [row.vendor_number for row in performance_ranking(cast.agent, FEB_TO_APR, order=order)] == vendors


def test_an_unknown_order_is_refused(ranked, cast):
    with pytest.raises(ValidationFailed) as refused:
        performance_ranking(cast.agent, FEB_TO_APR, order="name; drop table")
    assert refused.value.code == PerformanceErrorCode.ORDER_INVALID


def test_only_vendors_with_a_figure_in_the_period_are_ranked(ranked, cast):
    # Vendor A answered in February; B only from March on: in February only A has figures at all.
    february = PerformanceFilter(period=Period(FEB, FEB))
    assert [row.vendor_number for row in performance_ranking(cast.agent, february, order="response")] == ["V-A"]
    # In April A delivered (100 % on time) and B did nothing: B is not ranked.
    april = PerformanceFilter(period=Period(APR, APR))
    assert [row.vendor_number for row in performance_ranking(cast.agent, april)] == ["V-A"]


def test_a_vendor_without_the_ordered_figure_comes_last(ranked, cast):
    # Vendor C delivered in March but never answered: no response time to rank it by.
    vendor_c = VendorFactory(company=cast.company, number="V-0C")
    po = make_po(actor=cast.agent, vendor=vendor_c, items=cast.items[:1])
    DeliveryFact.objects.create(
        purchase_order=po,
        vendor=vendor_c,
        company=cast.company,
        month=MAR,
        line_number=1,
        received_date=date(2026, 3, 5),
        due_date=date(2026, 3, 5),
        days_late=0,
        quantity=10,
    )
    roll_up(vendor_c.pk, [MAR])
    march = PerformanceFilter(period=Period(MAR, MAR))
    # Medians in March: B 1 h, A 15 h, C none. On time: C 100 %, A 5 of 8, B 0 %.
    assert [row.vendor_number for row in performance_ranking(cast.agent, march, order="response")] == [
        "V-B",
        "V-A",
        "V-0C",
    ]
    assert [row.vendor_number for row in performance_ranking(cast.agent, march)] == ["V-0C", "V-A", "V-B"]


def test_the_company_filter(ranked, cast):
    other = CompanyFactory(code="BE01")
    assert performance_ranking(cast.agent, PerformanceFilter(FEB_TO_APR.period, company_id=other.pk)) == []
    rows = performance_ranking(cast.agent, PerformanceFilter(FEB_TO_APR.period, company_id=cast.company.pk))
    assert [(row.vendor_number, row.company_code) for row in rows] == [("V-A", "NL01"), ("V-B", "NL01")]


def test_the_item_filter(ranked, cast):
    # Built figures are kept per period and stamp (``_built``), never for an item: each item its own, and the
    # whole period's after them, as they were before.
    whole, _ = performance_ranking_with_totals(cast.agent, PerformanceFilter(FEB_TO_APR.period))
    assert performance_ranking_with_totals(cast.agent, PerformanceFilter(FEB_TO_APR.period, item_id=cast.items[0].pk))
    # Item 2 is on PO2 (its cancelled line) and PO3 only: PO2's answer (48 h), PO3's delivery and due line.
    [row] = performance_ranking(cast.agent, PerformanceFilter(FEB_TO_APR.period, item_id=cast.items[2].pk))
    figures = row.figures
    assert (row.vendor_number, figures.responses, figures.response_median_hours) == ("V-A", 1, Decimal("48.0"))
    assert (figures.deliveries, figures.on_time, figures.lines_due, figures.quantity_confirmed) == (1, 1, 1, 6)
    assert performance_ranking_with_totals(cast.agent, PerformanceFilter(FEB_TO_APR.period))[0] == whole


def test_the_period_filter(ranked, cast):
    [a, b] = performance_ranking(cast.agent, PerformanceFilter(Period(MAR, MAR)), order="vendor")
    # A in March: answers PO4 (28 h) and PO5 (2 h); 8 deliveries, 5 on time.
    assert (a.figures.responses, a.figures.response_median_hours, a.figures.deliveries) == (2, Decimal("15.0"), 8)
    assert (b.figures.responses, b.figures.deliveries) == (1, 1)


# -------------------------------------------------------------------------------------------------- who sees what


def test_a_vendor_user_sees_its_own_figures_as_the_buyer_does(ranked, cast):
    own = vendor_performance(cast.vendor_a_user, cast.vendor_a.pk, FEB_TO_APR)
    assert own == vendor_performance(cast.agent, cast.vendor_a.pk, FEB_TO_APR)
    assert own.total.responses == 4


def test_another_vendor_gets_not_found(ranked, cast):
    with pytest.raises(NotFound):
        vendor_performance(cast.vendor_b_user, cast.vendor_a.pk, FEB_TO_APR)
    with pytest.raises(NotFound):
        vendor_performance(cast.agent, 999_999, FEB_TO_APR)


def test_vendor_users_get_no_ranking_nor_totals(ranked, cast):
    for actor in (cast.vendor_a_user, cast.vendor_a_admin):
        with pytest.raises(PermissionRefused):
            performance_ranking(actor, FEB_TO_APR)
        with pytest.raises(PermissionRefused):
            performance_totals(actor, FEB_TO_APR)


def test_every_buyer_role_sees_the_ranking(ranked, cast):
    for actor in (cast.admin, cast.agent, cast.clerk):
        assert len(performance_ranking(actor, FEB_TO_APR)) == 2


def test_vendors_with_performance(cast):
    assert vendors_with_performance(cast.vendor_a_user) == [cast.vendor_a]
    assert vendors_with_performance(cast.vendor_b_user) == [cast.vendor_b]
    assert vendors_with_performance(cast.agent) == [cast.vendor_a, cast.vendor_b]


# ------------------------------------------------------------------------------------------------ query counts


def add_vendors_with_facts(cast, count):
    """``count`` more vendor accounts, each with one answer, one due line and one delivery in March."""
    for _ in range(count):
        vendor = VendorFactory(company=cast.company)
        po = make_po(actor=cast.agent, vendor=vendor, items=cast.items[:1])
        common = {"purchase_order": po, "vendor": vendor, "company": cast.company, "month": MAR}
        moment = "2026-03-02T10:00Z"
        ResponseFact.objects.create(
            **common, version_number=1, sent_at=moment, answered_at=moment, seconds=3600, kind="accepted", lines=1
        )
        DueFact.objects.create(
            **common, line_number=1, due_date=date(2026, 3, 5), confirmed_quantity=10, received_quantity=10
        )
        DeliveryFact.objects.create(
            **common, line_number=1, received_date=date(2026, 3, 5), due_date=date(2026, 3, 5), days_late=0, quantity=10
        )
        roll_up(vendor.pk, [MAR])


def count_queries(function):
    with CaptureQueriesContext(connection) as queries:
        function()
    return len(queries)


def test_the_ranking_takes_the_same_queries_for_2_or_12_vendors(cast):
    def ranking():
        performance_ranking(cast.agent, PerformanceFilter(Period(MAR, MAR)))
        performance_totals(cast.agent, PerformanceFilter(Period(MAR, MAR)))

    add_vendors_with_facts(cast, 2)
    few = count_queries(ranking)
    add_vendors_with_facts(cast, 10)
    assert len(performance_ranking(cast.agent, PerformanceFilter(Period(MAR, MAR)))) == 12
    forget_kept_figures()  # cold, as the first count: the figures are kept per stamp
    assert count_queries(ranking) == few
    # The ranking: the figures' stamp (the vendor months' last change, their number, the tolerances), the vendor
    # months, whether any company has a tolerance wider than the months keep (none here, so no facts are read for
    # it), the answers' percentiles (each vendor's and all together, in one statement), the vendors; the totals all
    # but the vendors and the percentiles, kept with the ranking's. (March is not the current month: no due lines of
    # this month to read from the facts.)
    assert few == 12
    # The ranking page's pair, cold: one stamp and the ranking; the percentiles of all answers together came with it.
    forget_kept_figures()
    flt = PerformanceFilter(Period(MAR, MAR))
    assert count_queries(lambda: performance_ranking_with_totals(cast.agent, flt)) == 7
    # Paged or sorted again over the same figures: the stamp and the vendors' names.
    assert count_queries(lambda: performance_ranking_with_totals(cast.agent, flt, order="vendor")) == 4


def test_kept_ranking_figures_follow_every_refresh(cast):
    """The figures are kept per process under their stamp: a refresh that adds a vendor's facts, or a changed
    tolerance, is a new stamp, and the next ranking shows it."""
    flt = PerformanceFilter(Period(MAR, MAR))
    add_vendors_with_facts(cast, 2)
    rows, totals = performance_ranking_with_totals(cast.agent, flt)
    assert len(rows) == 2
    add_vendors_with_facts(cast, 1)
    rows, more = performance_ranking_with_totals(cast.agent, flt)
    assert len(rows) == 3 and more.responses > totals.responses
    assert more == performance_totals(cast.agent, flt)


def test_the_ranking_by_item_reads_the_facts_in_a_constant_number_of_queries(cast):
    flt = PerformanceFilter(Period(MAR, MAR), item_id=cast.items[0].pk)
    add_vendors_with_facts(cast, 2)
    few = count_queries(lambda: performance_ranking(cast.agent, flt))
    add_vendors_with_facts(cast, 5)
    assert count_queries(lambda: performance_ranking(cast.agent, flt)) == few == 5


def test_one_vendors_page_takes_the_same_queries_for_3_or_36_months(cast):
    add_vendors_with_facts(cast, 1)
    vendor = ResponseFact.objects.get().vendor_id

    def page(months):
        flt = PerformanceFilter(Period(add_months(MAR, 1 - months), MAR))
        return count_queries(lambda: vendor_performance(cast.agent, vendor, flt))

    # The account's visibility, the figures' stamp (2), then the facts; the same filter again: the kept figures.
    assert page(3) == page(36) == 13
    assert page(36) == 3


def test_one_vendors_kept_figures_follow_a_changed_tolerance_and_the_readers_language(cast):
    from django.utils import translation

    from vendorcollab.performance.selectors import _vendor_performance

    add_vendors_with_facts(cast, 1)
    vendor = ResponseFact.objects.get().vendor_id
    # Its delivery two days late: late without tolerance, on time with three days.
    DeliveryFact.objects.filter(vendor_id=vendor).update(received_date=date(2026, 3, 7), days_late=2)
    roll_up(vendor, [MAR])
    cast.company.delivery_tolerance_days = 0
    cast.company.save(update_fields=["delivery_tolerance_days"])
    flt = PerformanceFilter(Period(add_months(MAR, -11), MAR))
    with translation.override("en"):
        english = vendor_performance(cast.agent, vendor, flt)
    with translation.override("nl"):
        dutch = vendor_performance(cast.agent, vendor, flt)
    assert english.response_time_distribution[0].label != dutch.response_time_distribution[0].label
    assert (english.total.on_time, english.total.late) == (0, 1)
    cast.company.delivery_tolerance_days = 3
    cast.company.save(update_fields=["delivery_tolerance_days"])
    with translation.override("en"):
        kept = vendor_performance(cast.agent, vendor, flt)
        assert kept == _vendor_performance(vendor, flt)
    assert (kept.total.on_time, kept.total.late) == (1, 0)
