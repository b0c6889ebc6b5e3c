"""In a real browser: a clerk who chose no language gets the portal in the browser's Dutch, and the receiving
form's date picker shows today's date (a localized value would leave it empty)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from vendorcollab.common.testing.browser import DEFAULT_TIMEOUT_MS, login
from vendorcollab.common.testing.factories import make_po
from vendorcollab.purchasing.services import po_confirm

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_dutch_browser_gets_dutch_pages_and_a_filled_date_picker(browser, live_server, cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    po_confirm(actor=cast.agent, purchase_order=po, without_response=True)
    context = browser.new_context(locale="nl-NL")
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    try:
        page = context.new_page()
        login(page, live_server.url, "carol", "pw-carol")
        page.goto(f"{live_server.url}/buyer/purchase-orders/{po.pk}/receipts/")
        assert page.locator("html").get_attribute("lang") == "nl"
        picker = page.locator("input[type='date'][name='received_date']")
        # The browser's own reading of the value: empty when it could not parse it.
        assert picker.evaluate("input => input.valueAsDate && input.valueAsDate.toISOString().slice(0, 10)") == (
            timezone.localdate().isoformat()
        )
    finally:
        context.close()
