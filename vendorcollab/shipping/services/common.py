"""What the ship-notice services share: the PO rows locked in one order, the in-transit quantities they move, and
the payload of every ship-notice event."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import F

from vendorcollab.accounts.models import User
from vendorcollab.purchasing.models import PurchaseOrder, PurchaseOrderLine

from ..models import ShipNotice


def lock_purchase_orders(po_ids: Iterable[int], line_ids: Iterable[int]) -> dict[int, PurchaseOrderLine]:
    """Lock the POs, then their lines, each in primary-key order, and return the lines as re-read under the lock.

    Every service that moves a PO line's quantities (here, and purchasing's receipts, which lock the PO before they
    touch its lines) takes a PO's row before its lines' rows: so two notices racing for the same open quantity queue
    up instead of deadlocking, and the second reads what the first announced.
    """
    list(PurchaseOrder.objects.select_for_update().filter(pk__in=sorted(set(po_ids))).order_by("pk").values("pk"))
    locked = (
        PurchaseOrderLine.objects.select_for_update()
        .filter(pk__in=sorted(set(line_ids)))
        .order_by("pk")
        .select_related("purchase_order")
    )
    return {line.pk: line for line in locked}


def move_in_transit(quantities: dict[int, Decimal], *, sign: int) -> None:
    """Add ``sign`` times each quantity to its PO line's in-transit quantity (``{po_line_id: quantity}``). Call with
    the lines locked; the table's check constraint keeps it from going below zero."""
    for po_line_id in sorted(quantities):
        PurchaseOrderLine.objects.filter(pk=po_line_id).update(
            in_transit_quantity=F("in_transit_quantity") + sign * quantities[po_line_id]
        )


def event_payload(notice: ShipNotice, actor: User, **extra: Any) -> dict[str, Any]:
    """What every ship-notice event carries (``common.events``): ids and plain values."""
    return {
        "ship_notice_id": notice.pk,
        "vendor_id": notice.vendor_id,
        "company_id": notice.company_id,
        "number": notice.number,
        "status": str(notice.status),
        "actor_id": actor.pk,
        "has_difference": notice.has_difference,
        **extra,
    }
