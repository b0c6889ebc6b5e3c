"""Recording security events. Every part of the product calls ``audit_record``; nothing else writes the log."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from vendorcollab.accounts.models import User

from .models import AuditEvent, AuditKind


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    kind: AuditKind,
    actor: User | None = None,
    subject: User | None = None,
    target: str = "",
    request: HttpRequest | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one security event. Anonymous actors (a failed sign-in) are recorded with ``actor`` None."""
    return AuditEvent.objects.create(
        kind=kind,
        actor=actor if actor is not None and actor.pk else None,
        subject=subject,
        target=target[:200],
        ip_address=client_ip(request),
        data=data or {},
    )
