"""Ship notices clicked through in Chromium (desktop): a vendor announces part of a confirmed PO from the open
confirmed list, and the receiving clerk receives it from the incoming shipments with one line short; both see the
difference. Every page on the way is scanned with axe."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from vendorcollab.common.testing.browser import assert_accessible, login, screenshot
from vendorcollab.purchasing.models import PurchaseOrderLine
from vendorcollab.shipping.models import ShipNotice, ShipNoticeStatus

from .conftest import confirmed_po, ship

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_vendor_ships_part_of_a_confirmed_po(page, live_server, cast):
    po = confirmed_po(cast, quantities=("10", "20"))
    login(page, live_server.url, "dave", "pw-dave")
    page.goto(live_server.url + "/vendor/purchase-orders/list/open_confirmed/")
    row = page.locator("tr", has=page.locator(f"#ship-select-{po.pk}"))
    expect(row.locator("td[data-label='Still to ship']")).to_have_text("30")
    assert_accessible(page, "open confirmed list with ship columns")
    page.locator(f"#ship-select-{po.pk}").check()
    page.locator("[data-action=create-ship-notice]").click()
    page.wait_for_url("**/vendor/ship-notices/new/**")

    # Both lines prefilled with what is still to ship; the vendor ships 6 of line 1 and none of line 2.
    expect(page.locator("#notice-lines tbody tr")).to_have_count(2)
    expect(page.locator("#id_lines-0-quantity")).to_have_value("10")
    assert_accessible(page, "new ship notice form")
    page.fill("#id_lines-0-quantity", "6")
    page.fill("#id_lines-1-quantity", "0")
    page.fill("#id_notice-carrier", "DHL Express")
    page.fill("#id_notice-tracking_number", "JD014600006281")
    # A delivery date before the despatch: refused beside the field, everything typed still there.
    page.fill("#id_notice-expected_delivery_date", (timezone.localdate() - dt.timedelta(days=1)).isoformat())
    page.locator("[data-action=send-notice]").click()
    expect(page.locator("#form-errors")).to_be_visible()
    expect(page.locator("#id_notice-expected_delivery_date-error")).to_be_visible()
    expect(page.locator("#id_lines-0-quantity")).to_have_value("6")
    expect(page.locator("#id_notice-carrier")).to_have_value("DHL Express")
    assert_accessible(page, "ship notice form with an error")
    page.fill("#id_notice-expected_delivery_date", (timezone.localdate() + dt.timedelta(days=2)).isoformat())
    page.locator("[data-action=send-notice]").click()
    expect(page.locator(".messages")).to_contain_text("expected on")

    notice = ShipNotice.objects.get()
    assert [(line.po_line.line_number, line.quantity) for line in notice.lines.all()] == [(1, Decimal(6))]
    expect(page.locator("#notice-facts")).to_contain_text("JD014600006281")
    expect(page.locator("[data-action=cancel]")).to_be_visible()
    assert_accessible(page, "vendor ship notice page")
    screenshot(page, "vendor-ship-notice")
    # The PO now shows what is in transit and what is still to ship.
    page.goto(live_server.url + "/vendor/purchase-orders/list/open_confirmed/")
    row = page.locator("tr", has=page.locator(f"#ship-select-{po.pk}"))
    expect(row.locator("td[data-label='In transit']")).to_have_text("6")
    expect(row.locator("td[data-label='Still to ship']")).to_have_text("24")


def test_the_clerk_receives_a_notice_with_one_line_short(page, live_server, cast):
    po = confirmed_po(cast, quantities=("10", "20"))
    notice = ship(
        cast,
        (po, 1, "10"),
        (po, 2, "20"),
        number="SN-2026-1",
        carrier="PostNL",
        expected_delivery_date=timezone.localdate(),  # this week, whatever the weekday
    )
    login(page, live_server.url, "carol", "pw-carol")
    page.goto(live_server.url + "/buyer/receiving/")
    expect(page.locator("[data-list='shipping-this_week'] .tile-count")).to_have_text("1")
    page.locator("[data-list='shipping-this_week']").click()
    page.wait_for_url("**/buyer/shipments/?list=this_week")
    assert_accessible(page, "incoming shipments")
    page.get_by_role("link", name="SN-2026-1").click()
    page.locator("[data-action=receive]").click()
    page.wait_for_url(f"**/buyer/ship-notices/{notice.pk}/receive/")
    expect(page.locator("#id_line_1")).to_have_value("10")
    expect(page.locator("#id_line_2")).to_have_value("20")
    assert_accessible(page, "receive from a ship notice")
    page.fill("#id_line_1", "7")
    page.locator("[data-action=post-receipt]").click()
    expect(page.locator(".messages")).to_contain_text("2 lines received")
    expect(page.locator("#notice-line-1")).to_contain_text("Short by 3")
    expect(page.locator("#notice-line-1")).to_have_class("row-changed")
    expect(page.locator("[data-action=receive]")).to_have_count(0)
    assert_accessible(page, "buyer ship notice received short")
    screenshot(page, "buyer-ship-notice-short")
    notice.refresh_from_db()
    assert notice.status == ShipNoticeStatus.RECEIVED and notice.has_difference
    line = PurchaseOrderLine.objects.get(purchase_order=po, line_number=1)
    assert (line.received_quantity, line.in_transit_quantity) == (Decimal(7), Decimal(0))

    # The vendor sees the same difference on its own page.
    page.context.clear_cookies()
    login(page, live_server.url, "dave", "pw-dave")
    page.goto(live_server.url + f"/vendor/ship-notices/{notice.pk}/")
    expect(page.locator("#notice-line-1")).to_contain_text("Short by 3")
    expect(page.locator("[data-action=cancel]")).to_have_count(0)
