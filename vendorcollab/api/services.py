"""Writes to API tokens: issuing one, revoking, and recognising a key (which stamps when it was last used)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import cache

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from vendorcollab.accounts.models import User, access_columns
from vendorcollab.audit.models import AuditKind
from vendorcollab.audit.services import audit_record
from vendorcollab.common import text
from vendorcollab.common.errors import FieldErrors

from .models import KEY_PREFIX_LENGTH, ApiToken

# Stamping ``last_used_at`` on every request would make every API call a write; once a minute says enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_key(key: str) -> str:
    """The stored form of a key. A plain SHA-256 suffices: keys are 256 random bits, not guessable passwords."""
    return hashlib.sha256(key.encode()).hexdigest()


def _audit_data(token: ApiToken) -> dict[str, object]:
    return {"token": token.pk, "key_prefix": token.key_prefix, "name": token.name}


def token_issue(*, actor: User, name: str = "", request: HttpRequest | None = None) -> tuple[ApiToken, str]:
    """A new token for ``actor`` (who has just proven who they are), and its key, which is never stored."""
    errors = FieldErrors(text.MESSAGES)
    text.check_text(errors, "name", name, text.Kind.LINE, text.Limit.REFERENCE)
    errors.raise_if_any()
    key = secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=actor, name=name, key_prefix=key[:KEY_PREFIX_LENGTH], key_hash=hash_key(key)
        )
        audit_record(
            kind=AuditKind.TOKEN_CREATED,
            actor=actor,
            subject=actor,
            target=str(token),
            request=request,
            data=_audit_data(token),
        )
    return token, key


def tokens_revoke(*, actor: User, tokens: Iterable[ApiToken], request: HttpRequest | None = None) -> int:
    """Revoke tokens (an admin's action, or a user's own); revoking twice keeps the first date. Returns how many."""
    pks = [token.pk for token in tokens]
    with transaction.atomic():
        revoking = list(
            ApiToken.objects.select_for_update()
            .filter(pk__in=pks, revoked_at__isnull=True)
            .select_related("user")
            .order_by("pk")
        )
        ApiToken.objects.filter(pk__in=[token.pk for token in revoking]).update(revoked_at=timezone.now())
        for token in revoking:
            audit_record(
                kind=AuditKind.TOKEN_REVOKED,
                actor=actor,
                subject=token.user,
                target=str(token),
                request=request,
                data=_audit_data(token),
            )
    return len(revoking)


def token_authenticate(*, key: str, request: HttpRequest | None = None) -> User | None:
    """The active user whose unrevoked token has this key, or None.

    Stamps ``last_used_at`` (at most once a minute), and writes a ``token_used`` audit event at most once per token
    per clock hour: the request that moves ``last_used_at`` into a new hour writes it. The stamp is a conditional
    update, so of two simultaneous requests exactly one wins and writes the event.
    """
    if len(key) <= KEY_PREFIX_LENGTH:
        return None
    digest = hash_key(key)
    candidates = _tokens_with_access().filter(key_prefix=key[:KEY_PREFIX_LENGTH])
    for token in candidates:
        if hmac.compare_digest(token.key_hash, digest):
            if not token.user.is_active:
                return None
            read = vars(token)
            token.user.remember_access(roles=read["access_roles"], vendor_ids=read["access_vendor_ids"])
            _stamp_use(token, request)
            return token.user
    return None


@cache
def _tokens_with_access() -> QuerySet[ApiToken]:
    """Unrevoked tokens with their user and what the user may do, read in one statement; annotated once per process
    (resolving the two subqueries for every request cost as much as running them), only ever filtered."""
    return ApiToken.objects.filter(revoked_at__isnull=True).select_related("user").annotate(**access_columns("user_id"))


def _stamp_use(token: ApiToken, request: HttpRequest | None) -> None:
    now = timezone.now()
    previous = token.last_used_at
    if previous is not None and now - previous < LAST_USED_RESOLUTION:
        return
    stamped = ApiToken.objects.filter(pk=token.pk, last_used_at=previous).update(last_used_at=now)
    if stamped and (previous is None or _hour(previous) != _hour(now)):
        audit_record(
            kind=AuditKind.TOKEN_USED,
            actor=token.user,
            subject=token.user,
            target=str(token),
            request=request,
            data=_audit_data(token),
        )


def _hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)
