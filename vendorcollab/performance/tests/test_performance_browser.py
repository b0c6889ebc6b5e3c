"""Vendor performance in Chromium: the buyer goes from the workspace to the ranking, sorts it, opens one vendor's page
with its charts and downloads the ranking; the vendor opens its own page from its workspace tile on a 375 px phone.
Every page is scanned with axe and fits the phone."""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import expect

from vendorcollab.common.testing.browser import assert_accessible, login, screenshot
from vendorcollab.common.tests.test_phone_browser import assert_fits
from vendorcollab.performance.tests.helpers import delivered
from vendorcollab.purchasing.models import ResponseKind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def history(cast):
    """Vendor A: one delivery 30 days early (outside the 5-day tolerance), one PO rejected; vendor B: on time."""
    cast.company.delivery_tolerance_days = 5
    cast.company.save(update_fields=["delivery_tolerance_days"])
    common = {"agent": cast.agent, "clerk": cast.clerk, "item": cast.items[0]}
    delivered(vendor=cast.vendor_a, vendor_user=cast.vendor_a_user, days=30, **common)
    delivered(vendor=cast.vendor_a, vendor_user=cast.vendor_a_user, days=30, answer=ResponseKind.REJECTED, **common)
    delivered(vendor=cast.vendor_b, vendor_user=cast.vendor_b_user, days=1, **common)


def ranking_numbers(page) -> list[str]:
    return [text.split(" ")[0] for text in page.locator("#ranking tbody td[data-label='Vendor'] a").all_inner_texts()]


def test_the_buyer_ranks_the_vendors_and_opens_one_with_its_charts(page, live_server, cast, history):
    login(page, live_server.url, "bob", "pw-bob")
    page.goto(live_server.url + "/buyer/")
    page.locator("a[data-link=vendor-performance]").click()
    expect(page.locator("h1")).to_have_text("Vendor performance")
    assert ranking_numbers(page) == ["V-B", "V-A"]
    expect(page.locator("#ranking tfoot")).to_contain_text("All vendors")
    screenshot(page, "vendor-performance-ranking")
    assert_accessible(page, "vendor performance ranking")

    # Sorting by the vendor column puts A first and marks the column as sorted.
    page.locator("#ranking thead a", has_text="Vendor").click()
    expect(page.locator("#ranking thead th[aria-sort=ascending]")).to_contain_text("Vendor")
    assert ranking_numbers(page) == ["V-A", "V-B"]

    # The download has the rows of the page.
    with page.expect_download() as download:
        page.locator("[data-action=export-csv]").click()
    rows = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ["V-A", "V-B"]

    # One vendor's page: the charts are pictures with a title, each followed by the table of its numbers.
    page.locator("#ranking tbody a", has_text="Alpha Supplies").click()
    expect(page.locator("h1")).to_have_text("Performance of Alpha Supplies")
    trend = page.locator("#chart-delivery-trend svg[role=img]")
    expect(trend).to_be_visible()
    expect(trend.locator("title").first).to_have_text("On-time delivery and quantity accuracy per month")
    days = page.locator("#chart-delivery-days-numbers")
    expect(days.locator("tr", has_text="More than 7 days early").locator("td")).to_have_text("1")
    # The charts take their colours from the portal's stylesheet: the bars are drawn in the brand colour.
    fill = page.locator("#chart-delivery-days rect.chart-bar").first.evaluate("(el) => getComputedStyle(el).fill")
    assert fill == "rgb(29, 79, 145)"
    screenshot(page, "vendor-performance-detail")
    assert_accessible(page, "vendor performance of one vendor")


def test_the_vendor_opens_its_performance_from_the_tile_on_a_phone(phone_page, live_server, cast, history):
    page = phone_page
    login(page, live_server.url, "frank", "pw-frank")
    page.goto(live_server.url + "/vendor/")
    tile = page.locator("a[data-tile^=on-time-]")
    expect(tile).to_contain_text("100.0%")
    assert_fits(page, "vendor-workspace-performance-tile")
    tile.click()
    expect(page.locator("h1")).to_have_text("Your performance")
    expect(page.locator("main")).to_contain_text("Beta Trading")
    expect(page.locator("main")).not_to_contain_text("Alpha Supplies")
    expect(page.locator("#chart-delivery-trend svg")).to_be_visible()
    # The chart scales down to the phone: no wider than the screen.
    box = page.locator("#chart-delivery-trend svg").bounding_box()
    assert box is not None and box["width"] <= 375
    assert_fits(page, "vendor-performance-phone")
    screenshot(page, "vendor-performance-phone")
    assert_accessible(page, "vendor performance on a phone")


def test_the_buyers_pages_fit_a_phone(phone_page, live_server, cast, history):
    page = phone_page
    login(page, live_server.url, "bob", "pw-bob")
    page.goto(live_server.url + "/buyer/vendor-performance/")
    assert_fits(page, "vendor-performance-ranking-phone")
    assert_accessible(page, "vendor performance ranking on a phone")
    page.goto(f"{live_server.url}/buyer/vendor-performance/{cast.vendor_a.pk}/")
    assert_fits(page, "vendor-performance-detail-phone")
    screenshot(page, "vendor-performance-detail-phone")
