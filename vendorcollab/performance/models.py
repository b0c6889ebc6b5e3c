"""The facts vendor performance is computed from (DESIGN.md section 13): small rows derived from the history.

Each purchase order's facts (answers, what is due, what was delivered) are written again as a whole by
``services.refresh_purchase_order`` whenever its history grows, and each received ship notice's by
``services.refresh_ship_notice``: they are a cache of the history, never a record of their own, so the same function
backfills them (``rebuild_performance``) and keeps them current, and deleting them loses nothing.

Every fact carries its vendor account, company and ``month`` (the first day of the month it counts in, in the
project's time zone), so that the buyer's ranking and one vendor's page are grouped aggregates along the
``(month, vendor)`` and ``(vendor, month)`` indexes instead of walks over purchase orders. Whether a delivery or a
notice was on time is decided when the figures are read, against the company's ``delivery_tolerance_days`` of that
moment: a changed tolerance needs no rebuild.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from vendorcollab.partners.models import Company, Item, Vendor
from vendorcollab.purchasing.models import PurchaseOrder, ResponseKind, quantity_field


def fact_indexes(prefix: str) -> list[models.Index]:
    """The two walks every fact table serves: a period across vendors (the ranking), one vendor's months (its
    page)."""
    return [
        models.Index(fields=["month", "vendor"], name=f"{prefix}_month_vendor"),
        models.Index(fields=["vendor", "month"], name=f"{prefix}_vendor_month"),
    ]


class Fact(models.Model):
    # Derived rows never hold up a deletion of what they were derived from.
    vendor = models.ForeignKey(Vendor, models.CASCADE, related_name="+", verbose_name=_("vendor"))
    company = models.ForeignKey(Company, models.CASCADE, related_name="+", verbose_name=_("company"))
    month = models.DateField(_("month"))

    class Meta:
        abstract = True


class ResponseFact(Fact):
    """One vendor answer: how long it took from the version's sending, what it said, and its lines by kind of
    change. Counted in the month it was answered."""

    purchase_order = models.ForeignKey(PurchaseOrder, models.CASCADE, related_name="+")
    version_number = models.PositiveIntegerField(_("version"))
    sent_at = models.DateTimeField(_("sent at"))
    answered_at = models.DateTimeField(_("answered at"))
    seconds = models.BigIntegerField(_("response time (seconds)"))
    kind = models.CharField(_("response"), max_length=30, choices=ResponseKind.choices)
    lines = models.PositiveIntegerField(_("lines answered"), default=0)
    lines_quantity_changed = models.PositiveIntegerField(_("lines with another quantity"), default=0)
    lines_date_changed = models.PositiveIntegerField(_("lines with another date"), default=0)
    lines_split = models.PositiveIntegerField(_("lines split"), default=0)
    lines_substituted = models.PositiveIntegerField(_("lines substituted"), default=0)
    lines_rejected = models.PositiveIntegerField(_("lines rejected"), default=0)

    class Meta:
        verbose_name = _("response fact")
        verbose_name_plural = _("response facts")
        indexes = [
            models.Index(fields=["month", "vendor"], name="perf_response_month_vendor"),
            # The percentiles of the ranking read the answers' seconds from this index alone on PostgreSQL.
            models.Index(fields=["vendor", "month"], include=["seconds"], name="perf_response_vendor_month"),
            models.Index(fields=["purchase_order"], name="perf_response_po"),
        ]

    def __str__(self) -> str:
        return f"{self.purchase_order_id}-{self.version_number}: {self.kind}"


class DueFact(Fact):
    """One confirmed line, or one schedule line of a split, of the last confirmed version (cancelled lines and
    cancelled purchase orders have none): what was confirmed for which date, and how much of it has been received
    (receipts fill a split's schedule lines earliest date first). Counted in the month it is due."""

    purchase_order = models.ForeignKey(PurchaseOrder, models.CASCADE, related_name="+")
    line_number = models.PositiveIntegerField(_("line"))
    item = models.ForeignKey(Item, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("item"))
    due_date = models.DateField(_("confirmed delivery date"))
    confirmed_quantity = quantity_field(_("confirmed quantity"))
    received_quantity = quantity_field(_("received quantity"))

    class Meta:
        verbose_name = _("due fact")
        verbose_name_plural = _("due facts")
        indexes = [
            *fact_indexes("perf_due"),
            models.Index(fields=["purchase_order"], name="perf_due_po"),
            # The current month's lines due by today (the ranking of a period that holds this month reads them, as
            # the vendor months keep only past months' due lines), from this index alone on PostgreSQL: a month's
            # due lines are a hundred thousand at 200,000 POs, and reading each row to check its date took 37 ms.
            models.Index(
                fields=["month", "due_date"],
                include=["vendor", "company", "confirmed_quantity", "received_quantity", "id"],
                name="perf_due_month_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.purchase_order_id}/{self.line_number} {self.due_date}"


class DeliveryFact(Fact):
    """One part of a receipt line set against the confirmed date it fills: received how many days after that date
    (negative: early). Counted in the month it was received."""

    purchase_order = models.ForeignKey(PurchaseOrder, models.CASCADE, related_name="+")
    line_number = models.PositiveIntegerField(_("line"))
    item = models.ForeignKey(Item, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("item"))
    received_date = models.DateField(_("received on"))
    due_date = models.DateField(_("confirmed delivery date"))
    days_late = models.IntegerField(_("days late"))
    quantity = quantity_field(_("quantity"))

    class Meta:
        verbose_name = _("delivery fact")
        verbose_name_plural = _("delivery facts")
        indexes = [*fact_indexes("perf_delivery"), models.Index(fields=["purchase_order"], name="perf_delivery_po")]

    def __str__(self) -> str:
        return f"{self.purchase_order_id}/{self.line_number} {self.received_date}"


class NoticeFact(Fact):
    """One received ship notice: received how many days after its expected delivery date. Counted in the month it
    was received."""

    ship_notice = models.OneToOneField("shipping.ShipNotice", models.CASCADE, related_name="+")
    expected_date = models.DateField(_("expected on"))
    received_date = models.DateField(_("received on"))
    days_late = models.IntegerField(_("days late"))

    class Meta:
        verbose_name = _("ship notice fact")
        verbose_name_plural = _("ship notice facts")
        indexes = fact_indexes("perf_notice")

    def __str__(self) -> str:
        return f"{self.ship_notice_id} {self.received_date}"


# Tolerances (days) whose on-time counts each vendor month keeps; a company with a wider one is read from the facts.
ROLLED_TOLERANCE = 7


class VendorMonth(models.Model):
    """One vendor account's month, summed from its facts: what the buyer's ranking and totals read, so that a year
    of every vendor is about twelve thousand rows summed by the database instead of a million facts.

    Written by ``rollups.roll_up`` for the (vendor, month) pairs a refresh touched, under the vendor's row lock. On
    time depends on the company's tolerance of the moment, so the month keeps its on-time and early counts for every
    tolerance from 0 to ``ROLLED_TOLERANCE`` days (``on_time_2``: deliveries within 2 days either side) and the
    reader picks the company's. Response-time percentiles cannot be summed: they are read from the answers. Filters
    by item read the facts.
    """

    vendor = models.ForeignKey(Vendor, models.CASCADE, related_name="+", verbose_name=_("vendor"))
    company = models.ForeignKey(Company, models.CASCADE, related_name="+", verbose_name=_("company"))
    month = models.DateField(_("month"))
    responses = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    accepted_with_changes = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    lines_answered = models.PositiveIntegerField(default=0)
    lines_quantity_changed = models.PositiveIntegerField(default=0)
    lines_date_changed = models.PositiveIntegerField(default=0)
    lines_split = models.PositiveIntegerField(default=0)
    lines_substituted = models.PositiveIntegerField(default=0)
    lines_rejected = models.PositiveIntegerField(default=0)
    # Every confirmed line due in the month, whether or not its date has passed: readers take the months before the
    # current one from here and the current month from the facts.
    quantity_confirmed = models.DecimalField(max_digits=20, decimal_places=4, default=0)
    quantity_received = models.DecimalField(max_digits=20, decimal_places=4, default=0)
    lines_due = models.PositiveIntegerField(default=0)
    lines_in_full = models.PositiveIntegerField(default=0)
    deliveries = models.PositiveIntegerField(default=0)
    notices = models.PositiveIntegerField(default=0)
    # on_time_0 … on_time_7, early_0 … early_7, notices_on_time_0 … notices_on_time_7: one column per tolerance,
    # written in a loop because they differ only in the number.
    for _days in range(ROLLED_TOLERANCE + 1):
        locals()[f"on_time_{_days}"] = models.PositiveIntegerField(default=0)
        locals()[f"early_{_days}"] = models.PositiveIntegerField(default=0)
        locals()[f"notices_on_time_{_days}"] = models.PositiveIntegerField(default=0)
    del _days
    # When ``roll_up`` last wrote the row: with the number of rows, the stamp of everything the ranking reads
    # (``selectors.figures_stamp``), since every refresh of facts rewrites the months they count in.
    summed_at = models.DateTimeField(_("summed at"), auto_now=True)

    class Meta:
        verbose_name = _("vendor month")
        verbose_name_plural = _("vendor months")
        constraints = [models.UniqueConstraint(fields=["vendor", "month"], name="perf_vendor_month_unique")]
        indexes = [
            models.Index(fields=["month", "vendor"], name="perf_vm_month_vendor"),
            models.Index(fields=["summed_at"], name="perf_vm_summed"),
        ]

    def __str__(self) -> str:
        return f"{self.vendor_id} {self.month}"
