"""The inventory ownership change journal in Chromium: the agent takes stock over from a vendor in the browser and
follows the link to the consignment purchase order it created; the journal page passes an axe scan."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from vendorcollab.common.testing.browser import assert_accessible, login, screenshot
from vendorcollab.consignment.models import ConsignmentPrice, ConsignmentStock, OwnershipChange
from vendorcollab.purchasing.models import Origin, POStatus

from .helpers import stocked

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_agent_posts_an_ownership_change_and_sees_the_consignment_po(page, live_server, cast):
    for item, price in ((cast.items[0], "4.00"), (cast.items[1], "12.50")):
        ConsignmentPrice.objects.create(vendor=cast.vendor_a, item=item, unit_price=Decimal(price))
    stocked(cast, quantity="10", item=0)
    stocked(cast, quantity="6", item=1, color="Red")
    login(page, live_server.url, "bob", "pw-bob")

    page.goto(live_server.url + "/buyer/")
    page.get_by_role("link", name="Consignment", exact=True).click()
    expect(page.locator("#stock tbody tr")).to_have_count(2)
    page.get_by_role("link", name="New inventory ownership change").click()
    assert_accessible(page, "buyer ownership change journal")

    page.select_option("#id_header-vendor", str(cast.vendor_a.pk))
    page.get_by_label("Item number, line 1").fill(cast.items[0].number)
    page.get_by_label("Warehouse, line 1").fill("AMS-1")
    page.get_by_label("Quantity, line 1").fill("4")
    page.get_by_role("button", name="Add line").click()
    # Too much of the red item first: the refusal is shown next to the quantity, and nothing is posted.
    page.get_by_label("Item number, line 2").fill(cast.items[1].number)
    page.get_by_label("Warehouse, line 2").fill("AMS-1")
    page.get_by_label("Color, line 2").fill("Red")
    page.get_by_label("Quantity, line 2").fill("9")
    page.get_by_role("button", name="Post ownership change").click()
    error = page.locator("#id_lines-1-quantity-error")
    assert "The vendor owns only 6 of" in error.inner_text()
    assert page.get_by_label("Quantity, line 2").get_attribute("aria-invalid") == "true"
    assert page.get_by_label("Item number, line 1").input_value() == cast.items[0].number
    assert not OwnershipChange.objects.exists()
    screenshot(page, "buyer-ownership-change-journal")
    assert_accessible(page, "buyer ownership change journal with errors")

    page.get_by_label("Quantity, line 2").fill("6")
    page.get_by_role("button", name="Post ownership change").click()
    journal = OwnershipChange.objects.get()
    po = journal.purchase_order
    assert page.locator(".messages").inner_text().strip() == (
        f"Ownership change {journal.number} posted: 2 lines. Consignment purchase order {po.number} created."
    )
    expect(page.locator("#ownership-lines tbody tr")).to_have_count(2)
    screenshot(page, "buyer-ownership-change")
    stock = ConsignmentStock.objects.order_by("item__number")
    assert [s.physical_quantity for s in stock] == [Decimal(6), Decimal(0)]

    page.locator("#consignment-po").click()
    assert po.number in page.locator("h1").inner_text()
    assert "Consignment" in page.locator(".facts").inner_text()
    po.refresh_from_db()
    assert (po.origin, po.status) == (Origin.CONSIGNMENT, POStatus.RECEIVED)
    expect(page.locator("#po-lines tbody tr")).to_have_count(2)
