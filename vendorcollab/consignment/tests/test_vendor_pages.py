"""The vendor's consignment pages: what each shows, the CSV for invoicing, the workspace tiles, and the wall
between vendors."""

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from vendorcollab.consignment.services import ownership_change_post, replenishment_create
from vendorcollab.purchasing.models import PurchaseOrder
from vendorcollab.purchasing.selectors import VendorList, po_list_for_vendor, version_history_for_vendor

from .helpers import priced, stock_line, stocked


@pytest.fixture
def consumed(cast):
    """Vendor A: 10 received, 4 taken over by the buyer (a consignment PO), 6 more on an open replenishment."""
    priced(cast, "2.50")
    stocked(cast, quantity="10")
    journal = ownership_change_post(actor=cast.agent, vendor=cast.vendor_a, lines=[stock_line(cast, quantity="4")])
    replenishment_create(actor=cast.agent, vendor=cast.vendor_a, lines=[stock_line(cast, quantity="6")])
    return journal


def page(client, name, **params):
    response = client.get(reverse(f"consignment_vendor:{name}"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_consignment_pos_are_on_no_confirmation_list(client, cast, consumed):
    po = consumed.purchase_order
    for which in VendorList:
        assert not po_list_for_vendor(actor=cast.vendor_a_user, which=which).filter(pk=po.pk).exists(), which
    assert not version_history_for_vendor(actor=cast.vendor_a_user).filter(purchase_order=po).exists()
    client.force_login(cast.vendor_a_user)
    for which in VendorList:
        assert po.number not in client.get(reverse("vendor:po_list", args=[which.value])).content.decode()
    assert client.get(reverse("vendor:po_detail", args=[po.pk])).status_code == 404
    assert po.number in page(client, "purchase_orders")


def test_the_three_pages_show_the_vendors_data(client, cast, consumed):
    client.force_login(cast.vendor_a_user)
    [stock] = client.get(reverse("consignment_vendor:on_hand")).context["page"]
    assert (stock.physical_quantity, stock.expected_quantity) == (Decimal(6), Decimal(6))
    assert ">6 ea</td>" in page(client, "on_hand")
    received = page(client, "received")
    assert consumed.purchase_order.number in received and "10.00" in received
    detail = client.get(reverse("consignment_vendor:purchase_order", args=[consumed.purchase_order.pk]))
    assert cast.items[0].number in detail.content.decode()
    assert "RO-000002" in page(client, "replenishments")


def test_received_csv_for_invoicing(client, cast, consumed):
    client.force_login(cast.vendor_a_user)
    response = client.get(reverse("consignment_vendor:received"), {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Date", "Purchase order", "Customer"]
    assert rows[1][1] == consumed.purchase_order.number
    assert rows[1][12:15] == ["4", "2.5", "10"]
    cast.vendor_a.show_prices = False
    cast.vendor_a.save()
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(reverse("consignment_vendor:received"), {"format": "csv"}).content.decode("utf-8-sig")
            )
        )
    )
    assert rows[1][13:16] == ["", "", ""]


def test_workspace_tiles(client, cast, consumed):
    client.force_login(cast.vendor_a_user)
    workspace = client.get(reverse("vendor:workspace")).content.decode()
    assert 'data-list="consignment_on_hand"><span class="tile-count">1</span>' in workspace
    assert 'data-list="consignment_received"><span class="tile-count">1</span>' in workspace
    assert 'data-list="consignment_pos"><span class="tile-count">1</span>' in workspace


def test_vendor_b_sees_none_of_vendor_a(client, cast, consumed):
    client.force_login(cast.vendor_b_user)
    for name in ("purchase_orders", "received", "on_hand", "replenishments"):
        assert cast.items[0].number not in page(client, name), name
        assert consumed.purchase_order.number not in page(client, name)
    csv_body = client.get(reverse("consignment_vendor:received"), {"format": "csv"}).content.decode("utf-8-sig")
    assert len(csv_body.strip().splitlines()) == 1  # the header only
    for name in ("purchase_order", "purchase_order_pdf"):
        assert client.get(reverse(f"consignment_vendor:{name}", args=[consumed.purchase_order.pk])).status_code == 404
    client.force_login(cast.agent)  # buyers have no vendor pages
    assert client.get(reverse("consignment_vendor:on_hand")).status_code == 404


def test_pages_use_a_constant_number_of_queries(client, cast):
    priced(cast)

    def populate(count):
        for _ in range(count):
            stocked(cast, quantity="5")
            ownership_change_post(actor=cast.agent, vendor=cast.vendor_a, lines=[stock_line(cast, quantity="1")])
            replenishment_create(actor=cast.agent, vendor=cast.vendor_a, lines=[stock_line(cast, 1, quantity="2")])

    def measure():
        counts = []
        for name in ("purchase_orders", "received", "on_hand", "replenishments"):
            with CaptureQueriesContext(connection) as captured:
                client.get(reverse(f"consignment_vendor:{name}"))
            counts.append(len(captured))
        return counts

    client.force_login(cast.vendor_a_user)
    populate(2)
    small = measure()
    populate(28)
    assert measure() == small
    assert PurchaseOrder.objects.count() == 30
