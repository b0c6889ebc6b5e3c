"""Two faces invoicing the same received quantity at the same instant, on PostgreSQL: a vendor user submitting on the
invoice page and the vendor's ERP through the API. Exactly one wins; the other gets the conflict in its own face's
words (the page says so with 409, the API answers ``over_invoiced`` with 409), and nothing is over-invoiced.

The services' own race is ``test_concurrency``; this one proves that no face adds a path around the row locks (a
read before the lock, a second transaction). Skipped on SQLite, whose database-wide write lock serialises the
threads before the row locks under test are reached.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from vendorcollab.api.tests.helpers import ApiClient, error_of
from vendorcollab.invoicing import services
from vendorcollab.invoicing.models import Invoice, InvoiceStatus
from vendorcollab.purchasing.models import PurchaseOrderLine
from vendorcollab.purchasing.tests.test_concurrency import race

from .conftest import invoice_input, received_po

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are tested on PostgreSQL"),
]


def page_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_page_and_the_api_submitting_at_once_one_wins(cast):
    po = received_po(cast, quantities=("10",))
    on_page = services.invoice_create(actor=cast.vendor_a_user, data=invoice_input(po, (1, "7"), number="PAGE-1"))
    by_erp = services.invoice_create(actor=cast.vendor_a_admin, data=invoice_input(po, (1, "7"), number="ERP-1"))
    page, api = page_of(cast.vendor_a_user), ApiClient(Client(), cast.vendor_a_admin)

    page_answer, api_answer = race(
        lambda: page.post(reverse("vendor:invoice_submit", args=[on_page.pk]), {"confirmed": "1"}),
        lambda: api.post(f"/vendor/invoices/{by_erp.pk}/submit"),
    )

    assert sorted([page_answer.status_code, api_answer.status_code]) in ([200, 409], [302, 409])
    if api_answer.status_code == 409:
        error = error_of(api_answer)
        assert error["code"] == "over_invoiced" and error["fields"], error
        winner, loser = on_page, by_erp
    else:
        assert page_answer.status_code == 409
        # The page says what is left, beside the draft it kept.
        assert f"Only 3 of line 1 of purchase order {po.number}" in page_answer.content.decode()
        winner, loser = by_erp, on_page
    winner.refresh_from_db()
    loser.refresh_from_db()
    assert (winner.status, loser.status) == (InvoiceStatus.MATCHED, InvoiceStatus.DRAFT)
    assert PurchaseOrderLine.objects.get(purchase_order=po).invoiced_quantity == Decimal(7)


def test_the_erp_creating_and_submitting_at_once_loses_without_leaving_a_draft(cast):
    po = received_po(cast, quantities=("10",))
    on_page = services.invoice_create(actor=cast.vendor_a_user, data=invoice_input(po, (1, "7"), number="PAGE-1"))
    page, api = page_of(cast.vendor_a_user), ApiClient(Client(), cast.vendor_a_admin)
    body = {
        "vendor": cast.vendor_a.pk,
        "number": "ERP-2",
        "issue_date": timezone.localdate().isoformat(),
        "lines": [{"purchase_order": po.pk, "line_number": 1, "quantity": "7"}],
        "submit": True,
    }

    page_answer, api_answer = race(
        lambda: page.post(reverse("vendor:invoice_submit", args=[on_page.pk]), {"confirmed": "1"}),
        lambda: api.post("/vendor/invoices", body),
    )

    # The ERP loses with 409 when both reached the lock, and with 422 when the page had committed before the ERP's
    # lines were even checked (then there is nothing left to invoice, as for any later request): over_invoiced both.
    assert sorted([page_answer.status_code, api_answer.status_code]) in ([201, 409], [302, 409], [302, 422])
    if api_answer.status_code in (409, 422):
        assert error_of(api_answer)["code"] == "over_invoiced"
        # A finished invoice from an ERP is taken whole or not at all: no draft is left behind to clean up.
        assert not Invoice.objects.filter(number="ERP-2").exists()
        on_page.refresh_from_db()
        assert on_page.status == InvoiceStatus.MATCHED
    else:
        assert Invoice.objects.get(number="ERP-2").status == InvoiceStatus.MATCHED
        on_page.refresh_from_db()
        assert on_page.status == InvoiceStatus.DRAFT
    assert PurchaseOrderLine.objects.get(purchase_order=po).invoiced_quantity == Decimal(7)
