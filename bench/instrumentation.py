"""What a benchmark server adds (only with ``VENDORCOLLAB_BENCH=1``): the query count of every response, and the
framework's floor to compare every page with."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connections
from django.http import HttpRequest, HttpResponse

QUERY_COUNT_HEADER = "X-Query-Count"


def floor(request: HttpRequest) -> HttpResponse:
    """A bare view returning a constant: what any request costs through the same middleware, without the app."""
    return HttpResponse(b"ok", content_type="text/plain")


class QueryCountMiddleware:
    """Counts the SQL statements that one request sends, on every database connection, and reports the count in
    a response header so that a client measuring over HTTP sees it next to the latency."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        count = 0

        def counting(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        wrappers = [connection.execute_wrapper(counting) for connection in connections.all()]
        for wrapper in wrappers:
            wrapper.__enter__()
        try:
            response = self.get_response(request)
        finally:
            for wrapper in reversed(wrappers):
                wrapper.__exit__(None, None, None)
        response[QUERY_COUNT_HEADER] = str(count)
        return response
