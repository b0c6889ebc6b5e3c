"""Pages that belong to no domain: the front door and the language switch."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from vendorcollab.accounts.services import user_language_set


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each user to the workspace of their side."""
    user = request.user
    if user.is_vendor_user:  # type: ignore[union-attr]
        return redirect("vendor:workspace")
    if user.is_buyer:  # type: ignore[union-attr]
        return redirect("buyer:workspace")
    # A user with no role yet (or only staff rights) has no workspace; the back office may still serve them.
    return redirect("admin:index")


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; a signed-in user keeps the choice on every device (an explicit choice, which
    wins over the browser's until the profile page is set back to "Follow my browser")."""
    language = request.POST.get("language", "")
    back = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = "/"
    response = redirect(back)
    if language in dict(settings.LANGUAGES):
        if request.user.is_authenticated:
            user_language_set(actor=request.user, language=language)  # type: ignore[arg-type]
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax")
    return response
