"""The test infrastructure itself: a real Chromium against the live server, axe-core scans and a real SMTP server."""

from __future__ import annotations

import pytest
from django.core import mail

from vendorcollab.common.testing import browser as browser_testing
from vendorcollab.common.testing.browser import assert_accessible, axe_scan, chromium_executable, screenshot

BROKEN_PAGE = """<!doctype html>
<html lang="en">
<head><title>Broken</title></head>
<body>
  <main>
    <h1>Broken</h1>
    <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
    <form><input type="text" name="q"></form>
  </main>
</body>
</html>"""

CLEAN_PAGE = """<!doctype html>
<html lang="en">
<head><title>Clean</title></head>
<body>
  <main>
    <h1>Clean</h1>
    <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="A dot">
    <form><label for="q">Search</label> <input id="q" type="text" name="q"> <button type="submit">Go</button></form>
  </main>
</body>
</html>"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_admin_login_page_in_chromium(page, live_server, request):
    page.goto(live_server.url + "/admin/login/")

    # The back office signs in through the portal's sign-in page (which asks for the second factor).
    assert "Sign in" in page.title()
    assert page.locator("input[name='login']").is_visible()
    path = screenshot(page, "infra-admin-login")
    assert path.is_file()
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert path.stat().st_size > 1000
    assert request.node.get_closest_marker("browser") is not None


def test_phone_page_has_the_phone_viewport(phone_page):
    phone_page.set_content("<!doctype html><meta name=viewport content='width=device-width'><title>x</title>")

    assert phone_page.evaluate("() => [window.innerWidth, window.innerHeight]") == [375, 740]


def test_axe_reports_serious_violations(page):
    page.set_content(BROKEN_PAGE)

    violations = axe_scan(page)

    ids = {violation["id"] for violation in violations}
    assert {"image-alt", "label"} <= ids
    assert {violation["impact"] for violation in violations} <= {"serious", "critical"}
    with pytest.raises(AssertionError, match=r"(?s)image-alt \[critical\].*img"):
        assert_accessible(page, "infra-broken")


def test_axe_passes_a_clean_page(page):
    page.set_content(CLEAN_PAGE)

    assert axe_scan(page) == []
    assert_accessible(page, "infra-clean")


def test_axe_runs_on_a_page_whose_csp_forbids_inline_scripts(page):
    page.set_content(
        BROKEN_PAGE.replace("<head>", "<head><meta http-equiv='Content-Security-Policy' content=\"script-src 'none'\">")
    )

    assert "image-alt" in {violation["id"] for violation in axe_scan(page)}


def test_axe_scan_limited_to_a_context(page):
    page.set_content(BROKEN_PAGE)

    assert {violation["id"] for violation in axe_scan(page, "form")} == {"label"}


def test_missing_chromium_skips_locally_and_fails_in_ci(monkeypatch):
    monkeypatch.setenv("CHROMIUM_PATH", "/nonexistent/chromium")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install chromium"):
        chromium_executable()

    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="apt-get install chromium"):
        chromium_executable()

    monkeypatch.delenv("CHROMIUM_PATH")
    monkeypatch.setattr(browser_testing, "DEFAULT_CHROMIUM", "/nonexistent/chromium")
    with pytest.raises(pytest.fail.Exception, match="/nonexistent/chromium"):
        chromium_executable()


def test_mail_arrives_over_smtp(smtp_server, settings):
    assert settings.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"

    sent = mail.send_mail(
        "Purchase order PO-0001 — please confirm",
        "Dear vendor,\nplease confirm PO-0001.",
        "buyer@example.com",
        ["vendor@example.com"],
    )

    assert sent == 1
    [message] = smtp_server.wait_for(1, timeout=5)
    assert message.subject == "Purchase order PO-0001 — please confirm"
    assert message.to == ["vendor@example.com"]
    assert message.envelope_to == ["vendor@example.com"]
    assert message.from_email == "buyer@example.com"
    assert message.text is not None and "please confirm PO-0001." in message.text
    assert message.html is None


def test_html_mail_with_language_and_attachment(smtp_server):
    email = mail.EmailMultiAlternatives(
        subject="Inkooporder PO-0002",
        body="Beste leverancier",
        from_email="Inkoop <buyer@example.com>",
        to=["Vendor <vendor@example.com>"],
        bcc=["audit@example.com"],
        headers={"Content-Language": "nl"},
    )
    email.attach_alternative("<p>Beste <b>leverancier</b></p>", "text/html")
    email.attach("po.txt", "PO-0002", "text/plain")
    email.send()

    [message] = smtp_server.wait_for(1, timeout=5)
    assert message.content_language == "nl"
    assert message.to == ["vendor@example.com"]
    assert sorted(message.envelope_to) == ["audit@example.com", "vendor@example.com"]
    assert message.text is not None and "Beste leverancier" in message.text
    assert message.html is not None and "<b>leverancier</b>" in message.html
    assert [(a.filename, a.content) for a in message.attachments] == [("po.txt", b"PO-0002")]


def test_wait_for_fails_when_nothing_arrives(smtp_server):
    with pytest.raises(pytest.fail.Exception, match="expected 1 message"):
        smtp_server.wait_for(1, timeout=0.2)
