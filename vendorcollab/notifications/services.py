"""Writes of the notifications app: a user's mail setting, the webhook endpoints, and a failed delivery's retry."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from vendorcollab.accounts.models import Role, User
from vendorcollab.common.errors import CommonErrorCode, Conflict, FieldErrors, PermissionRefused
from vendorcollab.notifications.errors import NotificationsErrorCode

from .models import (
    WEBHOOK_EVENTS,
    DeliveryStatus,
    DigestEntry,
    NotificationMode,
    NotificationSetting,
    WebhookDelivery,
    WebhookEndpoint,
    http_url_validator,
)
from .webhooks import TargetRefused, new_secret, target_check

MESSAGES: dict[str, Promise] = {
    NotificationsErrorCode.MODE_UNKNOWN: _("Choose how you want to receive notifications."),
    NotificationsErrorCode.NAME_REQUIRED: _("Give the endpoint a name."),
    NotificationsErrorCode.URL_INVALID: _("Enter a full web address starting with http:// or https://."),
    NotificationsErrorCode.URL_PRIVATE_ADDRESS: _(
        "%(host)s is a loopback or private network address (%(address)s). Webhooks go to addresses on the internet "
        "unless the portal's administrator allows private networks."
    ),
    NotificationsErrorCode.URL_FORBIDDEN_ADDRESS: _(
        "%(host)s is a link-local, cloud metadata, multicast or reserved address (%(address)s). Webhooks are never "
        "sent there."
    ),
    NotificationsErrorCode.EVENTS_REQUIRED: _("Choose at least one event."),
    NotificationsErrorCode.EVENT_UNKNOWN: _("There is no such event."),
    NotificationsErrorCode.SECRET_TOO_SHORT: _(
        "Use a secret of at least 16 characters, or leave it empty to have one made."
    ),
}
SECRET_MIN_LENGTH = 16


def _require_admin(actor: User) -> None:
    if not actor.has_role(Role.PROCUREMENT_ADMIN):
        raise PermissionRefused(CommonErrorCode.ROLE_NOT_ALLOWED, _("Only a procurement admin can manage webhooks."))


def notification_setting_update(*, actor: User, mode: str) -> NotificationSetting:
    """Set how ``actor`` receives notification mail. Switching mail off also drops what waits for the digest."""
    errors = FieldErrors(MESSAGES)
    if mode not in NotificationMode.values:
        errors.add("mode", NotificationsErrorCode.MODE_UNKNOWN)
    errors.raise_if_any()
    with transaction.atomic():
        setting, _created = NotificationSetting.objects.update_or_create(user=actor, defaults={"mode": mode})
        if mode == NotificationMode.OFF:
            DigestEntry.objects.filter(user=actor, sent_at__isnull=True).delete()
    return setting


def _check_endpoint(errors: FieldErrors, *, name: str, url: str, events: Sequence[str]) -> None:
    if not name.strip():
        errors.add("name", NotificationsErrorCode.NAME_REQUIRED)
    try:
        http_url_validator(url)
    except ValidationError:
        errors.add("url", NotificationsErrorCode.URL_INVALID)
    else:
        try:
            target_check(url)
        except TargetRefused as refused:
            # A name that does not resolve now may later (a DNS record still to be made): every attempt checks
            # again and records it. An address we would refuse is refused now, where the admin can correct it.
            if refused.code != "unresolvable":
                # url_private_address or url_forbidden_address
                code = NotificationsErrorCode(f"url_{refused.code}_address")
                errors.add("url", code, host=refused.host, address=refused.address)
    if not events:
        errors.add("events", NotificationsErrorCode.EVENTS_REQUIRED)
    elif set(events) - {str(event) for event in WEBHOOK_EVENTS}:
        errors.add("events", NotificationsErrorCode.EVENT_UNKNOWN)


def _ordered(events: Sequence[str]) -> list[str]:
    return [str(event) for event in WEBHOOK_EVENTS if event in events]


def webhook_endpoint_create(
    *, actor: User, name: str, url: str, events: Sequence[str], is_active: bool = True, secret: str = ""
) -> WebhookEndpoint:
    """A new endpoint of the buyer's ERP; without a secret one is made (it is shown on the endpoint's page)."""
    _require_admin(actor)
    errors = FieldErrors(MESSAGES)
    _check_endpoint(errors, name=name, url=url, events=events)
    if secret and len(secret) < SECRET_MIN_LENGTH:
        errors.add("secret", NotificationsErrorCode.SECRET_TOO_SHORT)
    errors.raise_if_any()
    with transaction.atomic():
        return WebhookEndpoint.objects.create(
            name=name.strip(),
            url=url,
            events=_ordered(events),
            is_active=is_active,
            secret=secret or new_secret(),
            created_by=actor,
        )


def webhook_endpoint_update(
    *,
    actor: User,
    endpoint: WebhookEndpoint,
    name: str,
    url: str,
    events: Sequence[str],
    is_active: bool,
    new_secret_wanted: bool = False,
) -> WebhookEndpoint:
    """Change an endpoint; with ``new_secret_wanted`` the old secret stops working for the next delivery on."""
    _require_admin(actor)
    errors = FieldErrors(MESSAGES)
    _check_endpoint(errors, name=name, url=url, events=events)
    errors.raise_if_any()
    with transaction.atomic():
        endpoint.name = name.strip()
        endpoint.url = url
        endpoint.events = _ordered(events)
        endpoint.is_active = is_active
        if new_secret_wanted:
            endpoint.secret = new_secret()
        endpoint.save()
    return endpoint


def webhook_delivery_retry(*, actor: User, delivery: WebhookDelivery) -> WebhookDelivery:
    """Give a failed delivery one more attempt, now (after the commit, through the task queue)."""
    from .tasks import deliver_webhook  # the tasks module imports the services' neighbours, not the other way

    _require_admin(actor)
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().select_related("endpoint").get(pk=delivery.pk)
        if delivery.status != DeliveryStatus.FAILED:
            raise Conflict(NotificationsErrorCode.DELIVERY_NOT_FAILED, _("Only a failed delivery can be retried."))
        if not delivery.endpoint.is_active:
            raise Conflict(
                NotificationsErrorCode.ENDPOINT_INACTIVE,
                _("The endpoint is switched off. Switch it on first, then retry the delivery."),
            )
        delivery.status = DeliveryStatus.PENDING
        delivery.next_attempt_at = timezone.now()
        delivery.save(update_fields=["status", "next_attempt_at"])
        pk = delivery.pk
        transaction.on_commit(lambda: deliver_webhook.enqueue(delivery_id=pk))
    return delivery
