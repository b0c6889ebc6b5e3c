"""Back office for API tokens: who holds which, when each was last used; revoking is the one change allowed."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from vendorcollab.common.admin import ReadOnlyAdmin
from vendorcollab.common.web import AuthenticatedRequest

from .models import ApiToken, IdempotencyKey
from .services import tokens_revoke


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["key_prefix", "name", "user", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user"]
    search_fields = ["key_prefix", "name", "user__username"]
    readonly_fields = ["user", "name", "key_prefix", "key_hash", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A token is issued to its user through the API; its key is shown to that user only.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False

    @admin.action(description=_("Revoke selected API tokens"), permissions=["change"])
    def revoke(self, request: AuthenticatedRequest, queryset: QuerySet[ApiToken]) -> None:
        count = tokens_revoke(actor=request.user, tokens=queryset, request=request)
        self.message_user(
            request,
            ngettext("%(count)s token revoked.", "%(count)s tokens revoked.", count) % {"count": count},
            messages.SUCCESS,
        )


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(ReadOnlyAdmin):
    """What a retried POST would get back; written only by the API, purged after a day."""

    list_display = ["key", "user", "method", "path", "response_status", "created_at"]
    list_select_related = ["user"]
    search_fields = ["key", "user__username", "path"]
