"""The percentile aggregate: percentile_cont's definition, computed by the database in grouped queries (SQLite's
Python aggregate, or PostgreSQL's own function when the module runs with DATABASE_URL)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from vendorcollab.common.testing.factories import VendorFactory, make_po
from vendorcollab.performance.aggregates import Percentile, percentile_cont, percentiles_per_group_and_overall
from vendorcollab.performance.errors import MESSAGES
from vendorcollab.performance.models import ResponseFact


@pytest.mark.parametrize(
    ("values", "fraction", "expected"),
    [
        ([], 0.5, None),
        ([7], 0.9, 7),
        ([1, 2, 3, 4], 0.5, 2.5),
        ([10, 20], 0.9, 19),
        ([40, 10, 30, 20], 0.9, 37),  # unsorted input: sorted 10..40, position 2.7
        ([5, 5, 5], 0.1, 5),
        ([0, 100], 0, 0),
        ([0, 100], 1, 100),
    ],
)
def test_the_definition(values, fraction, expected):
    result = percentile_cont(values, fraction)
    assert result is None if expected is None else result == pytest.approx(expected)


def test_a_fraction_outside_0_and_1_is_a_programming_error():
    with pytest.raises(ValueError):
        Percentile("seconds", 1.5)


def answered_in_march(cast, seconds, month=date(2026, 3, 1)):
    """Answer facts: for each vendor, one per response time in seconds."""
    for vendor, values in seconds.items():
        po = make_po(actor=cast.agent, vendor=vendor, items=cast.items[:1])
        for value in values:
            ResponseFact.objects.create(
                purchase_order=po,
                vendor=vendor,
                company=cast.company,
                month=month,
                version_number=1,
                sent_at="2026-03-01T08:00Z",
                answered_at="2026-03-01T09:00Z",
                seconds=value,
                kind="accepted",
            )


@pytest.mark.django_db
def test_grouped_by_the_database(cast):
    """One grouped query gives every vendor its own median and 90th percentile; a vendor with no rows none."""
    answered_in_march(cast, {cast.vendor_a: [3600, 7200, 10800, 36000], cast.vendor_b: [60]})
    VendorFactory(company=cast.company)  # no answers at all
    rows = {
        row["vendor_id"]: row
        for row in ResponseFact.objects.order_by()
        .values("vendor_id")
        .annotate(n=Count("id"), median=Percentile("seconds", 0.5), p90=Percentile("seconds", 0.9))
    }
    assert rows.keys() == {cast.vendor_a.pk, cast.vendor_b.pk}
    # A: 3600, 7200, 10800, 36000: median 9000; 90th at 2.7: 10800 + 0.7 x 25200 = 28440.
    assert (rows[cast.vendor_a.pk]["median"], rows[cast.vendor_a.pk]["p90"]) == pytest.approx((9000, 28440))
    assert (rows[cast.vendor_b.pk]["median"], rows[cast.vendor_b.pk]["p90"]) == pytest.approx((60, 60))
    empty = ResponseFact.objects.filter(seconds__gt=10**9).aggregate(median=Percentile("seconds", 0.5))
    assert empty == {"median": None}


def test_every_error_message_has_dutch_text():
    with translation.override("nl"):
        dutch = {code: str(message) for code, message in MESSAGES.items()}
    with translation.override("en"):
        english = {code: str(message) for code, message in MESSAGES.items()}
    assert [code for code in MESSAGES if dutch[code] == english[code]] == []


@pytest.mark.django_db
def test_every_group_and_all_rows_together_in_one_statement(cast):
    """The ranking's percentiles: each vendor's and every answer's together, the queryset's filter applied."""
    seconds = {cast.vendor_a: [3600, 7200, 10800, 36000], cast.vendor_b: [60, 600]}
    answered_in_march(cast, seconds)
    answered_in_march(cast, {cast.vendor_b: [10**6]}, month=date(2026, 4, 1))  # outside the filter
    march = ResponseFact.objects.filter(month=date(2026, 3, 1)).order_by("-seconds")
    fractions = {"median": 0.5, "p90": 0.9}
    with CaptureQueriesContext(connection) as statements:
        found = percentiles_per_group_and_overall(march, "vendor_id", "seconds", fractions)
    assert len(statements) == 1
    assert found.keys() == {cast.vendor_a.pk, cast.vendor_b.pk, None}
    assert (found[cast.vendor_a.pk]["median"], found[cast.vendor_a.pk]["p90"]) == pytest.approx((9000, 28440))
    assert (found[cast.vendor_b.pk]["median"], found[cast.vendor_b.pk]["p90"]) == pytest.approx((330, 546))
    everyone = [value for values in seconds.values() for value in values]
    assert found[None] == pytest.approx({name: percentile_cont(everyone, share) for name, share in fractions.items()})
    # Nothing kept by the filter: no group, and all together without a percentile.
    nothing = ResponseFact.objects.filter(seconds__gt=10**7)
    assert percentiles_per_group_and_overall(nothing, "vendor_id", "seconds", fractions) == {
        None: {"median": None, "p90": None}
    }
