"""An exact percentile as an SQL aggregate on both databases: PostgreSQL's ``percentile_cont``, and on SQLite a
Python aggregate of the same definition registered on every new connection.

``percentile_cont(f)`` interpolates linearly between the two values around position ``f * (n - 1)`` of the sorted
values (0-based), so the median of 1, 2, 3, 4 is 2.5 and the 90th percentile of 10, 20 is 19. Being an aggregate,
it groups like ``Count`` and ``Sum``: the ranking takes every vendor's median in the same grouped query.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import FullResultSet
from django.db import connections
from django.db.backends.signals import connection_created
from django.db.models import Aggregate, FloatField, QuerySet, Value
from django.dispatch import receiver

from vendorcollab.common.planning import planned_for_their_values

SQLITE_FUNCTION = "vc_percentile_cont"


def percentile_cont(values: list[float], fraction: float) -> float | None:
    """The definition, in Python: what SQLite computes, and what tests can compare both databases with."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    lower = math.floor(position)
    upper = math.ceil(position)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


class _SqlitePercentile:
    """The aggregate SQLite calls: ``step`` per row of the group, ``finalize`` once."""

    def __init__(self) -> None:
        self.values: list[float] = []
        self.fraction = 0.5

    def step(self, value: float | None, fraction: float) -> None:
        self.fraction = fraction
        if value is not None:
            self.values.append(float(value))

    def finalize(self) -> float | None:
        return percentile_cont(self.values, self.fraction)


@receiver(connection_created)
def register_sqlite_percentile(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate(SQLITE_FUNCTION, 2, _SqlitePercentile)


class Percentile(Aggregate):
    """``Percentile("seconds", 0.9)``: the interpolated 90th percentile of the group's values (None when empty)."""

    name = "Percentile"
    output_field = FloatField()
    # The fraction is part of the SQL (PostgreSQL wants it before WITHIN GROUP), not a grouped value.
    allow_distinct = False

    def __init__(self, expression: Any, fraction: float, **extra: Any) -> None:
        if not 0 <= fraction <= 1:
            raise ValueError("a percentile's fraction is between 0 and 1")
        self.fraction = fraction
        super().__init__(expression, Value(fraction), **extra)

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        if self.filter is not None:
            raise NotImplementedError("Percentile takes no filter: filter the queryset instead")
        value = self.get_source_expressions()[0]
        sql, params = compiler.compile(value)
        return _percentile_sql(connection.vendor, sql, self.fraction), params

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return super().as_sql(compiler, connection, function=SQLITE_FUNCTION, **extra_context)


def _percentile_sql(vendor: str, column: str, fraction: float) -> str:
    # The fraction is a float the code chose (never input), written as a literal: percentile_cont's direct
    # argument must be the same in every row of the group, and a literal says so plainly.
    if vendor == "postgresql":
        return f"percentile_cont({float(fraction)!r}) WITHIN GROUP (ORDER BY {column})"
    return f"{SQLITE_FUNCTION}({column}, {float(fraction)!r})"


def percentiles_per_group_and_overall(
    queryset: QuerySet[Any], group: str, value: str, fractions: Mapping[str, float]
) -> dict[Any, dict[str, float | None]]:
    """The percentiles of the field ``value`` of the queryset's rows (its filter, on the model's own columns: no
    join is written; not its ordering), per value of the field ``group`` and of every row together (under the key
    None), each named as in ``fractions``, in one
    statement: on PostgreSQL the rows are read once for both (``GROUPING SETS``), on SQLite the two groupings are
    one ``UNION ALL``. The statement is planned for its own parameters each time (``planned_for_their_values``):
    how many rows a filter keeps is what decides the plan of a sort this size."""
    connection = connections[queryset.db]
    compiler = queryset.query.get_compiler(connection=connection)
    try:
        condition, params = compiler.compile(queryset.query.where)
        where = f"WHERE {condition}"
    except FullResultSet:
        where, params = "", []
    quote = connection.ops.quote_name
    meta = queryset.model._meta
    table = quote(meta.db_table)
    group_column = f"{table}.{quote(meta.get_field(group).column)}"
    value_column = f"{table}.{quote(meta.get_field(value).column)}"
    percentiles = ", ".join(_percentile_sql(connection.vendor, value_column, f) for f in fractions.values())
    if connection.vendor == "postgresql":
        sql = (
            f"SELECT GROUPING({group_column}) = 1, {group_column}, {percentiles} FROM {table} {where} "
            f"GROUP BY GROUPING SETS (({group_column}), ())"
        )
    else:
        sql = (
            f"SELECT 0, {group_column}, {percentiles} FROM {table} {where} GROUP BY {group_column} "
            f"UNION ALL SELECT 1, NULL, {percentiles} FROM {table} {where}"
        )
        params = [*params, *params]
    names = list(fractions)
    with planned_for_their_values(queryset.db), connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {None if overall else key: dict(zip(names, found, strict=True)) for overall, key, *found in rows}
