"""The Content-Security-Policy in a real browser: the main pages load without a single violation and still work
(htmx swaps, the dimension toggle, setting up two-factor authentication)."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import Browser, Page, expect

from vendorcollab.common.testing.browser import assert_accessible, login, screenshot
from vendorcollab.common.testing.factories import make_po
from vendorcollab.common.testing.totp import totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Runs before any script of the page, through the DevTools protocol (which the page's policy does not govern).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"} at ${where}`);
});
"""


class Watched:
    """A page whose CSP violations are collected, from the console and from ``securitypolicyviolation`` events."""

    def __init__(self, browser: Browser) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
        self.context.set_default_timeout(10_000)
        self.context.add_init_script(RECORD_VIOLATIONS)
        self.page: Page = self.context.new_page()
        self.console: list[str] = []
        self.page.on(
            "console",
            lambda message: (
                self.console.append(message.text)
                if "Content Security Policy" in message.text or message.text.startswith("Refused to")
                else None
            ),
        )

    def violations(self) -> list[str]:
        events = self.page.evaluate("() => window.__cspViolations || []")
        return [*self.console, *events]

    def assert_clean(self, where: str) -> None:
        assert self.page.evaluate("() => Array.isArray(window.__cspViolations)"), "the recorder did not run"
        found = self.violations()
        assert found == [], f"{where}: {found}"

    def open(self, url: str) -> Page:
        # (Check before assert_accessible: injecting axe-core trips the policy on purpose, then falls back.)
        self.console.clear()
        self.page.goto(url)
        self.page.wait_for_load_state("load")
        return self.page

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def watched(browser: Browser):
    pages: list[Watched] = []

    def make() -> Watched:
        pages.append(Watched(browser))
        return pages[-1]

    yield make
    for page in pages:
        page.close()


def test_the_vendors_pages_keep_the_policy_and_work(watched, live_server, cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:2], send=True)
    vendor = watched()
    vendor.open(live_server.url + "/accounts/login/")
    vendor.assert_clean("sign-in page")
    login(vendor.page, live_server.url, "dave", "pw-dave")

    page = vendor.open(live_server.url + "/vendor/")
    assert page.locator("h1").inner_text() == "Purchase order confirmation"
    assert page.evaluate("() => typeof window.htmx") == "object"
    vendor.assert_clean("vendor workspace")

    page = vendor.open(f"{live_server.url}/vendor/purchase-orders/{po.pk}/")
    assert "Warehouse" not in page.locator("#po-lines thead").inner_text()
    page.locator("[data-action=dimensions]").click()  # htmx swaps the lines table
    page.wait_for_function("() => document.querySelector('#po-lines thead').innerText.includes('Warehouse')")
    vendor.assert_clean("purchase order, dimensions shown")

    page = vendor.open(f"{live_server.url}/vendor/purchase-orders/{po.pk}/respond/")
    page.select_option("#id_line-1-action", "split")
    assert page.locator("#line-1-schedule").is_visible()  # shown by CSS alone, no inline style
    page.locator("#line-1-schedule button[value='add_row:1']").click()  # htmx swaps this line's schedule
    page.locator("#id_line-1-schedule-2-quantity").wait_for()
    page.fill("#id_line-1-schedule-0-quantity", "4")
    assert page.locator("#line-1-schedule .schedule-sum").inner_text() != ""  # app.js keeps the running total
    vendor.assert_clean("response editor")

    vendor.open(f"{live_server.url}/vendor/purchase-orders/{po.pk}/print/")
    # The page counter's <style> is allowed by its nonce; the stylesheet by 'self'.
    assert vendor.page.evaluate("() => document.styleSheets.length") == 2
    vendor.assert_clean("print view")


def test_the_buyers_pages_and_the_api_docs_keep_the_policy(watched, live_server, cast):
    buyer = watched()
    login(buyer.page, live_server.url, "bob", "pw-bob")
    page = buyer.open(live_server.url + "/buyer/")
    assert page.locator("h1").inner_text() == "Purchase order preparation"
    buyer.assert_clean("buyer workspace")

    page = buyer.open(live_server.url + "/buyer/purchase-orders/new/")
    page.select_option("#id_po-vendor", str(cast.vendor_a.pk))
    page.locator("button[value=add_line]").click()
    page.locator("#id_lines-1-item").wait_for()
    buyer.assert_clean("purchase order entry")

    page = buyer.open(live_server.url + "/api/v1/docs")
    page.locator(".swagger-ui .info").wait_for()
    page.locator(".opblock").first.wait_for()
    buyer.assert_clean("API docs (Swagger UI)")


def test_the_back_office_keeps_the_policy(watched, live_server, cast):
    cast.admin.is_staff = cast.admin.is_superuser = True
    cast.admin.save()
    make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    admin = watched()
    admin.open(live_server.url + "/admin/")
    assert "/accounts/login/" in admin.page.url  # the portal's sign-in, with its second factor
    login(admin.page, live_server.url, "alice", "pw-alice")
    for path in [
        "/admin/",
        "/admin/purchasing/purchaseorder/",
        "/admin/purchasing/purchaseorder/add/",
        "/admin/audit/auditevent/",  # a list without actions
    ]:
        admin.open(live_server.url + path)
        assert admin.page.locator("#content").is_visible()
        admin.assert_clean(path)


@pytest.mark.mfa_required
def test_setting_up_two_factor_authentication_in_the_browser(watched, live_server, cast):
    admin = watched()
    login(admin.page, live_server.url, "alice", "pw-alice")
    page = admin.open(live_server.url + "/buyer/")
    assert page.url.endswith("/accounts/2fa/totp/activate/")
    assert page.locator("h1").inner_text() == "Set up two-factor authentication"
    assert page.locator("img.qr-code").evaluate("(img) => img.complete && img.naturalWidth > 0")
    admin.assert_clean("two-factor set-up")
    screenshot(page, "mfa-setup")
    assert_accessible(page, "two-factor set-up")

    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Code").fill(totp_code(secret))
    admin.console.clear()
    page.get_by_role("button", name="Activate").click()
    page.wait_for_url("**/accounts/2fa/recovery-codes/")
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    admin.assert_clean("recovery codes")
    assert_accessible(page, "recovery codes")
    admin.console.clear()
    page.get_by_role("link", name="Continue to the portal").click()
    page.wait_for_url("**/buyer/")
    assert Authenticator.objects.filter(user=cast.admin, type=Authenticator.Type.TOTP).exists()
    admin.assert_clean("buyer workspace after set-up")

    # Signing in again now asks for the app's code, on a page that fits the portal.
    other = watched()
    login_page = other.open(live_server.url + "/accounts/login/")
    login_page.fill("#id_login", "alice")
    login_page.fill("#id_password", "pw-alice")
    login_page.locator("main form button[type=submit]").click()
    login_page.wait_for_url("**/accounts/2fa/authenticate/")
    other.assert_clean("second step of signing in")
    assert_accessible(login_page, "second step of signing in")


def test_the_watch_sees_a_violation(watched, live_server, cast):
    """The checks above can fail: an inline style added to a page is refused and reported."""
    page = watched()
    page.open(live_server.url + "/accounts/login/")
    page.page.evaluate(
        "() => { const style = document.createElement('style'); style.textContent = 'body {}';"
        " document.head.appendChild(style); }"
    )
    page.page.wait_for_function("() => window.__cspViolations.length > 0")
    assert any("style-src" in violation for violation in page.violations())
