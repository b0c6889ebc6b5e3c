"""Consignment stock: what a vendor owns in the buyer's warehouses, how it arrives, and how the buyer takes it over.

``ConsignmentStock`` holds the balance per vendor, item, product dimensions and warehouse: what is physically there
and what open replenishment orders still bring. ``ConsignmentMovement`` is the append-only ledger behind it; every
change of a balance writes one movement in the same transaction, so the two always agree.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vendorcollab.common.models import AppendOnlyModel
from vendorcollab.partners.models import Company, Item, Site, Vendor, Warehouse
from vendorcollab.purchasing.models import PurchaseOrder, amount_field, price_field, quantity_field

ZERO = Decimal(0)


# A price without a start date of its own (kept before prices had one) holds since the earliest date a fact may have.
PRICE_VALID_SINCE_EVER = datetime.date(2000, 1, 1)


class ConsignmentPrice(models.Model):
    """What the buyer pays a vendor for an item taken from consignment stock, from ``valid_from`` until the next
    price of the same vendor and item starts. An ownership change takes the price valid on its transfer date."""

    vendor = models.ForeignKey(Vendor, models.CASCADE, related_name="consignment_prices", verbose_name=_("vendor"))
    item = models.ForeignKey(Item, models.CASCADE, related_name="consignment_prices", verbose_name=_("item"))
    unit_price = price_field(_("unit price"))
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    valid_from = models.DateField(_("valid from"), default=PRICE_VALID_SINCE_EVER)

    class Meta:
        verbose_name = _("consignment price")
        verbose_name_plural = _("consignment prices")
        ordering = ["vendor", "item", "-valid_from", "pk"]
        constraints = [
            # No check on the price's sign here: prices kept in the back office before could be zero, and the
            # migration must not fail on them; the services refuse a price that is not positive.
            models.UniqueConstraint(fields=["vendor", "item", "valid_from"], name="consignment_price_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.vendor} {self.item}: {self.unit_price} ({self.valid_from})"


class StockKey(models.Model):
    """Where consignment stock lies and what exactly it is: one balance per vendor, item, dimensions and warehouse."""

    item = models.ForeignKey(Item, models.PROTECT, related_name="+", verbose_name=_("item"))
    site = models.ForeignKey(Site, models.PROTECT, related_name="+", verbose_name=_("site"))
    warehouse = models.ForeignKey(Warehouse, models.PROTECT, related_name="+", verbose_name=_("warehouse"))
    color = models.CharField(_("color"), max_length=40, blank=True)
    size = models.CharField(_("size"), max_length=40, blank=True)
    style = models.CharField(_("style"), max_length=40, blank=True)
    configuration = models.CharField(_("configuration"), max_length=40, blank=True)

    KEY_FIELDS = ("item_id", "site_id", "warehouse_id", "color", "size", "style", "configuration")

    class Meta:
        abstract = True


class ReplenishmentStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RECEIVED = "received", _("Received")
    CANCELLED = "cancelled", _("Cancelled")


class ReplenishmentOrder(models.Model):
    """The buyer announces stock the vendor will ship into the buyer's warehouse, still owned by the vendor."""

    company = models.ForeignKey(Company, models.PROTECT, related_name="+", verbose_name=_("company"))
    vendor = models.ForeignKey(Vendor, models.PROTECT, related_name="replenishment_orders", verbose_name=_("vendor"))
    number = models.CharField(_("number"), max_length=30)
    status = models.CharField(
        _("status"), max_length=20, choices=ReplenishmentStatus.choices, default=ReplenishmentStatus.OPEN
    )
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("replenishment order")
        verbose_name_plural = _("replenishment orders")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["company", "number"], name="replenishment_number_unique")]
        indexes = [models.Index(fields=["vendor", "status"], name="replenishment_vendor_status")]

    def __str__(self) -> str:
        return self.number


class ReplenishmentLine(StockKey):
    order = models.ForeignKey(ReplenishmentOrder, models.CASCADE, related_name="lines")
    line_number = models.PositiveIntegerField(_("line"))
    quantity = quantity_field(_("quantity"))
    received_quantity = quantity_field(_("received quantity"), default=ZERO)
    expected_date = models.DateField(_("expected date"))

    class Meta:
        verbose_name = _("replenishment line")
        verbose_name_plural = _("replenishment lines")
        ordering = ["order_id", "line_number"]
        constraints = [
            models.UniqueConstraint(fields=["order", "line_number"], name="replenishment_line_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="replenishment_quantity_positive"),
            models.CheckConstraint(
                condition=Q(received_quantity__lte=models.F("quantity")), name="replenishment_no_over_receipt"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.line_number}"

    @property
    def remaining_quantity(self) -> Decimal:
        return self.quantity - self.received_quantity


class ConsignmentStock(StockKey):
    """The balance of one stock key: ``physical_quantity`` lies in the warehouse owned by the vendor;
    ``expected_quantity`` is still to come on open replenishment orders."""

    vendor = models.ForeignKey(Vendor, models.PROTECT, related_name="consignment_stock", verbose_name=_("vendor"))
    physical_quantity = quantity_field(_("physical quantity"), default=ZERO)
    expected_quantity = quantity_field(_("expected quantity"), default=ZERO)

    class Meta:
        verbose_name = _("consignment stock")
        verbose_name_plural = _("consignment stock")
        ordering = ["vendor", "item", "warehouse", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "item", "site", "warehouse", "color", "size", "style", "configuration"],
                name="consignment_stock_key_unique",
            ),
            # The last guard against taking more than the vendor owns, even past a bug in a service.
            models.CheckConstraint(condition=Q(physical_quantity__gte=0), name="consignment_stock_not_negative"),
            models.CheckConstraint(condition=Q(expected_quantity__gte=0), name="consignment_expected_not_negative"),
        ]
        indexes = [models.Index(fields=["vendor", "warehouse"], name="consignment_stock_vendor")]

    def __str__(self) -> str:
        return f"{self.vendor_id} {self.item_id} @ {self.warehouse_id}: {self.physical_quantity}"


class OwnershipChange(models.Model):
    """A posted inventory ownership change journal: stock moves from the vendor to the buyer, and the consignment
    purchase order it created records what the buyer owes."""

    company = models.ForeignKey(Company, models.PROTECT, related_name="+", verbose_name=_("company"))
    vendor = models.ForeignKey(Vendor, models.PROTECT, related_name="ownership_changes", verbose_name=_("vendor"))
    number = models.CharField(_("number"), max_length=30)
    purchase_order = models.OneToOneField(
        PurchaseOrder, models.PROTECT, related_name="ownership_change", verbose_name=_("purchase order")
    )
    transfer_date = models.DateField(_("date"))
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    posted_at = models.DateTimeField(_("posted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("inventory ownership change")
        verbose_name_plural = _("inventory ownership changes")
        ordering = ["-posted_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["company", "number"], name="ownership_change_number_unique")]

    def __str__(self) -> str:
        return self.number


class OwnershipChangeLine(StockKey):
    journal = models.ForeignKey(OwnershipChange, models.CASCADE, related_name="lines")
    line_number = models.PositiveIntegerField(_("line"))
    quantity = quantity_field(_("quantity"))
    unit_price = price_field(_("unit price"))
    amount = amount_field(_("amount"))

    class Meta:
        verbose_name = _("ownership change line")
        verbose_name_plural = _("ownership change lines")
        ordering = ["journal_id", "line_number"]
        constraints = [
            models.UniqueConstraint(fields=["journal", "line_number"], name="ownership_line_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="ownership_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.journal_id}/{self.line_number}"


class MovementKind(models.TextChoices):
    REPLENISHMENT_ORDERED = "replenishment_ordered", _("Replenishment ordered")
    REPLENISHMENT_RECEIVED = "replenishment_received", _("Replenishment received")
    REPLENISHMENT_CANCELLED = "replenishment_cancelled", _("Replenishment cancelled")
    OWNERSHIP_CHANGED = "ownership_changed", _("Ownership changed")


class ConsignmentMovement(StockKey, AppendOnlyModel):
    """One change of a balance: ``physical_change`` and ``expected_change`` are signed."""

    vendor = models.ForeignKey(Vendor, models.PROTECT, related_name="+", verbose_name=_("vendor"))
    kind = models.CharField(_("kind"), max_length=30, choices=MovementKind.choices)
    physical_change = quantity_field(_("physical change"), default=ZERO)
    expected_change = quantity_field(_("expected change"), default=ZERO)
    replenishment_line = models.ForeignKey(ReplenishmentLine, models.PROTECT, null=True, blank=True, related_name="+")
    ownership_line = models.ForeignKey(OwnershipChangeLine, models.PROTECT, null=True, blank=True, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("consignment movement")
        verbose_name_plural = _("consignment movements")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["vendor", "created_at"], name="consignment_movement_vendor")]

    def __str__(self) -> str:
        return f"{self.kind} {self.physical_change}/{self.expected_change}"
