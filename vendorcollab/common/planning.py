"""Statements PostgreSQL plans for their own values every time they run.

The project lets psycopg prepare a statement a connection runs twice (``DATABASE_PREPARE_THRESHOLD``): parsed and
planned once per connection, which made the PO loop a fifth faster. After five runs of a prepared statement
PostgreSQL may keep one plan for any parameters (a generic plan), estimated without their values. That is right for
a lookup by key and wrong for a statement whose rows depend on its values by orders of magnitude, as a period of
months does (a month of answers or three years of them): the generic plan of the ranking's percentiles sorted every
answer of the year on disk, 103 ms where the plan for the period's own months reads the index in order, 38 ms.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections


@contextmanager
def planned_for_their_values(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Statements run inside are sent unprepared (psycopg's unnamed statement), which PostgreSQL plans for the
    parameters given. Other databases: nothing to do."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    connection.ensure_connection()
    driver_connection = connection.connection
    threshold = driver_connection.prepare_threshold
    driver_connection.prepare_threshold = None
    try:
        yield
    finally:
        driver_connection.prepare_threshold = threshold
