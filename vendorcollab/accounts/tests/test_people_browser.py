"""In Chromium, three people: erin (vendor A's admin) asks for a new colleague, alice (procurement admin) approves,
and the new colleague follows the link in the invitation mail to choose a password and lands in the portal."""

import pytest
from playwright.sync_api import expect

from vendorcollab.accounts.models import User, UserRequest, UserRequestStatus, VendorMembership
from vendorcollab.accounts.services import user_requests
from vendorcollab.common.testing.browser import assert_accessible, login, screenshot
from vendorcollab.common.testing.factories import CompanyFactory, VendorFactory

from .conftest import invitation_link

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def new_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    context.set_default_timeout(10_000)
    return context.new_page()


def test_from_request_to_first_sign_in(browser, live_server, cast, smtp_server):
    erin, alice, hank = new_page(browser), new_page(browser), new_page(browser)

    # Erin finds her contacts and asks for a new user.
    login(erin, live_server.url, "erin", "pw-erin")
    erin.get_by_role("link", name="Contacts").click()
    expect(erin.locator("#user-table").get_by_text("dave")).to_have_count(1)
    assert_accessible(erin, "vendor contacts")
    erin.get_by_role("link", name="Request a new user").click()
    erin.fill("#id_first_name", "Hank")
    erin.fill("#id_last_name", "Hill")
    erin.fill("#id_email", "hank@alpha.example")
    erin.select_option("#id_role", "vendor_user")
    erin.fill("#id_reason", "Our new planner")
    assert erin.locator("#id_vendors input[type=checkbox]").first.is_checked()  # her only account, ticked already
    assert_accessible(erin, "vendor new user request")
    screenshot(erin, "people-vendor-new-user")
    erin.get_by_role("button", name="Send request").click()
    assert "is sent to the procurement admins" in erin.locator(".messages").inner_text()
    request = UserRequest.objects.get()
    assert erin.locator("#request-history").inner_text().count("Submitted") == 1
    screenshot(erin, "people-vendor-request")

    # Alice sees it in her queue and approves it.
    login(alice, live_server.url, "alice", "pw-alice")
    alice.get_by_role("link", name="Users", exact=True).click()
    assert_accessible(alice, "buyer user list")
    screenshot(alice, "people-buyer-users")
    alice.locator("nav.actions-bar").get_by_role("link", name="Requests").click()
    assert_accessible(alice, "buyer request queue")
    alice.get_by_role("link", name=request.number).click()
    assert "Our new planner" in alice.locator("#request-history").inner_text()
    assert_accessible(alice, "buyer request detail")
    alice.fill("#id_reason", "Welcome aboard")
    alice.get_by_role("button", name="Approve").click()
    assert "is created and invited by e-mail" in alice.locator(".messages").inner_text()
    screenshot(alice, "people-buyer-approved")

    # The invitation arrives over SMTP; Hank opens its link, chooses a password, and is in.
    [message] = smtp_server.wait_for(1)
    assert message.to == ["hank@alpha.example"]
    link = invitation_link(message.text)
    assert link.startswith(live_server.url)
    hank.goto(link)
    assert hank.locator("h1").inner_text() == "Choose your password"
    assert "/invitation/" in hank.url and link.rsplit("/", 2)[1] not in hank.url  # the token left the address bar
    assert_accessible(hank, "invitation password")
    hank.fill("#id_new_password1", "Fresh-pass-8264")
    hank.fill("#id_new_password2", "Fresh-pass-8264")
    hank.get_by_role("button", name="Set password and sign in").click()
    hank.wait_for_url(live_server.url + "/vendor/")
    assert "Your password is set." in hank.locator(".messages").inner_text()
    assert hank.locator(".whoami").inner_text() == "Hank Hill"
    screenshot(hank, "people-first-sign-in")
    request.refresh_from_db()
    assert request.status == UserRequestStatus.COMPLETED
    assert User.objects.get(username="hank@alpha.example").check_password("Fresh-pass-8264")

    # Erin sees her request completed; the link no longer works.
    erin.reload()
    assert "Completed" in erin.locator("h1").inner_text()
    hank.goto(link)
    assert "used already" in hank.locator("main").inner_text()


def test_the_other_people_pages_are_accessible(browser, live_server, cast):
    other = CompanyFactory(code="BE01", name="Contoso België")
    VendorMembership.objects.create(user=cast.vendor_a_user, vendor=VendorFactory(company=other, number="V-A-BE"))
    user_requests.role_change_request_submit(actor=cast.vendor_a_admin, user=cast.vendor_a_user, roles=["vendor_admin"])
    alice = new_page(browser)
    login(alice, live_server.url, "alice", "pw-alice")
    dave = cast.vendor_a_user.pk
    for name, path in [
        ("user detail", f"/settings/users/{dave}/"),
        ("access per company", f"/settings/users/{dave}/access/"),
        ("inactivation request", f"/settings/users/{dave}/inactivate/"),
        ("role change request", f"/settings/users/{dave}/roles/"),
        ("buyer new user request", "/settings/users/requests/new/"),
    ]:
        alice.goto(live_server.url + path)
        assert_accessible(alice, name)
    alice.goto(live_server.url + f"/settings/users/{dave}/access/")
    alice.get_by_role("button", name="Switch off access to Contoso België").click()
    assert "access in other companies is unchanged" in alice.locator(".messages").inner_text()
    screenshot(alice, "people-access-per-company")
    alice.goto(live_server.url + "/account/tokens/")
    alice.fill("#id_name", "Our ERP")
    alice.get_by_role("button", name="Create token").click()
    assert len(alice.locator("#new-key").input_value()) > 30
    assert_accessible(alice, "API tokens")
    screenshot(alice, "people-api-tokens")
    alice.get_by_role("button", name="Revoke token Our ERP").click()
    assert "is revoked" in alice.locator(".messages").inner_text()
