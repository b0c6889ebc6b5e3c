"""The vendor's three consignment pages in Chromium, with real data, and an accessibility scan of each."""

import pytest
from playwright.sync_api import expect

from vendorcollab.common.testing.browser import assert_accessible, login, screenshot
from vendorcollab.consignment.services import ownership_change_post, replenishment_create

from .helpers import priced, stock_line, stocked

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_vendors_consignment_pages(page, live_server, cast):
    priced(cast, "3.00")
    stocked(cast, quantity="20", color="Red")
    journal = ownership_change_post(
        actor=cast.agent, vendor=cast.vendor_a, lines=[stock_line(cast, quantity="5", color="Red")]
    )
    replenishment_create(actor=cast.agent, vendor=cast.vendor_a, lines=[stock_line(cast, 1, quantity="8")])
    login(page, live_server.url, "dave", "pw-dave")

    page.goto(live_server.url + "/vendor/")
    assert page.locator("[data-list='consignment_pos'] .tile-count").inner_text() == "1"
    page.locator("[data-list='consignment_on_hand']").click()
    rows = page.locator("table.rows tbody tr")
    expect(rows).to_have_count(2)
    text = page.locator("table.rows").inner_text()
    assert "Red" in text and "15 ea" in text and "8 ea" in text
    screenshot(page, "vendor-consignment-on-hand")
    assert_accessible(page, "vendor on-hand consignment inventory")

    page.get_by_role("link", name="Products received from consignment inventory").click()
    assert journal.purchase_order.number in page.locator("table.rows").inner_text()
    assert "15.00 EUR" in page.locator("table.rows").inner_text()
    assert_accessible(page, "vendor products received from consignment")
    with page.expect_download() as download:
        page.locator("[data-action=csv]").click()
    assert journal.purchase_order.number in download.value.path().read_text(encoding="utf-8-sig")

    page.get_by_role("link", name="Purchase orders consuming consignment inventory").first.click()
    page.get_by_role("link", name=journal.purchase_order.number).click()
    assert cast.items[0].number in page.locator("#po-lines").inner_text()
    assert_accessible(page, "vendor consignment purchase order")
