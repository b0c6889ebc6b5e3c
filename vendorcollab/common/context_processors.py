"""Template context every page needs: the languages to switch between and the current path."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, Any]:
    return {"available_languages": settings.LANGUAGES, "current_path": request.get_full_path()}
