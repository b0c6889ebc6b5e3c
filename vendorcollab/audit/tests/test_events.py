"""What the audit log records: signing in and out, failed sign-ins, two-factor changes, passwords, API tokens."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from vendorcollab.api import services as api_services
from vendorcollab.api.models import ApiToken
from vendorcollab.api.services import token_issue, tokens_revoke
from vendorcollab.audit.models import AuditEvent, AuditKind
from vendorcollab.common.testing.totp import totp_code

API = "/api/v1"
FOR_REVIEW = "/vendor/purchase-orders?list=for_review"


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


def events(kind: AuditKind) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(kind=kind).order_by("pk"))


def totp_now(secret: str) -> str:
    return totp_code(secret)


def sign_in(client: Client, login: str, password: str):
    return client.post(reverse("account_login"), {"login": login, "password": password})


def test_signing_in_and_out(client, cast):
    sign_in(client, "dave", "pw-dave")
    client.post(reverse("account_logout"))
    [login] = events(AuditKind.LOGIN)
    assert (login.actor, login.subject, login.ip_address) == (cast.vendor_a_user, cast.vendor_a_user, "127.0.0.1")
    assert login.data == {"channel": "web"}
    [logout] = events(AuditKind.LOGOUT)
    assert (logout.actor, logout.subject) == (cast.vendor_a_user, cast.vendor_a_user)


@pytest.mark.parametrize(("login", "is_dave"), [("dave", True), ("DAVE", True), ("nobody", False)])
def test_a_failed_sign_in_records_the_name_tried_and_never_the_password(client, cast, login, is_dave):
    sign_in(client, login, "Secret-guess-42")
    [event] = events(AuditKind.LOGIN_FAILED)
    assert event.target == login and event.actor is None
    assert event.subject == (cast.vendor_a_user if is_dave else None)
    assert event.data == {"reason": "password", "channel": "web"}
    assert "Secret-guess-42" not in json.dumps([event.target, event.data])
    assert not events(AuditKind.LOGIN)


def test_a_failed_sign_in_with_the_email_address(client, cast):
    cast.vendor_a_user.email = "dave@alpha.example"
    cast.vendor_a_user.save()
    sign_in(client, "dave@alpha.example", "wrong")
    [event] = events(AuditKind.LOGIN_FAILED)
    assert (event.target, event.subject) == ("dave@alpha.example", cast.vendor_a_user)


def test_a_failed_token_request_is_a_failed_sign_in_through_the_api(cast):
    Client().post(API + "/auth/token", {"username": "dave", "password": "nope"}, content_type="application/json")
    [event] = events(AuditKind.LOGIN_FAILED)
    assert event.target == "dave" and event.data["channel"] == "api"


def test_two_factor_set_up_recovery_codes_regenerated_and_switched_off(
    client, cast, django_capture_on_commit_callbacks
):
    sign_in(client, "dave", "pw-dave")
    client.get(reverse("mfa_activate_totp"))
    secret = client.session["mfa.totp.secret"]
    # allauth sends its signals after the commit.
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("mfa_activate_totp"), {"code": totp_now(secret)}).status_code == 302
    added = events(AuditKind.MFA_CHANGED)
    assert [(event.data["action"], event.data["type"]) for event in added] == [
        ("added", "totp"),
        ("added", "recovery_codes"),
    ]
    assert {(event.actor, event.subject, event.ip_address) for event in added} == {
        (cast.vendor_a_user, cast.vendor_a_user, "127.0.0.1")
    }

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("mfa_generate_recovery_codes"))
    assert events(AuditKind.MFA_CHANGED)[-1].data == {"action": "reset", "type": "recovery_codes"}

    client.post(reverse("mfa_deactivate_totp"))
    removed = [event.data for event in events(AuditKind.MFA_CHANGED) if event.data["action"] == "removed"]
    assert {data["type"] for data in removed} == {"totp", "recovery_codes"}
    assert not Authenticator.objects.filter(user=cast.vendor_a_user).exists()


def test_a_wrong_second_factor_is_a_failed_sign_in(client, cast):
    TOTP.activate(cast.vendor_a_user, generate_totp_secret())
    sign_in(client, "dave", "pw-dave")
    client.post(reverse("mfa_authenticate"), {"code": "123"})
    [event] = events(AuditKind.LOGIN_FAILED)
    assert event.subject == cast.vendor_a_user and event.data["reason"] == "mfa_code"
    assert not events(AuditKind.LOGIN)


def test_an_admin_resetting_a_users_authenticator_in_the_back_office(client, cast):
    TOTP.activate(cast.vendor_a_user, generate_totp_secret())
    RecoveryCodes.activate(cast.vendor_a_user)
    cast.admin.is_staff = cast.admin.is_superuser = True
    cast.admin.save()
    client.force_login(cast.admin)
    totp = Authenticator.objects.get(user=cast.vendor_a_user, type=Authenticator.Type.TOTP)
    response = client.post(reverse("admin:mfa_authenticator_delete", args=[totp.pk]), {"post": "yes"})
    assert response.status_code == 302
    [event] = events(AuditKind.MFA_CHANGED)
    assert (event.actor, event.subject) == (cast.admin, cast.vendor_a_user)
    assert event.data == {"action": "removed", "type": "totp", "via": "back_office"}


def test_deleting_a_user_with_an_authenticator_records_nothing_and_does_not_fail(cast):
    TOTP.activate(cast.vendor_b_user, generate_totp_secret())
    cast.vendor_b_user.delete()
    assert not events(AuditKind.MFA_CHANGED)


def test_password_changed_by_the_user_and_reset_by_email(client, cast, mailoutbox, django_capture_on_commit_callbacks):
    sign_in(client, "dave", "pw-dave")
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "pw-dave", "password1": "New-secret-4821", "password2": "New-secret-4821"},
    )
    assert response.status_code == 302
    [changed] = events(AuditKind.PASSWORD_CHANGED)
    assert (changed.actor, changed.subject, changed.data) == (
        cast.vendor_a_user,
        cast.vendor_a_user,
        {"how": "changed"},
    )

    cast.vendor_a_user.email = "dave@alpha.example"
    cast.vendor_a_user.save()
    anonymous = Client()
    with django_capture_on_commit_callbacks(execute=True):  # the mail is queued, and sent after the commit
        anonymous.post(reverse("account_reset_password"), {"email": "dave@alpha.example"})
    link = re.search(r"/accounts/password/reset/key/\S+", mailoutbox[-1].body).group(0)
    form = anonymous.get(link, follow=True)
    anonymous.post(form.request["PATH_INFO"], {"password1": "Other-secret-77", "password2": "Other-secret-77"})
    reset = events(AuditKind.PASSWORD_CHANGED)[-1]
    assert (reset.actor, reset.subject, reset.data) == (None, cast.vendor_a_user, {"how": "reset"})
    assert len(events(AuditKind.PASSWORD_CHANGED)) == 2


def test_a_password_set_by_an_admin_and_a_rehash_at_sign_in(client, cast, settings):
    cast.admin.is_staff = cast.admin.is_superuser = True
    cast.admin.save()
    client.force_login(cast.admin)
    url = reverse("admin:auth_user_password_change", args=[cast.vendor_a_user.pk])
    response = client.post(
        url, {"password1": "Admin-set-9931", "password2": "Admin-set-9931", "usable_password": "true"}
    )
    assert response.status_code == 302
    [event] = events(AuditKind.PASSWORD_CHANGED)
    assert (event.actor, event.subject, event.data) == (cast.admin, cast.vendor_a_user, {"how": "back_office"})

    # A hash upgraded at sign-in (another hasher first) is not a password change.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher", *settings.PASSWORD_HASHERS]
    assert sign_in(Client(), "dave", "Admin-set-9931").status_code == 302
    cast.vendor_a_user.refresh_from_db()
    assert cast.vendor_a_user.password.startswith("pbkdf2_sha256$")
    assert len(events(AuditKind.PASSWORD_CHANGED)) == 1

    # On the server (manage.py changepassword, a shell): recorded without a request.
    cast.vendor_b_user.set_password("Shell-set-5512")
    cast.vendor_b_user.save()
    last = events(AuditKind.PASSWORD_CHANGED)[-1]
    assert (last.actor, last.subject, last.data, last.ip_address) == (None, cast.vendor_b_user, {"how": "server"}, None)


def test_api_tokens_created_and_revoked(cast):
    response = Client().post(
        API + "/auth/token",
        {"username": "dave", "password": "pw-dave", "name": "ERP link"},
        content_type="application/json",
    )
    assert response.status_code == 201
    token = ApiToken.objects.get()
    [created] = events(AuditKind.TOKEN_CREATED)
    assert (created.actor, created.subject, created.ip_address) == (cast.vendor_a_user, cast.vendor_a_user, "127.0.0.1")
    assert created.data == {"token": token.pk, "key_prefix": token.key_prefix, "name": "ERP link"}
    assert response.json()["token"] not in json.dumps([created.target, created.data])

    assert tokens_revoke(actor=cast.admin, tokens=[token]) == 1
    assert tokens_revoke(actor=cast.admin, tokens=[token]) == 0  # once
    [revoked] = events(AuditKind.TOKEN_REVOKED)
    assert (revoked.actor, revoked.subject, revoked.data["token"]) == (cast.admin, cast.vendor_a_user, token.pk)


def test_revoking_in_the_back_office_is_recorded(client, cast):
    token, _key = token_issue(actor=cast.vendor_a_user)
    cast.admin.is_staff = cast.admin.is_superuser = True
    cast.admin.save()
    client.force_login(cast.admin)
    client.post(
        reverse("admin:api_apitoken_changelist"), {"action": "revoke", "_selected_action": [token.pk]}, follow=True
    )
    [revoked] = events(AuditKind.TOKEN_REVOKED)
    assert (revoked.actor, revoked.subject, revoked.ip_address) == (cast.admin, cast.vendor_a_user, "127.0.0.1")


def test_token_use_is_recorded_at_most_once_per_token_and_hour(cast, monkeypatch):
    _token, key = token_issue(actor=cast.vendor_a_user)
    _other, other_key = token_issue(actor=cast.vendor_a_user)
    clock = [datetime(2031, 5, 6, 10, 5, tzinfo=UTC)]
    monkeypatch.setattr(api_services.timezone, "now", lambda: clock[0])

    def call(with_key: str = key) -> None:
        response = Client().get(API + FOR_REVIEW, headers={"Authorization": f"Bearer {with_key}"})
        assert response.status_code == 200

    call()
    call()
    clock[0] += timedelta(minutes=30)  # 10:35, same hour
    call()
    call(other_key)  # another token: its own event
    assert len(events(AuditKind.TOKEN_USED)) == 2
    clock[0] += timedelta(minutes=40)  # 11:15, a new hour
    call()
    used = events(AuditKind.TOKEN_USED)
    assert len(used) == 3
    assert {event.subject for event in used} == {cast.vendor_a_user}
    assert used[-1].ip_address == "127.0.0.1"
