"""The Content-Security-Policy of the portal's HTML pages, with a per-response nonce for the rare inline block.

Django 5.2 has no CSP of its own. The policy is ``settings.CONTENT_SECURITY_POLICY``; a view that needs another one
sets the header on its response, which is then left alone. Every page we serve satisfies the policy as it is: the
back office (static files only) and the API's Swagger page (its settings are a JSON data block, not a script) too.

A template that must inline one block (the print view's page counter) writes ``nonce="{{ request.csp_nonce }}"`` on
it; the nonce is made only when a template asks for it, and only then added to ``script-src`` and ``style-src``.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

HEADER = "Content-Security-Policy"
NONCE_DIRECTIVES = ("script-src", "style-src")


class CSPNonce:
    """A nonce made on first use: ``str(nonce)`` in a template; ``nonce.used`` tells whether any page used it."""

    def __init__(self) -> None:
        self._value: str | None = None

    def __str__(self) -> str:
        if self._value is None:
            self._value = secrets.token_urlsafe(18)
        return self._value

    @property
    def used(self) -> bool:
        return self._value is not None


def with_nonce(policy: str, nonce: str) -> str:
    """``policy`` with ``'nonce-…'`` added to its script and style sources."""
    directives = []
    for directive in (part.strip() for part in policy.split(";")):
        if directive.split(" ", 1)[0] in NONCE_DIRECTIVES:
            directive = f"{directive} 'nonce-{nonce}'"
        if directive:
            directives.append(directive)
    return "; ".join(directives)


class ContentSecurityPolicyMiddleware:
    """Adds the policy to HTML responses. Other responses (JSON, PDF, files) render no markup to protect."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        nonce = CSPNonce()
        request.csp_nonce = nonce  # type: ignore[attr-defined]
        response = self.get_response(request)
        if HEADER in response.headers or not response.get("Content-Type", "").startswith("text/html"):
            return response
        policy = str(settings.CONTENT_SECURITY_POLICY)
        if policy:
            response.headers[HEADER] = with_nonce(policy, str(nonce)) if nonce.used else policy
        return response
