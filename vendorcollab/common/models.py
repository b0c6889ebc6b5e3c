"""Shared model building blocks: append-only records and gap-free number sequences."""

from __future__ import annotations

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
