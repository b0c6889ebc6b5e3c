"""Who is calling: a bearer token, or the browser's session (with Django's CSRF check on unsafe methods).

Each router passes ``api_auth(gate)`` as its ``auth``. Authentication runs before ninja reads any input, so the
gate (which side of the wall the user is on) decides first: a buyer asking a vendor endpoint gets a 404, as on the
pages, whatever it sent. On success the user's language is activated for the messages of the response.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from vendorcollab.accounts.mfa import mfa_setup_missing
from vendorcollab.accounts.models import User

from .errors import csrf_failed, mfa_required, no_role, not_authenticated, not_found, permission_denied
from .services import token_authenticate

# Raises a NotFound (the user's side does not have this endpoint) or a PermissionRefused (its role may not use it).
Gate = Callable[[User], None]

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
LANGUAGES = frozenset(code for code, _name in settings.LANGUAGES)


def any_user(user: User) -> None:
    """Every signed-in user."""


def vendor_users(user: User) -> None:
    """The vendor side: for buyer users these endpoints do not exist. A user without any role is told so (403
    ``no_role``) before anything is read, as on the pages."""
    if not user.role_set:
        raise no_role()
    if not user.is_vendor_user:
        raise not_found()


def buyer_users(*roles: str) -> Gate:
    """The buyer side: a 404 for vendor users; with ``roles``, a 403 for a buyer user holding none of them (as
    ``common.web.buyer_required`` on the pages)."""

    def gate(user: User) -> None:
        if not user.role_set:
            raise no_role()
        if not user.is_buyer:
            raise not_found()
        if roles and not user.has_role(*roles):
            raise permission_denied()

    return gate


def _accept(request: HttpRequest, user: User, gate: Gate) -> User:
    gate(user)
    if user.language in LANGUAGES:
        translation.activate(user.language)
        request.LANGUAGE_CODE = user.language
    request.user = user
    return user


class BearerToken(HttpBearer):
    """``Authorization: Bearer <key>`` with a key from ``POST /api/v1/auth/token``."""

    def __init__(self, gate: Gate = any_user) -> None:
        self.gate = gate
        super().__init__()

    def __call__(self, request: HttpRequest) -> User | None:
        # Ninja's own version logs any other scheme's header in DEBUG, credentials included.
        scheme, _space, key = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer":
            return None
        return self.authenticate(request, key)

    def authenticate(self, request: HttpRequest, token: str) -> User:
        user = token_authenticate(key=token.strip(), request=request)
        if user is None:
            # A wrong token is refused outright: falling back to a session would hide the client's mistake.
            raise not_authenticated()
        if mfa_setup_missing(user):
            # Until its user sets up two-factor authentication, a token works no more than their session does
            # (for the session, accounts.mfa.MFARequiredMiddleware answers the same).
            raise mfa_required()
        return _accept(request, user, self.gate)


class SessionCookie(APIKeyCookie):
    """The browser's signed-in session, as on the pages. Unsafe methods need Django's CSRF token (the
    ``X-CSRFToken`` header or the ``csrfmiddlewaretoken`` field), since a browser sends the cookie on its own."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self, gate: Gate = any_user) -> None:
        self.gate = gate
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        # The CSRF check is made in ``authenticate``, for signed-in sessions only: an anonymous request is a 401,
        # not a CSRF failure.
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user: Any = getattr(request, "user", None)
        if not isinstance(user, User) or not user.is_authenticated:
            return None
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise csrf_failed()
        return _accept(request, user, self.gate)


def api_auth(gate: Gate = any_user) -> list[BearerToken | SessionCookie]:
    """The ``auth`` of a router: a token or a session, then ``gate``."""
    return [BearerToken(gate), SessionCookie(gate)]


def actor(request: HttpRequest) -> User:
    """The authenticated user of an endpoint behind ``api_auth``."""
    user = getattr(request, "auth", None)
    assert isinstance(user, User), "the endpoint has no authentication"
    return user
