"""The receiving clerk's workspace: where a clerk lands, what is listed (open POs, overdue first), the tiles, search
and company filter, roles, and a query count that does not grow with the rows."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from vendorcollab.common.testing.factories import CompanyFactory, ItemFactory, VendorFactory, make_po
from vendorcollab.purchasing.models import PurchaseOrderLine
from vendorcollab.purchasing.receiving_selectors import week_end
from vendorcollab.purchasing.services import ReceiptLineInput, po_confirm, receipt_post

URL = reverse("buyer:receiving")


def confirmed_due(cast, days, *, vendor=None, items=None):
    """A confirmed PO whose lines are due ``days`` from today (set after confirmation: a past date is refused on
    entry, but a delivery can of course become overdue)."""
    po = make_po(actor=cast.agent, vendor=vendor or cast.vendor_a, items=items or cast.items[:2], send=True)
    po = po_confirm(actor=cast.agent, purchase_order=po, without_response=True)
    PurchaseOrderLine.objects.filter(purchase_order=po).update(delivery_date=timezone.localdate() + timedelta(days))
    return po


def listed(response):
    """The PO numbers in the table, top to bottom."""
    return re.findall(r'/purchase-orders/\d+/receipts/">(PO-[0-9]+)', response.content.decode())


def tiles(response):
    page = response.content.decode()
    return {
        due: int(count)
        for due, count in re.findall(r'data-due="([a-z_]+)"[^>]*>\s*<span class="tile-count">(\d+)<', page)
    }


@pytest.mark.parametrize(
    ("user", "lands_on"),
    [("clerk", "buyer:receiving"), ("agent", "buyer:workspace"), ("admin", "buyer:workspace")],
)
def test_where_each_buyer_lands_after_sign_in_and_on_the_home_link(client, cast, user, lands_on):
    client.force_login(getattr(cast, user))
    assert client.get(reverse("home"))["Location"] == reverse(lands_on)


def test_the_clerk_is_not_shown_the_agents_workspace(client, cast):
    client.force_login(cast.clerk)
    response = client.get(reverse("buyer:workspace"))
    assert response.status_code == 302 and response["Location"] == URL
    page = client.get(URL).content.decode()
    assert "Purchase order preparation" not in page  # not in the menu either
    assert f'href="{URL}" aria-current="page"' in page


def test_open_pos_are_listed_overdue_first_with_open_quantity_and_date(client, cast):
    later = confirmed_due(cast, 20)
    overdue = confirmed_due(cast, -3)
    soon = confirmed_due(cast, 0)
    received = confirmed_due(cast, -10)
    receipt_post(
        actor=cast.clerk,
        purchase_order=received,
        lines=[ReceiptLineInput(1, Decimal(10)), ReceiptLineInput(2, Decimal(20))],
    )
    partly = confirmed_due(cast, -1)
    receipt_post(actor=cast.clerk, purchase_order=partly, lines=[ReceiptLineInput(1, Decimal(4))])
    make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)  # not confirmed
    client.force_login(cast.clerk)

    response = client.get(URL)

    assert listed(response) == [overdue.number, partly.number, soon.number, later.number]
    page = response.content.decode()
    row = re.search(rf"{partly.number}-1</a>.*?</tr>", page, re.S).group(0)
    assert ">2<" in row and ">26<" in row  # two lines open, 6 + 20 of 30 still to receive
    assert "Overdue" in row
    assert date_format(timezone.localdate() - timedelta(1), "SHORT_DATE_FORMAT") in row
    assert tiles(response)["open"] == 4


def test_the_tiles_count_and_filter(client, cast):
    today = timezone.localdate()
    overdue = confirmed_due(cast, -3)
    this_week = confirmed_due(cast, 0)
    next_week = confirmed_due(cast, (week_end(today) - today).days + 1)
    client.force_login(cast.clerk)

    response = client.get(URL)

    assert tiles(response) == {"overdue": 1, "this_week": 1, "open": 3}
    assert listed(client.get(URL, {"due": "overdue"})) == [overdue.number]
    assert listed(client.get(URL, {"due": "this_week"})) == [this_week.number]
    assert listed(client.get(URL, {"due": "nonsense"})) == [overdue.number, this_week.number, next_week.number]


def test_search_company_filter_and_sorting(client, cast):
    other = CompanyFactory(code="BE01", name="Contoso België")
    belgian_item = ItemFactory(company=other, number="BOLT-77")
    belgian = confirmed_due(
        cast, 5, vendor=VendorFactory(company=other, number="V-BE", name="Belgian Bolts"), items=[belgian_item]
    )
    dutch = confirmed_due(cast, 2)
    client.force_login(cast.clerk)

    assert listed(client.get(URL, {"q": "bolt-77"})) == [belgian.number]
    assert listed(client.get(URL, {"q": "belgian"})) == [belgian.number]
    assert listed(client.get(URL, {"company": cast.company.pk})) == [dutch.number]
    assert listed(client.get(URL, {"sort": "-due"})) == [belgian.number, dutch.number]
    assert 'id="company"' in client.get(URL).content.decode()


@pytest.mark.parametrize(
    ("user", "status"),
    [("clerk", 200), ("admin", 200), ("agent", 403), ("vendor_a_user", 404), ("vendor_b_user", 404)],
)
def test_who_may_open_it(client, cast, user, status):
    client.force_login(getattr(cast, user))
    assert client.get(URL).status_code == status


def test_the_query_count_does_not_grow_with_the_rows(client, cast):
    client.force_login(cast.clerk)
    confirmed_due(cast, -1)
    client.get(URL)
    with CaptureQueriesContext(connection) as one:
        assert len(listed(client.get(URL))) == 1
    for days in range(-4, 8):
        confirmed_due(cast, days, items=cast.items)
    with CaptureQueriesContext(connection) as many:
        assert len(listed(client.get(URL))) == 13
    assert len(many) == len(one)
