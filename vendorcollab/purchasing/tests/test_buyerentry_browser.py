"""In Chromium: picking an item from the lookup in the PO form, the form's errors, and the receiving clerk's
workspace; axe on each."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from vendorcollab.common.testing.browser import assert_accessible, login, screenshot
from vendorcollab.common.testing.factories import CompanyFactory, ItemFactory, make_po
from vendorcollab.purchasing.models import PurchaseOrder, PurchaseOrderLine
from vendorcollab.purchasing.services import po_confirm

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_typing_in_the_item_field_and_picking_a_match(live_server, page, cast):
    ItemFactory(company=cast.company, number="GASKET-40", name="Rubber gasket 40 mm")
    ItemFactory(company=cast.company, number="GASKET-50", name="Rubber gasket 50 mm")
    ItemFactory(company=CompanyFactory(code="BE01"), number="GASKET-60", name="Belgian gasket")
    login(page, live_server.url, "bob", "pw-bob")
    page.goto(live_server.url + reverse("buyer:po_create"))
    page.get_by_label("Vendor").select_option(str(cast.vendor_a.pk))
    item = page.get_by_role("combobox", name="Item number, line 1")

    item.press_sequentially("gask", delay=30)

    options = page.get_by_role("listbox", name="Matching items").get_by_role("option")
    expect(options).to_have_count(2)  # never the other company's GASKET-60
    expect(options.first).to_contain_text("Rubber gasket 40 mm")
    assert_accessible(page, "po-form-item-lookup")
    screenshot(page, "po-form-item-lookup")
    item.press("ArrowDown")
    item.press("ArrowDown")
    expect(item).to_have_attribute("aria-activedescendant", re.compile("-1$"))
    item.press("Enter")  # chooses, does not submit
    expect(item).to_have_value("GASKET-50")
    expect(item).to_have_attribute("aria-expanded", "false")

    # A click chooses too, and the chosen number is what the form saves.
    item.fill("")
    item.press_sequentially("gasket 40", delay=30)
    page.get_by_role("listbox", name="Matching items").get_by_role("option", name=re.compile("GASKET-40")).click()
    expect(item).to_have_value("GASKET-40")
    page.get_by_label("Unit price, line 1").fill("2.50")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("PO-")
    assert PurchaseOrder.objects.get().lines.get().item.number == "GASKET-40"


def test_an_unknown_item_and_another_error_on_the_same_line(live_server, page, cast):
    login(page, live_server.url, "bob", "pw-bob")
    page.goto(live_server.url + reverse("buyer:po_create"))
    page.get_by_label("Vendor").select_option(str(cast.vendor_a.pk))
    page.get_by_role("combobox", name="Item number, line 1").fill("NOPE-9")
    page.get_by_label("Quantity, line 1").fill("0")
    page.get_by_label("Unit price, line 1").fill("2")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("#id_lines-0-item-error")).to_have_text("There is no item NOPE-9 in Contoso Nederland.")
    expect(page.locator("#id_lines-0-quantity-error")).to_have_text("The quantity must be greater than zero.")
    assert_accessible(page, "po-form-errors")


def test_the_clerk_lands_on_the_receiving_workspace(live_server, page, cast):
    for days in (-2, 3):
        po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
        po_confirm(actor=cast.agent, purchase_order=po, without_response=True)
        PurchaseOrderLine.objects.filter(purchase_order=po).update(delivery_date=timezone.localdate() + timedelta(days))
    login(page, live_server.url, "carol", "pw-carol")
    expect(page.get_by_role("heading", level=1)).to_have_text("Receiving")
    assert page.url.endswith(reverse("buyer:receiving"))
    expect(page.locator("table.receiving-list tbody tr")).to_have_count(2)
    assert_accessible(page, "receiving-workspace")
    screenshot(page, "receiving-workspace")
    page.get_by_role("link", name=re.compile("Overdue deliveries")).click()
    expect(page.locator("table.receiving-list tbody tr")).to_have_count(1)
    expect(page.locator("table.receiving-list tbody tr")).to_contain_text("Overdue")
