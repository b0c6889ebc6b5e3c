"""The whole loop in Chromium, switching roles: an agent orders, the vendor changes, the agent applies, the clerk
receives; the vendor's lists move exactly as DESIGN.md section 4 says at every step."""

import pytest
from playwright.sync_api import expect

from vendorcollab.common.testing.browser import assert_accessible, login, screenshot
from vendorcollab.common.testing.factories import in_days, make_po
from vendorcollab.partners.models import Collaboration
from vendorcollab.purchasing.models import LineAction, POStatus, PurchaseOrder, ResponseKind, VersionKind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def new_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    context.set_default_timeout(10_000)
    return context.new_page()


def vendor_lists(page, live_server, number):
    """The vendor lists that show ``number`` (with its version suffix) right now, read from the pages."""
    found = {}
    for which in ("for_review", "awaiting_customer", "open_confirmed", "all_confirmed"):
        page.goto(f"{live_server.url}/vendor/purchase-orders/list/{which}/?q={number}")
        rows = page.locator("table.rows tbody tr")
        if rows.count():
            # The PO's cell (the "for review" list has a selection checkbox before it).
            found[which] = rows.first.locator("td:has(a)").first.inner_text().strip()
    return found


def confirmed_as(number, version):
    return {"open_confirmed": f"{number}-{version}", "all_confirmed": f"{number}-{version}"}


def test_the_whole_loop(browser, live_server, cast):
    agent, vendor, clerk = new_page(browser), new_page(browser), new_page(browser)
    login(agent, live_server.url, "bob", "pw-bob")
    login(vendor, live_server.url, "dave", "pw-dave")
    login(clerk, live_server.url, "carol", "pw-carol")

    # The agent creates the PO in the browser and sends it.
    agent.goto(live_server.url + "/buyer/")
    agent.get_by_role("link", name="New purchase order").first.click()
    agent.select_option("#id_po-vendor", str(cast.vendor_a.pk))
    agent.fill("#id_lines-0-item", cast.items[0].number)
    agent.fill("#id_lines-0-quantity", "20")
    agent.fill("#id_lines-0-unit_price", "4.50")
    agent.fill("#id_lines-0-delivery_date", in_days(14).isoformat())
    agent.locator("button[value=add_line]").click()
    agent.fill("#id_lines-1-item", cast.items[1].number)
    agent.fill("#id_lines-1-quantity", "5")
    agent.fill("#id_lines-1-unit_price", "12")
    agent.fill("#id_lines-1-delivery_date", in_days(14).isoformat())
    screenshot(agent, "buyer-po-entry")
    assert_accessible(agent, "buyer purchase order entry")
    agent.locator("button[value=save_and_send]").click()
    assert "sent to Alpha Supplies for confirmation" in agent.locator(".messages").inner_text()
    po = PurchaseOrder.objects.get()
    number = po.number
    assert vendor_lists(vendor, live_server, number) == {"for_review": f"{number}-1"}

    # The vendor accepts with changes: a split and a substitute.
    vendor.goto(f"{live_server.url}/vendor/purchase-orders/{po.pk}/respond/")
    vendor.select_option("#id_line-1-action", "split")
    vendor.fill("#id_line-1-schedule-0-quantity", "12")
    vendor.fill("#id_line-1-schedule-0-delivery_date", in_days(14).isoformat())
    vendor.fill("#id_line-1-schedule-1-quantity", "8")
    vendor.fill("#id_line-1-schedule-1-delivery_date", in_days(28).isoformat())
    vendor.select_option("#id_line-2-action", "substitute")
    vendor.fill("#id_line-2-external_item_number", "ALT-55")
    vendor.fill("#id_line-2-external_description", "Successor model")
    vendor.locator("button[value=submit]").click()
    assert "accepted with changes on 2 of 2 lines" in vendor.locator(".messages").inner_text()
    assert vendor_lists(vendor, live_server, number) == {"awaiting_customer": f"{number}-1"}

    # The agent sees the changes marked and applies them in one step.
    agent.goto(f"{live_server.url}/buyer/")
    assert agent.locator("[data-list='requiring_action'] .tile-count").inner_text() == "1"
    agent.get_by_role("link", name=f"{number}-1").click()
    review = agent.locator(".review")
    assert "ALT-55" in review.inner_text()
    expect(review.locator(".row-changed")).to_have_count(2)
    screenshot(agent, "buyer-review")
    assert_accessible(agent, "buyer review of a response")
    agent.locator("[data-action=apply-changes]").click()
    assert f"{number}-2 is confirmed" in agent.locator(".messages").inner_text()
    po.refresh_from_db()
    assert (po.status, po.confirmed_version.number, po.confirmed_version.kind) == (
        POStatus.CONFIRMED,
        2,
        VersionKind.CONFIRMATION,
    )
    assert vendor_lists(vendor, live_server, number) == confirmed_as(number, 2)

    # The clerk receives part, then the rest.
    clerk.goto(f"{live_server.url}/buyer/purchase-orders/{po.pk}/receipts/")
    clerk.fill("#id_line_1", "12")
    clerk.locator("#post-receipt").click()
    assert "8" in clerk.locator("main").inner_text()
    po.refresh_from_db()
    assert po.status == POStatus.CONFIRMED
    assert vendor_lists(vendor, live_server, number) == confirmed_as(number, 2)
    clerk.goto(f"{live_server.url}/buyer/purchase-orders/{po.pk}/receipts/")
    clerk.fill("#id_line_1", "8")
    clerk.fill("#id_line_2", "5")
    clerk.locator("#post-receipt").click()
    po.refresh_from_db()
    assert po.status == POStatus.RECEIVED
    assert vendor_lists(vendor, live_server, number) == {"all_confirmed": f"{number}-2"}


def test_auto_confirm_confirms_in_the_same_request(browser, live_server, cast):
    cast.vendor_a.collaboration = Collaboration.AUTO_CONFIRM
    cast.vendor_a.save()
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    vendor = new_page(browser)
    login(vendor, live_server.url, "dave", "pw-dave")
    vendor.goto(f"{live_server.url}/vendor/purchase-orders/{po.pk}/")
    vendor.locator("[data-action=accept]").click()
    vendor.locator("#accept-dialog [data-action=accept-confirm]").click()
    assert "The purchase order is confirmed." in vendor.locator(".messages").inner_text()
    po.refresh_from_db()
    assert po.status == POStatus.CONFIRMED and po.confirmed_version.number == 1
    assert po.latest_version.response.kind == ResponseKind.ACCEPTED
    assert po.latest_version.response.lines.get().action == LineAction.ACCEPT
