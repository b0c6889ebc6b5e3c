"""A lookup for long lists of values."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Lookup


class EqualsAny(Lookup[Any]):
    """``field = ANY(array)`` on PostgreSQL, ``field IN (…)`` elsewhere: use it as a filter,
    ``.filter(EqualsAny(F("pk"), ids))``.

    ``__in`` writes one placeholder per value, so each length of the list is a statement of its own, which psycopg
    parses in Python and PostgreSQL plans anew (a page of 50 POs names some 400 items: 2 ms a page). One array
    parameter makes it one statement, prepared once per connection."""

    lookup_name = "equals_any"
    prepare_rhs = False

    def __init__(self, lhs: Any, values: Iterable[Any]) -> None:
        super().__init__(lhs, list(values))

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = [self.lhs.output_field.get_db_prep_value(value, connection) for value in self.rhs]
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s::{self.lhs.output_field.db_type(connection)}[])", [*lhs_params, values]
        if not values:
            return "1 = 0", list(lhs_params)
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*lhs_params, *values]
