"""Pages that belong to no domain: the front door, the page for a user without a role, the language switch."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from vendorcollab.accounts.models import PURCHASING_ROLES, Role
from vendorcollab.accounts.services import user_language_set


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each user to the workspace of their side."""
    user = request.user
    if user.is_vendor_user:  # type: ignore[union-attr]
        return redirect("vendor:workspace")
    if user.is_buyer:  # type: ignore[union-attr]
        # A receiving clerk's work is receiving (purchasing.views.receiving.lands_on_receiving says the same).
        if user.has_role(Role.RECEIVING_CLERK) and not user.has_role(*PURCHASING_ROLES):  # type: ignore[union-attr]
            return redirect("buyer:receiving")
        # Accounts payable's work is the invoices (invoicing.buyer_views.lands_on_invoices says the same).
        if user.has_role(Role.ACCOUNTS_PAYABLE) and not user.has_role(*PURCHASING_ROLES):  # type: ignore[union-attr]
            return redirect("buyer:invoices")
        return redirect("buyer:workspace")
    return no_role(request)


def no_role(request: HttpRequest, *, status: int = 200) -> HttpResponse:
    """A signed-in user without a role (made by createsuperuser, or whose roles were all taken away): say so and
    what to do, instead of a 404 on every page. It tells nothing about any object: it is shown before one is read."""
    return render(request, "common/no_role.html", status=status)


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
