"""Lists as files: CSV or Excel, the same rows and columns as the page, every filter honoured, no paging.

Rows are streamed from the database in chunks and written as they come, so a long list never sits in memory whole.

No cell ever carries a live formula (OWASP's CSV injection advice): stored text that a spreadsheet would read as one
(``=HYPERLINK(...)``, ``+1+1``, ``@SUM(A1)``) is written as text, whoever typed it and however old the row.
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
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

FORMATS = ("csv", "xlsx")

# The first characters that make a spreadsheet program evaluate a cell instead of showing it (OWASP).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


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


def csv_safe(value: Any) -> Any:
    """Text that a spreadsheet would evaluate, prefixed with a single quote so that it shows as typed; numbers and
    dates untouched (a negative amount is a number, not text to defuse)."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def excel_cell(sheet: WriteOnlyWorksheet, value: Any) -> WriteOnlyCell:
    """A cell typed by its value: text is always a string cell, never a formula (openpyxl reads a leading ``=`` as
    one), and loses the control characters an Excel file cannot hold, so an old stored row cannot break the file."""
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
        cell.data_type = "s"
        return cell
    return WriteOnlyCell(sheet, value=value)


def _csv_text(value: Any) -> Any:
    if isinstance(value, str):
        return csv_safe(value)
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
        sheet.append([excel_cell(sheet, title) for title in header])
        for line in values:
            sheet.append([excel_cell(sheet, cell) for cell in line])
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
