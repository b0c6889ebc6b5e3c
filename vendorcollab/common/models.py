"""Shared model building blocks: append-only records and gap-free number sequences."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection, models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete a record that history depends on."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only and cannot be updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only and cannot be deleted")


class AppendOnlyModel(models.Model):
    """A record that is written once and never changed: versions, responses, history events.

    The guard is in the model so that no face (admin, shell, a future service) can rewrite history by accident.
    """

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} {self.pk} is append-only and cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{type(self).__name__} {self.pk} is append-only and cannot be deleted")


class NumberSequence(models.Model):
    """A counter per scope (for example purchase order numbers per company), taken under a row lock."""

    scope = models.CharField(_("scope"), max_length=100, unique=True)
    last_value = models.PositiveBigIntegerField(_("last value"), default=0)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")

    def __str__(self) -> str:
        return f"{self.scope}: {self.last_value}"

    @classmethod
    def next_value(cls, scope: str) -> int:
        """The next number of ``scope``; two transactions never get the same one.

        One statement (PostgreSQL and SQLite 3.35+ both return what an UPDATE wrote): it takes the row lock, counts
        and answers at once, where a read under lock, a write and their savepoint took five round trips on the way
        of every PO created. A scope's first number creates its row first."""
        table = connection.ops.quote_name(cls._meta.db_table)
        with connection.cursor() as cursor:
            for _attempt in range(2):
                cursor.execute(
                    f"UPDATE {table} SET last_value = last_value + 1 WHERE scope = %s RETURNING last_value",
                    [scope],
                )
                row = cursor.fetchone()
                if row is not None:
                    return int(row[0])
                cls.objects.get_or_create(scope=scope)
        raise RuntimeError(f"number sequence {scope!r} could not be created")


def hold_as_read(instance: models.Model, **relations: list[Any]) -> None:
    """Hold rows a service has just written as ``instance``'s related rows, as if read with ``prefetch_related``
    (``instance.<relation>.all()`` answers them without a query): what the caller reads of them is what was written.

    Each row's decimals are first put at their column's scale, as a read would give them (an input of ``10`` is
    stored, and read back, as ``10.000``). Uses Django's prefetch cache, filled as its own prefetching fills it.
    """
    cache = vars(instance).setdefault("_prefetched_objects_cache", {})
    for name, rows in relations.items():
        for row in rows:
            _at_column_scale(row)
        queryset = getattr(instance, name).all()
        queryset._result_cache = list(rows)
        queryset._prefetch_done = True
        cache[name] = queryset


def _at_column_scale(row: models.Model) -> None:
    for field in row._meta.concrete_fields:
        if isinstance(field, models.DecimalField):
            value = getattr(row, field.attname)
            if value is not None:
                scale = Decimal(1).scaleb(-field.decimal_places)
                setattr(
                    row, field.attname, Decimal(value).quantize(scale, rounding=ROUND_HALF_UP)
                )  # as PostgreSQL rounds
