"""Two-factor authentication: who must use it, the middleware that sends them to set it up first, allauth's adapter
and the set-up form.

Users holding a role of ``settings.MFA_REQUIRED_ROLES`` must have an authenticator app (TOTP) before they can do
anything else: every page sends them to the set-up page, the API answers 403 ``mfa_required`` (for the session and
for bearer tokens alike), and they cannot switch it off again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from allauth.account import app_settings as account_settings
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context, ratelimit
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.forms import ActivateTOTPForm as BaseActivateTOTPForm
from allauth.mfa.totp.internal import auth as totp_auth
from django import forms
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_htmx.http import HttpResponseClientRedirect

from vendorcollab.common.errors import PermissionRefused

from .adapter import AccountAdapter as BaseAccountAdapter
from .errors import AccountsErrorCode
from .models import Role, User

API_PREFIX = "/api/"

# What the API answers (403 ``mfa_required``) to a user who must set up two-factor authentication first, on the
# session (the middleware below) and on a token (``vendorcollab.api``, which takes it from here).
MFA_REQUIRED_MESSAGE = _(
    "Your role requires two-factor authentication. Set up an authenticator app in the portal "
    "(Two-factor authentication) before using the API."
)
FAVICON_PATH = "/favicon.ico"
# Sec-Fetch-Dest values of a request that shows its answer as a page (browsers without the header send pages too).
NAVIGATION_DESTINATIONS = frozenset({"document", "iframe", "frame"})


def required_roles() -> frozenset[str]:
    return frozenset(getattr(settings, "MFA_REQUIRED_ROLES", ()))


def mfa_required(user: User) -> bool:
    """Whether ``user``'s roles oblige them to use two-factor authentication."""
    roles = required_roles()
    return bool(roles) and user.is_authenticated and user.has_role(*roles)


def has_totp(user: User) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()


def mfa_setup_missing(user: User) -> bool:
    """Required to use two-factor authentication, and no authenticator app yet: nothing but the set-up is allowed."""
    return mfa_required(user) and not has_totp(user)


def mfa_code_verify(*, request: HttpRequest, user: User, code: str) -> bool | None:
    """Check a code from ``user``'s authenticator app, or one of their recovery codes (which then is used up), as
    the sign-in page's second step does. None when too many wrong codes were tried (allauth's rate limit, the one
    of that page too)."""
    key = f"mfa-auth-user-{user.pk}"
    if not ratelimit.consume(request, action="login_failed", key=key):
        return None
    for authenticator in Authenticator.objects.filter(user_id=user.pk).exclude(type=Authenticator.Type.WEBAUTHN):
        if authenticator.wrap().validate_code(code.strip()):
            authenticator.record_usage()
            ratelimit.clear(request, action="login_failed", key=key)
            return True
    return False


class AccountAdapter(BaseAccountAdapter):
    """The portal's allauth adapter, with one rule for two-factor authentication: a password sign-in of the last
    few minutes (``ACCOUNT_REAUTHENTICATION_TIMEOUT``) counts as the re-authentication that allauth asks before any
    change to it. Otherwise a user sent to set it up right after signing in would have to type the password again.
    An older session still confirms the password first."""

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        required = bool(super().is_reauthentication_required(app=app, **kwargs))
        if required and app == "allauth.mfa" and _signed_in_recently(context.request):
            return False
        return required


def _signed_in_recently(request: HttpRequest | None) -> bool:
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return False
    # allauth's record of how this session was authenticated (kept in the session at every sign-in step).
    records = get_authentication_records(request, user)
    latest = max((record["at"] for record in records if record.get("method") == "password"), default=None)
    return latest is not None and time.time() - latest < account_settings.REAUTHENTICATION_TIMEOUT


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        # Whoever must use an authenticator app cannot switch it off (they would be sent to set it up again at once).
        user = authenticator.user
        if authenticator.type == Authenticator.Type.TOTP and isinstance(user, User) and mfa_required(user):
            return False
        return super().can_delete_authenticator(authenticator)


class ActivateTOTPForm(BaseActivateTOTPForm):
    """allauth's set-up form, with one key per set-up instead of one per page view.

    allauth makes a new key at every GET of the set-up page. A person scans the key, then the page is fetched again
    (a reload, a second tab, the browser coming back with the session kept, or anything redirected to the set-up
    page) and the code they type belongs to a key that is no longer the one checked: "Incorrect code", every time.
    Here the key is made once and stays in the session until the app is activated (allauth's ``activate_totp``
    clears it) or the user signs out (the session goes).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # allauth's own __init__ would regenerate the key on GET; do what it does without that.
        self.user = kwargs.pop("user")
        forms.Form.__init__(self, *args, **kwargs)
        self.secret = totp_auth.get_totp_secret(regenerate=False)


class MFARequiredMiddleware:
    """Sends a signed-in user who must use two-factor authentication, and has not set it up, to the set-up page
    before anything else. Open to them meanwhile: the two-factor pages, re-entering the password (the set-up page
    may ask for it), signing out, the language switch, static files and the favicon. The API answers 403
    ``mfa_required``. Only a page the browser navigates to is redirected; anything else it fetches (an image, a
    style sheet, a script) gets a plain 403, so that no request of the browser's own loads the set-up page.

    Runs after the authentication and message middleware. Costs one query per request, for such users only.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        unknown = set(getattr(settings, "MFA_REQUIRED_ROLES", ())) - set(Role.values)
        if unknown:
            raise ImproperlyConfigured(
                f"MFA_REQUIRED_ROLES names unknown roles {sorted(unknown)}; the roles are {sorted(Role.values)}"
            )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if isinstance(user, User) and user.is_authenticated and mfa_setup_missing(user):
            request.mfa_setup_required = True  # type: ignore[attr-defined]
            if not self.allowed(request.path_info):
                return self.refuse(request)
        return self.get_response(request)

    @staticmethod
    def allowed(path: str) -> bool:
        static_url = "/" + settings.STATIC_URL.lstrip("/")
        open_paths = (
            reverse("mfa_index"),  # /accounts/2fa/: set-up, recovery codes
            reverse("account_reauthenticate"),
            reverse("account_logout"),
            reverse("set_language"),
            static_url,
            FAVICON_PATH,
        )
        return path.startswith(open_paths)

    @staticmethod
    def refuse(request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(API_PREFIX):
            # The API's error shape ({"error": {code, message, fields}}), written here: the API sits above accounts.
            error = PermissionRefused(AccountsErrorCode.MFA_REQUIRED, MFA_REQUIRED_MESSAGE)
            return JsonResponse({"error": error.as_dict()}, status=error.status)
        setup_url = reverse("mfa_activate_totp")
        if getattr(request, "htmx", False):
            # htmx would swap the set-up page into a fragment; make the browser go there instead.
            return HttpResponseClientRedirect(setup_url)
        if request.headers.get("Sec-Fetch-Dest", "document") not in NAVIGATION_DESTINATIONS:
            # The browser fetching something for a page (its icon, an image, a style sheet): the set-up page is no
            # answer to that, and loading it behind the user's back is what used to change the key on the screen.
            return HttpResponseForbidden(
                gettext("Set up two-factor authentication first."), content_type="text/plain; charset=utf-8"
            )
        return redirect(setup_url)


def admin_login(request: HttpRequest) -> HttpResponse:
    """The back office's sign-in goes through the portal's, which asks for the second factor; Django's own admin
    sign-in form would accept the password alone."""
    if request.user.is_authenticated:
        # Signed in, and the admin still asks to sign in: this user may not use the back office.
        raise PermissionDenied
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"), reverse("account_login"))
