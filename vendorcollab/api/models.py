"""API tokens, the keys that ERPs and scripts send as ``Authorization: Bearer <key>``; and the idempotency keys that
make their POSTs safe to retry."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# The key's first characters, stored in clear so that a key is found by an indexed lookup before its hash is compared.
KEY_PREFIX_LENGTH = 8


class ApiToken(models.Model):
    """One key of one user. Only the SHA-256 of the key is stored: whoever reads the database cannot use it, and the
    key is shown once, when it is issued. A token is never deleted, only revoked, so its use stays traceable."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    key_prefix = models.CharField(_("key prefix"), max_length=KEY_PREFIX_LENGTH, db_index=True)
    key_hash = models.CharField(_("key hash (SHA-256)"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.key_prefix}… {self.name}".strip()


# How long the first result of a keyed POST is replayed; after that the key may be used afresh (and purged).
IDEMPOTENCY_KEY_TTL = timedelta(hours=24)
IDEMPOTENCY_KEY_MAX_LENGTH = 255


class IdempotencyKey(models.Model):
    """The first result of a POST sent with an ``Idempotency-Key`` header, replayed to every retry of it.

    A key belongs to one user. The row is written in the same transaction as the POST's own changes, together with
    the response, so a key is either unused or answered: never half-done (see ``idempotency.py``).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="idempotency_keys", verbose_name=_("user")
    )
    key = models.CharField(_("key"), max_length=IDEMPOTENCY_KEY_MAX_LENGTH)
    method = models.CharField(_("method"), max_length=10)
    path = models.TextField(_("path"))
    request_hash = models.CharField(_("request body hash (SHA-256)"), max_length=64)
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True, blank=True)
    response_content_type = models.CharField(_("response content type"), max_length=100, blank=True)
    response_body = models.BinaryField(_("response body"), blank=True, default=b"")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique_per_user")]

    def __str__(self) -> str:
        return f"{self.key} {self.method} {self.path}"
