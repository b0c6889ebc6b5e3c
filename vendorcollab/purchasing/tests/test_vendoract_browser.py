"""Asking once and accepting several POs at once, clicked through in Chromium (desktop)."""

import pytest
from playwright.sync_api import expect

from vendorcollab.common.testing.browser import assert_accessible, login, screenshot
from vendorcollab.common.testing.factories import in_days, make_po
from vendorcollab.purchasing.models import LineAction, ResponseKind, VendorResponse
from vendorcollab.purchasing.services import response_submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def signed_in(page, live_server, cast):
    login(page, live_server.url, "dave", "pw-dave")
    return page


def test_bulk_accept_three_of_which_one_was_answered_meanwhile(signed_in, live_server, cast):
    page = signed_in
    pos = [make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:2], send=True) for _ in range(3)]
    page.goto(live_server.url + "/vendor/purchase-orders/list/for_review/")
    expect(page.locator("input[name=po]")).to_have_count(3)
    assert_accessible(page, "for review list with selection")
    # A colleague answers one of them while the list is open.
    response_submit(actor=cast.vendor_a_admin, purchase_order=pos[1], version=1, kind=ResponseKind.REJECTED)
    page.locator("input[data-select-all]").check()  # select all on this page
    for po in pos:
        expect(page.locator(f"#select-{po.pk}")).to_be_checked()
    page.locator("[data-action=bulk-accept]").click()

    expect(page.locator("[data-bulk-results] tbody tr")).to_have_count(3)
    assert_accessible(page, "bulk accept results")
    screenshot(page, "vendor-bulk-accept-results")
    outcomes = {
        int(row.get_attribute("data-po")): row.get_attribute("data-outcome")
        for row in page.locator("[data-bulk-results] tbody tr").all()
    }
    assert outcomes == {pos[0].pk: "accepted", pos[1].pk: "refused", pos[2].pk: "accepted"}
    refused = page.locator(f"[data-bulk-results] tr[data-po='{pos[1].pk}']")
    expect(refused).to_contain_text("already has a response")
    expect(page.locator("[data-bulk-summary]")).to_contain_text("2 accepted, 0 accepted and confirmed, 1 refused")
    assert VendorResponse.objects.get(purchase_order=pos[1]).kind == ResponseKind.REJECTED  # untouched
    assert VendorResponse.objects.filter(kind=ResponseKind.ACCEPTED).count() == 2


def test_a_split_short_of_the_ordered_quantity_asks_once(signed_in, live_server, cast):
    page = signed_in
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)  # 10 ordered
    page.goto(f"{live_server.url}/vendor/purchase-orders/{po.pk}/respond/")
    page.select_option("#id_line-1-action", "split")
    page.fill("#id_line-1-schedule-0-quantity", "3")
    page.fill("#id_line-1-schedule-0-delivery_date", in_days(10).isoformat())
    page.fill("#id_line-1-schedule-1-quantity", "4")
    page.fill("#id_line-1-schedule-1-delivery_date", in_days(20).isoformat())
    page.locator("button[value=submit]").click()

    dialog = page.locator("#quantities-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Line 1: you confirm 7 of 10 ordered.")
    assert_accessible(page, "quantities dialog")
    dialog.locator("[data-dialog-close]").click()  # back to the lines: nothing sent
    expect(dialog).to_be_hidden()
    assert not VendorResponse.objects.exists()

    page.fill("#id_line-1-schedule-1-quantity", "5")
    page.locator("button[value=submit]").click()
    expect(dialog).to_contain_text("Line 1: you confirm 8 of 10 ordered.")
    dialog.locator("[data-send-anyway]").click()
    expect(page.locator(".messages")).to_contain_text("accepted with changes on 1 of 1 line")
    line = VendorResponse.objects.get(purchase_order=po).lines.get()
    assert line.action == LineAction.SPLIT and [row["quantity"] for row in line.schedule] == ["3", "5"]


def test_without_script_the_server_asks_once(browser, live_server, cast):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    login(page, live_server.url, "dave", "pw-dave")
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    page.goto(f"{live_server.url}/vendor/purchase-orders/{po.pk}/")
    page.locator("[data-action=accept]").click()  # the first tap: a confirmation page
    expect(page.locator("h2")).to_contain_text(f"Accept {po.number}-1?")
    assert not VendorResponse.objects.exists()
    page.locator("[data-action=accept-confirm]").click()
    expect(page.locator(".messages")).to_contain_text("accepted")
    assert VendorResponse.objects.get(purchase_order=po).kind == ResponseKind.ACCEPTED

    other = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    page.goto(f"{live_server.url}/vendor/purchase-orders/{other.pk}/respond/")
    page.select_option("#id_line-1-action", "change")
    page.fill("#id_line-1-quantity", "6")
    page.locator("button[value=submit]").click()
    expect(page.locator("[data-confirm-step]")).to_contain_text("Line 1: you confirm 6 of 10 ordered.")
    assert not VendorResponse.objects.filter(purchase_order=other).exists()
    page.locator("[data-confirm-step] [data-action=send-anyway]").click()
    expect(page.locator(".messages")).to_contain_text("accepted with changes")
    assert VendorResponse.objects.get(purchase_order=other).lines.get().quantity == 6
    context.close()
