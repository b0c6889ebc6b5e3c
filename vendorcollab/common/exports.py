"""Lists as files: CSV or Excel, the same rows and columns as the page, every filter honoured, no paging.

Rows are streamed from the database in chunks and written as they come, so a long list never sits in memory whole.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from openpyxl import Workbook

FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class Column:
    title: str | Promise
    value: Callable[[Any], Any]


def _cell(value: Any) -> Any:
    """A cell: aware datetimes in local time, translatable text as text, nothing as empty."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, Promise):
        return str(value)
    return "" if value is None else value


def _csv_text(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def export_response(rows: Iterable[Any], columns: Sequence[Column], *, fmt: str, filename: str) -> HttpResponse:
    """An attachment with ``rows`` in ``fmt`` ("csv" or "xlsx"); numbers stay numbers in Excel."""
    header = [str(column.title) for column in columns]
    values = ([_cell(column.value(row)) for column in columns] for row in rows)
    if fmt == "xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append(header)
        for line in values:
            sheet.append(line)
        buffer = BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    else:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response.write("\ufeff")  # so that spreadsheet programs read the file as UTF-8
        writer = csv.writer(response)
        writer.writerow(header)
        for line in values:
            writer.writerow([_csv_text(cell) for cell in line])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def streamed(rows: Any, chunk_size: int = 1000) -> Iterable[Any]:
    """Rows of a queryset in chunks (``select_related`` is kept; ``prefetch_related`` needs a chunk size)."""
    return rows.iterator(chunk_size=chunk_size)
