"""The vendor's flows clicked through in Chromium: sign in, the workspace, answering in every way, the PDF."""

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from vendorcollab.common.testing.browser import assert_accessible, login, screenshot
from vendorcollab.common.testing.factories import ItemFactory, in_days, make_po
from vendorcollab.purchasing.models import LineAction, POStatus, PurchaseOrder, ResponseKind, VendorResponse
from vendorcollab.purchasing.services import po_request_change, po_send, response_submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def po_url(live_server, po, suffix=""):
    return f"{live_server.url}/vendor/purchase-orders/{po.pk}/{suffix}"


@pytest.fixture
def signed_in(page, live_server, cast):
    login(page, live_server.url, "dave", "pw-dave")
    return page


def test_sign_in_lands_on_the_workspace_with_counts(signed_in, live_server, cast):
    page = signed_in
    for _ in range(2):
        make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    answered = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    response_submit(actor=cast.vendor_a_user, purchase_order=answered, version=1, kind=ResponseKind.ACCEPTED)
    make_po(actor=cast.agent, vendor=cast.vendor_b, items=cast.items[:1], send=True)  # not dave's
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text() == "Purchase order confirmation"
    assert page.locator("[data-list='for_review'] .tile-count").inner_text() == "2"
    assert page.locator("[data-list='awaiting_customer'] .tile-count").inner_text() == "1"
    assert page.locator("[data-list='open_confirmed'] .tile-count").inner_text() == "0"
    screenshot(page, "vendor-workspace")
    assert_accessible(page, "vendor workspace")


def test_wrong_password_is_refused_with_a_message(page, live_server, cast):
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_login", "dave")
    page.fill("#id_password", "wrong")
    page.locator("main form button[type=submit]").click()
    assert page.locator("[role=alert]").is_visible()
    assert page.locator("#id_login").input_value() == "dave"


def test_accept(signed_in, live_server, cast):
    page = signed_in
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:2], send=True)
    page.goto(po_url(live_server, po))
    assert_accessible(page, "vendor purchase order")
    page.locator("[data-action=accept]").click()
    # Asked once, in a dialog: nothing is sent before the second click.
    expect(page.locator("#accept-dialog")).to_be_visible()
    assert_accessible(page, "accept dialog")
    assert not VendorResponse.objects.exists()
    page.locator("#accept-dialog [data-action=accept-confirm]").click()
    assert "Response sent to Contoso Nederland: accepted." in page.locator(".messages").inner_text()
    assert VendorResponse.objects.get(purchase_order=po).kind == ResponseKind.ACCEPTED
    page.goto(live_server.url + "/vendor/purchase-orders/list/awaiting_customer/")
    assert f"{po.number}-1" in page.locator("table").inner_text()


def test_reject_with_a_reason(signed_in, live_server, cast):
    page = signed_in
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    page.goto(po_url(live_server, po))
    page.locator("[data-action=reject]").click()
    page.locator("main form button[type=submit]").click()  # no reason yet
    expect(page.locator("#id_reason-error")).to_be_visible()  # waits for the page the refusal answers with
    page.fill("#id_reason", "This item is discontinued.")
    page.locator("main form button[type=submit]").click()
    assert "rejected" in page.locator(".messages").inner_text()
    response = VendorResponse.objects.get(purchase_order=po)
    assert (response.kind, response.note) == (ResponseKind.REJECTED, "This item is discontinued.")


def test_accept_with_changes_using_every_line_action(signed_in, live_server, cast):
    page = signed_in
    items = [*cast.items, ItemFactory(company=cast.company)]
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=items, send=True)  # quantities 10, 20, 30, 40
    page.goto(po_url(live_server, po))
    page.locator("[data-action=accept-with-changes]").click()
    assert_accessible(page, "response editor")

    # The header's date goes to every line at once.
    new_date = in_days(60).isoformat()
    page.fill("#id_response-delivery_date", new_date)
    page.click("#update-dates")
    for number in (1, 2, 3, 4):
        assert page.locator(f"#id_line-{number}-delivery_date").input_value() == new_date
        assert page.locator(f"#id_line-{number}-action").input_value() == "change"

    page.select_option("#id_line-1-action", "change")
    page.fill("#id_line-1-quantity", "8")

    page.select_option("#id_line-2-action", "split")
    assert page.locator("#line-2-schedule").is_visible()
    page.fill("#id_line-2-schedule-0-quantity", "12")
    page.fill("#id_line-2-schedule-0-delivery_date", in_days(20).isoformat())
    page.fill("#id_line-2-schedule-1-quantity", "6")
    page.fill("#id_line-2-schedule-1-delivery_date", in_days(40).isoformat())
    assert page.locator("#line-2-schedule .when-less").is_visible()  # 18 of 20
    page.fill("#id_line-2-schedule-1-quantity", "8")
    assert page.locator("#line-2-schedule .when-equal").is_visible()
    page.locator("#line-2-schedule button[value='add_row:2']").click()  # htmx swaps only this line's schedule
    page.locator("#id_line-2-schedule-2-quantity").wait_for()
    page.locator("#line-2-schedule button[value='remove_row:2:2']").click()
    page.locator("#id_line-2-schedule-2-quantity").wait_for(state="detached")

    page.select_option("#id_line-3-action", "substitute")
    page.fill("#id_line-3-external_item_number", "ALT-30")
    page.fill("#id_line-3-external_description", "Same chair, blue")

    page.select_option("#id_line-4-action", "reject")
    page.fill("#id_line-4-note", "No longer made.")
    page.fill("#id_response-vendor_reference", "SO-4471")
    screenshot(page, "vendor-response-editor")

    page.locator("button[value=submit]").click()
    expect(page.locator("#quantities-dialog")).to_contain_text("Line 1: you confirm 8 of 10 ordered.")
    page.locator("#quantities-dialog [data-send-anyway]").click()
    assert "accepted with changes on 4 of 4 lines" in page.locator(".messages").inner_text()
    response = VendorResponse.objects.get(purchase_order=po)
    rows = {row.line_number: row for row in response.lines.all()}
    assert response.vendor_reference == "SO-4471"
    assert (rows[1].action, rows[1].quantity, rows[1].delivery_date) == (LineAction.CHANGE, 8, in_days(60))
    assert rows[2].action == LineAction.SPLIT and [r["quantity"] for r in rows[2].schedule] == ["12", "8"]
    assert (rows[3].action, rows[3].external_item_number, rows[3].delivery_date) == (
        LineAction.SUBSTITUTE,
        "ALT-30",
        in_days(60),
    )
    assert (rows[4].action, rows[4].note) == (LineAction.REJECT, "No longer made.")
    # The answer is on the PO page, changes marked.
    assert page.locator(".response-lines del").count() >= 2


def test_a_draft_is_saved_and_submitted_later(signed_in, live_server, cast):
    page = signed_in
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:2], send=True)
    page.goto(po_url(live_server, po, "respond/"))
    page.select_option("#id_line-1-action", "change")
    page.fill("#id_line-1-quantity", "4")
    page.fill("#id_response-note", "Partial stock now, rest later.")
    page.locator("button[value=save_draft]").click()
    assert "Draft saved" in page.locator(".messages").inner_text()
    assert not VendorResponse.objects.exists()
    page.locator("[data-action=accept-with-changes]").click()
    assert page.locator("#id_line-1-quantity").input_value() == "4"
    assert page.locator("#id_response-note").input_value() == "Partial stock now, rest later."
    page.locator("button[value=submit]").click()
    page.locator("#quantities-dialog [data-send-anyway]").click()  # 4 of the 10 ordered
    expect(page.locator(".messages")).to_contain_text("accepted with changes")
    response = VendorResponse.objects.get(purchase_order=po)
    assert response.note == "Partial stock now, rest later."
    assert response.lines.get(line_number=1).quantity == 4


def test_a_newer_version_arriving_while_editing(signed_in, live_server, cast):
    page = signed_in
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:2], send=True)
    page.goto(po_url(live_server, po, "respond/"))
    page.fill("#id_response-note", "Please deliver to dock 4.")
    # Meanwhile the buyer changes the order and sends version 2.
    po_send(actor=cast.agent, purchase_order=po_request_change(actor=cast.agent, purchase_order=po))
    page.locator("button[value=submit]").click()
    assert "version 2 of this purchase order has arrived" in page.locator("main").inner_text()
    assert page.locator("textarea[readonly]").input_value() == "Please deliver to dock 4."
    page.get_by_role("link", name=f"Open version 2 of {po.number}").click()
    assert page.locator("h1").inner_text().startswith(f"Purchase order {po.number}-2")
    assert not VendorResponse.objects.exists()


def test_pdf_download(signed_in, live_server, cast):
    page = signed_in
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:2], send=True)
    response = page.request.get(po_url(live_server, po, "pdf/"))
    assert response.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert f"{po.number}-1" in text
    assert cast.items[0].number in text


def test_dimension_columns_toggle(signed_in, live_server, cast):
    page = signed_in
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    page.goto(po_url(live_server, po))
    headers = page.locator("#po-lines thead")
    assert "Warehouse" not in headers.inner_text()
    page.locator("[data-action=dimensions]").click()
    page.wait_for_function("() => document.querySelector('#po-lines thead').innerText.includes('Warehouse')")
    assert page.locator("#dimension-toggle").get_attribute("aria-pressed") == "true"
    page.reload()  # remembered for the user
    assert "Warehouse" in page.locator("#po-lines thead").inner_text()


def test_a_vendor_can_accept_from_a_phone(phone_page, live_server, cast):
    page = phone_page
    login(page, live_server.url, "dave", "pw-dave")
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:2], send=True)
    page.goto(live_server.url + "/vendor/")
    screenshot(page, "vendor-workspace-phone")
    assert page.locator("table.rows thead").is_hidden()  # stacked rows
    page.get_by_role("link", name=f"{po.number}-1").click()
    # The PO page loaded with its script: a tap before then gets the server's confirmation step instead of the dialog.
    page.wait_for_url(f"**/vendor/purchase-orders/{po.pk}/")
    page.locator("[data-action=accept]").click()
    page.locator("#accept-dialog [data-action=accept-confirm]").click()  # a mis-tap alone accepts nothing
    expect(page.locator(".messages")).to_contain_text("accepted")
    assert PurchaseOrder.objects.get(pk=po.pk).status == POStatus.IN_EXTERNAL_REVIEW
    assert VendorResponse.objects.get(purchase_order=po).kind == ResponseKind.ACCEPTED
