"""Refreshes of several POs of one vendor at the same moment (their tasks run in parallel workers) still sum the
vendor's month from all their facts: the vendor's row lock serialises the sums. Meaningful on PostgreSQL (run with
DATABASE_URL); SQLite's immediate transactions serialise them anyway."""

from __future__ import annotations

import pytest
from django.db.models import Sum

from vendorcollab.common.testing.factories import make_po
from vendorcollab.performance.models import DueFact, ResponseFact, VendorMonth
from vendorcollab.performance.services import refresh_purchase_order
from vendorcollab.purchasing.services import po_confirm
from vendorcollab.purchasing.tests.test_concurrency import race

pytestmark = pytest.mark.django_db(transaction=True)


def test_racing_refreshes_of_one_vendor_sum_every_po(cast):
    pos = []
    for _ in range(4):
        po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
        pos.append(po_confirm(actor=cast.agent, purchase_order=po, without_response=True))
    # The facts as a fresh deployment has them: none, until each PO's task runs.
    for model in (ResponseFact, DueFact, VendorMonth):
        model.objects.all().delete()

    results = race(*[lambda po=po: refresh_purchase_order(po.pk) for po in pos])

    assert results == [None] * 4
    assert DueFact.objects.count() == 4
    summed = VendorMonth.objects.filter(vendor=cast.vendor_a).aggregate(lines=Sum("lines_due"))
    assert summed == {"lines": 4}
