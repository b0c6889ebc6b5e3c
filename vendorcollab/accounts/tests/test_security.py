"""Authentication done right: two-factor authentication (required for admins), throttled sign-ins, Argon2, the
security headers and Content-Security-Policy, production settings, CSRF on every form, inactive users."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings as django_settings
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from vendorcollab import settings as project_settings
from vendorcollab.accounts.mfa import MFARequiredMiddleware
from vendorcollab.api.models import ApiToken
from vendorcollab.api.services import token_issue
from vendorcollab.common.testing.factories import make_po
from vendorcollab.common.testing.totp import totp_code
from vendorcollab.purchasing.documents import render_document_html

ROOT = Path(__file__).resolve().parents[3]
API = "/api/v1"
SETUP_URL = "/accounts/2fa/totp/activate/"
FOR_REVIEW = "/vendor/purchase-orders?list=for_review"
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'"
)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Failed sign-ins and used TOTP codes are kept in the cache; every test starts from nothing."""
    cache.clear()


def totp_now(secret: str) -> str:
    """The code an authenticator app shows now for ``secret`` (RFC 6238, as allauth checks it)."""
    return totp_code(secret)


def sign_in(client: Client, login: str, password: str):
    """The sign-in form, as a person fills it in (unlike force_login, allauth records when the user signed in)."""
    return client.post(reverse("account_login"), {"login": login, "password": password})


def with_totp(user) -> tuple[str, list[str]]:
    """Give ``user`` an authenticator app and recovery codes, as the set-up page does; returns the secret and codes."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    codes = RecoveryCodes.activate(user).generate_codes()
    return secret, codes


# --- two-factor authentication required for admins -------------------------------------------------------------------


@pytest.mark.mfa_required
def test_admins_must_use_two_factor_authentication_by_default():
    assert project_settings.MFA_REQUIRED_ROLES == ("procurement_admin", "vendor_admin")
    assert django_settings.MFA_REQUIRED_ROLES == ("procurement_admin", "vendor_admin")


@pytest.mark.mfa_required
@pytest.mark.parametrize("who", ["admin", "vendor_a_admin"])
def test_an_admin_without_an_authenticator_is_sent_to_set_one_up_before_anything_else(client, cast, who):
    user = getattr(cast, who)
    user.is_staff = True
    user.save()
    assert sign_in(client, user.username, "pw-" + user.username)["Location"] == "/"
    for path in [
        "/",
        "/buyer/",
        "/vendor/",
        "/settings/vendors/",
        "/settings/audit/",
        "/admin/",
        "/accounts/password/change/",
    ]:
        response = client.get(path)
        assert (response.status_code, response.get("Location")) == (302, SETUP_URL), path
    assert client.post(reverse("buyer:po_create"), {}).get("Location") == SETUP_URL
    # htmx requests are sent there as a whole page, not swapped into a fragment.
    response = client.post(reverse("vendor:toggle_dimensions"), headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == SETUP_URL

    # Open meanwhile: the set-up itself, the recovery codes, the language switch, static files, signing out.
    page = client.get(SETUP_URL)
    assert page.status_code == 200
    assert "Your role requires two-factor authentication" in page.content.decode()
    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.post(reverse("set_language"), {"language": "en", "next": "/"}).status_code == 302
    assert client.get("/static/common/app.css").status_code == 200
    assert client.get("/favicon.ico").status_code == 200
    client.post(reverse("account_logout"))
    assert client.get("/buyer/")["Location"].startswith(reverse("account_login"))


@pytest.mark.mfa_required
def test_the_api_refuses_such_a_user_with_mfa_required_for_the_session_and_for_tokens(client, cast):
    _token, key = token_issue(actor=cast.vendor_a_admin)  # e.g. issued before the requirement was switched on
    client.force_login(cast.vendor_a_admin)
    for response in [
        client.get(API + FOR_REVIEW),
        Client().get(API + FOR_REVIEW, headers={"Authorization": f"Bearer {key}"}),
        Client().post(
            API + "/auth/token", {"username": "erin", "password": "pw-erin"}, content_type="application/json"
        ),
    ]:
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "mfa_required"
        assert "two-factor" in response.json()["error"]["message"]
    assert ApiToken.objects.count() == 1
    # A user whose role does not require it is not concerned.
    response = Client().post(
        API + "/auth/token", {"username": "dave", "password": "pw-dave"}, content_type="application/json"
    )
    assert response.status_code == 201


@pytest.mark.mfa_required
def test_setting_up_the_authenticator_app_with_a_real_code_opens_the_portal(client, cast):
    sign_in(client, "alice", "pw-alice")
    page = client.get(SETUP_URL).content.decode()
    secret = client.session["mfa.totp.secret"]
    assert f'value="{secret}"' in page  # the key, for typing it in instead of scanning
    assert 'src="data:image/svg+xml;base64,' in page  # the QR code, inline
    assert re.search(r'<label for="id_code">', page) and 'autocomplete="one-time-code"' in page

    wrong = client.post(SETUP_URL, {"code": "000000" if totp_now(secret) != "000000" else "111111"})
    assert wrong.status_code == 200 and "Incorrect code" in wrong.content.decode()
    assert client.get("/buyer/")["Location"] == SETUP_URL

    response = client.post(SETUP_URL, {"code": totp_now(secret)})
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    codes_page = client.get(response["Location"]).content.decode()
    assert codes_page.count("<li><code>") == 10
    assert client.get("/buyer/").status_code == 200
    types = set(Authenticator.objects.filter(user=cast.admin).values_list("type", flat=True))
    assert types == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}


@pytest.mark.mfa_required
def test_the_set_up_keeps_its_key_until_the_app_is_activated(client, cast):
    sign_in(client, "erin", "pw-erin")
    first = client.get(SETUP_URL).context["form"].secret
    # A reload, anything redirected to the page, a wrong code: the key scanned a moment ago stays the one checked.
    assert client.get(SETUP_URL).context["form"].secret == first
    assert client.get("/vendor/")["Location"] == SETUP_URL
    assert client.get(SETUP_URL).context["form"].secret == first
    wrong = client.post(SETUP_URL, {"code": "000000" if totp_now(first) != "000000" else "111111"})
    assert wrong.context["form"].secret == first
    assert client.get(SETUP_URL).context["form"].secret == first

    assert client.post(SETUP_URL, {"code": totp_now(first)})["Location"] == reverse("mfa_view_recovery_codes")
    assert "mfa.totp.secret" not in client.session
    authenticator = Authenticator.objects.get(user=cast.vendor_a_admin, type=Authenticator.Type.TOTP)
    assert authenticator.wrap().validate_code(totp_now(first))


@pytest.mark.mfa_required
def test_signing_out_abandons_the_set_up_and_its_key(client, cast):
    sign_in(client, "alice", "pw-alice")
    first = client.get(SETUP_URL).context["form"].secret
    client.post(reverse("account_logout"))
    sign_in(client, "alice", "pw-alice")
    assert client.get(SETUP_URL).context["form"].secret != first


@pytest.mark.mfa_required
@pytest.mark.parametrize("destination", ["image", "style", "script", "font", "empty"])
def test_what_a_browser_fetches_for_a_page_is_never_sent_to_the_set_up_page(client, cast, destination):
    sign_in(client, "alice", "pw-alice")
    response = client.get("/buyer/", headers={"Sec-Fetch-Dest": destination})
    assert response.status_code == 403 and "Location" not in response
    assert "Set up two-factor authentication first" in response.content.decode()
    # A page the browser navigates to is still sent there.
    assert client.get("/buyer/", headers={"Sec-Fetch-Dest": "document"})["Location"] == SETUP_URL
    assert client.get("/favicon.ico", headers={"Sec-Fetch-Dest": destination}).status_code == 200


@pytest.mark.mfa_required
def test_an_old_session_confirms_the_password_before_setting_up(client, cast):
    """allauth asks for the password again when the sign-in is older than a few minutes; that page stays open."""
    client.force_login(cast.admin)  # no record of when the password was given
    response = client.get(SETUP_URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_reauthenticate"))
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.mfa_required
def test_an_admin_cannot_switch_the_authenticator_off_but_others_can(client, cast):
    with_totp(cast.admin)
    sign_in(client, "alice", "pw-alice")
    client.post(reverse("mfa_authenticate"), {"code": "x"})  # wrong: still at the second step
    client.force_login(cast.admin)
    client.post(reverse("account_reauthenticate"), {"password": "pw-alice"})
    page = client.post(reverse("mfa_deactivate_totp"))
    assert "You cannot deactivate two-factor authentication." in page.content.decode()
    assert Authenticator.objects.filter(user=cast.admin, type=Authenticator.Type.TOTP).exists()

    with_totp(cast.agent)
    client.force_login(cast.agent)
    client.post(reverse("account_reauthenticate"), {"password": "pw-bob"})
    assert client.post(reverse("mfa_deactivate_totp"))["Location"] == reverse("mfa_index")
    assert not Authenticator.objects.filter(user=cast.agent, type=Authenticator.Type.TOTP).exists()


def test_signing_in_with_an_authenticator_asks_for_its_code(client, cast):
    secret, _codes = with_totp(cast.vendor_a_user)
    response = sign_in(client, "dave", "pw-dave")
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get("/vendor/")["Location"].startswith(reverse("account_login"))  # not signed in yet
    page = client.get(reverse("mfa_authenticate")).content.decode()
    assert '<label for="id_code">' in page and "recovery codes" in page

    wrong = client.post(reverse("mfa_authenticate"), {"code": "12345"})
    assert wrong.status_code == 200 and "Incorrect code" in wrong.content.decode()
    assert client.post(reverse("mfa_authenticate"), {"code": totp_now(secret)})["Location"] == "/"
    assert client.get("/vendor/").status_code == 200


def test_a_recovery_code_works_once(client, cast):
    _secret, codes = with_totp(cast.vendor_a_user)
    sign_in(client, "dave", "pw-dave")
    assert client.post(reverse("mfa_authenticate"), {"code": codes[0]})["Location"] == "/"
    assert client.get("/vendor/").status_code == 200
    client.post(reverse("account_logout"))

    sign_in(client, "dave", "pw-dave")
    again = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert again.status_code == 200 and "Incorrect code" in again.content.decode()
    assert client.post(reverse("mfa_authenticate"), {"code": codes[1]})["Location"] == "/"


def test_the_token_endpoint_asks_for_the_second_factor(cast):
    secret, codes = with_totp(cast.vendor_a_user)

    def issue(**body):
        body = {"username": "dave", "password": "pw-dave", **body}
        return Client().post(API + "/auth/token", json.dumps(body), content_type="application/json")

    assert issue().json()["error"]["code"] == "otp_required"
    assert issue().status_code == 401
    assert issue(otp="000000" if totp_now(secret) != "000000" else "111111").json()["error"]["code"] == "invalid_otp"
    assert not ApiToken.objects.exists()
    assert issue(otp=totp_now(secret)).status_code == 201
    assert issue(otp=codes[0]).status_code == 201
    assert issue(otp=codes[0]).json()["error"]["code"] == "invalid_otp"  # used up
    assert ApiToken.objects.count() == 2
    # Wrong codes are throttled like wrong passwords.
    statuses = {issue(otp="99999999").status_code for _ in range(6)}
    assert 429 in statuses


# --- sign-in throttling and password hashing -------------------------------------------------------------------------


def test_after_five_failures_even_the_right_password_is_refused_with_a_clear_message(client, cast):
    for _ in range(5):
        response = sign_in(client, "dave", "wrong")
        assert response.status_code == 200 and "Too many" not in response.content.decode()
    response = sign_in(client, "dave", "pw-dave")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Too many failed login attempts. Try again later." in page
    assert 'role="alert"' in page
    assert client.get("/vendor/").status_code == 302
    # Another user is not locked out by dave's failures.
    assert sign_in(Client(), "frank", "pw-frank").status_code == 302


def test_the_limit_is_configured():
    assert django_settings.ACCOUNT_RATE_LIMITS["login_failed"] == "10/m/ip,5/5m/key"
    assert set(django_settings.ACCOUNT_LOGIN_METHODS) == {"username", "email"}


def test_passwords_are_hashed_with_argon2_and_old_hashes_upgraded_at_sign_in(client, cast, settings):
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS  # the tests use a fast hasher elsewhere
    assert project_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    user = cast.vendor_a_user
    user.set_password("Correct-horse-7")
    user.save()
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")

    user.password = make_password("Old-hash-pw-9", hasher="pbkdf2_sha256")
    user.save()
    assert sign_in(client, "dave", "Old-hash-pw-9").status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$")


# --- security headers, CSP ------------------------------------------------------------------------------------------


def test_html_pages_carry_the_security_headers_and_the_policy(client, cast):
    for response in [client.get(reverse("account_login")), signed_in_page(client, cast)]:
        assert response.status_code == 200
        assert response["Content-Security-Policy"] == POLICY
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        page = response.content.decode()
        assert "style=" not in page and not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
        assert '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false}\'>' in page
    json_response = client.get(API + FOR_REVIEW)
    assert "Content-Security-Policy" not in json_response


def signed_in_page(client, cast):
    client.force_login(cast.vendor_a_user)
    return client.get(reverse("vendor:workspace"))


def test_the_print_view_allows_its_one_inline_style_by_nonce_and_the_pdf_has_none(client, cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    client.force_login(cast.vendor_a_user)
    response = client.get(reverse("vendor:po_print", args=[po.pk]))
    nonce = re.search(r"<style nonce=\"([^\"]+)\">@page", response.content.decode()).group(1)
    assert response["Content-Security-Policy"] == POLICY.replace(
        "script-src 'self'", f"script-src 'self' 'nonce-{nonce}'"
    ).replace("style-src 'self'", f"style-src 'self' 'nonce-{nonce}'")
    assert nonce not in client.get(reverse("vendor:po_print", args=[po.pk])).content.decode()  # new every time
    html = render_document_html(version=po.versions.get(), show_prices=True, show_dimensions=False)
    assert "<style>@page" in html  # rendered without a request, as for the PDF: no nonce


# --- production settings -------------------------------------------------------------------------------------------

PRINT_SECURITY = (
    "import json, vendorcollab.settings as s; print(json.dumps({name: getattr(s, name, None) for name in ["
    "'SECURE_HSTS_SECONDS', 'SECURE_SSL_REDIRECT', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', "
    "'SESSION_COOKIE_HTTPONLY', 'SESSION_COOKIE_SAMESITE', 'CSRF_COOKIE_SAMESITE', 'SECURE_CONTENT_TYPE_NOSNIFF', "
    "'X_FRAME_OPTIONS', 'SECURE_REFERRER_POLICY', 'CSRF_TRUSTED_ORIGINS', 'MFA_REQUIRED_ROLES', 'CACHES', "
    "'SECURE_PROXY_SSL_HEADER']}))"
)


def load_settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {"PATH": os.environ["PATH"], "VENDORCOLLAB_VAR_DIR": os.environ.get("VENDORCOLLAB_VAR_DIR", "/tmp/vc-var")}
    return subprocess.run(
        [sys.executable, "-c", PRINT_SECURITY],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def security_settings(**env: str) -> dict:
    result = load_settings(**env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_is_https_only_with_secure_cookies():
    values = security_settings(DEBUG="0", SECRET_KEY="a-real-secret")
    assert values["SECURE_HSTS_SECONDS"] == 31536000
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_SECURE"] is True and values["CSRF_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["SESSION_COOKIE_SAMESITE"] == values["CSRF_COOKIE_SAMESITE"] == "Lax"
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] is True and values["X_FRAME_OPTIONS"] == "DENY"
    assert values["SECURE_REFERRER_POLICY"] == "same-origin"
    assert values["MFA_REQUIRED_ROLES"] == ["procurement_admin", "vendor_admin"]
    # Failed sign-in counts and used TOTP codes are shared by every app server.
    assert values["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert values["SECURE_PROXY_SSL_HEADER"] is None


def test_production_security_settings_come_from_the_environment():
    values = security_settings(
        DEBUG="0",
        SECRET_KEY="a-real-secret",
        SECURE_HSTS_SECONDS="600",
        SECURE_SSL_REDIRECT="0",
        CSRF_TRUSTED_ORIGINS="https://portal.example,https://vendors.example",
        MFA_REQUIRED_ROLES="",
        SECURE_PROXY_SSL_HEADER="1",
        CACHE_BACKEND="locmem",
    )
    assert values["SECURE_HSTS_SECONDS"] == 600 and values["SECURE_SSL_REDIRECT"] is False
    assert values["CSRF_TRUSTED_ORIGINS"] == ["https://portal.example", "https://vendors.example"]
    assert values["MFA_REQUIRED_ROLES"] == []
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


def test_development_keeps_plain_http():
    values = security_settings(DEBUG="1")
    assert values["SECURE_HSTS_SECONDS"] is None and values["SECURE_SSL_REDIRECT"] is None
    assert values["SESSION_COOKIE_SECURE"] is None


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SECURE_HSTS_SECONDS": "a year"}, "SECURE_HSTS_SECONDS must be a whole number"),
        ({"CACHE_BACKEND": "redis"}, "CACHE_BACKEND must be"),
        ({"SECURE_SSL_REDIRECT": "maybe"}, "SECURE_SSL_REDIRECT must be one of"),
    ],
)
def test_bad_security_values_fail_loudly(env, message):
    result = load_settings(DEBUG="0", SECRET_KEY="a-real-secret", **env)
    assert result.returncode != 0 and message in result.stderr


def test_the_deploy_checks_pass_in_production():
    clean = {"PATH": os.environ["PATH"], "VENDORCOLLAB_VAR_DIR": os.environ.get("VENDORCOLLAB_VAR_DIR", "/tmp/vc-var")}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env={**clean, "DEBUG": "0", "SECRET_KEY": "x" * 60 + "-a-long-random-production-secret", "ALLOWED_HOSTS": "x"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    # What remains is left to the organisation: HSTS for every subdomain and the browsers' preload list.
    issues = set(re.findall(r"\(([a-z_.]+\.[EW]\d+)\)", result.stderr + result.stdout))
    assert issues <= {"security.W005", "security.W021"}, result.stderr


def test_an_unknown_role_in_mfa_required_roles_stops_the_start(settings):
    settings.MFA_REQUIRED_ROLES = ("procurement_admin", "vendor_boss")
    with pytest.raises(ImproperlyConfigured, match="vendor_boss"):
        MFARequiredMiddleware(lambda request: None)  # type: ignore[arg-type,return-value]


# --- CSRF on every form ----------------------------------------------------------------------------------------------

# Every URL of the site is posted to, except the back office (Django's own, CSRF-protected) and the JSON API (its
# session authentication checks the token itself: vendorcollab/api/tests/test_auth.py).
CSRF_EXCLUDED_PREFIXES = ("admin/", "api/")
# These must be among them (the portal's own forms); a vendor-side namespace is posted to by a vendor admin.
CSRF_REQUIRED_NAMESPACES = {
    "vendor",
    "consignment_vendor",
    "buyer",
    "consignment_buyer",
    "partners",
    "notifications",
    "audit",
}


def _dummy(converter: object) -> str:
    """A value the converter accepts: the ids need not exist, the CSRF check comes before the view."""
    return {
        "IntConverter": "1",
        "UUIDConverter": "00000000-0000-0000-0000-000000000001",
    }.get(type(converter).__name__, "x1")


def _walk(resolver: URLResolver, prefix: str, namespace: str, kwargs: dict[str, str]):
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        params = dict(kwargs)
        converters = getattr(pattern.pattern, "converters", {})
        params.update({name: _dummy(converter) for name, converter in converters.items()})
        regex_groups = pattern.pattern.regex.groupindex
        params.update({name: "1" for name in regex_groups if name not in params})
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else pattern.namespace or ""
            yield from _walk(pattern, route, inner or namespace, params)
        elif isinstance(pattern, URLPattern) and not route.startswith(CSRF_EXCLUDED_PREFIXES):
            assert pattern.name, f"unnamed URL pattern {route}"
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, reverse(name, kwargs=params)


def state_changing_urls() -> list[tuple[str, str]]:
    return list(_walk(get_resolver(), "", "", {}))


def test_the_url_list_covers_every_part_of_the_portal():
    urls = state_changing_urls()
    namespaces = {name.split(":")[0] for name, _url in urls if ":" in name}
    assert namespaces >= CSRF_REQUIRED_NAMESPACES
    names = {name for name, _url in urls}
    assert {"set_language", "account_login", "account_logout", "mfa_activate_totp", "audit:events"} <= names
    assert not any(url.startswith(("/admin/", "/api/")) for _name, url in urls)


@pytest.mark.parametrize(("name", "url"), state_changing_urls(), ids=[name for name, _ in state_changing_urls()])
def test_every_form_refuses_a_post_without_the_csrf_token(cast, name, url):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(cast.vendor_a_admin if "vendor" in name.split(":")[0] else cast.admin)
    response = browser.post(url, {"anything": "1"})
    assert response.status_code == 403, (url, response.status_code)
    assert b'data-code="csrf_failed"' in response.content, url  # the portal's own CSRF failure page


# --- inactive users ---------------------------------------------------------------------------------------------------


def test_an_inactivated_users_session_and_tokens_stop_at_the_next_request(client, cast):
    user = cast.vendor_a_user
    client.force_login(user)
    _token, key = token_issue(actor=user)
    bearer = {"Authorization": f"Bearer {key}"}
    assert client.get(reverse("vendor:workspace")).status_code == 200
    assert Client().get(API + FOR_REVIEW, headers=bearer).status_code == 200

    user.is_active = False
    user.save()

    response = client.get(reverse("vendor:workspace"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    response = Client().get(API + FOR_REVIEW, headers=bearer)
    assert response.status_code == 401 and response.json()["error"]["code"] == "not_authenticated"
    assert client.get(API + FOR_REVIEW).status_code == 401
