"""Accounts payable in Chromium: signs in and lands on the invoices, rejects the invoice on hold with a reason (an
empty reason first, refused next to the field), approves the matched one and records its payment; the tiles and
lists move with each decision."""

import pytest
from playwright.sync_api import expect

from vendorcollab.common.testing.browser import assert_accessible, login, screenshot
from vendorcollab.invoicing.models import Invoice, InvoiceStatus

from .buyer_helpers import accounts_payable, received_po, stored_invoice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def tile_count(page, which: str) -> str:
    return page.locator(f'a.tile[data-list="{which}"] .tile-count').inner_text().strip()


def test_accounts_payable_rejects_one_invoice_approves_another_and_records_payment(page, live_server, cast):
    held = stored_invoice(cast, received_po(cast), number="INV-HOLD-1", price_on_line_1="2.75")
    matched = stored_invoice(cast, received_po(cast), number="INV-OK-1")
    accounts_payable()
    login(page, live_server.url, "paula", "pw-paula")

    # Signed in, accounts payable starts on the invoices: the invoice on hold first, waiting for a decision.
    page.goto(live_server.url + "/")
    expect(page).to_have_url(live_server.url + "/buyer/invoices/")
    assert (tile_count(page, "on_hold"), tile_count(page, "matched")) == ("1", "1")
    expect(page.locator("section[aria-labelledby=on-hold-heading]")).to_contain_text("INV-HOLD-1")
    assert_accessible(page, "buyer invoices workspace")

    # The invoice on hold: the PO's price struck through beside the invoice's, on the line it concerns.
    page.get_by_role("link", name="INV-HOLD-1").click()
    line = page.locator("#invoice-line-1")
    expect(line).to_have_class("row-changed")
    expect(line.locator("del")).to_have_text("2.50")
    expect(line.locator("ins")).to_have_text("2.75")
    screenshot(page, "buyer-invoice-on-hold")
    assert_accessible(page, "buyer invoice on hold")

    # Rejecting without a reason is refused next to the field; with one, the invoice is rejected.
    page.locator("details[data-decision=reject] summary").click()
    page.locator("button[data-action=reject]").click()
    expect(page.locator("#id_reason-error")).to_be_visible()
    page.fill("#id_reason", "The price of line 1 was not agreed.")
    page.locator("button[data-action=reject]").click()
    expect(page.locator(".messages")).to_contain_text("INV-HOLD-1 of Alpha Supplies is rejected")
    expect(page.locator("[data-reject-reason]")).to_contain_text("The price of line 1 was not agreed.")
    expect(page.locator("button[data-action=approve]")).to_have_count(0)

    # The matched invoice: approve, then record the payment.
    page.goto(live_server.url + "/buyer/invoices/")
    assert (tile_count(page, "on_hold"), tile_count(page, "rejected")) == ("0", "1")
    page.locator('a.tile[data-list="matched"]').click()
    page.get_by_role("link", name="INV-OK-1").click()
    page.locator("button[data-action=approve]").click()
    expect(page.locator(".messages")).to_contain_text("INV-OK-1 of Alpha Supplies is approved")
    page.locator("details[data-decision=payment] summary").click()
    page.fill("#id_payment_date", "2026-12-04")
    page.fill("#id_reference", "BANK-2026-0042")
    page.locator("button[data-action=record-payment]").click()
    expect(page.locator(".messages")).to_contain_text("Payment of invoice INV-OK-1 recorded")
    expect(page.locator("[data-payment]")).to_contain_text("BANK-2026-0042")

    held.refresh_from_db()
    matched.refresh_from_db()
    assert (held.status, held.reject_reason) == (InvoiceStatus.REJECTED, "The price of line 1 was not agreed.")
    assert (matched.status, matched.payment_reference) == (InvoiceStatus.PAID, "BANK-2026-0042")
    assert str(matched.payment_date) == "2026-12-04"
    page.goto(live_server.url + "/buyer/invoices/")
    assert (tile_count(page, "matched"), tile_count(page, "paid")) == ("0", "1")
    assert Invoice.objects.filter(status=InvoiceStatus.ON_HOLD).count() == 0
