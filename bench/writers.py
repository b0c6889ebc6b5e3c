"""Writing generated rows in bulk: COPY on PostgreSQL, batched INSERTs elsewhere.

The generator hands over rows as tuples in the column order of a ``Table``. Rows are written table by table in
one transaction per batch, so that a batch is either fully in the database or not at all.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models, transaction


@dataclass(frozen=True)
class Table:
    model: type[models.Model]
    # The columns the generator gives a value per row, in the order of its tuples.
    generated: tuple[str, ...]
    # Columns with the same value in every generated row, chosen here (what a PO entered in the portal holds: no
    # PEPPOL order terms, a piece as the unit), appended by the writers.
    # (Left out of the hash: a table is a key of a batch, and a JSON value such as {} is not hashable.)
    constants: tuple[tuple[str, Any], ...] = field(default=(), compare=False)

    @property
    def columns(self) -> tuple[str, ...]:
        return self.generated + tuple(column for column, _ in self.constants)

    def complete(self, row: tuple[Any, ...]) -> tuple[Any, ...]:
        return row + tuple(value for _, value in self.constants) if self.constants else row

    def check_against_model(self) -> None:
        """Refuse to load when the model grew or lost a column, rather than fail half-way through with a database
        error (or, worse, leave a new column at a default that no real row would have)."""
        actual = {str(field.column) for field in self.model._meta.concrete_fields}
        if actual != set(self.columns):
            missing = sorted(actual - set(self.columns))
            unknown = sorted(set(self.columns) - actual)
            raise ValueError(
                f"bench data for {self.model._meta.label} is out of date with the model: "
                f"columns not generated {missing}, columns the model lacks {unknown}"
            )

    @property
    def db_table(self) -> str:
        return self.model._meta.db_table


class RowWriter:
    """Batched parameterised INSERTs through Django's field adapters: correct on every backend, fast enough for
    the smaller data sets that SQLite is meant for."""

    def __init__(self) -> None:
        self.quote = connection.ops.quote_name

    def write(self, table: Table, rows: Sequence[tuple[Any, ...]]) -> None:
        if not rows:
            return
        fields = [self._field(table, column) for column in table.columns]
        prepared = [
            tuple(field.get_db_prep_save(value, connection) for field, value in zip(fields, row, strict=True))
            for row in map(table.complete, rows)
        ]
        columns = ", ".join(self.quote(column) for column in table.columns)
        marks = ", ".join(["%s"] * len(table.columns))
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {self.quote(table.db_table)} ({columns}) VALUES ({marks})", prepared)

    @staticmethod
    def _field(table: Table, column: str) -> models.Field[Any, Any]:
        return next(field for field in table.model._meta.concrete_fields if field.column == column)


class CopyWriter:
    """PostgreSQL's COPY in text format: an order of magnitude faster than INSERTs for millions of rows.

    Values are turned into text here, per column: JSON columns are dumped, everything else is ``str()``. The
    generator never produces tabs, newlines or backslashes in text, so no escaping is needed (it is checked).
    """

    def write(self, table: Table, rows: Sequence[tuple[Any, ...]]) -> None:
        if not rows:
            return
        json_columns = {
            index
            for index, column in enumerate(table.columns)
            if isinstance(RowWriter._field(table, column), models.JSONField)
        }
        lines = []
        for row in rows:
            cells = []
            for index, value in enumerate(table.complete(row)):
                if value is None:
                    cells.append("\\N")
                elif index in json_columns:
                    cells.append(json.dumps(value, separators=(",", ":")))
                elif isinstance(value, dt.datetime):
                    cells.append(value.isoformat())
                else:
                    cells.append(str(value))
            lines.append("\t".join(cells))
        text = "\n".join(lines) + "\n"
        if "\\" in text.replace("\\N", ""):
            raise ValueError(f"bench data for {table.db_table} holds a backslash, which COPY would misread")
        columns = ", ".join(f'"{column}"' for column in table.columns)
        with connection.cursor() as cursor, cursor.copy(f'COPY "{table.db_table}" ({columns}) FROM STDIN') as copy:
            copy.write(text)


def writer_for_connection() -> RowWriter | CopyWriter:
    return CopyWriter() if connection.vendor == "postgresql" else RowWriter()


def write_batch(writer: RowWriter | CopyWriter, batch: dict[Table, list[tuple[Any, ...]]]) -> int:
    """Every table of one batch, in one transaction. Returns the number of rows written."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Foreign keys are deferred to the commit, so tables can be written in any order within a batch.
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
                if _is_superuser():
                    # Checking millions of generated foreign keys one row at a time takes most of the load time;
                    # a superuser may skip those checks for this transaction (unique and check constraints stay).
                    cursor.execute("SET LOCAL session_replication_role = replica")
        for table, rows in batch.items():
            writer.write(table, rows)
    return sum(len(rows) for rows in batch.values())


def _is_superuser() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SHOW is_superuser")
        return bool(cursor.fetchone()[0] == "on")


def reset_sequences(models_: Sequence[type[models.Model]]) -> None:
    """Rows were written with explicit ids; move each id sequence past them so that new rows do not collide."""
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), list(models_))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
