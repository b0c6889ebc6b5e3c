"""Personal pages under ``/account/`` (namespace ``myaccount``): every user's profile (language) and API tokens,
and the invitation link a new user follows to set a password."""

from __future__ import annotations

from typing import Any

from allauth.account.internal.flows.login import perform_password_login
from allauth.account.models import Login
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from vendorcollab.api.models import ApiToken
from vendorcollab.common.errors import AppError, CommonErrorCode, NotFound
from vendorcollab.common.web import AuthenticatedRequest

from . import selectors, services
from .forms import LanguageForm, TokenForm
from .models import User
from .services import access, invitations

# The invitation's token moves from the link into the session, so that it is in no further URL (no Referer, no log).
INVITATION_SESSION_KEY = "_invitation_token"


def side_base(user: User) -> str:
    """The page frame of the user's side, with its menu."""
    if user.is_vendor_user:
        return "purchasing/vendor/base.html"
    if user.is_buyer:
        return "purchasing/buyer/base.html"
    return "base.html"


@login_required
def profile(request: AuthenticatedRequest) -> HttpResponse:
    """The user's language: one of the portal's, or the browser's (blank)."""
    form = LanguageForm(request.POST if request.method == "POST" else None, initial={"language": request.user.language})
    if request.method == "POST" and form.is_valid():
        try:
            services.user_language_set(actor=request.user, language=form.cleaned_data["language"])
        except AppError as error:
            form.add_service_error(error)
        else:
            response = redirect("myaccount:profile")
            # The cookie of an earlier switch would otherwise outrank the browser (LocaleMiddleware reads it first).
            response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
            if request.user.language:
                with translation.override(request.user.language):
                    messages.success(request, _("Your language is saved."))
            else:
                messages.success(request, _("Pages now follow your browser's language."))
            return response
    context = {"base_template": side_base(request.user), "form": form}
    return render(request, "accounts/profile.html", context, status=422 if form.errors else 200)


def _tokens_page(
    request: AuthenticatedRequest, form: TokenForm, *, new_key: str = "", new_token: ApiToken | None = None
) -> HttpResponse:
    context: dict[str, Any] = {
        "base_template": side_base(request.user),
        "form": form,
        "tokens": selectors.personal_tokens(actor=request.user),
        "new_key": new_key,
        "new_token": new_token,
    }
    response = render(request, "accounts/tokens.html", context, status=422 if form.errors else 200)
    if new_key:
        # The key is in this response only: no cache may keep a copy.
        response["Cache-Control"] = "no-store"
    return response


@login_required
def tokens(request: AuthenticatedRequest) -> HttpResponse:
    """The user's API tokens; creating one shows its key once, on the page that answers the creation."""
    form = TokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            token, key = access.personal_token_create(
                actor=request.user, name=form.cleaned_data["name"], request=request
            )
        except AppError as error:
            form.add_service_error(error)
        else:
            return _tokens_page(request, TokenForm(), new_key=key, new_token=token)
    return _tokens_page(request, form)


@login_required
@require_POST
def token_revoke(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    if access.personal_token_revoke(actor=request.user, token=token, request=request):
        messages.success(
            request,
            _("Token %(name)s is revoked: programs using it are refused from their next request.")
            % {"name": token.name or token.key_prefix},
        )
    return redirect("myaccount:tokens")


# --- the invitation link ------------------------------------------------------------------------------------------


def _refused(request: HttpRequest, error: AppError) -> HttpResponse:
    return render(
        request,
        "accounts/invitation_refused.html",
        {"message": error.rendered_message(), "code": error.code},
        status=error.status,
    )


@never_cache
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the invitation mail: checked, then kept in the session while the person chooses a password."""
    try:
        invitations.invitation_check(token=token)
    except AppError as error:
        return _refused(request, error)
    request.session[INVITATION_SESSION_KEY] = token
    return redirect("myaccount:invitation_password")


@never_cache
def invitation_password(request: HttpRequest) -> HttpResponse:
    token = request.session.get(INVITATION_SESSION_KEY, "")
    try:
        invited = invitations.invitation_check(token=token)
    except NotFound:
        return _refused(
            request, NotFound(CommonErrorCode.NOT_FOUND, _("Open the link from your invitation e-mail again."))
        )
    except AppError as error:
        return _refused(request, error)
    user = invited.user
    form = SetPasswordForm(user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            invitations.invitation_accept(token=token, password=form.cleaned_data["new_password1"], request=request)
        except AppError as error:
            return _refused(request, error)
        request.session.pop(INVITATION_SESSION_KEY, None)
        user.refresh_from_db()
        messages.success(request, _("Your password is set. Welcome to the vendor collaboration portal."))
        # allauth's own password sign-in: its stages and signals apply, and the session records a password sign-in
        # (as it was one), so that setting up two-factor authentication next does not ask for the password again.
        return perform_password_login(
            request, {"username": user.username}, Login(user=user, redirect_url=reverse("home"))
        )
    return render(
        request,
        "accounts/invitation_password.html",
        {"form": form, "invited": user},
        status=422 if form.errors else 200,
    )
