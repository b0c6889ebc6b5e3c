"""The audit log in the back office: read-only, like the page for procurement admins."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "actor", "subject", "target", "ip_address"]
    list_filter = ["kind", "created_at"]
    list_select_related = ["actor", "subject"]
    search_fields = ["actor__username", "subject__username", "target", "ip_address"]
    date_hierarchy = "created_at"
    readonly_fields = ["created_at", "kind", "actor", "subject", "target", "ip_address", "data"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False
