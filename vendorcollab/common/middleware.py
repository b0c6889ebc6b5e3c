"""Turns a selector's ``NotFound`` into the 404 page, so views need no try/except around every read."""

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse

from .errors import NotFound


class NotFoundMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, NotFound):
            raise Http404(exception.rendered_message()) from exception
