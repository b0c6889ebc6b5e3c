"""Setting up two-factor authentication the way people do it (issue 12, point 1): sign in, close the browser to go
and install an authenticator app, come back in a new browser process with the session kept, type the code from the
key on the screen. Nothing is blocked: the browser fetches its favicon and whatever else it wants."""

from __future__ import annotations

import time
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from playwright.sync_api import Browser, BrowserContext, Playwright, expect

from vendorcollab.common.testing.browser import CHROMIUM_ARGS, DESKTOP_VIEWPORT, chromium_executable, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.mfa_required]

SETUP_PATH = "/accounts/2fa/totp/activate/"
PERIOD = 30


def launch(playwright: Playwright) -> Browser:
    """A Chromium process of its own (not the session's shared one): closing it is closing the browser."""
    return playwright.chromium.launch(executable_path=chromium_executable(), headless=True, args=CHROMIUM_ARGS)


def new_context(browser: Browser, **kwargs: Any) -> BrowserContext:
    context = browser.new_context(viewport=DESKTOP_VIEWPORT, locale="en-US", **kwargs)
    context.set_default_timeout(10_000)
    return context


def code_for(key: str) -> str:
    """What an authenticator app shows for ``key`` (RFC 6238), taken early enough in its 30 seconds to still be
    valid when the form arrives."""
    if PERIOD - time.time() % PERIOD < 3:
        time.sleep(PERIOD - time.time() % PERIOD + 0.1)
    return format_hotp_value(hotp_value(key, int(time.time()) // PERIOD))


@pytest.mark.parametrize(("who", "workspace"), [("admin", "/buyer/"), ("vendor_a_admin", "/vendor/")])
def test_an_admin_sets_up_the_app_after_reopening_the_browser(_playwright, live_server, cast, who, workspace):
    user = getattr(cast, who)

    # Signs in, is sent to the set-up page, closes the browser (the whole process) to install the app.
    first = launch(_playwright)
    try:
        context = new_context(first)
        page = context.new_page()
        login(page, live_server.url, user.username, "pw-" + user.username)
        assert page.url.endswith(SETUP_PATH)
        first_key = page.locator("#authenticator_secret").input_value()
        session = context.storage_state()
    finally:
        first.close()

    # Comes back in a new browser process with the session kept.
    second = launch(_playwright)
    try:
        context = new_context(second, storage_state=session)
        page = context.new_page()
        page.goto(live_server.url + workspace)
        page.wait_for_url("**" + SETUP_PATH)
        page.wait_for_load_state("load")
        key = page.locator("#authenticator_secret").input_value()
        assert key == first_key, "the set-up began in the first browser keeps its key"

        # What a browser asks for on its own, besides the page: its icon. Served as an image, never the set-up page.
        icon = context.request.get(live_server.url + "/favicon.ico", max_redirects=0)
        assert icon.status == 200, icon.headers
        assert icon.headers["content-type"].startswith("image/")
        # A plain reload shows the same key: the one scanned a minute ago is still the one checked.
        page.reload()
        assert page.locator("#authenticator_secret").input_value() == key

        page.get_by_label("Code").fill(code_for(key))
        page.get_by_role("button", name="Activate").click()
        page.wait_for_url("**/accounts/2fa/recovery-codes/")
        expect(page.locator(".recovery-codes li")).to_have_count(10)
        page.get_by_role("link", name="Continue to the portal").click()
        page.wait_for_url("**" + workspace)
        assert page.locator("h1").first.is_visible()
    finally:
        second.close()

    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
