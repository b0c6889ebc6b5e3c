"""Reads of the notifications app, scoped to the actor: a user's own setting; endpoints and deliveries for admins."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from vendorcollab.accounts.models import Role, User

from .models import (
    WEBHOOK_EVENTS,
    DeliveryStatus,
    NotificationMode,
    NotificationSetting,
    WebhookDelivery,
    WebhookEndpoint,
)


def notification_mode_for(*, actor: User) -> str:
    setting = NotificationSetting.objects.filter(user=actor).only("mode").first()
    return setting.mode if setting is not None else NotificationMode.IMMEDIATE


def _admin_only(actor: User) -> bool:
    return actor.has_role(Role.PROCUREMENT_ADMIN)


def webhook_endpoints(*, actor: User) -> QuerySet[WebhookEndpoint]:
    if not _admin_only(actor):
        return WebhookEndpoint.objects.none()
    return WebhookEndpoint.objects.order_by("name", "pk")


def webhook_endpoint_get(*, actor: User, pk: int) -> WebhookEndpoint:
    endpoint = webhook_endpoints(actor=actor).filter(pk=pk).first()
    if endpoint is None:
        raise Http404
    return endpoint


def webhook_deliveries(
    *, actor: User, status: str = "", endpoint: int | None = None, event: str = ""
) -> QuerySet[WebhookDelivery]:
    """The delivery log, newest first, optionally narrowed to one status, endpoint or event."""
    if not _admin_only(actor):
        return WebhookDelivery.objects.none()
    rows = WebhookDelivery.objects.select_related("endpoint").order_by("-created_at", "-pk")
    if status in DeliveryStatus.values:
        rows = rows.filter(status=status)
    if endpoint is not None:
        rows = rows.filter(endpoint_id=endpoint)
    if event in {str(value) for value in WEBHOOK_EVENTS}:
        rows = rows.filter(event=event)
    return rows


def webhook_delivery_get(*, actor: User, pk: int) -> WebhookDelivery:
    delivery = webhook_deliveries(actor=actor).filter(pk=pk).first()
    if delivery is None:
        raise Http404
    return delivery
