"""The document log's pages in Chromium: a vendor reads its documents (on a phone too) and opens one to its XML;
the buyer sees a refused document's reasons and filters the list. Each page passes the accessibility scan."""

import pytest
from playwright.sync_api import expect

from vendorcollab.common.testing.browser import assert_accessible, login, screenshot
from vendorcollab.common.testing.factories import make_po
from vendorcollab.interop import documents
from vendorcollab.interop.models import InboundStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def logged(endpoints):
    # Sent for real: the Order is written by the task queued after the send's commit.
    po = make_po(actor=endpoints.agent, vendor=endpoints.vendor_a, items=endpoints.items, send=True)
    refused = documents.document_log_inbound(
        actor=endpoints.vendor_a_user,
        transaction_code="T76",
        document_id="SO-404",
        xml=b"<OrderResponse><ID>SO-404</ID></OrderResponse>",
        status=InboundStatus.REFUSED,
        reasons=[{"code": "ubl_unknown_order", "message": "No purchase order PO-404 of this vendor account."}],
        vendor=endpoints.vendor_a,
    )
    return po, refused


def test_a_vendor_reads_its_documents_and_opens_one(page, live_server, logged):
    po, _ = logged
    login(page, live_server.url, "dave", "pw-dave")

    page.goto(live_server.url + "/vendor/")
    page.get_by_role("link", name="Documents").click()
    rows = page.locator("#document-table tbody tr")
    expect(rows).to_have_count(2)
    assert "No purchase order PO-404 of this vendor account." in rows.first.inner_text()
    assert_accessible(page, "vendor document list")
    screenshot(page, "vendor-documents")

    # The Order's ID is the buyer's Order ID: the PO number for a PO entered in the portal
    page.get_by_role("link", name=po.number, exact=True).click()
    expect(page.locator("h1")).to_have_text(f"Order (T01) {po.number}")
    assert f"<cbc:ID>{po.number}</cbc:ID>" in page.locator("pre.xml").inner_text()
    assert_accessible(page, "vendor document detail")


def test_the_buyer_filters_to_the_refused_documents(page, live_server, logged):
    login(page, live_server.url, "bob", "pw-bob")

    page.goto(live_server.url + "/buyer/documents/")
    expect(page.locator("#document-table tbody tr")).to_have_count(2)
    page.get_by_label("Status").select_option("refused")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("#document-table tbody tr")).to_have_count(1)
    page.get_by_role("link", name="SO-404").click()
    expect(page.locator("#reasons-heading")).to_have_text("Why it was refused")
    assert "ubl_unknown_order" in page.locator("ul.reasons").inner_text()
    assert_accessible(page, "buyer refused document")


def test_the_document_list_reads_on_a_phone(phone_page, live_server, logged):
    login(phone_page, live_server.url, "dave", "pw-dave")

    phone_page.goto(live_server.url + "/vendor/documents/")
    expect(phone_page.locator("#document-table tbody tr")).to_have_count(2)
    table = phone_page.locator("#document-table").bounding_box()
    assert table is not None and table["x"] >= 0 and table["x"] + table["width"] <= 375
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(phone_page, "vendor-documents-phone")
    assert_accessible(phone_page, "vendor document list on a phone")
