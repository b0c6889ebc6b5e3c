"""Who wants which mail how often, what waits for the daily digest, and the webhooks to the buyer's ERP with their
delivery log."""

from __future__ import annotations

import json
from datetime import timedelta

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vendorcollab.common.events import Event
from vendorcollab.invoicing.models import Invoice
from vendorcollab.purchasing.models import PurchaseOrder
from vendorcollab.shipping.models import ShipNotice

# What each kind of mail is about; po.sent, po.confirmed and po.cancelled go to the vendor's users, a response to
# the PO's buyer contact; the invoice events as ``invoice_mail`` says, the ship-notice events as ``ship_notice_mail``.
MAIL_EVENTS = (
    Event.PO_SENT,
    Event.RESPONSE_SUBMITTED,
    Event.PO_CONFIRMED,
    Event.PO_CANCELLED,
    Event.INVOICE_SUBMITTED,
    Event.INVOICE_ON_HOLD,
    Event.INVOICE_APPROVED,
    Event.INVOICE_REJECTED,
    Event.INVOICE_PAID,
    Event.SHIP_NOTICE_CREATED,
    Event.SHIP_NOTICE_CANCELLED,
    Event.SHIP_NOTICE_RECEIVED,
)
# What the buyer's ERP can subscribe to.
WEBHOOK_EVENTS = (
    Event.RESPONSE_SUBMITTED,
    Event.PO_CONFIRMED,
    Event.RECEIPT_POSTED,
    Event.OWNERSHIP_CHANGE_POSTED,
    Event.DOCUMENT_CREATED,
    Event.INVOICE_SUBMITTED,
    Event.INVOICE_ON_HOLD,
    Event.INVOICE_APPROVED,
    Event.INVOICE_REJECTED,
    Event.INVOICE_PAID,
    Event.SHIP_NOTICE_CREATED,
    Event.SHIP_NOTICE_CANCELLED,
    Event.SHIP_NOTICE_RECEIVED,
)
WEBHOOK_EVENT_CHOICES = [
    (Event.RESPONSE_SUBMITTED.value, _("Response submitted by a vendor")),
    (Event.PO_CONFIRMED.value, _("Purchase order confirmed")),
    (Event.RECEIPT_POSTED.value, _("Product receipt posted")),
    (Event.OWNERSHIP_CHANGE_POSTED.value, _("Inventory ownership change posted")),
    (Event.DOCUMENT_CREATED.value, _("PEPPOL document written or received")),
    (Event.INVOICE_SUBMITTED.value, _("Invoice submitted by a vendor and matched")),
    (Event.INVOICE_ON_HOLD.value, _("Invoice put on hold by the match")),
    (Event.INVOICE_APPROVED.value, _("Invoice approved")),
    (Event.INVOICE_REJECTED.value, _("Invoice rejected")),
    (Event.INVOICE_PAID.value, _("Invoice paid")),
    (Event.SHIP_NOTICE_CREATED.value, _("Ship notice created by a vendor")),
    (Event.SHIP_NOTICE_CANCELLED.value, _("Ship notice cancelled by a vendor")),
    (Event.SHIP_NOTICE_RECEIVED.value, _("Goods received from a ship notice")),
]

# After attempt n fails, attempt n + 1 waits BACKOFF[n - 1]; after the last attempt the delivery has failed.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)
MAX_ATTEMPTS = len(BACKOFF) + 1

http_url_validator = URLValidator(schemes=["http", "https"])


class NotificationMode(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediately, one e-mail per event")
    DIGEST = "digest", _("Once a day, in one digest e-mail")
    OFF = "off", _("Off, no e-mail")


class NotificationSetting(models.Model):
    """How a user wants their notification mail; a user without a row gets every mail immediately."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="notification_setting", verbose_name=_("user")
    )
    mode = models.CharField(
        _("e-mail notifications"), max_length=20, choices=NotificationMode.choices, default=NotificationMode.IMMEDIATE
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("notification setting")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return f"{self.user}: {self.mode}"


class DigestEntry(models.Model):
    """One notification waiting for its recipient's daily digest. Rendered when the digest is sent, in the
    recipient's language of that day."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="digest_entries", verbose_name=_("user")
    )
    event = models.CharField(_("event"), max_length=40, choices=Event.choices)
    # What the entry is about: a PO, or (for the invoice events) an invoice, or (ship-notice events) a ship notice.
    purchase_order = models.ForeignKey(
        PurchaseOrder, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("purchase order")
    )
    invoice = models.ForeignKey(
        Invoice, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("invoice")
    )
    ship_notice = models.ForeignKey(
        ShipNotice, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("ship notice")
    )
    # The event's payload (version, response, reason, ...): ids and plain values.
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("digest entry")
        verbose_name_plural = _("digest entries")
        ordering = ["user_id", "created_at", "pk"]
        indexes = [models.Index(fields=["sent_at", "user"], name="digest_entry_pending")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(purchase_order__isnull=False)
                | models.Q(invoice__isnull=False)
                | models.Q(ship_notice__isnull=False),
                name="digest_entry_about_something",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.event} {self.purchase_order_id or self.invoice_id or self.ship_notice_id}"


class WebhookEndpoint(models.Model):
    """An address of the buyer's ERP that receives the events it subscribed to, signed with its secret."""

    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=500, validators=[http_url_validator])
    secret = models.CharField(_("secret"), max_length=200)
    events = models.JSONField(_("events"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def wants(self, event: str) -> bool:
        return self.is_active and event in self.events

    @property
    def event_labels(self) -> list[str]:
        labels = dict(WEBHOOK_EVENT_CHOICES)
        return [str(labels.get(event, event)) for event in self.events]


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class WebhookDelivery(models.Model):
    """One event for one endpoint, and how its delivery went: the log procurement admins read.

    ``next_attempt_at`` is when the next attempt is due; a worker that starts an attempt first pushes it forward
    (a lease), so two workers never post the same delivery at once.
    """

    endpoint = models.ForeignKey(WebhookEndpoint, models.PROTECT, related_name="deliveries", verbose_name=_("endpoint"))
    event = models.CharField(_("event"), max_length=40, choices=WEBHOOK_EVENT_CHOICES)
    # The event's data; the body sent is {"event", "id", "created_at", "data": payload}, the same on every attempt.
    payload = models.JSONField(_("payload"), default=dict)
    status = models.CharField(
        _("status"), max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_status_code = models.PositiveIntegerField(_("last status code"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    # The start of the last answer's body (webhooks.excerpt: at most 2,000 characters, no control characters).
    response_excerpt = models.TextField(_("last answer's body"), blank=True, default="")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due"),
            models.Index(fields=["-created_at"], name="webhook_delivery_created"),
        ]

    def __str__(self) -> str:
        return f"{self.event} #{self.pk} → {self.endpoint_id}"

    @property
    def can_retry(self) -> bool:
        return self.status == DeliveryStatus.FAILED

    @property
    def badge_class(self) -> str:
        """The portal's badge colours: delivered as done, pending as busy, failed as bad."""
        return {DeliveryStatus.DELIVERED: "confirmed", DeliveryStatus.FAILED: "cancelled"}.get(
            DeliveryStatus(self.status), "in_external_review"
        )

    @property
    def payload_text(self) -> str:
        return json.dumps(self.payload, indent=2, ensure_ascii=False)


# --- the outgoing mail queue -------------------------------------------------------------------------------------

# After attempt n of a mail fails, attempt n + 1 waits MAIL_BACKOFF[n - 1]: about 21 hours in all, well inside the
# three days a password reset link and the week an invitation link work. Then the mail has failed.
MAIL_BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
    timedelta(hours=12),
)
MAIL_MAX_ATTEMPTS = len(MAIL_BACKOFF) + 1


class MailStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RETRYING = "retrying", _("Retrying")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutgoingMail(models.Model):
    """One mail the portal sends, from the moment it is decided until the mail server took it: the mail log.

    Stored as its parts (addresses, subject, text, HTML, headers) so that any mail backend can send it again on a
    retry. ``next_attempt_at`` is when the next attempt is due; an attempt first pushes it forward (a lease), so two
    workers never send the same mail. A mail holding a personal link (password reset, invitation) is ``sensitive``:
    its content is not shown in the log and is erased once sent.
    """

    kind = models.CharField(_("kind"), max_length=100)
    from_email = models.CharField(_("from"), max_length=254)
    to = models.JSONField(_("to"), default=list)
    cc = models.JSONField(_("cc"), default=list, blank=True)
    bcc = models.JSONField(_("bcc"), default=list, blank=True)
    reply_to = models.JSONField(_("reply to"), default=list, blank=True)
    # The addresses of ``to`` as one text, for the log's list and search.
    recipient = models.CharField(_("recipient"), max_length=500)
    subject = models.CharField(_("subject"), max_length=500)
    body = models.TextField(_("text"), blank=True)
    html = models.TextField(_("HTML"), blank=True)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    sensitive = models.BooleanField(_("sensitive"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=MailStatus.choices, default=MailStatus.QUEUED)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mail")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outgoing_mail_due"),
            models.Index(fields=["-created_at"], name="outgoing_mail_created"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipient}"
