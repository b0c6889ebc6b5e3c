"""A small HTTP client for the benchmarks and the soak: one signed-in user over loopback.

It speaks to gunicorn as a browser behind the production TLS proxy would: ``X-Forwarded-Proto: https`` (the bench
server trusts it, as production does behind its proxy), cookies kept per client, the CSRF token sent back with
every form. It is deliberately lean (``http.client``, no session library) so that the time it adds to each
measured request stays small and constant.
"""

from __future__ import annotations

import http.client
import json
import time
import urllib.parse
from dataclasses import dataclass
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from typing import Any

from .instrumentation import QUERY_COUNT_HEADER


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    seconds: float

    @property
    def queries(self) -> int | None:
        value = self.headers.get(QUERY_COUNT_HEADER)
        return int(value) if value is not None else None

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.body)


class BenchClientError(Exception):
    pass


class Client:
    def __init__(self, host: str, port: int, *, token: str = "") -> None:
        self.host = host
        self.port = port
        self.cookies: dict[str, str] = {}
        self.token = token
        self.connection = http.client.HTTPConnection(host, port, timeout=120)

    @property
    def origin(self) -> str:
        return f"https://{self.host}:{self.port}"

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> Response:
        sent = {"Host": f"{self.host}:{self.port}", "X-Forwarded-Proto": "https", "Accept-Language": "en"}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if self.token:
            sent["Authorization"] = f"Bearer {self.token}"
        if method != "GET":
            sent["Origin"] = self.origin
            sent["Referer"] = self.origin + path
            if "csrftoken" in self.cookies:
                sent["X-CSRFToken"] = self.cookies["csrftoken"]
        sent.update(headers or {})
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=sent)
            raw = self.connection.getresponse()
            data = raw.read()
        except (http.client.HTTPException, OSError):
            # A connection the server closed meanwhile: a GET is tried once more on a new one. A POST is never
            # repeated (it may have been carried out), so the caller sees the error.
            self.connection.close()
            if method != "GET":
                raise
            started = time.perf_counter()
            self.connection.request(method, path, body=body, headers=sent)
            raw = self.connection.getresponse()
            data = raw.read()
        seconds = time.perf_counter() - started
        if raw.getheader("Connection", "").lower() == "close":
            self.connection.close()
        for header in raw.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value
        return Response(raw.status, raw.headers, data, seconds)

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post_form(self, path: str, fields: dict[str, str] | list[tuple[str, str]]) -> Response:
        pairs = list(fields.items()) if isinstance(fields, dict) else list(fields)
        if "csrftoken" in self.cookies:
            pairs.append(("csrfmiddlewaretoken", self.cookies["csrftoken"]))
        body = urllib.parse.urlencode(pairs).encode()
        return self.request("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"})

    def post_json(self, path: str, payload: Any) -> Response:
        return self.request("POST", path, json.dumps(payload).encode(), {"Content-Type": "application/json"})

    def login(self, username: str, password: str) -> None:
        self.get("/accounts/login/")
        answer = self.post_form("/accounts/login/", {"login": username, "password": password})
        if answer.status != 302 or "sessionid" not in self.cookies:
            raise BenchClientError(f"{username} could not sign in (HTTP {answer.status})")


class FormReader(HTMLParser):
    """The fields of the form posting to ``action``, as a browser would submit them untouched: text inputs,
    checked boxes, the selected option of every select, textareas."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action = action
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._select_value: str | None = None
        self._first_option: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.inside = urllib.parse.urlsplit(a.get("action", "")).path == self.action
            return
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type", "text") not in ("submit", "button", "file", "image", "reset"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((name, a.get("value", "on" if a.get("type") == "checkbox" else "")))
        elif tag == "select" and name:
            self._select, self._select_value, self._first_option = name, None, None
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in a:
                self._select_value = value
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select is not None:
            value = self._select_value if self._select_value is not None else self._first_option
            self.fields.append((self._select, value or ""))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, "".join(self._text).lstrip("\n")))
            self._textarea = None


def form_fields(html: str, action: str) -> dict[str, str]:
    reader = FormReader(action)
    reader.feed(html)
    if not reader.fields:
        raise BenchClientError(f"no form posting to {action} on the page")
    return dict(reader.fields)
