"""Template context every page needs: the languages to switch between, the current path, what the user may do."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from vendorcollab.accounts.models import PURCHASING_ROLES, RECEIVING_ROLES, Role


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    has_role = user.has_role if user is not None and user.is_authenticated else (lambda *roles: False)
    return {
        "available_languages": settings.LANGUAGES,
        "current_path": request.get_full_path(),
        # What the menus offer; the views check the same roles again.
        "perms_purchasing": has_role(*PURCHASING_ROLES),
        "perms_receiving": has_role(*RECEIVING_ROLES),
        "perms_admin": has_role(Role.PROCUREMENT_ADMIN),
    }
