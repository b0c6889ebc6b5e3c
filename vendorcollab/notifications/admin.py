"""Back office for notification settings, digest entries, webhook endpoints and their delivery log, and the log of
outgoing mail."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import DigestEntry, NotificationSetting, OutgoingMail, WebhookDelivery, WebhookEndpoint
from .outbox import mails_retry


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


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    """The mail log: written by the outgoing mail queue only; here it is read, and a mail can be retried now."""

    list_display = ["pk", "created_at", "kind", "recipient", "subject", "status", "attempts", "next_attempt_at"]
    list_filter = ["status", "kind", "language", "created_at"]
    search_fields = ["recipient", "subject"]
    date_hierarchy = "created_at"
    actions = ["retry_now"]
    fields = readonly_fields = (
        "status",
        "kind",
        "from_email",
        "recipient",
        "cc",
        "bcc",
        "reply_to",
        "subject",
        "language",
        "attempts",
        "last_error",
        "created_at",
        "last_attempt_at",
        "next_attempt_at",
        "sent_at",
        "headers",
        "content",
    )

    @admin.display(description=_("content"))
    def content(self, obj: OutgoingMail) -> str:
        if obj.sensitive:
            # A password reset or invitation link works for whoever reads it: the log never shows it.
            return str(_("Not shown: this mail holds a personal sign-in link. Its content is erased once sent."))
        return obj.body or obj.html

    @admin.action(description=_("Retry now"))
    def retry_now(self, request: HttpRequest, queryset: QuerySet[OutgoingMail]) -> None:
        count = mails_retry(mail_ids=queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext(
                "%(count)s mail queued for another attempt now.",
                "%(count)s mails queued for another attempt now.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
