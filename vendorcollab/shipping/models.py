"""Ship notices (DESIGN.md section 12): a vendor announces a shipment against open confirmed POs before it arrives.

A notice belongs to one vendor account (so one company) and one ship-to site. Each line announces a quantity of one
PO line. What is announced and not yet received is kept on the PO line (``PurchaseOrderLine.in_transit_quantity``),
changed only under the PO lines' row locks, so that two notices racing for the same open quantity cannot both land:
a line's quantity still to announce is ``quantity - received_quantity - in_transit_quantity``.

Receiving from a notice posts one product receipt that names the notice (``Receipt.ship_notice``), moves the
announced quantity out of transit, records what actually arrived per line (a difference is kept and shown to both
sides) and closes the notice. A notice can be cancelled until it is received; cancelling gives its quantities back
to what is still open. The status moves only through ``shipping.transitions``; the history is its append-only events.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vendorcollab.common.models import AppendOnlyModel
from vendorcollab.partners.models import Company, Site, Vendor
from vendorcollab.purchasing.models import PurchaseOrder, PurchaseOrderLine, quantity_field

if TYPE_CHECKING:
    from vendorcollab.accounts.models import User


class ShipNoticeStatus(models.TextChoices):
    """The life cycle: ``shipped`` (announced, in transit) → ``received`` (a receipt was posted from it) or
    ``cancelled`` (by the vendor, only before receipt)."""

    SHIPPED = "shipped", _("Shipped")
    RECEIVED = "received", _("Received")
    CANCELLED = "cancelled", _("Cancelled")


class ShipNoticeOrigin(models.TextChoices):
    PORTAL = "portal", _("Entered in the portal")
    API = "api", _("Received through the API")
    UBL = "ubl", _("Imported from a UBL document")


class ShipNoticeEventKind(models.TextChoices):
    CREATED = "created", _("Created")
    CANCELLED = "cancelled", _("Cancelled")
    RECEIVED = "received", _("Received")


class ShipNoticeQuerySet(models.QuerySet["ShipNotice"]):
    def visible_to(self, actor: User) -> ShipNoticeQuerySet:
        """Every read of ship notices starts here. Buyer users see every notice; a vendor user those of the
        vendor accounts it is linked to."""
        if actor.is_buyer:
            return self
        if actor.is_vendor_user:
            return self.filter(vendor_id__in=actor.vendor_ids)
        return self.none()


class ShipNotice(models.Model):
    vendor = models.ForeignKey(Vendor, models.PROTECT, related_name="ship_notices", verbose_name=_("vendor"))
    company = models.ForeignKey(Company, models.PROTECT, related_name="ship_notices", verbose_name=_("company"))
    # The vendor's own number: unique per vendor account, the ID of the Despatch Advice document.
    number = models.CharField(_("ship notice number"), max_length=30)
    status = models.CharField(
        _("status"), max_length=20, choices=ShipNoticeStatus.choices, default=ShipNoticeStatus.SHIPPED
    )
    origin = models.CharField(
        _("origin"), max_length=10, choices=ShipNoticeOrigin.choices, default=ShipNoticeOrigin.PORTAL
    )
    # Where the goods go: the site of the PO lines it ships (empty when those lines name no site). One notice, one
    # ship-to, so that one clerk receives it at one dock.
    site = models.ForeignKey(
        Site, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("ship-to site")
    )
    despatch_date = models.DateField(_("despatch date"))
    expected_delivery_date = models.DateField(_("expected delivery date"))
    carrier = models.CharField(_("carrier"), max_length=100, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=100, blank=True)
    packages = models.PositiveIntegerField(_("packages"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Set when a receipt is posted from the notice (the receipt's date) or when the vendor cancels it.
    received_date = models.DateField(_("received on"), null=True, blank=True)
    # Some line arrived with another quantity than announced: the notice lists and tiles show it without a join.
    has_difference = models.BooleanField(_("difference"), default=False)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)

    objects = ShipNoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("ship notice")
        verbose_name_plural = _("ship notices")
        ordering = ["-despatch_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["vendor", "number"], name="ship_notice_number_unique_per_vendor"),
            models.CheckConstraint(
                condition=Q(expected_delivery_date__gte=models.F("despatch_date")),
                name="ship_notice_delivery_after_despatch",
            ),
        ]
        indexes = [
            # The vendor's lists: one vendor account, one status, newest first.
            models.Index(fields=["vendor", "status", "-id"], name="ship_notice_vendor_status"),
            # The buyer's incoming shipments: in transit, by expected delivery (this week, overdue).
            models.Index(fields=["status", "expected_delivery_date", "id"], name="ship_notice_incoming"),
            models.Index(fields=["company", "status"], name="ship_notice_company_status"),
            models.Index(fields=["updated_at", "id"], name="ship_notice_changed"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_in_transit(self) -> bool:
        return self.status == ShipNoticeStatus.SHIPPED

    def is_overdue(self, today: date) -> bool:
        """In transit and expected before ``today``; its twin in SQL is ``selectors.BuyerShipNoticeList.OVERDUE``."""
        return self.is_in_transit and self.expected_delivery_date < today


class ShipNoticeLine(models.Model):
    notice = models.ForeignKey(ShipNotice, models.CASCADE, related_name="lines")
    line_number = models.PositiveIntegerField(_("line"))
    purchase_order = models.ForeignKey(
        PurchaseOrder, models.PROTECT, related_name="ship_notice_lines", verbose_name=_("purchase order")
    )
    po_line = models.ForeignKey(
        PurchaseOrderLine, models.PROTECT, related_name="ship_notice_lines", verbose_name=_("purchase order line")
    )
    quantity = quantity_field(_("shipped quantity"))
    # What the clerk received from this line when the notice was received; empty before. A difference against
    # ``quantity`` is the notice's difference, shown to both sides.
    received_quantity = quantity_field(_("received quantity"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("ship notice line")
        verbose_name_plural = _("ship notice lines")
        ordering = ["notice_id", "line_number"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "line_number"], name="ship_notice_line_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="ship_notice_line_quantity_positive"),
            models.CheckConstraint(
                condition=Q(received_quantity__isnull=True) | Q(received_quantity__gte=0),
                name="ship_notice_line_received_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["purchase_order", "notice"], name="ship_notice_line_po")]

    def __str__(self) -> str:
        return f"{self.notice_id}/{self.line_number}"

    @property
    def difference(self) -> Decimal | None:
        """Received minus shipped once received: negative when short, positive when more arrived."""
        if self.received_quantity is None:
            return None
        return self.received_quantity - self.quantity


class ShipNoticeEvent(AppendOnlyModel):
    """The append-only history of a notice: who did what, when."""

    notice = models.ForeignKey(ShipNotice, models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=20, choices=ShipNoticeEventKind.choices)
    from_status = models.CharField(_("from status"), max_length=20, choices=ShipNoticeStatus.choices, blank=True)
    to_status = models.CharField(_("to status"), max_length=20, choices=ShipNoticeStatus.choices, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("changed by"))
    created_at = models.DateTimeField(_("date and time"), auto_now_add=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("ship notice event")
        verbose_name_plural = _("ship notice events")
        ordering = ["notice_id", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.notice_id} {self.kind}"
