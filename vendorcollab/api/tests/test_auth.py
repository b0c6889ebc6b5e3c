"""Authentication: tokens (issued, used, revoked, of inactive users), the session with CSRF, and the language of
the messages."""

import hashlib
import json

import pytest
from django.test import Client
from django.utils import translation

from vendorcollab.accounts.models import Role, User
from vendorcollab.api.auth import buyer_users, vendor_users
from vendorcollab.api.models import ApiToken
from vendorcollab.api.services import token_authenticate, token_issue, tokens_revoke
from vendorcollab.common.errors import NotFound, PermissionRefused
from vendorcollab.common.testing.factories import users_of_every_access
from vendorcollab.purchasing.models import VendorResponse

from .helpers import API, error_of

FOR_REVIEW = "/vendor/purchase-orders?list=for_review"


def test_a_token_is_issued_for_a_username_and_password_and_opens_the_api(api, cast, sent):
    response = api().post("/auth/token", {"username": "dave", "password": "pw-dave", "name": "ERP link"})
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"token", "expires_at"} and body["expires_at"] is None
    key = body["token"]
    token = ApiToken.objects.get()
    assert token.user == cast.vendor_a_user and token.name == "ERP link"
    # Only the prefix and the hash are stored, never the key.
    assert token.key_prefix == key[:8]
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in json.dumps([str(value) for value in vars(token).values()])
    assert token.last_used_at is None

    listed = Client().get(API + FOR_REVIEW, headers={"Authorization": f"Bearer {key}"})
    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()["items"]] == [sent.pk]
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_the_email_address_signs_in_too(api, cast):
    cast.vendor_a_user.email = "dave@alpha.example"
    cast.vendor_a_user.save()
    assert api().post("/auth/token", {"username": "dave@alpha.example", "password": "pw-dave"}).status_code == 201


def test_a_wrong_password_or_user_is_401_and_issues_nothing(api, cast):
    for username, password in [("dave", "pw-wrong"), ("nobody", "pw-dave")]:
        response = api().post("/auth/token", {"username": username, "password": password})
        assert response.status_code == 401
        assert error_of(response)["code"] == "invalid_credentials"
    assert not ApiToken.objects.exists()


def test_failed_attempts_count_towards_the_sign_in_pages_rate_limit(api, cast):
    statuses = [api().post("/auth/token", {"username": "dave", "password": "pw-wrong"}).status_code for _ in range(5)]
    assert statuses == [401] * 5
    # Now even the right password waits: that is what makes guessing slow.
    response = api().post("/auth/token", {"username": "dave", "password": "pw-dave"})
    assert response.status_code == 429
    assert error_of(response)["code"] == "too_many_attempts"
    assert not ApiToken.objects.exists()


def test_an_inactive_user_gets_no_token_and_its_tokens_stop_working(api, cast, sent):
    client = api(cast.vendor_a_user)
    assert client.get(FOR_REVIEW).status_code == 200
    cast.vendor_a_user.is_active = False
    cast.vendor_a_user.save()
    response = client.get(FOR_REVIEW)
    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"
    response = api().post("/auth/token", {"username": "dave", "password": "pw-dave"})
    assert response.status_code == 401
    assert error_of(response)["code"] == "invalid_credentials"


def test_a_revoked_token_is_refused(api, cast, sent):
    client = api(cast.vendor_a_user)
    other = api(cast.vendor_a_user)
    tokens_revoke(actor=cast.admin, tokens=[ApiToken.objects.order_by("pk").first()])
    response = client.get(FOR_REVIEW)
    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"
    assert other.get(FOR_REVIEW).status_code == 200


def test_anonymous_and_malformed_credentials_are_401_with_the_bearer_challenge(api, cast, sent):
    for headers in [{}, {"Authorization": "Bearer not-a-token-at-all"}, {"Authorization": "Basic ZGF2ZTpwdy1kYXZl"}]:
        response = Client().get(API + FOR_REVIEW, headers=headers)
        assert response.status_code == 401, headers
        assert error_of(response)["code"] == "not_authenticated"
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_wrong_token_is_refused_even_with_a_signed_in_session(client, cast, sent):
    client.force_login(cast.vendor_a_user)
    assert client.get(API + FOR_REVIEW).status_code == 200
    assert client.get(API + FOR_REVIEW, headers={"Authorization": "Bearer wrong-token-value"}).status_code == 401


def test_the_session_reads_freely_but_writes_only_with_the_csrf_token(cast, sent):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(cast.vendor_a_user)
    assert browser.get(API + FOR_REVIEW).status_code == 200
    url = f"{API}/vendor/purchase-orders/{sent.pk}/responses"
    body = json.dumps({"version": 1, "action": "accept"})

    refused = browser.post(url, body, content_type="application/json")
    assert refused.status_code == 403
    assert error_of(refused)["code"] == "csrf_failed"
    assert not VendorResponse.objects.exists()

    browser.get(API + "/docs")  # any page that renders a form hands out the CSRF cookie
    csrf_token = browser.cookies["csrftoken"].value
    accepted = browser.post(url, body, content_type="application/json", headers={"X-CSRFToken": csrf_token})
    assert accepted.status_code == 201
    assert VendorResponse.objects.count() == 1


def test_a_token_needs_no_csrf_token(api, cast, sent):
    client = api(cast.vendor_a_user)
    client.client = Client(enforce_csrf_checks=True)
    response = client.post(f"/vendor/purchase-orders/{sent.pk}/responses", {"version": 1, "action": "accept"})
    assert response.status_code == 201


def test_messages_are_in_the_users_language_else_the_browsers(api, cast, sent):
    with translation.override("nl"):
        not_found_nl = translation.gettext("This purchase order does not exist.")
        required_nl = translation.gettext("This field is required.")
    assert not_found_nl != "This purchase order does not exist." and required_nl != "This field is required."

    cast.vendor_b_user.language = "nl"
    cast.vendor_b_user.save()
    response = api(cast.vendor_b_user).get(f"/vendor/purchase-orders/{sent.pk}", **{"Accept-Language": "en"})
    assert response.status_code == 404
    assert error_of(response)["message"] == not_found_nl
    assert response["Content-Language"] == "nl"

    response = api().post("/auth/token", {"username": "dave"}, **{"Accept-Language": "nl"})
    assert response.status_code == 422
    assert error_of(response)["fields"] == {"password": required_nl}
    response = api().post("/auth/token", {"username": "dave"}, **{"Accept-Language": "en"})
    assert error_of(response)["fields"] == {"password": "This field is required."}


def test_a_session_behind_a_proxys_basic_auth_still_works(client, cast, sent):
    """A staging proxy may put its own ``Authorization: Basic`` on every browser request."""
    client.force_login(cast.vendor_a_user)
    response = client.get(API + FOR_REVIEW, headers={"Authorization": "Basic c3RhZ2luZzpzZWNyZXQ="})
    assert response.status_code == 200


def test_the_gates_keep_each_side_to_its_own_endpoints(cast):
    """``vendor_users`` guards the vendor router; ``buyer_users`` is ready for the buyer's routers."""
    purchasing = buyer_users(Role.PROCUREMENT_ADMIN, Role.PURCHASING_AGENT)
    for user in (cast.admin, cast.agent):
        purchasing(user)
        with pytest.raises(NotFound):
            vendor_users(user)
    with pytest.raises(PermissionRefused):
        purchasing(cast.clerk)
    buyer_users()(cast.clerk)
    for user in (cast.vendor_a_user, cast.vendor_a_admin):
        vendor_users(user)
        with pytest.raises(NotFound):
            purchasing(user)


def test_a_token_reads_its_users_roles_and_vendor_accounts_as_they_are_read_on_their_own(cast):
    """The token's statement carries its user's roles and vendor accounts (``access_columns``): they must be the sets
    the user's own reads give, inactive links and vendors that no longer collaborate left out, and none for a user
    without roles or links."""
    several, nobody = users_of_every_access(cast)
    for user in (several, cast.agent, cast.vendor_a_user, nobody):
        user = User.objects.get(pk=user.pk)
        key = token_issue(actor=user, name="check")[1]
        authenticated = token_authenticate(key=key)
        assert authenticated is not None and "role_set" in vars(authenticated) and "vendor_ids" in vars(authenticated)
        assert (authenticated.role_set, authenticated.vendor_ids) == (user.role_set, user.vendor_ids)
    assert several.vendor_ids == {cast.vendor_a.pk, cast.vendor_b.pk}
    assert several.role_set == {Role.VENDOR_ADMIN, Role.VENDOR_USER} and nobody.role_set == frozenset()
