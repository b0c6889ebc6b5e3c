"""Security events, append-only: who did what to whom, when, from where."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vendorcollab.common.models import AppendOnlyModel


class AuditKind(models.TextChoices):
    LOGIN = "login", _("Signed in")
    LOGIN_FAILED = "login_failed", _("Sign-in failed")
    LOGOUT = "logout", _("Signed out")
    MFA_CHANGED = "mfa_changed", _("Two-factor authentication changed")
    TOKEN_CREATED = "token_created", _("API token created")
    TOKEN_REVOKED = "token_revoked", _("API token revoked")
    TOKEN_USED = "token_used", _("API token used")
    USER_REQUEST = "user_request", _("User request")
    ROLE_CHANGED = "role_changed", _("Roles changed")
    ACCESS_CHANGED = "access_changed", _("Access changed")
    USER_INACTIVATED = "user_inactivated", _("User inactivated")
    PASSWORD_CHANGED = "password_changed", _("Password changed")


class AuditEvent(AppendOnlyModel):
    kind = models.CharField(_("event"), max_length=30, choices=AuditKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by")
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("user")
    )
    # What the event was about when it is not a user (a username tried, a token's name, a request number).
    target = models.CharField(_("about"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["-created_at"], name="audit_created"),
            models.Index(fields=["kind"], name="audit_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.kind}"

    def detail_items(self) -> list[tuple[str, str]]:
        """The details as (label, value), in the reader's language."""
        from .details import detail_items

        return detail_items(self.kind, self.data)

    def target_display(self) -> str:
        from .details import target_display

        return target_display(self.kind, self.target, self.data)
