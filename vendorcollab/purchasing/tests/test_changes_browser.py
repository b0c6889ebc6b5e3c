"""Issue 14 in Chromium: the vendor sees what the buyer changed in version 2, the buyer sees what the vendor's
answer costs before applying it; both pages pass axe."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from vendorcollab.common.testing.browser import assert_accessible, login, screenshot
from vendorcollab.common.testing.factories import in_days, line, make_po
from vendorcollab.purchasing.models import LineAction, ResponseKind
from vendorcollab.purchasing.services import (
    LineAnswer,
    ScheduleInput,
    po_request_change,
    po_send,
    po_update,
    response_submit,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_vendor_sees_struck_through_old_values_in_version_2(page, live_server, cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items, send=True)
    response_submit(actor=cast.vendor_a_user, purchase_order=po, version=1, kind=ResponseKind.REJECTED)
    po = po_request_change(actor=cast.agent, purchase_order=po)
    first, second, _ = cast.items
    po_update(
        actor=cast.agent,
        purchase_order=po,
        lines=[line(first, line_number=1, quantity="16"), line(second, line_number=2, quantity="20", days=21)],
    )
    po_send(actor=cast.agent, purchase_order=po)

    login(page, live_server.url, "dave", "pw-dave")
    page.goto(f"{live_server.url}/vendor/purchase-orders/list/for_review/")
    expect(page.locator("table .badge", has_text="Changed since version 1")).to_have_count(1)
    page.locator(f"a:has-text('{po.number}-2')").click()
    expect(page.locator("h1")).to_contain_text(f"{po.number}-2")
    expect(page.locator("#changes-notice")).to_contain_text("Changed since version 1")
    one = page.locator("#line-1")
    expect(one.locator("del").first).to_have_text("10")
    expect(one.locator("ins").first).to_have_text("16")
    # Struck through as a person sees it, not only marked up so.
    assert "line-through" in one.locator("del").first.evaluate("e => getComputedStyle(e).textDecorationLine")
    expect(one).to_have_class("row-changed")
    expect(page.locator("#line-2 td[data-label='Delivery date'] del")).to_have_count(1)
    expect(page.locator("#line-3")).to_contain_text("Removed")
    screenshot(page, "vendor-po-version-2-changes")
    assert_accessible(page, "vendor purchase order with changes")


def test_the_buyer_sees_the_total_before_and_after_the_vendors_changes(page, live_server, cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items, send=True)  # 25 + 50 + 75 = 150
    response_submit(
        actor=cast.vendor_a_user,
        purchase_order=po,
        version=1,
        kind=ResponseKind.ACCEPTED_WITH_CHANGES,
        lines=[
            LineAnswer(
                line_number=1,
                action=LineAction.SPLIT,
                schedule=(
                    ScheduleInput(quantity=Decimal(4), delivery_date=in_days(10)),
                    ScheduleInput(quantity=Decimal(3), delivery_date=in_days(20)),
                ),
            ),
            LineAnswer(line_number=3, action=LineAction.REJECT),
        ],
    )
    login(page, live_server.url, "bob", "pw-bob")
    page.goto(f"{live_server.url}/buyer/purchase-orders/{po.pk}/")
    review = page.locator("section.review")
    expect(review.locator("[data-order-total] del")).to_have_text("150.00 EUR")
    expect(review.locator("[data-order-total] ins")).to_have_text("67.50 EUR")  # 7 x 2.50 + 50
    expect(review.locator("[data-order-total]")).to_contain_text("difference \u221282.50 EUR")
    expect(review.locator("td[data-amount]").first.locator("ins")).to_have_text("17.50")
    expect(review.locator(".badge", has_text="Split")).to_have_count(1)
    expect(page.locator("[data-po-total]")).to_have_text("150.00 EUR")
    screenshot(page, "buyer-review-costs")
    assert_accessible(page, "buyer review with totals")
