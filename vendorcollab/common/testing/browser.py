"""Real-browser tests: Playwright's sync API driving Debian's Chromium, plus axe-core accessibility scans.

A browser test looks like this::

    pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

    def test_vendor_sees_orders(page, live_server, cast):
        login(page, live_server.url, "dave", "pw-dave")
        page.goto(live_server.url + "/portal/")
        assert_accessible(page, "portal-home")

Rules worth knowing:

- The application runs in pytest-django's ``live_server`` (another thread, its own database connection), so a test
  that loads pages from it must use ``transactional_db`` or ``@pytest.mark.django_db(transaction=True)``: data written
  inside the ordinary per-test transaction would be invisible to the server. (pytest-django also requests
  ``transactional_db`` itself for every test that uses ``live_server``; say it anyway.) Pages built with
  ``page.set_content()`` need no database at all.
- Every test that uses ``browser``, ``page`` or ``phone_page`` gets the ``browser`` marker automatically, so
  ``pytest -m "not browser"`` leaves them out.
- The browser is ``/usr/bin/chromium`` (Debian package ``chromium``; Playwright downloads no browser). Set
  ``CHROMIUM_PATH`` to use another one. Without it the browser tests are skipped, or fail when ``CI`` is set.
- Playwright's sync API keeps an asyncio event loop running in the main thread, and Django refuses ORM calls from a
  thread with a running loop; the ``browser`` fixture therefore sets ``DJANGO_ALLOW_ASYNC_UNSAFE`` for the rest of
  the session. The tests are still synchronous code; nothing here runs the ORM concurrently.
- Screenshots go to ``test-artifacts/screenshots/`` (git-ignored). A failing test that used ``page`` or
  ``phone_page`` leaves ``failed-<test name>.png`` there.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, Error, Page, Playwright, ViewportSize, sync_playwright

REPO_ROOT = Path(__file__).resolve().parents[3]
SCREENSHOT_DIR = REPO_ROOT / "test-artifacts" / "screenshots"
AXE_SCRIPT = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
DEFAULT_TIMEOUT_MS = 10_000
DESKTOP_VIEWPORT: ViewportSize = {"width": 1280, "height": 900}
PHONE_VIEWPORT: ViewportSize = {"width": 375, "height": 740}
BLOCKING_IMPACTS = ("serious", "critical")

# The machine has no network: without these Chromium spends its time (and sometimes hangs) on connection attempts
# to Google's services. --no-sandbox because CI runs as root in a container, where the sandbox cannot start.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

BROWSER_FIXTURES = frozenset({"browser", "page", "phone_page"})


def chromium_executable() -> str:
    """The Chromium to drive; skips the test without one, or fails when running in CI (``CI`` set)."""
    path = os.environ.get("CHROMIUM_PATH") or DEFAULT_CHROMIUM
    if os.path.isfile(path) and os.access(path, os.X_OK):
        return path
    message = (
        f"Chromium not found at {path}: install the Debian package `chromium` (apt-get install chromium) "
        "or set CHROMIUM_PATH to a Chromium executable."
    )
    if os.environ.get("CI"):
        pytest.fail(message + " CI must run the browser tests.", pytrace=False)
    pytest.skip(message)


# --- pytest hooks ---------------------------------------------------------------------------------------------------


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if BROWSER_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    # Keep each phase's report on the item, so the page fixtures can tell whether the test failed.
    report = yield
    setattr(item, f"_browser_report_{report.when}", report)
    return report


# --- fixtures -------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def _playwright() -> Iterator[Playwright]:
    chromium_executable()  # skip (or fail) before starting anything
    # Playwright's sync API runs an event loop in this thread; without this Django raises SynchronousOnlyOperation.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    manager = sync_playwright().start()
    try:
        yield manager
    finally:
        manager.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser(_playwright: Playwright) -> Iterator[Browser]:
    """One headless Chromium for the whole session; every test gets its own context (cookies, storage) from it."""
    instance = _playwright.chromium.launch(executable_path=chromium_executable(), headless=True, args=CHROMIUM_ARGS)
    try:
        yield instance
    finally:
        instance.close()


def _page(browser: Browser, request: pytest.FixtureRequest, viewport: ViewportSize) -> Iterator[Page]:
    context = browser.new_context(viewport=viewport, locale="en-US", accept_downloads=True)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    context.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        report = getattr(request.node, "_browser_report_call", None)
        if report is not None and report.failed:
            # The page may be gone; the test's own failure is what matters.
            with contextlib.suppress(Error):
                screenshot(page, "failed-" + re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name))
        context.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh page in a fresh context, 1280x900, locale en-US, downloads accepted, 10 s default timeout."""
    yield from _page(browser, request, DESKTOP_VIEWPORT)


@pytest.fixture
def phone_page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """Like ``page`` but 375x740, for the mobile layout."""
    yield from _page(browser, request, PHONE_VIEWPORT)


# --- helpers --------------------------------------------------------------------------------------------------------


def login(page: Page, live_server_url: str, username: str, password: str) -> None:
    """Sign in through django-allauth's login form; fails if the form is shown again (wrong credentials)."""
    page.goto(live_server_url.rstrip("/") + "/accounts/login/")
    form = page.locator("form", has=page.locator("input[name='login']")).first
    form.locator("input[name='login']").fill(username)
    form.locator("input[name='password']").fill(password)
    with page.expect_navigation():
        form.locator("[type='submit']").first.click()
    page.wait_for_load_state()
    if urlparse(page.url).path.rstrip("/").endswith("/accounts/login"):
        errors = page.locator(".errorlist, [role='alert'], .alert").all_inner_texts()
        raise AssertionError(f"login as {username!r} failed; still on {page.url}; errors: {errors}")


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page PNG to ``test-artifacts/screenshots/<name>.png`` and return its path."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_scan(page: Page, context: Any = None) -> list[dict[str, Any]]:
    """Run axe-core on the page (or on ``context``: a selector or axe context object); serious and critical only."""
    if not AXE_SCRIPT.is_file():
        pytest.fail(f"{AXE_SCRIPT} is missing: run `make install` (npm ci) first.", pytrace=False)
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        try:
            page.add_script_tag(path=str(AXE_SCRIPT))
        except Error:
            # A Content-Security-Policy without 'unsafe-inline' blocks the <script> tag; evaluating the source
            # through the DevTools protocol is not subject to it.
            page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    results = page.evaluate(
        "async (context) => await axe.run(context ?? document, {resultTypes: ['violations']})", context
    )
    return [violation for violation in results["violations"] if violation.get("impact") in BLOCKING_IMPACTS]


def format_violations(violations: list[dict[str, Any]], max_targets: int = 3) -> str:
    lines = []
    for violation in violations:
        targets = [" ".join(map(str, node.get("target", []))) for node in violation.get("nodes", [])]
        more = f" (+{len(targets) - max_targets} more)" if len(targets) > max_targets else ""
        lines.append(
            f"- {violation['id']} [{violation['impact']}]: {violation['help']} "
            f"-> {', '.join(targets[:max_targets])}{more}"
        )
    return "\n".join(lines)


def assert_accessible(page: Page, name: str, context: Any = None) -> None:
    """Fail listing every serious or critical axe violation; ``name`` names the page (and its screenshot)."""
    violations = axe_scan(page, context)
    if violations:
        shot = screenshot(page, f"a11y-{name}")
        raise AssertionError(
            f"{name}: {len(violations)} serious/critical accessibility violation(s) at {page.url} "
            f"(screenshot {shot.relative_to(REPO_ROOT)}):\n{format_violations(violations)}"
        )
