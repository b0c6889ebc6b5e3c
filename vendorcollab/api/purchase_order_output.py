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

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.cache import caches

from vendorcollab.accounts.models import User
from vendorcollab.purchasing import selectors, transitions
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


# --- pages of POs, written as JSON text ----------------------------------------------------------------------------
#
# A page of 50 POs is some 380 KB of JSON at 200,000 POs. Building its ~1,000 line objects from kept values and
# having ninja validate, dump and encode them was two thirds of the page's time. What a PO looks like changes only
# with the PO (its ``updated_at``), but for two things: its ``actions`` (the caller's) and its items' numbers
# (master data). So each PO's JSON text is kept without them: the text ends just before the actions' list, and each
# item's number is a mark (the item's id between NUL characters, which no stored text holds: ``common.text``
# refuses control characters), replaced by the number read fresh for the page.

ACTIONS_TAIL = '"actions":[]}'
_ITEM_MARK = re.compile(r'"\\u0000item:(\d+)\\u0000"')
# What a JSON string must escape: its quote, the backslash and control characters (which stored text never holds).
_NEEDS_ESCAPE = re.compile(r'["\\\x00-\x1f]')


def _json_string(text: str) -> str:
    """``json.dumps(text, ensure_ascii=False)``, written directly when nothing in it needs escaping: a page encodes
    some 500 item numbers, and the call per number was a tenth of its time."""
    return json.dumps(text, ensure_ascii=False) if _NEEDS_ESCAPE.search(text) else f'"{text}"'


def _item_mark(item_id: int) -> str:
    return f"\x00item:{item_id}\x00"


# What a page reads of each PO row: what the kept text is found by, and what the life cycle table's guards read for
# the actions (``transitions.available``). The whole row is read only for POs whose text is not kept.
ROW_FIELDS = ("pk", "updated_at", "status", "number", "latest_response_id", "vendor__collaboration", "vendor__name")


def purchase_orders_json(pos: Sequence[PurchaseOrder], *, actor: User) -> list[str]:
    """Each PO of ``pos`` (rows of ``selectors.po_rows_for_buyer``, of which ``ROW_FIELDS`` suffice) as the JSON
    text of its ``PurchaseOrderOut``: the same values as ``purchase_orders_out`` gives, in at most four queries (the
    whole rows, lines and charges of POs changed since they were last written, and the items' numbers)."""
    kept = caches["api"]
    keys = {po.pk: f"po-json-pieces:{po.pk}:{po.updated_at.isoformat()}" for po in pos}
    found: dict[str, tuple[list[str], bool, list[int]]] = kept.get_many(list(keys.values()))
    missing = [po.pk for po in pos if keys[po.pk] not in found]
    if missing:
        rows = selectors.po_rows_for_buyer(actor=actor).filter(pk__in=missing)
        read = selectors.po_lines_and_charges(missing)
        fresh = {keys[po.pk]: _written(po, *read[po.pk], actor=actor) for po in rows}
        kept.set_many(fresh, KEPT_SECONDS)
        found.update(fresh)
    numbers = selectors.item_numbers({item for key in keys.values() if key in found for item in found[key][2]})
    # Each number encoded once for the page: its POs repeat the same few items on hundreds of lines.
    encoded = {item: _json_string(number) for item, number in numbers.items()}

    texts = []
    for po in pos:
        if keys[po.pk] not in found:
            continue  # deleted (a draft) between the page's two reads
        pieces, has_live_line, _items = found[keys[po.pk]]
        po.has_live_line = has_live_line  # type: ignore[attr-defined]  # read by ``transitions._has_live_line``
        actions = json.dumps(sorted(transitions.available(po, actor)), separators=(",", ":"))
        # The text between the marks, each mark replaced by its item's number (its id at odd places).
        written = [piece if place % 2 == 0 else encoded.get(int(piece), '""') for place, piece in enumerate(pieces)]
        texts.append(f"{''.join(written)}{actions}}}")
    return texts


def _written(
    po: PurchaseOrder, lines: list[PurchaseOrderLine], charges: list[PurchaseOrderCharge], *, actor: User
) -> tuple[list[str], bool, list[int]]:
    """What is kept of a PO: its JSON text up to its actions, cut at each item's number (the pieces between, with
    the item's id in its place: ``re.split`` keeps the group), whether a line is left, and its items' ids. Built as
    ``purchase_orders_out`` builds it, with each item's number a mark."""
    marks = {line.item_id: _item_mark(line.item_id) for line in lines if line.item_id}
    out = _build(po, _parts(lines, charges), marks, actor)
    out.actions = []  # the caller's: written for each answer
    text = out.model_dump_json()
    assert text.endswith(ACTIONS_TAIL), "the actions must be the last field of PurchaseOrderOut"
    return _ITEM_MARK.split(text[: -len("[]}")]), vars(po)["has_live_line"], sorted(marks)
