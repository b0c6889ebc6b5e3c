"""The API's purchase orders as ``PurchaseOrderOut``, their lines and charges kept per change of each PO.

A page of 50 POs carries some 600 lines: reading them as model instances and building their output objects was most
of the time of the buyer's list (`GET /purchase-orders`, 35 to 65 ms at 200,000 POs). What a PO's lines and charges
look like in the API changes only when the PO changes, and every change of a PO, of its lines (receipts included),
of its status or of an answer to it saves the PO, which moves its ``updated_at`` (``selectors.po_table_stamp`` rests
on the same rule). So the built lines and charges are kept per worker under the PO's id and ``updated_at``: a page
reads the PO rows, then only the lines of POs changed since the page was last built. What does not follow the PO is
read every time: the items' numbers (master data, edited on their own) and the actions, which are the caller's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.cache import caches

from vendorcollab.accounts.models import User
from vendorcollab.purchasing import selectors
from vendorcollab.purchasing.models import PurchaseOrder, PurchaseOrderCharge, PurchaseOrderLine

from .buyer_schemas import PurchaseOrderLineOut, PurchaseOrderOut
from .schemas import constructed
from .vendor_schemas import ChargeOut

KEPT_SECONDS = 15 * 60  # an entry is also dropped when the PO changes (a new key) or the worker restarts


LinesAndCharges = tuple[list[PurchaseOrderLine], list[PurchaseOrderCharge]]


def purchase_orders_out(
    pos: Sequence[PurchaseOrder], *, actor: User, read: Mapping[int, LinesAndCharges] | None = None
) -> list[PurchaseOrderOut]:
    """``pos`` from ``selectors.po_rows_for_buyer`` (the PO rows, without their lines), as the API answers them.

    ``read``: lines (with their item's number, as ``selectors.po_lines_and_charges`` gives them) and charges the
    caller has just read of some of the POs, under the lock of the change it made, so that they are not read again.
    """
    kept = caches["api"]
    keys = {po.pk: f"po-lines:{po.pk}:{po.updated_at.isoformat()}" for po in pos}
    found: dict[str, Any] = kept.get_many(list(keys.values()))
    just_read = {pk: parts for pk, parts in (read or {}).items() if pk in keys}
    missing = [po.pk for po in pos if keys[po.pk] not in found and po.pk not in just_read]
    if missing:
        just_read.update(selectors.po_lines_and_charges(missing))
    numbers: dict[int, str] = {}
    if just_read:
        numbers = {
            line.item_id: vars(line)["item_number"] for lines, _ in just_read.values() for line in lines if line.item_id
        }
        fresh = {keys[pk]: _parts(lines, charges) for pk, (lines, charges) in just_read.items()}
        kept.set_many(fresh, KEPT_SECONDS)
        found.update(fresh)
    # The numbers of the items of kept lines, read now: the lines just read carry theirs.
    unknown = {line["item"] for key in keys.values() for line in found[key][0] if line["item"]} - numbers.keys()
    numbers.update(selectors.item_numbers(unknown))
    return [_build(po, found[keys[po.pk]], numbers, actor) for po in pos]


def _parts(lines: list[Any], charges: list[Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """What is kept of a PO: its lines and charges built as the API shows them, as plain values (without the item's
    number, read fresh)."""
    built = [dict(vars(PurchaseOrderLineOut.build(line))) for line in lines]
    for line in built:
        del line["item_number"]
    return built, [
        {"line_number": c.line_number, "code": c.code, "description": c.description, "amount": c.amount}
        for c in charges
    ]


def _build(
    po: PurchaseOrder,
    parts: tuple[list[dict[str, Any]], list[dict[str, Any]]],
    numbers: dict[int, str],
    actor: User,
) -> PurchaseOrderOut:
    lines, charges = parts
    # What the life cycle's guards read for ``actions`` (``transitions._has_live_line``), from the lines at hand.
    po.has_live_line = any(not line["is_cancelled"] for line in lines)  # type: ignore[attr-defined]
    return PurchaseOrderOut.build_from(
        po,
        lines=[
            constructed(PurchaseOrderLineOut, {**line, "item_number": numbers.get(line["item"], "")}) for line in lines
        ],
        charges=[constructed(ChargeOut, dict(charge)) for charge in charges],
        actor=actor,
    )
