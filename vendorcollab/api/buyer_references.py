"""Turning the ids of a buyer's request into objects: every unknown reference refused at once, on its own field.

Only existence is checked here. Whether a reference fits (an item of the PO's company, a warehouse of the chosen
site) is the service's rule, and its refusal names the same field.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _

from vendorcollab.api.errors import ApiErrorCode
from vendorcollab.common.errors import FieldErrors

M = TypeVar("M", bound=Model)

UNKNOWN = _("There is no such object, or it belongs to another company.")


class References:
    def __init__(self) -> None:
        self.errors = FieldErrors({ApiErrorCode.UNKNOWN: UNKNOWN})

    def one(self, rows: QuerySet[M], pk: int, path: str) -> M | None:
        found = rows.filter(pk=pk).first()
        if found is None:
            self.errors.add(path, ApiErrorCode.UNKNOWN)
        return found

    def many(self, rows: QuerySet[M], pks: Iterable[int | None]) -> dict[int, M]:
        """The objects with these ids, in one query; the caller reports the missing ones with ``missing``."""
        wanted = {pk for pk in pks if pk is not None}
        return rows.in_bulk(wanted) if wanted else {}

    def missing(self, path: str) -> None:
        self.errors.add(path, ApiErrorCode.UNKNOWN)

    def raise_if_any(self) -> None:
        self.errors.raise_if_any()
