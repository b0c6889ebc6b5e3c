"""Phones and print in Chromium: every main page of the vendor and the buyer fits a 375 px phone (English and
Dutch), the navigation folds into a menu that works without script, the vendor answers from a phone, a long word
never widens a page, and the browser's print of a PO keeps its quantity, date and price columns on A4."""

from __future__ import annotations

import io
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from vendorcollab.common.testing.browser import (
    DEFAULT_TIMEOUT_MS,
    SCREENSHOT_DIR,
    assert_accessible,
    login,
)
from vendorcollab.common.testing.factories import in_days, line, make_po
from vendorcollab.consignment.services import ownership_change_post, replenishment_create
from vendorcollab.consignment.tests.helpers import priced, stock_line, stocked
from vendorcollab.invoicing.tests.buyer_helpers import received_po, stored_invoice
from vendorcollab.invoicing.tests.vendor_helpers import draft_for, submitted_for
from vendorcollab.invoicing.tests.vendor_helpers import received_po as vendor_received_po
from vendorcollab.purchasing import services
from vendorcollab.purchasing.models import Note, ResponseKind, VendorResponse, Visibility
from vendorcollab.shipping.tests.conftest import confirmed_po, ship

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 375
A4_WIDTH = 794  # A4 portrait at 96 px to the inch
PRINTABLE_WIDTH = 718  # less app.css's @page margins of 10 mm either side: what the printer lays the page out in
LONG_WORD = "W" * 40_000
LOCALES = {"en": "en-US", "nl": "nl-NL"}

# Every link, button and form control on the page that is visible and lies (partly) outside 0..width.
OUTSIDE = """(width) => Array.from(document.querySelectorAll('a, button, summary, input, select, textarea'))
  .filter((el) => !el.closest('.skip-link') && el.checkVisibility({visibilityProperty: true}))
  .map((el) => [el, el.getBoundingClientRect()])
  .filter(([el, box]) => box.width > 0 && (box.left < -0.5 || box.right > width + 0.5))
  .map(([el, box]) => `${el.tagName.toLowerCase()} "${(el.innerText || el.name || '').trim().slice(0, 40)}"`
    + ` ${Math.round(box.left)}..${Math.round(box.right)}`)"""


def _context_page(browser: Browser, *, width: int, height: int, locale: str, mobile: bool) -> Iterator[Page]:
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale=locale, is_mobile=mobile, has_touch=mobile
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    context.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture(autouse=True)
def _patient_expect() -> Iterator[None]:
    """These tests walk many pages while the other tests share the two cores: wait as long as for a navigation."""
    expect.set_options(timeout=DEFAULT_TIMEOUT_MS)
    yield
    expect.set_options(timeout=5_000)  # Playwright's default


@pytest.fixture(params=sorted(LOCALES))
def phone(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A 375x812 mobile context (the meta viewport honoured, as on a phone) in English and in Dutch."""
    yield from _context_page(browser, width=PHONE_WIDTH, height=812, locale=LOCALES[request.param], mobile=True)


@pytest.fixture(params=sorted(LOCALES))
def a4(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A4 portrait's printable width: the browser lays a printed page out in the paper's width less its margins."""
    yield from _context_page(browser, width=PRINTABLE_WIDTH, height=1123, locale=LOCALES[request.param], mobile=False)


def screen(page: Page, name: str) -> Path:
    """A screenshot of what the screen shows: a full-page shot of a page that a 40,000-character note makes 44,000 px
    tall (or, without wrapping, 600,000 px wide) takes longer than the timeout, or brings the browser down."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    page.screenshot(path=str(path))
    return path


# Codes (PO-000004-3, ITEM-0001) and dates (06-12-2026, 06/12/2026) in the page's text that the layout breaks inside.
BROKEN_TOKENS = r"""() => {
  const token = /\b(?:[A-Z]{2,}-\d+(?:-\d+)?|\d{1,2}[-\/.]\d{1,2}[-\/.]\d{4})\b/g;
  const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  const broken = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.parentElement.checkVisibility()) continue;
    for (const match of node.data.matchAll(token)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const tops = new Set(Array.from(range.getClientRects()).filter((r) => r.width > 0).map((r) => Math.round(r.top)));
      if (tops.size > 1) broken.push(match[0]);
    }
  }
  return broken;
}"""


def assert_fits(page: Page, name: str, width: int = PHONE_WIDTH) -> None:
    """The page is no wider than the screen, no link, button or field lies beside it, and no code or date is broken
    across two lines."""
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    outside = page.evaluate(OUTSIDE, width)
    broken = page.evaluate(BROKEN_TOKENS)
    if scroll_width > width or outside or broken:
        shot = screen(page, f"too-wide-{name}")
        raise AssertionError(
            f"{name} ({page.url}) is {scroll_width} px wide; outside 0..{width}: {outside}; broken: {broken}; {shot}"
        )


def lang(page: Page) -> str:
    return page.evaluate("() => document.documentElement.lang")


@pytest.fixture
def orders(cast):
    """A PO with every dimension and price on its lines (and one line with none), one already accepted, one rejected,
    and a note that is a single 40,000-character word."""
    full = services.po_create(
        actor=cast.agent,
        company=cast.company,
        vendor=cast.vendor_a,
        lines=[
            line(
                item,
                quantity=str(1250 * (index + 1)),
                price="1234.5678",
                site=cast.site,
                warehouse=cast.warehouse,
                color="Anthracite",
                size="XXL",
                style="Contemporary",
                configuration="Configuration-42",
                discount_percent=Decimal("12.5"),
            )
            for index, item in enumerate(cast.items)
        ]
        + [line(cast.items[0], quantity="7")],
    )
    note = services.note_add(actor=cast.agent, purchase_order=full, text="placeholder", visibility=Visibility.EXTERNAL)
    # Older data and imports are not held to today's note limit; the page must still hold such a note.
    Note.objects.filter(pk=note.pk).update(text=LONG_WORD)
    full = services.po_send(actor=cast.agent, purchase_order=full)
    accepted = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:2], send=True)
    services.response_submit(actor=cast.vendor_a_user, purchase_order=accepted, version=1, kind=ResponseKind.ACCEPTED)
    rejected = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    services.response_submit(
        actor=cast.vendor_a_user, purchase_order=rejected, version=1, kind=ResponseKind.REJECTED, note="No stock."
    )
    confirmed = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:2], send=True)
    services.response_submit(actor=cast.vendor_a_user, purchase_order=confirmed, version=1, kind=ResponseKind.ACCEPTED)
    services.po_confirm(actor=cast.agent, purchase_order=confirmed)
    # Consignment: stock on hand, a replenishment on its way, an ownership change (which makes a consignment PO).
    priced(cast, "3.00")
    stocked(cast, quantity="20", color="Red", size="XL")
    journal = ownership_change_post(
        actor=cast.agent, vendor=cast.vendor_a, lines=[stock_line(cast, quantity="5", color="Red", size="XL")]
    )
    replenishment = replenishment_create(actor=cast.agent, vendor=cast.vendor_a, lines=[stock_line(cast, 1)])
    # An invoice on hold with a price exception: the buyer's widest invoice page.
    invoice = stored_invoice(cast, received_po(cast), number="INV-2026-000123", price_on_line_1="2.75")
    # Invoicing: a received PO, half invoiced at another price (on hold), half in a draft.
    invoiced = vendor_received_po(cast, items=cast.items[:1])
    on_hold = submitted_for(cast, invoiced, "INV-2026-000001", quantity=Decimal(5), price=Decimal("2.75"))
    invoice_draft = draft_for(cast, invoiced, "INV-2026-000002", quantity=Decimal(5))
    # Ship notices: one in transit with long codes (the widest notice pages), on a PO with something left to ship.
    shipped = confirmed_po(cast, quantities=("1250", "2500"), site=cast.site)
    ship_notice = ship(
        cast, (shipped, 1, "1000"), (shipped, 2, "2500"), number="SN-2026-000123", carrier="DHL Express",
        tracking_number="JD014600006281234567", packages=12, note="Deliver at dock 4",
    )  # fmt: skip
    return {
        "shipped": shipped,
        "ship_notice": ship_notice,
        "full": full,
        "invoice": invoice,
        "accepted": accepted,
        "rejected": rejected,
        "confirmed": confirmed,
        "journal": journal,
        "consigned": journal.purchase_order,
        "replenishment": replenishment,
        "vendor_invoice": on_hold,
        "invoice_draft": invoice_draft,
        "vendor_a": cast.vendor_a,
    }


VENDOR_PAGES = [
    "/vendor/",
    "/vendor/purchase-orders/list/for_review/",
    "/vendor/purchase-orders/list/awaiting_customer/",
    "/vendor/purchase-orders/list/open_confirmed/",
    "/vendor/purchase-orders/list/all_confirmed/",
    "/vendor/purchase-orders/{full}/",
    "/vendor/purchase-orders/{full}/respond/",
    "/vendor/purchase-orders/{full}/reject/",
    "/vendor/purchase-orders/{full}/history/",
    "/vendor/purchase-orders/{accepted}/",
    "/vendor/history/",
    "/vendor/consignment/on-hand/",
    "/vendor/consignment/received/",
    "/vendor/consignment/purchase-orders/",
    "/vendor/consignment/replenishments/",
    "/vendor/consignment/purchase-orders/{consigned}/",
    "/vendor/invoicing/",
    "/vendor/invoices/list/ready_to_invoice/",
    "/vendor/invoices/list/submitted/",
    "/vendor/invoices/{vendor_invoice}/",
    "/vendor/invoices/{invoice_draft}/",
    "/vendor/invoices/{invoice_draft}/edit/",
    "/vendor/ship-notices/",
    "/vendor/ship-notices/{ship_notice}/",
    "/vendor/ship-notices/new/?po={shipped}",
    "/vendor/performance/",
    "/account/profile/",
    "/account/tokens/",
    "/settings/notifications/",
]

BUYER_PAGES = [
    "/buyer/",
    "/buyer/purchase-orders/list/requiring_action/",
    "/buyer/purchase-orders/list/awaiting_vendor/",
    "/buyer/purchase-orders/list/drafts/",
    "/buyer/purchase-orders/list/confirmed_not_received/",
    "/buyer/purchase-orders/new/",
    "/buyer/purchase-orders/{full}/",
    "/buyer/purchase-orders/{accepted}/",
    "/buyer/purchase-orders/{rejected}/",
    "/buyer/purchase-orders/{full}/history/",
    "/buyer/invoices/",
    "/buyer/invoices/list/on_hold/",
    "/buyer/invoices/{invoice}/",
    "/buyer/shipments/",
    "/buyer/ship-notices/{ship_notice}/",
    "/buyer/consignment/",
    "/buyer/consignment/replenishments/",
    "/buyer/consignment/ownership-changes/",
    "/buyer/consignment/prices/",
    "/buyer/consignment/replenishments/{replenishment}/",
    "/buyer/consignment/ownership-changes/{journal}/",
    "/buyer/vendor-performance/",
    "/buyer/vendor-performance/{vendor_a}/",
    "/account/profile/",
    "/account/tokens/",
    "/settings/notifications/",
]


# The pages this work changed most (the header is on all of them): scanned with axe on the phone too.
AXE_PAGES = {
    "/vendor/purchase-orders/list/for_review/",
    "/vendor/purchase-orders/{full}/",
    "/buyer/purchase-orders/list/requiring_action/",
    "/buyer/purchase-orders/{full}/",
    "/buyer/invoices/{invoice}/",
    "/vendor/ship-notices/{ship_notice}/",
    "/vendor/ship-notices/new/?po={shipped}",
    "/buyer/ship-notices/{ship_notice}/",
    "/buyer/ship-notices/{ship_notice}/receive/",
}


def _walk(page: Page, live_server, pages: list[str], orders, who: str) -> None:
    ids = {name: po.pk for name, po in orders.items()}
    for path in pages:
        response = page.goto(live_server.url + path.format(**ids))
        assert response is not None and response.ok, path
        name = f"{who}-{lang(page)}-{path.strip('/').replace('/', '-')}"
        assert_fits(page, name)
        if path in AXE_PAGES:
            assert_accessible(page, name)


def test_the_vendors_pages_fit_a_phone(phone, live_server, cast, orders):
    login(phone, live_server.url, "dave", "pw-dave")
    cast.vendor_a_user.show_dimensions = True
    cast.vendor_a_user.save(update_fields=["show_dimensions"])
    _walk(phone, live_server, VENDOR_PAGES, orders, "vendor")
    phone.goto(live_server.url + "/vendor/purchase-orders/list/awaiting_customer/")
    screen(phone, f"phone-vendor-list-{lang(phone)}")


def test_the_buyers_pages_fit_a_phone(phone, live_server, cast, orders):
    login(phone, live_server.url, "bob", "pw-bob")
    _walk(phone, live_server, BUYER_PAGES, orders, "buyer")


# The receiving clerk's own workspace and the receipt page.
CLERK_PAGES = [
    "/buyer/receiving/",
    "/buyer/purchase-orders/{confirmed}/receipts/",
    "/buyer/purchase-orders/{confirmed}/",
    "/buyer/ship-notices/{ship_notice}/receive/",
]


def test_the_clerks_pages_fit_a_phone(phone, live_server, cast, orders):
    login(phone, live_server.url, "carol", "pw-carol")
    _walk(phone, live_server, CLERK_PAGES, orders, "clerk")
    phone.goto(live_server.url + "/buyer/receiving/")
    expect(phone.locator("main")).to_contain_text(orders["confirmed"].number)
    assert_accessible(phone, f"receiving workspace on a phone ({lang(phone)})")


def test_stacked_lines_show_only_the_fields_that_carry_a_value(phone, live_server, cast, orders):
    cast.vendor_a_user.show_dimensions = True
    cast.vendor_a_user.save(update_fields=["show_dimensions"])
    login(phone, live_server.url, "dave", "pw-dave")
    phone.goto(f"{live_server.url}/vendor/purchase-orders/{orders['full'].pk}/")
    full_line, bare_line = phone.locator("#line-1"), phone.locator("#line-4")
    # Every cell of a line with dimensions is shown; a line without them shows no empty dimension labels.
    expect(full_line.locator("td:visible")).to_have_count(phone.locator("#line-1 td").count())
    assert bare_line.locator("td:visible").count() == full_line.locator("td:visible").count() - 6
    screen(phone, f"vendor-po-phone-{lang(phone)}")
    # The buyer's table puts the dimensions in one column: left out too when a line has none.
    phone.locator(".menu-toggle").click()
    phone.locator(".topbar-tools form[action*='logout'] button").click()
    login(phone, live_server.url, "bob", "pw-bob")
    phone.goto(f"{live_server.url}/buyer/purchase-orders/{orders['full'].pk}/")
    rows = phone.locator("#po-lines tbody tr")
    expect(rows).to_have_count(4)
    assert rows.nth(3).locator("td:visible").count() == rows.nth(0).locator("td:visible").count() - 3


def _visible_nav_links(page: Page) -> list[str]:
    return page.locator(".mainnav a:visible, .topbar-tools a:visible").evaluate_all(
        "(links) => links.map((a) => a.getAttribute('href'))"
    )


@pytest.mark.parametrize(("username", "home"), [("dave", "/vendor/"), ("bob", "/buyer/")])
def test_every_navigation_link_is_reachable_from_the_phone_menu(phone, live_server, cast, username, home):
    login(phone, live_server.url, username, "pw-" + username)
    phone.goto(live_server.url + home)
    links = phone.locator(".mainnav a, .topbar-tools a").evaluate_all(
        "(links) => links.map((a) => a.getAttribute('href'))"
    )
    assert len(links) >= 6
    # The first screen shows the work: the menu is folded, the page's heading is in view.
    assert _visible_nav_links(phone) == []
    heading = phone.locator("main h1").bounding_box()
    assert heading is not None and heading["y"] + heading["height"] < 300
    assert_accessible(phone, f"{username} workspace on a phone")
    screen(phone, f"phone-{username}-{lang(phone)}")
    phone.locator(".menu-toggle").click()
    expect(phone.locator(".mainnav a").first).to_be_visible()
    screen(phone, f"phone-menu-{username}-{lang(phone)}")
    assert_accessible(phone, f"{username} menu open on a phone")
    for href in links:
        phone.goto(live_server.url + home)
        phone.locator(".menu-toggle").click()
        link = phone.locator(f".mainnav a[href='{href}'], .topbar-tools a[href='{href}']").first
        expect(link).to_be_visible()
        assert_fits(phone, f"menu-{username}-{lang(phone)}")
        box = link.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE_WIDTH
        link.click()
        expect(phone).to_have_url(live_server.url + href)
    # Signing out is in the menu too.
    phone.goto(live_server.url + home)
    phone.locator(".menu-toggle").click()
    sign_out = phone.locator(".topbar-tools form[action*='logout'] button")
    expect(sign_out).to_be_visible()


def test_the_menu_is_open_on_a_desktop(page, live_server, cast):
    login(page, live_server.url, "dave", "pw-dave")
    page.goto(live_server.url + "/vendor/")
    expect(page.locator(".menu-toggle")).to_be_hidden()
    expect(page.locator(".mainnav a").first).to_be_visible()
    expect(page.locator(".topbar-tools button[type=submit]").last).to_be_visible()


def test_the_menu_works_without_script(browser, live_server, cast):
    context = browser.new_context(
        viewport={"width": PHONE_WIDTH, "height": 812}, is_mobile=True, java_script_enabled=False
    )
    try:
        page = context.new_page()
        login(page, live_server.url, "dave", "pw-dave")
        page.goto(live_server.url + "/vendor/")
        expect(page.locator(".mainnav a").first).to_be_hidden()
        page.locator(".menu-toggle").click()
        history = page.locator(".mainnav a[href='/vendor/history/']")
        expect(history).to_be_visible()
        history.click()
        expect(page).to_have_url(live_server.url + "/vendor/history/")
    finally:
        context.close()


def test_the_vendor_answers_every_way_on_a_phone(phone, live_server, cast):
    accept_me, reject_me, change_me = (
        make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:2], send=True) for _ in range(3)
    )
    login(phone, live_server.url, "dave", "pw-dave")
    base = live_server.url + "/vendor/purchase-orders/"

    phone.goto(f"{base}{accept_me.pk}/")
    accept = phone.locator("[data-action=accept]")
    assert_fits(phone, f"vendor-po-{lang(phone)}")
    accept.click()
    # A mis-tap accepts nothing: the phone asks once, and the dialog fits the screen.
    dialog = phone.locator("#accept-dialog")
    expect(dialog).to_be_visible()
    assert not VendorResponse.objects.filter(purchase_order=accept_me).exists()
    assert_fits(phone, f"vendor-accept-dialog-{lang(phone)}")
    screen(phone, f"phone-accept-dialog-{lang(phone)}")
    dialog.locator("[data-action=accept-confirm]").click()
    expect(phone.locator(".messages")).to_be_visible()
    assert VendorResponse.objects.get(purchase_order=accept_me).kind == ResponseKind.ACCEPTED

    phone.goto(f"{base}{reject_me.pk}/")
    phone.locator("[data-action=reject]").click()
    expect(phone.locator("#id_reason")).to_be_visible()
    assert_fits(phone, f"vendor-reject-{lang(phone)}")
    phone.fill("#id_reason", "Discontinued.")
    phone.locator("main form button[type=submit]").click()
    expect(phone.locator(".messages")).to_be_visible()
    assert VendorResponse.objects.get(purchase_order=reject_me).kind == ResponseKind.REJECTED

    phone.goto(f"{base}{change_me.pk}/")
    phone.locator("[data-action=accept-with-changes]").click()
    expect(phone.locator("#id_line-1-action")).to_be_visible()
    assert_fits(phone, f"vendor-respond-{lang(phone)}")
    phone.select_option("#id_line-1-action", "change")
    phone.fill("#id_line-1-quantity", "4")
    phone.fill("#id_line-1-delivery_date", in_days(30).isoformat())
    assert_fits(phone, f"vendor-respond-change-{lang(phone)}")
    screen(phone, f"phone-respond-{lang(phone)}")
    assert_accessible(phone, f"response editor on a phone ({lang(phone)})")
    phone.locator("button[value=submit]").click()
    # 4 of the 10 ordered: asked once before it is sent.
    quantities = phone.locator("#quantities-dialog")
    expect(quantities).to_be_visible()
    assert_fits(phone, f"vendor-quantities-dialog-{lang(phone)}")
    quantities.locator("[data-send-anyway]").click()
    expect(phone.locator(".messages")).to_be_visible()
    response = VendorResponse.objects.get(purchase_order=change_me)
    assert response.kind == ResponseKind.ACCEPTED_WITH_CHANGES
    assert response.lines.get(line_number=1).quantity == 4


def test_a_long_word_in_a_note_does_not_widen_the_page(phone, live_server, cast, orders):
    login(phone, live_server.url, "dave", "pw-dave")
    phone.goto(f"{live_server.url}/vendor/purchase-orders/{orders['full'].pk}/")
    expect(phone.get_by_text(LONG_WORD[:10], exact=False).first).to_be_attached()
    assert_fits(phone, f"vendor-long-note-{lang(phone)}")


def test_a_long_word_does_not_widen_the_buyers_page(phone, live_server, cast, orders):
    login(phone, live_server.url, "bob", "pw-bob")
    phone.goto(f"{live_server.url}/buyer/purchase-orders/{orders['full'].pk}/")
    assert_fits(phone, f"buyer-long-note-{lang(phone)}")


# The elements whose text takes more than one line (one client rect per line box of a range over the text).
LINES_OF_TEXT = """(els) => els.filter((el) => {
  const range = document.createRange();
  range.selectNodeContents(el);
  const tops = new Set(Array.from(range.getClientRects()).filter((r) => r.width > 0).map((r) => Math.round(r.top)));
  return tops.size > 1;
}).map((el) => el.textContent.trim())"""


def test_codes_and_dates_do_not_break_inside(page, live_server, cast, orders):
    """At any width a PO number with its version, and a date, stay on one line."""
    login(page, live_server.url, "dave", "pw-dave")
    for width in (1280, 900, 700, 480):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(live_server.url + "/vendor/purchase-orders/list/for_review/")
        broken = page.locator("td a, td.date").evaluate_all(LINES_OF_TEXT)
        assert broken == [], (width, broken)


# --- print ----------------------------------------------------------------------------------------------------------

PRINTED_COLUMNS = {"Quantity", "Unit", "Delivery date", "Unit price", "Amount"}
LAST_AMOUNT = {"en": "4,050,925.59", "nl": "4.050.925,59"}  # the third line's amount: the widest figure


def _assert_prints_on_a4(page: Page, name: str, columns: set[str], amount: str) -> None:
    with translation.override(lang(page)):
        columns = {gettext(column) for column in columns}
    name = f"{name}-{lang(page)}"
    page.emulate_media(media="print")
    table = page.locator("#po-lines table")
    expect(table).to_be_visible()
    screen(page, name)
    headers = table.locator("thead th")
    found = set()
    for index in range(headers.count()):
        header = headers.nth(index)
        text = header.inner_text().strip()
        if text in columns:
            found.add(text)
            box = header.bounding_box()
            assert box is not None and box["width"] > 0, text
            assert box["x"] >= 0 and box["x"] + box["width"] <= PRINTABLE_WIDTH, (text, box)
    assert found == columns
    box = table.bounding_box()
    assert box is not None and box["x"] + box["width"] <= PRINTABLE_WIDTH
    # What fits on the screen but not in the print's box is clipped: the table must fit its own box.
    assert table.evaluate("(t) => t.parentElement.scrollWidth <= t.parentElement.clientWidth + 1")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PRINTABLE_WIDTH
    # Codes, quantities and dates stay whole (ITEM-0186, Configuration-42, 20-12-2026); only descriptions wrap.
    broken = table.locator("tbody td:not(.wrap):not(:has(*))").evaluate_all(LINES_OF_TEXT)
    assert broken == []
    # No navigation and no buttons in print.
    expect(page.locator("header.topbar")).to_be_hidden()
    visible_buttons = page.locator("main button, main .button").evaluate_all(
        "(els) => els.filter((el) => el.checkVisibility()).map((el) => el.textContent.trim())"
    )
    assert visible_buttons == []
    # Chromium's own print: A4 pages, numbered, with the last column's amounts on them.
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    (SCREENSHOT_DIR / f"{name}.pdf").write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    first = reader.pages[0]
    assert (round(float(first.mediabox.width)), round(float(first.mediabox.height))) == (595, 842)
    text = first.extract_text()
    assert amount in text, text[:2000]
    assert f"1 / {len(reader.pages)}" in text


def test_the_vendors_po_page_prints_on_a4_with_dimensions(a4, live_server, cast, orders):
    cast.vendor_a_user.show_dimensions = True
    cast.vendor_a_user.save(update_fields=["show_dimensions"])
    login(a4, live_server.url, "dave", "pw-dave")
    a4.goto(f"{live_server.url}/vendor/purchase-orders/{orders['full'].pk}/")
    _assert_prints_on_a4(a4, "print-vendor-po", PRINTED_COLUMNS, amount=LAST_AMOUNT[lang(a4)])


def test_the_buyers_po_page_prints_on_a4(a4, live_server, cast, orders):
    login(a4, live_server.url, "bob", "pw-bob")
    a4.goto(f"{live_server.url}/buyer/purchase-orders/{orders['full'].pk}/")
    # The buyer's table shows the unit beside the quantity.
    _assert_prints_on_a4(a4, "print-buyer-po", PRINTED_COLUMNS - {"Unit"}, amount=LAST_AMOUNT[lang(a4)])


# --- tiles and sorting ----------------------------------------------------------------------------------------------


def test_the_tile_that_needs_action_says_so(page, live_server, cast, orders):
    login(page, live_server.url, "dave", "pw-dave")
    page.goto(live_server.url + "/vendor/")
    action = page.locator("[data-list='for_review']")
    expect(action.locator(".tile-flag")).to_be_visible()
    expect(action).to_contain_text("Needs your action")
    # The informational tiles, busy or not, carry no such label.
    expect(page.locator("[data-list='awaiting_customer'] .tile-flag")).to_have_count(0)
    # Beside it, the invoicing tiles whose rows wait for the vendor: received POs and consignment receipts to invoice.
    expect(page.locator(".tile-flag")).to_have_count(3)
    assert flagged_tiles(page) == {"for_review", "invoicing-ready_to_invoice", "invoicing-consignment"}
    screen(page, "desktop-vendor-tiles")
    assert_accessible(page, "vendor workspace tiles")

    services.response_submit(
        actor=cast.vendor_a_user, purchase_order=orders["full"], version=1, kind=ResponseKind.ACCEPTED
    )
    page.goto(live_server.url + "/vendor/")
    expect(page.locator("[data-list='for_review'] .tile-count")).to_have_text("0")
    expect(page.locator(".tile-flag")).to_have_count(2)
    assert flagged_tiles(page) == {"invoicing-ready_to_invoice", "invoicing-consignment"}


def flagged_tiles(page) -> set[str]:
    """The lists whose tiles say "Needs your action"."""
    return set(page.locator(".tile:has(.tile-flag)").evaluate_all("(tiles) => tiles.map((t) => t.dataset.list)"))


def test_the_buyers_action_tile_says_so(page, live_server, cast, orders):
    login(page, live_server.url, "bob", "pw-bob")
    page.goto(live_server.url + "/buyer/")
    expect(page.locator("[data-list='requiring_action'] .tile-flag")).to_be_visible()
    # ... and the invoices on hold after the match, which wait for accounts payable.
    expect(page.locator(".tile-flag")).to_have_count(2)
    assert flagged_tiles(page) == {"requiring_action", "invoices-on_hold"}


def test_sorted_column_shows_its_direction(page, live_server, cast, orders):
    login(page, live_server.url, "dave", "pw-dave")
    page.goto(live_server.url + "/vendor/purchase-orders/list/for_review/?sort=number")
    arrow = "(a) => getComputedStyle(a, '::after').content"
    sorted_header = page.locator("th[aria-sort='ascending'] a")
    assert "▲" in sorted_header.evaluate(arrow)
    page.goto(live_server.url + "/vendor/purchase-orders/list/for_review/?sort=-number")
    assert "▼" in page.locator("th[aria-sort='descending'] a").evaluate(arrow)
    unsorted = page.locator("th[aria-sort='none'] a").first
    assert "▲" not in unsorted.evaluate(arrow) and "▼" not in unsorted.evaluate(arrow)
