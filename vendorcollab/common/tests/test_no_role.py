"""A signed-in user without a role gets one page that says so and what to do, instead of a 404 on every page.

The walk covers every route of the portal (from the URL configuration) with real and made-up object ids, so a new
page is covered too, and checks the page is the same whether the object exists or not: it reveals nothing.
"""

import re

import pytest
from django.urls import get_resolver

from vendorcollab.accounts.models import User
from vendorcollab.api.api import api as ninja_api
from vendorcollab.api.services import token_issue
from vendorcollab.common.tests.test_id_guessing import fill, shows_vendor_a, vendor_a_world, walk  # noqa: F401

NO_ROLE_MARK = 'data-code="no_role"'
MISSING_ID = 987654


def main(response) -> str:
    text = response.content.decode()
    return text[text.index("<main") :]


@pytest.fixture
def rootless(db) -> User:
    """What `createsuperuser` leaves: a user (here even staff and superuser) without any role."""
    return User.objects.create_superuser("root", "root@buyer.example", "Root-Password-91")


def test_the_front_door_says_there_is_no_role_and_what_to_do(client, rootless):
    client.force_login(rootless)
    response = client.get("/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Your account has no role yet" in text
    assert "<strong>root</strong>" in text
    assert "manage.py create_admin" in text
    assert 'href="/admin/"' in text  # staff: the back office is offered


def test_the_page_is_in_dutch_for_a_dutch_user(client, rootless):
    User.objects.filter(pk=rootless.pk).update(language="nl", is_staff=False, is_superuser=False)
    client.force_login(User.objects.get(pk=rootless.pk))
    text = client.get("/").content.decode()
    assert "Uw account heeft nog geen rol" in text
    assert 'href="/admin/"' not in text


def test_every_buyer_and_vendor_page_leads_there_and_tells_nothing(client, cast, rootless, vendor_a_world):  # noqa: F811
    client.force_login(rootless)
    gated = 0
    for template in walk(get_resolver()):
        if not template.startswith(("buyer/", "vendor/", "settings/")) or template.startswith("settings/notif"):
            continue  # pages of one's own account (tokens, notifications) serve any signed-in user
        for url, missing in zip(fill(template, vendor_a_world), fill(template, [MISSING_ID] * 20), strict=False):
            response = client.get(url)
            if response.status_code == 405:  # an action: try it the way a form would
                response, missing_response = client.post(url), client.post(missing)
            else:
                missing_response = client.get(missing)
            assert response.status_code == 403, url
            assert NO_ROLE_MARK in response.content.decode(), url
            assert not shows_vendor_a(response, cast), url
            # The same page whether the object exists or not (but for the CSRF token, masked anew each time).
            assert main(missing_response) == main(response), url
            gated += 1
    assert gated > 50


def test_users_with_a_role_keep_their_404s(client, cast):
    client.force_login(cast.vendor_a_user)
    response = client.get("/buyer/")
    assert response.status_code == 404 and NO_ROLE_MARK not in response.content.decode()
    client.force_login(cast.agent)
    response = client.get("/vendor/")
    assert response.status_code == 404 and NO_ROLE_MARK not in response.content.decode()


def test_the_api_answers_no_role_in_its_error_shape(client, cast, rootless, vendor_a_world):  # noqa: F811
    _token, key = token_issue(actor=rootless)
    gated = 0
    for path in ninja_api.get_openapi_schema()["paths"]:
        if path.startswith("/api/v1/auth/"):
            continue  # signing in serves every user
        template = re.sub(r"\{\w+\}", "<int:id>", path.replace("/api/v1/", "", 1))
        for url in fill(template, vendor_a_world):
            response = client.get("/api/v1" + url, HTTP_AUTHORIZATION=f"Bearer {key}")
            if response.status_code == 405:
                continue  # a write-only route; its gate is the same as its neighbours'
            assert response.status_code == 403, url
            assert response.json()["error"]["code"] == "no_role", url
            gated += 1
    assert gated > 20
    # Users with a role keep their 404s on the other side's endpoints.
    _token, vendor_key = token_issue(actor=cast.vendor_a_user)
    response = client.get("/api/v1/purchase-orders", HTTP_AUTHORIZATION=f"Bearer {vendor_key}")
    assert response.status_code == 404
