"""A real SMTP server for mail tests: Django's SMTP backend sends, aiosmtpd receives, the test reads what arrived.

    def test_invitation_mail(smtp_server):
        send_invitation(...)
        [message] = smtp_server.wait_for(1)
        assert message.subject == "..." and message.to == ["vendor@example.com"]

Unlike ``mailoutbox`` (the in-memory backend) this goes through the whole path: headers are encoded, the message is
serialised, sent over a socket and parsed back. The server runs in its own thread, so mail sent by ``live_server``
(a browser test) arrives the same way. ``stop()`` takes it down (connections refused) and ``start(server.port)``
brings it back on the same port, for the queue's retries.
"""

from __future__ import annotations

import email
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.utils import getaddresses
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from .servers import free_port


@dataclass
class Attachment:
    filename: str | None
    content_type: str
    content: bytes


@dataclass
class ReceivedMessage:
    """One message as the SMTP server received it."""

    envelope_from: str
    envelope_to: list[str]  # every RCPT TO, Bcc included
    raw: bytes
    message: EmailMessage  # the parsed message: message["Reply-To"], message.walk(), ...
    from_email: str = ""
    to: list[str] = field(default_factory=list)  # addresses only, from the To header
    cc: list[str] = field(default_factory=list)
    subject: str = ""
    text: str | None = None
    html: str | None = None
    content_language: str | None = None
    attachments: list[Attachment] = field(default_factory=list)

    @classmethod
    def parse(cls, envelope_from: str, envelope_to: list[str], raw: bytes) -> ReceivedMessage:
        message = email.message_from_bytes(raw, policy=policy.default)
        assert isinstance(message, EmailMessage)
        text_part = message.get_body(preferencelist=("plain",))
        html_part = message.get_body(preferencelist=("html",))
        return cls(
            envelope_from=envelope_from,
            envelope_to=list(envelope_to),
            raw=raw,
            message=message,
            from_email=str(message.get("From", "")),
            to=_addresses(message, "To"),
            cc=_addresses(message, "Cc"),
            subject=str(message.get("Subject", "")),
            text=text_part.get_content() if isinstance(text_part, EmailMessage) else None,
            html=html_part.get_content() if isinstance(html_part, EmailMessage) else None,
            content_language=_header(message, "Content-Language"),
            attachments=[
                Attachment(part.get_filename(), part.get_content_type(), _payload_bytes(part))
                for part in message.iter_attachments()
                if isinstance(part, EmailMessage)
            ],
        )

    def header(self, name: str) -> str | None:
        return _header(self.message, name)


def _header(message: EmailMessage, name: str) -> str | None:
    value = message.get(name)
    return None if value is None else str(value)


def _payload_bytes(part: EmailMessage) -> bytes:
    payload = part.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""


def _addresses(message: EmailMessage, name: str) -> list[str]:
    return [address for _, address in getaddresses([str(value) for value in message.get_all(name, [])])]


class SMTPTestServer:
    """aiosmtpd on 127.0.0.1 and a free port, in its own thread; keeps every message it receives, in order."""

    host = "127.0.0.1"

    def __init__(self) -> None:
        self.messages: list[ReceivedMessage] = []
        self._arrived = threading.Condition()
        self._controller: Controller | None = None
        self.port = 0

    # aiosmtpd calls this on its own thread for every message.
    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or (
            envelope.content.encode() if isinstance(envelope.content, str) else envelope.content or b""
        )
        received = ReceivedMessage.parse(envelope.mail_from or "", list(envelope.rcpt_tos), raw)
        with self._arrived:
            self.messages.append(received)
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def start(self, port: int | None = None) -> None:
        """Listen on a free port, or on ``port`` again (a mail server that was down and comes back)."""
        # aiosmtpd's Controller cannot listen on port 0 (it connects to its own port to check it is up), so pick
        # a free port and try again in the rare case that someone takes it first.
        for _ in range(5):
            self.port = port or free_port(self.host)
            controller = Controller(self, hostname=self.host, port=self.port, ready_timeout=10)
            try:
                controller.start()
            except (OSError, RuntimeError):
                continue
            self._controller = controller
            return
        raise RuntimeError("could not start the test SMTP server")

    def stop(self) -> None:
        """Stop listening: the mail server is down, connections are refused (``start(server.port)`` brings it back)."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def wait_for(self, count: int = 1, timeout: float = 10.0) -> list[ReceivedMessage]:
        """Wait until at least ``count`` messages have arrived; return them all. Fails after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self.messages) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    subjects = [message.subject for message in self.messages]
                    pytest.fail(
                        f"expected {count} message(s) within {timeout} s, got {len(self.messages)}: {subjects}",
                        pytrace=False,
                    )
                self._arrived.wait(remaining)
            return list(self.messages)

    def clear(self) -> None:
        with self._arrived:
            self.messages.clear()


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[SMTPTestServer]:
    """A running SMTP server, with Django's SMTP backend pointed at it for this test."""
    server = SMTPTestServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = server.host
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    try:
        yield server
    finally:
        server.stop()
