"""Counting long lists once per change instead of once per page."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.core.cache import caches
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db.models import Max, QuerySet

# How long a count is kept at most, for what a stamp cannot see (a row deleted by hand in the back office).
COUNT_SECONDS = 60


def table_stamp(rows: QuerySet[Any]) -> str:
    """What changes whenever a row of ``rows``' table is added or changed, for a table whose every change saves the
    row and so moves its ``updated_at``: the newest change and the newest id, each read from the end of an index."""
    stamp = rows.aggregate(changed=Max("updated_at"), newest=Max("pk"))
    return f"{stamp['changed']}|{stamp['newest']}"


def counted(rows: QuerySet[Any], stamp: Callable[[], str]) -> int:
    """The exact number of ``rows``, counted once per change of the table rather than once per page.

    Counting 200,000 POs takes PostgreSQL 15 ms or more, on every page of an ERP paging through all of them. The
    count is kept under the list's own SQL (its filters and its scope) and the table's stamp, so any new or changed
    row makes the next page count again.
    """
    return int(_kept("count", rows, stamp, "", rows.count, key=_what_is_counted(rows)))


def aggregated(rows: QuerySet[Any], stamp: Callable[[], str], **aggregates: Any) -> dict[str, Any]:
    """``rows.aggregate(**aggregates)`` (counts for a page's tiles), kept like ``counted`` per change of the table:
    a workspace's tiles count every row of a long table on every visit otherwise."""
    wanted = repr(sorted(aggregates.items()))
    return dict(_kept("aggregate", rows, stamp, wanted, lambda: rows.aggregate(**aggregates)))


def listed(rows: QuerySet[Any], stamp: Callable[[], str]) -> list[Any]:
    """The rows of a short, expensive query (a filter's choices as values), kept like ``counted``."""
    return list(_kept("list", rows, stamp, "", lambda: list(rows)))


def _what_is_counted(rows: QuerySet[Any]) -> str | None:
    """What decides ``rows.count()``: the table, its filters' joins and the WHERE clause, or None when more does
    (grouping, DISTINCT, a slice, a union), in which case the whole statement is the key.

    A list page's statement has the columns of its rows as subqueries (five on a vendor list); building all of it
    only to name the kept count took a list page 3 ms. The count ignores the columns, the order and select_related.
    """
    query = rows.query
    if query.group_by is not None or query.distinct or query.is_sliced or query.combinator:
        return None
    try:
        where, params = query.get_compiler(using=rows.db).compile(query.where)
    except EmptyResultSet:
        where, params = "nothing", ()
    except FullResultSet:
        where, params = "everything", ()
    joins = [(alias, join.table_name, getattr(join, "join_type", None)) for alias, join in query.alias_map.items()]
    return f"{rows.model._meta.label}\0{joins!r}\0{where}\0{params!r}"


def _kept(
    kind: str,
    rows: QuerySet[Any],
    stamp: Callable[[], str],
    extra: str,
    compute: Callable[[], Any],
    *,
    key: str | None = None,
) -> Any:
    """What ``compute`` answers for ``rows``, kept under ``key`` (by default their SQL) and the table's stamp."""
    if key is None:
        sql, params = rows.query.sql_with_params()
        key = f"{sql}\0{params!r}"
    key = f"{kind}:" + hashlib.sha256(f"{stamp()}\0{key}\0{extra}".encode()).hexdigest()
    cache = caches["pages"]
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, COUNT_SECONDS)
    return value
