"""The receiving clerk's reads: confirmed purchase orders with something left to receive, the earliest confirmed
delivery date of what is open first (so what is overdue leads), and the counts of the workspace's tiles.

A module of its own beside ``selectors`` (the buyer's and the vendor's lists): receiving reads lines, not versions.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Count, DecimalField, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, TextChoices
from django.utils.translation import gettext_lazy as _

from vendorcollab.accounts.models import User

from .models import POStatus, PurchaseOrder, PurchaseOrderLine


class DueWhen(TextChoices):
    """The workspace's tiles, each a filter of its list."""

    OVERDUE = "overdue", _("Overdue deliveries")
    THIS_WEEK = "this_week", _("Due this week")
    OPEN = "open", _("Open to receive")

    @classmethod
    def of(cls, next_due: date, today: date) -> DueWhen:
        """Where a PO whose earliest open delivery is ``next_due`` stands (``_due_condition``: the rule in SQL)."""
        if next_due < today:
            return cls.OVERDUE
        return cls.THIS_WEEK if next_due <= week_end(today) else cls.OPEN

    @property
    def badge_label(self) -> str:
        """The word a row's badge shows."""
        return str(
            {DueWhen.OVERDUE: _("Overdue"), DueWhen.THIS_WEEK: _("Due this week"), DueWhen.OPEN: _("Open")}[self]
        )


class ReceivingSort(TextChoices):
    DUE = "due", _("Delivery date, earliest first")
    DUE_DESC = "-due", _("Delivery date, latest first")
    NUMBER = "number", _("PO number, ascending")
    NUMBER_DESC = "-number", _("PO number, descending")


def week_end(today: date) -> date:
    """The Sunday of ``today``'s week: "this week" is the calendar week, as on a receiving dock's schedule."""
    return today + timedelta(days=6 - today.weekday())


def _open_lines() -> QuerySet[PurchaseOrderLine]:
    return PurchaseOrderLine.objects.filter(
        purchase_order=OuterRef("pk"), is_cancelled=False, received_quantity__lt=F("quantity")
    )


def _per_po(aggregate: Sum | Count, output: DecimalField | IntegerField) -> Subquery:
    return Subquery(
        _open_lines().order_by().values("purchase_order").annotate(value=aggregate).values("value")[:1],
        output_field=output,
    )


def _to_receive(actor: User) -> QuerySet[PurchaseOrder]:
    """Confirmed POs (partly received ones stay confirmed) with at least one line still open, each with the
    earliest confirmed delivery date of its open lines, the open quantity and the number of open lines."""
    if not actor.is_buyer:
        return PurchaseOrder.objects.none()
    return (
        PurchaseOrder.objects.visible_to(actor)
        .collaborative()
        .filter(status=POStatus.CONFIRMED)
        .annotate(
            next_due=Subquery(_open_lines().order_by("delivery_date").values("delivery_date")[:1]),
            open_quantity=_per_po(
                Sum(F("quantity") - F("received_quantity")), DecimalField(max_digits=20, decimal_places=4)
            ),
            open_lines=_per_po(Count("pk"), IntegerField()),
        )
        .filter(next_due__isnull=False)
    )


def _due_condition(due: str, today: date) -> Q:
    if due == DueWhen.OVERDUE:
        return Q(next_due__lt=today)
    if due == DueWhen.THIS_WEEK:
        return Q(next_due__gte=today, next_due__lte=week_end(today))
    return Q()


def po_page_to_receive(
    *, actor: User, today: date, due: str = "", q: str = "", company: int | None = None, sort: str = ""
) -> QuerySet[PurchaseOrder]:
    """The workspace's list: searched by PO number, vendor or item, filtered by company and by tile; by default the
    earliest open delivery first, so overdue POs lead. Each row carries what the table shows in one query."""
    rows = (
        _to_receive(actor).filter(_due_condition(due, today)).select_related("company", "vendor", "confirmed_version")
    )
    term = q.strip()
    if term:
        rows = rows.filter(
            Q(number__icontains=term)
            | Q(vendor__name__icontains=term)
            | Q(vendor__number__icontains=term)
            | Q(lines__item__number__icontains=term)
            | Q(lines__item__name__icontains=term)
        ).distinct()
    if company:
        rows = rows.filter(company_id=company)
    chosen = ReceivingSort(sort) if sort in ReceivingSort.values else ReceivingSort.DUE
    ordering = {
        ReceivingSort.DUE: ["next_due", "number", "pk"],
        ReceivingSort.DUE_DESC: ["-next_due", "-number", "-pk"],
        ReceivingSort.NUMBER: ["number", "pk"],
        ReceivingSort.NUMBER_DESC: ["-number", "-pk"],
    }[chosen]
    return rows.order_by(*ordering)


def po_count_to_receive(*, actor: User, today: date) -> dict[DueWhen, int]:
    """The three tiles' counts in one query."""
    conditions = {which: _due_condition(which, today) for which in DueWhen}
    counts = _to_receive(actor).aggregate(
        **{
            which.value: Count("pk", filter=condition) if condition else Count("pk")
            for which, condition in conditions.items()
        }
    )
    return {which: counts[which.value] for which in DueWhen}
