"""Rendered fragments of busy pages, kept in each app process and keyed on a stamp of everything they show.

The vendor workspace (``vendorcollab.workspace``) is the page vendors open many times a day. Its content (four
counts over thousands of POs, three consignment counts, the ten newest POs for review) changes only when one of the
vendor's POs or consignment balances changes, so it is rendered once per change rather than once per request. The
key is a stamp read in one indexed query: per vendor account its name, number, price setting and company, the last
change of its POs (``updated_at`` moves on every save, and every change of a PO saves it through ``transitions``),
and whatever the caller adds (the workspace: the last movement of its consignment stock). A change shows at once;
nothing is ever invalidated by hand, so no code path can forget to. The timeout bounds what the stamp does not see.

A PO leaves the vendor's pages only by changing (a save), never by being deleted: a vendor sees a PO once a version
was sent, and a PO holding a version cannot be deleted (``latest_version`` protects it). So the stamp does not count
the vendor's POs, which it did on every visit (a millisecond for a vendor of 6,000 POs, and growing with them).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import Any

from django.core.cache import caches
from django.db import connection
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.utils import timezone, translation

from vendorcollab.accounts.models import User
from vendorcollab.partners.models import Vendor

from .models import PurchaseOrder


def latest(queryset: QuerySet[Any], field: str) -> Subquery:
    """The newest ``field`` of the vendor's rows: one step down an index on (vendor, field)."""
    return Subquery(queryset.filter(vendor_id=OuterRef("pk")).order_by(f"-{field}").values(field)[:1])


def newest(queryset: QuerySet[Any], field: str) -> Subquery:
    """The newest ``field`` of the whole table: one step down an index on it, evaluated once in the stamp's query."""
    return Subquery(queryset.order_by(f"-{field}").values(field)[:1])


def count_of(queryset: QuerySet[Any], field: str) -> Subquery:
    """How many rows the vendor has, counted on ``field`` so that the same index answers without the table."""
    return Subquery(
        queryset.filter(vendor_id=OuterRef("pk")).order_by().values("vendor_id").annotate(n=Count(field)).values("n")
    )


# The stamp's statement per (kind of stamp, vendor accounts): built by the ORM once per process, then run as it is.
# Building it (six subqueries for the workspace) cost as much as running it, on the page vendors open most.
_STAMP_STATEMENTS: dict[tuple[str, tuple[int, ...]], tuple[str, tuple[Any, ...]]] = {}
_STAMP_STATEMENTS_KEPT = 1000


def vendor_stamp(
    *, actor: User, also: Callable[[], Sequence[Any]] = tuple, day: bool = False, kind: str = "purchase-orders"
) -> str:
    """The stamp of the actor's vendor accounts and their POs, with what ``also()`` adds (the newest of other rows
    per vendor, or anything else the query can read; the same for every call of one ``kind``), and with ``day``
    today's date rather than the month."""
    vendor_ids = tuple(sorted(actor.vendor_ids))
    statement = _STAMP_STATEMENTS.get((kind, vendor_ids))
    if statement is None:
        rows = (
            Vendor.objects.filter(pk__in=vendor_ids)
            .order_by("pk")
            .values_list(
                "pk",
                "number",
                "name",
                "show_prices",
                "company__name",
                latest(PurchaseOrder.objects.all(), "updated_at"),
                *also(),
            )
        )
        statement = rows.query.sql_with_params()
        if len(_STAMP_STATEMENTS) >= _STAMP_STATEMENTS_KEPT:
            _STAMP_STATEMENTS.clear()
        _STAMP_STATEMENTS[(kind, vendor_ids)] = statement
    with connection.cursor() as cursor:
        cursor.execute(*statement)
        found = cursor.fetchall()
    # The month is in the stamp for the "received this month" tile; the language for every word on the page.
    today = timezone.localdate()
    parts = [translation.get_language(), str(today) if day else today.strftime("%Y-%m"), *map(repr, found)]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def cached_fragment(key: str, render: Callable[[], str], *, seconds: int) -> str:
    cache = caches["pages"]
    html = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, html, seconds)
    return str(html)


LINES_TABLE_SECONDS = 24 * 3600


def lines_table_key(rows: Sequence[Any], *, version: Any, version_diff: Any, show_prices: bool, dims: bool) -> str:
    """The key of a version's lines table (``purchasing/vendor/po_lines_table.html``, ``rows`` from ``line_rows``).

    A version and the one before it never change, so what the table shows is fixed by the two versions, how the
    reader sees them (prices, dimensions) and the language, but for the master data it names: items' numbers and
    the sites' and warehouses' codes, which are edited on their own. Those are read from the rows, already loaded
    for the page, and make part of the key: an edited item number shows at once.
    """
    named: list[str] = []
    for row in rows:
        line = row.line
        site = line.site.code if line.site_id else ""
        warehouse = line.warehouse.code if line.warehouse_id else ""
        named.append(f"{line.item.number if line.item_id else ''}|{site}|{warehouse}")
        named.extend(
            f"{name}={change.old}>{change.new}"
            for name, change in row.changes.items()
            if name in ("item", "site", "warehouse")
        )
    before = version_diff.before.pk if version_diff is not None and version_diff.before is not None else ""
    digest = hashlib.sha256("\n".join(named).encode()).hexdigest()
    return f"lines:{version.pk}:{before}:{int(show_prices)}:{int(dims)}:{translation.get_language()}:{digest}"
