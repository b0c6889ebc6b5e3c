"""Invoices racing for the same received quantity on PostgreSQL, with real transactions and one connection per
thread: exactly one wins, the other gets a clear conflict, and nothing is ever invoiced beyond what was received.

Skipped on SQLite, whose database-wide write lock serialises the threads before the row locks under test are
ever reached.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection

from vendorcollab.common.errors import Conflict
from vendorcollab.invoicing import services
from vendorcollab.invoicing.models import Invoice, InvoiceStatus
from vendorcollab.purchasing.models import PurchaseOrder, PurchaseOrderLine
from vendorcollab.purchasing.tests.test_concurrency import race, split_outcomes

from .conftest import invoice_input, received_po

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are tested on PostgreSQL"),
]


def submit(actor, invoice):
    return lambda: services.invoice_submit(actor=actor, invoice=Invoice.objects.get(pk=invoice.pk))


def test_two_invoices_for_the_same_received_quantity_one_wins(cast):
    po = received_po(cast, quantities=("10", "10"), received=("10", "10"))
    # Both lines in opposite orders: the locks are taken in primary-key order whatever the invoice's order.
    first = services.invoice_create(actor=cast.vendor_a_user, data=invoice_input(po, (1, "7"), (2, "7"), number="A"))
    second = services.invoice_create(actor=cast.vendor_a_admin, data=invoice_input(po, (2, "7"), (1, "7"), number="B"))
    wins, losses = split_outcomes(race(submit(cast.vendor_a_user, first), submit(cast.vendor_a_admin, second)))
    assert len(wins) == 1 and len(losses) == 1
    assert isinstance(losses[0], Conflict) and losses[0].code == "over_invoiced"
    assert losses[0].status == 409
    lines = PurchaseOrderLine.objects.filter(purchase_order=po).order_by("line_number")
    assert [line.invoiced_quantity for line in lines] == [Decimal(7), Decimal(7)]
    assert Invoice.objects.filter(status=InvoiceStatus.DRAFT).count() == 1
    assert PurchaseOrder.objects.get(pk=po.pk).has_uninvoiced_receipts is True


def test_many_small_invoices_at_once_never_exceed_the_receipt(cast):
    po = received_po(cast, quantities=("10",), received=("10",))
    drafts = [
        services.invoice_create(actor=cast.vendor_a_user, data=invoice_input(po, (1, "3"), number=f"S-{index}"))
        for index in range(5)
    ]
    wins, losses = split_outcomes(race(*(submit(cast.vendor_a_user, draft) for draft in drafts)))
    assert (len(wins), len(losses)) == (3, 2)
    assert {loss.code for loss in losses} == {"over_invoiced"}
    assert PurchaseOrderLine.objects.get(purchase_order=po).invoiced_quantity == Decimal(9)
