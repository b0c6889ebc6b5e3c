"""Back office for notification settings, digest entries, webhook endpoints and their delivery log."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import DigestEntry, NotificationSetting, WebhookDelivery, WebhookEndpoint


@admin.register(NotificationSetting)
class NotificationSettingAdmin(admin.ModelAdmin):
    list_display = ["user", "mode", "updated_at"]
    list_filter = ["mode"]
    search_fields = ["user__username", "user__email"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]


@admin.register(DigestEntry)
class DigestEntryAdmin(admin.ModelAdmin):
    list_display = ["user", "event", "purchase_order", "created_at", "sent_at"]
    list_filter = ["event", "sent_at"]
    search_fields = ["user__username", "purchase_order__number"]
    list_select_related = ["user", "purchase_order"]
    raw_id_fields = ["user", "purchase_order"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ["name", "url", "is_active", "created_by", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "url"]
    list_select_related = ["created_by"]
    raw_id_fields = ["created_by"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    """The log is written by the delivery code only; here it is read (retry from the portal's delivery log)."""

    list_display = ["pk", "endpoint", "event", "status", "attempts", "last_status_code", "created_at", "delivered_at"]
    list_filter = ["status", "event", "endpoint"]
    list_select_related = ["endpoint"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
