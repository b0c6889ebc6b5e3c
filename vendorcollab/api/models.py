"""API tokens: the keys that ERPs and scripts send as ``Authorization: Bearer <key>``."""

from __future__ import annotations

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

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
