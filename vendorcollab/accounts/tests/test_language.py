"""Which language a user is served in: new users follow the browser, an explicit choice wins, mail (which has no
browser) follows the choice, else the vendor account's language, else the organisation's; the 403 page too."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from vendorcollab.accounts.models import User
from vendorcollab.accounts.selectors import mail_language
from vendorcollab.api.tests.helpers import ApiClient
from vendorcollab.common.testing.factories import make_po

PROFILE = "/account/profile/"


def page_language(response) -> str:
    """The language the page says it is in (``<html lang>``), which every string on it was rendered in."""
    text = response.content.decode()
    return text.split('<html lang="', 1)[1].split('"', 1)[0]


def test_a_new_user_follows_the_browser(client, cast):
    assert User.objects.get(pk=cast.agent.pk).language == ""
    client.force_login(cast.agent)
    dutch = client.get(PROFILE, HTTP_ACCEPT_LANGUAGE="nl-BE,nl;q=0.9,en;q=0.5")
    assert page_language(dutch) == "nl" and "Uw profiel" in dutch.content.decode()
    english = client.get(PROFILE, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert page_language(english) == "en" and "Your profile" in english.content.decode()


def test_an_explicit_choice_on_the_profile_page_wins_and_can_be_undone(client, cast):
    client.force_login(cast.vendor_a_user)
    page = client.get(PROFILE, HTTP_ACCEPT_LANGUAGE="en")
    assert '<option value="" selected>Follow my browser</option>' in page.content.decode()
    response = client.post(PROFILE, {"language": "nl"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert User.objects.get(pk=cast.vendor_a_user.pk).language == "nl"
    page = client.get(PROFILE, HTTP_ACCEPT_LANGUAGE="en")
    assert page_language(page) == "nl" and '<option value="nl" selected>' in page.content.decode()
    # Back to the browser: a cookie left by an earlier switch must not outrank it either.
    client.post(reverse("set_language"), {"language": "nl", "next": PROFILE})
    response = client.post(PROFILE, {"language": ""}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == ""  # deleted
    assert User.objects.get(pk=cast.vendor_a_user.pk).language == ""
    assert page_language(client.get(PROFILE, HTTP_ACCEPT_LANGUAGE="en")) == "en"


def test_the_language_switch_is_an_explicit_choice(client, cast):
    client.force_login(cast.vendor_a_user)
    client.post(reverse("set_language"), {"language": "nl", "next": PROFILE})
    assert User.objects.get(pk=cast.vendor_a_user.pk).language == "nl"
    other_device = Client()
    other_device.force_login(cast.vendor_a_user)
    assert page_language(other_device.get(PROFILE, HTTP_ACCEPT_LANGUAGE="en")) == "nl"


def test_a_language_the_portal_lacks_is_refused_next_to_the_field(client, cast):
    client.force_login(cast.agent)
    response = client.post(PROFILE, {"language": "fr"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert 'id="id_language-error"' in response.content.decode()
    assert "Select a valid choice" in response.content.decode()
    assert User.objects.get(pk=cast.agent.pk).language == ""


def test_the_api_creates_users_who_follow_the_browser_and_refuses_unknown_languages(cast):
    admin = ApiClient(Client(), cast.admin)
    created = admin.post("/users", {"username": "gina", "roles": ["purchasing_agent"]})
    assert created.status_code == 201, created.json()
    assert created.json()["language"] == ""
    refused = admin.post("/users", {"username": "hank", "roles": ["purchasing_agent"], "language": "fr"})
    assert refused.status_code == 422
    assert "language" in refused.json()["error"]["fields"]
    assert not User.objects.filter(username="hank").exists()


def test_mail_follows_the_choice_else_the_vendor_account_else_the_organisation(cast, settings):
    cast.vendor_a.language = "nl"
    cast.vendor_a.save()
    assert mail_language(cast.vendor_a_user) == "nl"  # follows the browser: the vendor account's language
    User.objects.filter(pk=cast.vendor_a_admin.pk).update(language="en")
    assert mail_language(User.objects.get(pk=cast.vendor_a_admin.pk)) == "en"  # an explicit choice wins
    assert mail_language(cast.agent) == settings.LANGUAGE_CODE == "en"  # a buyer: the organisation's
    settings.LANGUAGE_CODE = "nl"
    assert mail_language(cast.agent) == "nl"


@pytest.mark.django_db(transaction=True)
def test_a_vendor_user_who_follows_the_browser_gets_mail_in_the_vendor_accounts_language(cast, smtp_server):
    cast.vendor_a.language = "nl"
    cast.vendor_a.save()
    User.objects.filter(pk=cast.vendor_a_user.pk).update(email="dave@alpha.example")  # follows the browser
    User.objects.filter(pk=cast.vendor_a_admin.pk).update(email="erin@alpha.example", language="en")  # chose English
    make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    mails = {message.to[0]: message for message in smtp_server.wait_for(2)}
    assert mails["dave@alpha.example"].content_language == "nl"
    assert mails["erin@alpha.example"].content_language == "en"


def test_the_403_page_has_the_portal_layout_in_the_users_language(client, cast):
    # given a Dutch buyer without back-office rights, who asks for the back office's sign-in
    User.objects.filter(pk=cast.agent.pk).update(language="nl")
    client.force_login(cast.agent)
    response = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    text = response.content.decode()
    assert page_language(response) == "nl"
    assert 'class="topbar"' in text and "/static/common/app.css" in text  # the portal's layout
    assert "Geen toegang" in text and "Access denied" not in text


def test_the_csrf_failure_page_is_the_portals(cast):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(cast.agent)
    response = browser.post(PROFILE, {"language": "nl"}, HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 403
    text = response.content.decode()
    assert page_language(response) == "nl" and 'class="topbar"' in text and 'data-code="csrf_failed"' in text
    assert User.objects.get(pk=cast.agent.pk).language == ""
