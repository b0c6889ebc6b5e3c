"""``POST /api/v1/auth/token``: a user name and password in, a bearer token out."""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router
from ninja.responses import Status

from vendorcollab.accounts.models import User

from .errors import error_responses, invalid_credentials, too_many_attempts
from .schemas import TokenIn, TokenOut
from .services import token_issue

router = Router(tags=["authentication"])


@router.post(
    "/token",
    auth=None,
    response={201: TokenOut, **error_responses(400, 401, 422, 429)},
    summary="Issue an API token",
)
def auth_token_create(request: HttpRequest, credentials: TokenIn) -> Status[TokenOut]:
    """Sign in with a user name (or e-mail address) and password, as on the sign-in page, and receive a token for
    `Authorization: Bearer <token>`. Inactive users are refused. Failed attempts count towards the same limit as
    the sign-in page's."""
    try:
        # The sign-in page's adapter: django.contrib.auth.authenticate behind the failed-attempt rate limit, so that
        # the API is no way around it.
        user = get_adapter(request).authenticate(request, username=credentials.username, password=credentials.password)
    except ValidationError:
        raise too_many_attempts() from None
    if not isinstance(user, User) or not user.is_active:
        raise invalid_credentials()
    _token, key = token_issue(actor=user, name=credentials.name)
    return Status(201, TokenOut(token=key, expires_at=None))
