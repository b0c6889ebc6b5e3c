"""How large a request body may be, and the 413 answer (JSON under the API, a page elsewhere) when it is larger.

Three limits, by what the body is for (README, Configuration):

- a UBL import (``/api/v1/.../import-ubl``): ``UBL_MAX_BYTES``, the largest document we read;
- any other API request: ``API_MAX_BODY_BYTES``, far smaller, since a JSON body is read whole into memory;
- a page (a form, with its files): ``PAGE_MAX_BODY_BYTES``, a few attachments' worth; a single file over
  ``ATTACHMENT_MAX_BYTES`` within it gets a field error from the attachment service instead.

The declared ``Content-Length`` is checked before anything reads the body. A body without one (chunked) is still
bounded by Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE``: its ``RequestDataTooBig`` becomes the same 413 (the API's
handlers and ``bad_request`` below), where Django would answer a bare 400 and ninja's catch-all a 500.

Why the body is drained: a sync gunicorn worker closes the connection after its answer. When the client is still
sending a body nobody read, the kernel resets the connection, and the client sees a broken pipe instead of the
answer. Reading what is left (up to ``DRAIN_MAX_BYTES``, then giving up) lets the client read the 413.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views import defaults

from vendorcollab.common.errors import CommonErrorCode

from .errors import AppError
from .formatting import size_text

API_PREFIX = "/api/v1/"
# The API's endpoints whose body is a UBL document, not JSON.
XML_BODY_SUFFIXES = ("/import-ubl",)
# A larger body than this is not read at all: the client gets a reset connection rather than a worker's minute.
DRAIN_MAX_BYTES = 128 * 1024 * 1024
DRAIN_CHUNK = 64 * 1024

MESSAGE = _("The request is larger than the %(limit)s allowed here. Send less at once.")


class RequestTooLarge(AppError):
    status = 413


def request_too_large(limit: int) -> RequestTooLarge:
    return RequestTooLarge(CommonErrorCode.REQUEST_TOO_LARGE, MESSAGE, params={"limit": size_text(limit)})


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def body_limit(request: HttpRequest) -> int:
    """The largest body this request may carry."""
    path = request.path_info
    if path.startswith(API_PREFIX):
        if path.rstrip("/").endswith(XML_BODY_SUFFIXES):
            return int(settings.UBL_MAX_BYTES)
        return int(settings.API_MAX_BODY_BYTES)
    return int(settings.PAGE_MAX_BODY_BYTES)


def declared_length(request: HttpRequest) -> int:
    raw = request.META.get("CONTENT_LENGTH") or ""
    return int(raw) if raw.isdigit() else 0


def too_large_response(request: HttpRequest, limit: int) -> HttpResponse:
    """413 in the API's error shape, or the portal's page, in the active language."""
    error = request_too_large(limit)
    if is_api(request):
        response: HttpResponse = JsonResponse({"error": error.as_dict()}, status=413)
    else:
        response = render(request, "413.html", {"message": error.rendered_message()}, status=413)
    # Whatever the server does with the connection next, the client should not send another request on it.
    response["Connection"] = "close"
    return response


def drain(request: HttpRequest) -> None:
    """Read and drop what the application left of the body, so that the client gets to read the answer."""
    if hasattr(request, "_body") or declared_length(request) > DRAIN_MAX_BYTES:
        return
    try:
        while request.read(DRAIN_CHUNK):
            pass
    except OSError:
        pass  # the client went away: nobody is left to read the answer


class RequestBodyLimitMiddleware:
    """Refuses a body over its limit with 413 before it is read. Sits before the session and CSRF middleware,
    which would otherwise read a form body first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = body_limit(request)
        try:
            if declared_length(request) > limit:
                # Before the locale middleware: the language the request asks for (cookie, Accept-Language).
                with translation.override(translation.get_language_from_request(request)):
                    return too_large_response(request, limit)
            return self.get_response(request)
        finally:
            # Even when rendering the answer failed: the client must get to read whatever answer it gets.
            drain(request)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """``handler400``: Django's refusal of a body it would not hold in memory is a 413, not a bare 400."""
    if isinstance(exception, RequestDataTooBig):
        return too_large_response(request, min(body_limit(request), settings.DATA_UPLOAD_MAX_MEMORY_SIZE))
    return defaults.bad_request(request, exception or Exception())
