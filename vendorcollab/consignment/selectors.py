"""Every read of consignment data, scoped to the actor: the vendor's three pages and the buyer's overviews.

The lists take the filters their pages and the API offer (company or vendor, a search term, a date range), so that
a page and an endpoint answer the same rows for the same question.
"""

from __future__ import annotations

import datetime
from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from vendorcollab.accounts.models import User
from vendorcollab.purchasing.models import Origin, PurchaseOrder

from .errors import not_found
from .models import ConsignmentPrice, ConsignmentStock, OwnershipChange, OwnershipChangeLine, ReplenishmentOrder


def _vendor_ids(actor: User) -> frozenset[int]:
    return actor.vendor_ids if actor.is_vendor_user else frozenset()


def consignment_pos_for_vendor(*, actor: User, company: int | None = None, q: str = "") -> QuerySet[PurchaseOrder]:
    """Purchase orders consuming consignment inventory: the consignment POs of the actor's vendor accounts, of one
    company and searched by PO number when asked."""
    rows = (
        PurchaseOrder.objects.visible_to(actor)
        .filter(origin=Origin.CONSIGNMENT, vendor_id__in=_vendor_ids(actor))
        .select_related("company", "vendor", "confirmed_version")
        .order_by("-created_at", "-pk")
    )
    if company:
        rows = rows.filter(company_id=company)
    if term := q.strip():
        rows = rows.filter(number__icontains=term)
    return rows


def received_lines_for_vendor(
    *,
    actor: User,
    company: int | None = None,
    q: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[OwnershipChangeLine]:
    """Products received from consignment inventory: every ownership transfer line, what the vendor invoices; of
    one company, searched by item or PO number, transferred within a date range (both ends included) when asked."""
    rows = (
        OwnershipChangeLine.objects.filter(journal__vendor_id__in=_vendor_ids(actor))
        .select_related("journal__purchase_order", "journal__vendor", "journal__company", "item", "site", "warehouse")
        .order_by("-journal__transfer_date", "-journal__pk", "line_number")
    )
    if company:
        rows = rows.filter(journal__company_id=company)
    if term := q.strip():
        rows = rows.filter(Q(item__number__icontains=term) | Q(journal__purchase_order__number__icontains=term))
    if date_from:
        rows = rows.filter(journal__transfer_date__gte=date_from)
    if date_to:
        rows = rows.filter(journal__transfer_date__lte=date_to)
    return rows


def stock_for_vendor(*, actor: User, company: int | None = None, q: str = "") -> QuerySet[ConsignmentStock]:
    """On-hand consignment inventory: every balance with stock physically there or still expected; of one company
    and searched by item number or name when asked."""
    rows = (
        ConsignmentStock.objects.filter(vendor_id__in=_vendor_ids(actor))
        .filter(Q(physical_quantity__gt=0) | Q(expected_quantity__gt=0))
        .select_related("vendor__company", "item", "site", "warehouse")
        .order_by("item__number", "warehouse__code", "color", "size", "style", "configuration", "pk")
    )
    if company:
        rows = rows.filter(vendor__company_id=company)
    if term := q.strip():
        rows = rows.filter(Q(item__number__icontains=term) | Q(item__name__icontains=term))
    return rows


def replenishments_for_vendor(*, actor: User, company: int | None = None) -> QuerySet[ReplenishmentOrder]:
    rows = (
        ReplenishmentOrder.objects.filter(vendor_id__in=_vendor_ids(actor))
        .select_related("company", "vendor")
        .prefetch_related("lines__item", "lines__warehouse")
        .order_by("-created_at", "-pk")
    )
    return rows.filter(company_id=company) if company else rows


# --- the buyer's side ------------------------------------------------------------------------------------------------


def _buyer(actor: User) -> bool:
    return actor.is_buyer


def replenishments_for_buyer(*, actor: User, vendor: int | None = None) -> QuerySet[ReplenishmentOrder]:
    rows = ReplenishmentOrder.objects.select_related("company", "vendor").order_by("-created_at", "-pk")
    if vendor:
        rows = rows.filter(vendor_id=vendor)
    return rows if _buyer(actor) else rows.none()


def replenishment_get(*, actor: User, pk: int) -> ReplenishmentOrder:
    order = (
        replenishments_for_buyer(actor=actor)
        .prefetch_related("lines__item", "lines__site", "lines__warehouse")
        .filter(pk=pk)
        .first()
    )
    if order is None:
        raise not_found()
    return order


def ownership_changes_for_buyer(*, actor: User, vendor: int | None = None) -> QuerySet[OwnershipChange]:
    rows = OwnershipChange.objects.select_related("company", "vendor", "purchase_order", "posted_by").order_by(
        "-posted_at", "-pk"
    )
    if vendor:
        rows = rows.filter(vendor_id=vendor)
    return rows if _buyer(actor) else rows.none()


def ownership_change_get(*, actor: User, pk: int) -> OwnershipChange:
    journal = (
        ownership_changes_for_buyer(actor=actor)
        .prefetch_related("lines__item", "lines__site", "lines__warehouse")
        .filter(pk=pk)
        .first()
    )
    if journal is None:
        raise not_found()
    return journal


def stock_for_buyer(*, actor: User, vendor: int | None = None) -> QuerySet[ConsignmentStock]:
    rows = (
        ConsignmentStock.objects.filter(Q(physical_quantity__gt=0) | Q(expected_quantity__gt=0))
        .select_related("vendor__company", "item", "site", "warehouse")
        .order_by("vendor__number", "item__number", "warehouse__code", "pk")
    )
    if vendor:
        rows = rows.filter(vendor_id=vendor)
    return rows if _buyer(actor) else rows.none()


def consignment_counts_for_vendor(*, actor: User) -> dict[str, int]:
    """The workspace's consignment tiles: on-hand lines, lines received this month, consignment POs."""
    month_start = timezone.localdate().replace(day=1)
    return {
        "on_hand": stock_for_vendor(actor=actor).count(),
        "received_this_month": received_lines_for_vendor(actor=actor)
        .filter(journal__transfer_date__gte=month_start)
        .count(),
        "purchase_orders": consignment_pos_for_vendor(actor=actor).count(),
    }


def consignment_po_get_for_vendor(*, actor: User, pk: int) -> PurchaseOrder:
    po = consignment_pos_for_vendor(actor=actor).filter(pk=pk).first()
    if po is None:
        raise not_found()
    return po


def prices_for_buyer(
    *,
    actor: User,
    vendor: int | None = None,
    item: int | None = None,
    valid_on: datetime.date | None = None,
    search: str = "",
) -> QuerySet[ConsignmentPrice]:
    """The consignment price list; ``valid_on`` keeps, per vendor and item, only the price valid on that date."""
    rows = ConsignmentPrice.objects.select_related("vendor__company", "item").order_by(
        "vendor__company__code", "vendor__number", "item__number", "-valid_from", "pk"
    )
    if vendor:
        rows = rows.filter(vendor_id=vendor)
    if item:
        rows = rows.filter(item_id=item)
    if search:
        rows = rows.filter(
            Q(item__number__icontains=search) | Q(item__name__icontains=search) | Q(vendor__name__icontains=search)
        )
    if valid_on is not None:
        # The valid price is the latest start on or before the date: no later start of the same pair up to it.
        later = ConsignmentPrice.objects.filter(
            vendor_id=OuterRef("vendor_id"),
            item_id=OuterRef("item_id"),
            valid_from__gt=OuterRef("valid_from"),
            valid_from__lte=valid_on,
        )
        rows = rows.filter(valid_from__lte=valid_on).exclude(Exists(later))
    return rows if _buyer(actor) else rows.none()


def price_get(*, actor: User, pk: int) -> ConsignmentPrice:
    price = prices_for_buyer(actor=actor).filter(pk=pk).first()
    if price is None:
        raise not_found()
    return price
