"""Helpers of the API tests: a JSON client that signs in with a bearer token, and the error shape."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from vendorcollab.api.services import token_issue

API = "/api/v1"


class ApiClient:
    """Django's test client speaking JSON, as ``user`` (through a token) or anonymously."""

    def __init__(self, client: Client, user: Any = None) -> None:
        self.client = client
        self.headers: dict[str, str] = {}
        if user is not None:
            _token, key = token_issue(actor=user)
            self.headers["Authorization"] = f"Bearer {key}"

    def get(self, path: str, params: dict[str, Any] | None = None, **headers: str) -> Any:
        return self.client.get(API + path, params or {}, headers={**self.headers, **headers})

    def post(self, path: str, body: Any = None, **headers: str) -> Any:
        data = body if isinstance(body, (str, bytes)) else json.dumps(body if body is not None else {})
        return self.client.post(API + path, data, content_type="application/json", headers={**self.headers, **headers})

    def patch(self, path: str, body: Any = None, **headers: str) -> Any:
        data = json.dumps(body if body is not None else {})
        return self.client.patch(API + path, data, content_type="application/json", headers={**self.headers, **headers})

    def request(self, method: str, path: str, body: Any = None) -> Any:
        if method == "get":
            return self.get(path)
        if method == "patch":
            return self.patch(path, body)
        return self.post(path, body)


def error_of(response: Any) -> dict[str, Any]:
    """The body of the error shape, checking that it is exactly that shape."""
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "fields"}, body
    assert body["error"]["message"], body
    return body["error"]
