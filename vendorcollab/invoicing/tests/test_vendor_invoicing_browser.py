"""A vendor invoices two received POs in one invoice and submits it, clicked through in Chromium (desktop)."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from vendorcollab.common.testing.browser import assert_accessible, login, screenshot
from vendorcollab.invoicing.models import Invoice, InvoiceStatus
from vendorcollab.invoicing.tests.vendor_helpers import received_po

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_vendor_invoices_two_pos_and_submits(page, live_server, cast):
    first, second = received_po(cast), received_po(cast, items=cast.items[:1])
    login(page, live_server.url, "dave", "pw-dave")
    page.goto(live_server.url + "/vendor/invoicing/")
    expect(page.locator("[data-list='invoicing-ready_to_invoice'] .tile-count")).to_have_text("2")
    assert_accessible(page, "vendor invoicing workspace")
    page.locator("[data-list='invoicing-ready_to_invoice']").click()
    page.wait_for_url("**/vendor/invoices/list/ready_to_invoice/")
    expect(page.locator("input[name=po]")).to_have_count(2)
    page.locator(f"#select-{first.pk}").check()
    page.locator(f"#select-{second.pk}").check()
    page.locator("[data-action=create-invoice]").click()
    page.wait_for_url("**/vendor/invoices/new/**")

    # Three lines prefilled with what was received; the vendor invoices 4 of the first line's 10 at a new price.
    expect(page.locator("#invoice-lines tbody tr")).to_have_count(3)
    assert_accessible(page, "new invoice form")
    page.fill("#id_invoice-number", "F-2026-0001")
    page.fill("#id_lines-0-quantity", "4")
    page.fill("#id_lines-0-unit_price", "2.75")
    page.locator("[data-action=save-draft]").click()
    expect(page.locator(".messages")).to_contain_text("saved as a draft")
    invoice = Invoice.objects.get(number="F-2026-0001")
    assert invoice.status == InvoiceStatus.DRAFT
    screenshot(page, "vendor-invoice-draft")

    # Submitting asks once: a mis-tap submits nothing.
    page.locator("[data-action=submit]").click()
    dialog = page.locator("#submit-dialog")
    expect(dialog).to_be_visible()
    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.DRAFT
    dialog.locator("[data-action=submit-confirm]").click()
    expect(page.locator(".messages")).to_contain_text("F-2026-0001")
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.ON_HOLD  # the price differs from the PO's
    expect(page.locator("#exceptions")).to_be_visible()
    expect(page.locator("#line-1 del")).to_have_text("2.50")
    expect(page.locator("[data-action=submit]")).to_have_count(0)
    assert_accessible(page, "submitted invoice on hold")
    screenshot(page, "vendor-invoice-on-hold")
    assert first.lines.get(line_number=1).invoiced_quantity == Decimal(4)
