"""Fixtures for the notification tests: people with addresses and languages, and a real webhook receiver."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from vendorcollab.accounts.models import User

SECRET = "test-secret-0123456789-abcdefghij"


def set_person(user: User, email: str, language: str = "en") -> User:
    User.objects.filter(pk=user.pk).update(email=email, language=language)
    user.email, user.language = email, language
    return user


@pytest.fixture
def people(cast):
    """The cast with e-mail addresses: vendor A's user reads Dutch, everyone else English."""
    set_person(cast.vendor_a_user, "dave@alpha.example", "nl")
    set_person(cast.vendor_a_admin, "erin@alpha.example", "en")
    set_person(cast.vendor_b_user, "frank@beta.example", "en")
    set_person(cast.agent, "bob@contoso.example", "en")
    set_person(cast.admin, "alice@contoso.example", "nl")
    return cast


@dataclass
class ReceivedRequest:
    path: str
    headers: dict[str, str]
    body: bytes
    signature_valid: bool

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """An ERP's webhook receiver on 127.0.0.1: checks each request's signature itself, answers from ``statuses``
    in turn (then 200), and keeps every request."""

    secret: str
    statuses: list[int] = field(default_factory=list)
    requests: list[ReceivedRequest] = field(default_factory=list)
    url: str = ""
    # What the receiver writes as its answer's body; None for a short "ok" or "receiver says no".
    answer_body: bytes | None = None

    def answer(self, request: ReceivedRequest) -> int:
        self.requests.append(request)
        if not request.signature_valid:
            return 401  # a receiver that checks the signature refuses what it cannot trust
        return self.statuses.pop(0) if self.statuses else 200


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            expected = "sha256=" + hmac.new(receiver.secret.encode(), body, hashlib.sha256).hexdigest()
            given = self.headers.get("X-Vendorcollab-Signature", "")
            request = ReceivedRequest(
                path=self.path,
                headers={key.lower(): value for key, value in self.headers.items()},
                body=body,
                signature_valid=hmac.compare_digest(expected, given),
            )
            status = receiver.answer(request)
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            if receiver.answer_body is not None:
                self.wfile.write(receiver.answer_body)
            else:
                self.wfile.write(b"ok" if status < 300 else b"receiver says no")

        def log_message(self, format: str, *args: Any) -> None:  # keep the test output clean
            pass

    return Handler


@pytest.fixture
def receiver_factory(settings):
    # The receiver listens on loopback, which webhooks refuse unless private networks are allowed.
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True
    servers: list[ThreadingHTTPServer] = []

    def start(secret: str = SECRET, statuses: list[int] | None = None) -> Receiver:
        receiver = Receiver(secret=secret, statuses=list(statuses or []))
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(receiver))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        receiver.url = f"http://127.0.0.1:{server.server_address[1]}/erp/hooks"
        return receiver

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()
