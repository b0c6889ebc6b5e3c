"""Checks every error the tests provoke from the API against the codes its OpenAPI document lists for the operation.

Whatever test calls an endpoint through Django's test client (the API tests, the interop tests, the scenario
tests), an error answer whose code is missing from the operation's documented ``enum`` fails that test, naming the
operation and the code. So the list in the document cannot fall behind the services: a new refusal that a test
reaches must be declared (``api.error_codes.answers``). Answers without an operation (an unknown path, a wrong
method) are not checked here; test_openapi covers them.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

import pytest
from django.test import Client

API_PREFIX = "/api/v1/"


@cache
def _documented() -> list[tuple[re.Pattern[str], int, dict[str, set[str]]]]:
    """(path pattern, number of parameters, {method: codes}) per path of the document, fixed paths first."""
    from vendorcollab.api.api import api

    schema = api.get_openapi_schema()
    components = schema["components"]["schemas"]
    paths = []
    for path, methods in schema["paths"].items():
        codes = {}
        for method, operation in methods.items():
            component = components[f"{operation['operationId']}_error"]
            codes[method] = set(component["properties"]["error"]["properties"]["code"]["enum"])
        pattern = re.compile(re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(path)) + "/?")
        paths.append((pattern, path.count("{"), codes))
    return sorted(paths, key=lambda entry: entry[1])


def documented_codes(method: str, path: str) -> set[str] | None:
    """The codes the document lists for this request, or None when no operation answers it."""
    for pattern, _params, codes in _documented():
        if pattern.fullmatch(path):
            return codes.get(method.lower())
    return None


def check_answer(method: str, path: str, status: int, content: bytes) -> None:
    if not path.startswith(API_PREFIX) or not 400 <= status < 500:
        return
    try:
        code = json.loads(content)["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return
    codes = documented_codes(method, path)
    if codes is not None:
        assert code in codes, f"{method} {path} answered {status} {code!r}, which its OpenAPI document does not list"


@pytest.fixture(autouse=True)
def _api_error_codes_are_documented(monkeypatch: pytest.MonkeyPatch) -> None:
    original = Client.request

    def request(self: Client, **environ: Any) -> Any:
        response = original(self, **environ)
        if not getattr(response, "streaming", False):
            check_answer(environ["REQUEST_METHOD"], environ["PATH_INFO"], response.status_code, response.content)
        return response

    monkeypatch.setattr(Client, "request", request)
