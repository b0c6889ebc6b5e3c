"""``POST /api/v1/auth/token``: a user name and password in, a bearer token out."""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router
from ninja.responses import Status

from vendorcollab.accounts.mfa import has_totp, mfa_code_verify, mfa_setup_missing
from vendorcollab.accounts.models import User
from vendorcollab.audit.models import AuditKind
from vendorcollab.audit.services import audit_record

from .error_codes import TOKEN, answers
from .errors import (
    error_responses,
    invalid_credentials,
    invalid_otp,
    mfa_required,
    otp_required,
    too_many_attempts,
)
from .schemas import TokenIn, TokenOut
from .services import token_issue

router = Router(tags=["authentication"])


@router.post(
    "/token",
    auth=None,
    response={201: TokenOut, **error_responses(400, 401, 403, 422, 429)},
    summary="Issue an API token",
)
@answers(TOKEN)
def auth_token_create(request: HttpRequest, credentials: TokenIn) -> Status[TokenOut]:
    """Sign in with a user name (or e-mail address) and password, as on the sign-in page, and receive a token for
    `Authorization: Bearer <token>`. Inactive users are refused. Failed attempts count towards the same limit as
    the sign-in page's.

    Accounts with two-factor authentication also send `otp`: the current code of their authenticator app, or a
    recovery code (401 `otp_required` without it, 401 `invalid_otp` when wrong). A user whose role requires
    two-factor authentication and who has not set it up yet gets 403 `mfa_required`: set it up in the portal first.
    """
    try:
        # The sign-in page's adapter: django.contrib.auth.authenticate behind the failed-attempt rate limit, so that
        # the API is no way around it.
        user = get_adapter(request).authenticate(request, username=credentials.username, password=credentials.password)
    except ValidationError:
        raise too_many_attempts() from None
    if not isinstance(user, User) or not user.is_active:
        raise invalid_credentials()
    if mfa_setup_missing(user):
        raise mfa_required()
    if has_totp(user):
        if not credentials.otp:
            raise otp_required()
        verified = mfa_code_verify(request=request, user=user, code=credentials.otp)
        if verified is None:
            raise too_many_attempts()
        if not verified:
            audit_record(
                kind=AuditKind.LOGIN_FAILED,
                subject=user,
                target=user.get_username(),
                request=request,
                data={"reason": "mfa_code", "channel": "api"},
            )
            raise invalid_otp()
    _token, key = token_issue(actor=user, name=credentials.name, request=request)
    return Status(201, TokenOut(token=key, expires_at=None))
