"""Kept counts (``common.counting.counted``): one list's count is never another's, under the same stamp.

A count is kept under what decides it (the table, the filters' joins, the WHERE clause and its parameters) rather
than the whole statement; each case below differs from another only in one of those, and must count its own rows.
"""

import uuid

from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.test.utils import CaptureQueriesContext

from vendorcollab.common.counting import counted
from vendorcollab.common.testing.factories import make_po
from vendorcollab.purchasing.models import POStatus, PurchaseOrder, PurchaseOrderLine


def _stamp():
    """One stamp for the whole test, new for each test: every count below shares it, as one page's lists do."""
    value = uuid.uuid4().hex
    return lambda: value


def test_lists_that_differ_only_in_a_filter_keep_their_own_counts(cast):
    for _ in range(3):
        make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:2], send=True)
    make_po(actor=cast.agent, vendor=cast.vendor_b, items=cast.items[:1], send=True)
    make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[2:3])  # a draft
    stamp = _stamp()
    pos = PurchaseOrder.objects.all()
    lines_of_item = PurchaseOrderLine.objects.filter(purchase_order=OuterRef("pk"), item=cast.items[2])
    cases = [
        (pos, 5),
        (pos.filter(vendor=cast.vendor_a), 4),  # a parameter
        (pos.filter(vendor=cast.vendor_b), 1),
        (pos.filter(status=POStatus.DRAFT), 1),  # another condition
        (pos.filter(Exists(lines_of_item)), 1),  # a subquery
        (pos.filter(lines__item=cast.items[0]), 4),  # a join
        (pos.filter(lines__item__in=cast.items[:2]), 7),  # a join that repeats POs: counted as rows
        (pos.filter(lines__item__in=cast.items[:2]).distinct(), 4),  # DISTINCT: the statement is the key
        (pos.order_by("pk")[:2], 2),  # a slice: the statement is the key
        (pos.filter(Q(pk__in=[])), 0),  # matches nothing
        # Ordering and columns do not change a count, and the same count is what they answer.
        (pos.filter(vendor=cast.vendor_a).order_by("-pk").select_related("vendor"), 4),
    ]
    for rows, expected in cases:
        assert counted(rows, stamp) == expected, rows.query
    # Asked again under the same stamp, each is kept: not one COUNT more, and still its own.
    with CaptureQueriesContext(connection) as queries:
        assert [counted(rows, stamp) for rows, _ in cases] == [expected for _, expected in cases]
    assert not any("COUNT(" in query["sql"].upper() for query in queries.captured_queries)


def test_a_new_stamp_counts_again(cast):
    make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    rows = PurchaseOrder.objects.filter(vendor=cast.vendor_a)
    stamp = _stamp()
    assert counted(rows, stamp) == 1
    make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    assert counted(rows, stamp) == 1  # the stamp did not move: kept
    assert counted(rows, _stamp()) == 2
