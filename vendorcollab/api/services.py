"""Writes to API tokens: issuing one, revoking, and recognising a key (which stamps when it was last used)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.utils import timezone

from vendorcollab.accounts.models import User

from .models import KEY_PREFIX_LENGTH, ApiToken

# Stamping ``last_used_at`` on every request would make every API call a write; once a minute says enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_key(key: str) -> str:
    """The stored form of a key. A plain SHA-256 suffices: keys are 256 random bits, not guessable passwords."""
    return hashlib.sha256(key.encode()).hexdigest()


def token_issue(*, actor: User, name: str = "") -> tuple[ApiToken, str]:
    """A new token for ``actor`` (who has just proven who they are), and its key, which is never stored."""
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=actor, name=name, key_prefix=key[:KEY_PREFIX_LENGTH], key_hash=hash_key(key))
    return token, key


def tokens_revoke(*, actor: User, tokens: Iterable[ApiToken]) -> int:
    """Revoke tokens (an admin's action, or a user's own); revoking twice keeps the first date. Returns how many."""
    pks = [token.pk for token in tokens]
    return ApiToken.objects.filter(pk__in=pks, revoked_at__isnull=True).update(revoked_at=timezone.now())


def token_authenticate(*, key: str) -> User | None:
    """The active user whose unrevoked token has this key, or None."""
    if len(key) <= KEY_PREFIX_LENGTH:
        return None
    digest = hash_key(key)
    candidates = ApiToken.objects.filter(key_prefix=key[:KEY_PREFIX_LENGTH], revoked_at__isnull=True).select_related(
        "user"
    )
    for token in candidates:
        if hmac.compare_digest(token.key_hash, digest):
            if not token.user.is_active:
                return None
            now = timezone.now()
            if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
                ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            return token.user
    return None
