"""The input rules every service applies to what a person, an ERP or a document stores: text, identifiers, lengths,
counts, dates and amounts, with one table of limits; and the one helper that makes stored text safe for XML output.

The services call these and raise ``ValidationFailed`` with the field named, so a page, the API and an imported
document refuse the same thing with the same code. Forms and schemas may repeat a limit for comfort, never instead.

- **Single-line text** (names, descriptions, references): no C0 or C1 control character (NUL, tab and line breaks
  included), no U+FFFE or U+FFFF. PostgreSQL cannot store NUL at all, and XML 1.0 cannot hold the other controls.
- **Multi-line text** (notes, reasons, addresses): the same, except that tab, line feed and carriage return are
  allowed.
- **Identifiers** (PO, invoice, item, vendor numbers; company, site, warehouse and charge codes): letters and digits
  of any script, space, and ``- _ . / # : + ( ) &``. That admits every order, line and item ID of the PEPPOL
  ordering examples and of the demo data, and keeps an identifier safe in a file name, a URL and a CSV cell.
- **Dates** a person chooses (delivery, expected and schedule dates): from 2000-01-01 to ten years after today.
  Dates that record a fact (an order's issue date, a receipt's date) only need to be plausible, as a document may
  be dated by a clock other than ours: from 2000-01-01 to 2099-12-31.
"""

from __future__ import annotations

import datetime
import enum
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from vendorcollab.common.errors import CommonErrorCode

from .errors import FieldErrors

# The codes of these rules, merged into each app's catalogue. Codes are part of the API contract: never rename one.
MESSAGES: dict[str, Promise] = {
    CommonErrorCode.CONTROL_CHARACTER: _(
        "This text contains a character that cannot be stored: a control character, or a tab or line break "
        "where only one line is allowed."
    ),
    CommonErrorCode.IDENTIFIER_CHARACTERS: _(
        "Use only letters, digits, spaces and the characters - _ . / # : + ( ) &."
    ),
    CommonErrorCode.TEXT_TOO_LONG: _("Enter at most %(limit)s characters (this has %(length)s)."),
    CommonErrorCode.TOO_MANY_ROWS: _("Enter at most %(limit)s rows (this has %(count)s)."),
    CommonErrorCode.NUMBER_OUT_OF_RANGE: _(
        "Enter a number with at most %(whole)s digits before the decimal point and %(places)s after it."
    ),
    CommonErrorCode.DATE_OUT_OF_RANGE: _("Enter a date between %(earliest)s and %(latest)s."),
    CommonErrorCode.TOTAL_TOO_LARGE: _(
        "The total of the purchase order is larger than the portal can keep. Split it over more orders."
    ),
}


class Limit(enum.IntEnum):
    """Every length and count limit of the input rules, in one place. Lengths are characters."""

    IDENTIFIER = 30  # PO and invoice numbers (the PO number column)
    ITEM_NUMBER = 40  # an item number of the master data
    EXTERNAL_ITEM_NUMBER = 60  # the vendor's own item number for a substitute
    ENDPOINT_SCHEME = 10  # a PEPPOL participant identifier scheme (0088, 0192, …)
    ENDPOINT_ID = 100
    EMAIL = 254
    CODE = 20  # company, site, warehouse and charge codes
    UNIT = 10
    NAME = 200  # names of companies, vendors, items, sites, warehouses, people
    DIMENSION = 40  # colour, size, style, configuration
    DESCRIPTION = 300  # a line's description, a substitute's description
    CHARGE_DESCRIPTION = 200
    REFERENCE = 100  # the vendor's own order reference, a token's name
    NOTE = 4000  # a note, a line note, a response note, a reason, an address
    LINES_PER_ORDER = 500  # lines of one purchase order or replenishment order
    CHARGES_PER_ORDER = 100
    SCHEDULE_ROWS = 50  # delivery schedule rows of one split line


class Kind(enum.Enum):
    LINE = "line"
    MULTILINE = "multiline"
    IDENTIFIER = "identifier"


# C0 controls, DEL and C1 controls, and the two noncharacters XML and many parsers refuse.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ufffe\uffff]")
_CONTROL_EXCEPT_LAYOUT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
# Letters and digits of any script and the underscore (\w), space, and - . / # : + ( ) &.
_IDENTIFIER = re.compile(r"[\w \-./#:+()&]*")

# The (whole digits, decimal places) of the decimal columns: quantities (16, 4), prices (18, 4), amounts (20, 2).
# Narrower than the columns: SQLite keeps decimals as floats, exact to 15 significant digits.
QUANTITY_DIGITS = (11, 4)
PRICE_DIGITS = (11, 4)
AMOUNT_DIGITS = (13, 2)
# A total must fit the 20-digit, 2-place amount column of the versions it is frozen into.
TOTAL_LIMIT = Decimal(10) ** 18
EARLIEST_DATE = datetime.date(2000, 1, 1)
LATEST_RECORDED_DATE = datetime.date(2099, 12, 31)
YEARS_AHEAD = 10


def text_problem(value: str, kind: Kind = Kind.LINE, limit: int | None = None) -> tuple[str, dict[str, Any]] | None:
    """The code and parameters of what is wrong with ``value``, or None."""
    pattern = _CONTROL_EXCEPT_LAYOUT if kind is Kind.MULTILINE else _CONTROL
    if pattern.search(value):
        return CommonErrorCode.CONTROL_CHARACTER, {}
    if kind is Kind.IDENTIFIER and not _IDENTIFIER.fullmatch(value):
        return CommonErrorCode.IDENTIFIER_CHARACTERS, {}
    if limit is not None and len(value) > limit:
        return CommonErrorCode.TEXT_TOO_LONG, {"limit": limit, "length": len(value)}
    return None


def check_text(
    errors: FieldErrors, path: str, value: str | None, kind: Kind = Kind.LINE, limit: int | None = None
) -> None:
    """Add the field's error to ``errors`` when ``value`` breaks the rule of its kind or its length limit."""
    if value:
        problem = text_problem(value, kind, limit)
        if problem is not None:
            errors.add(path, problem[0], **problem[1])


def check_texts(errors: FieldErrors, fields: Mapping[str, tuple[str | None, Kind, int]]) -> None:
    """``check_text`` for several fields: ``{"number": (number, Kind.IDENTIFIER, Limit.IDENTIFIER), ...}``."""
    for path, (value, kind, limit) in fields.items():
        check_text(errors, path, value, kind, limit)


def check_nested_text(errors: FieldErrors, path: str, value: Any, limit: int = Limit.NOTE) -> None:
    """Every string inside a JSON-like value (a saved draft): multi-line text within ``limit``."""
    if isinstance(value, str):
        check_text(errors, path, value, Kind.MULTILINE, limit)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            check_text(errors, path, str(key), Kind.LINE, Limit.NAME)
            check_nested_text(errors, f"{path}.{key}" if path else str(key), item, limit)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            check_nested_text(errors, f"{path}.{index}" if path else str(index), item, limit)


def check_count(errors: FieldErrors, path: str, rows: Iterable[object], limit: int) -> None:
    count = len(list(rows))
    if count > limit:
        errors.add(path, CommonErrorCode.TOO_MANY_ROWS, limit=limit, count=count)


def date_window(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The earliest and latest date a person may choose for a delivery or an expected arrival."""
    today = today or timezone.localdate()
    try:
        latest = today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:  # 29 February
        latest = today.replace(year=today.year + YEARS_AHEAD, day=28)
    return EARLIEST_DATE, latest


def check_date(errors: FieldErrors, path: str, value: datetime.date | None, *, recorded: bool = False) -> None:
    """A chosen date within ``date_window()``; with ``recorded``, a date of a fact within this century."""
    if value is None:
        return
    earliest, latest = (EARLIEST_DATE, LATEST_RECORDED_DATE) if recorded else date_window()
    if not earliest <= value <= latest:
        errors.add(path, CommonErrorCode.DATE_OUT_OF_RANGE, earliest=earliest.isoformat(), latest=latest.isoformat())


def check_decimal(errors: FieldErrors, path: str, value: Decimal | None, digits: tuple[int, int]) -> None:
    """A number must fit its column: at most ``digits`` whole digits and decimal places, and be finite."""
    if value is None:
        return
    whole, places = digits
    if not value.is_finite() or abs(value) >= Decimal(10) ** whole or value != round(value, places):
        errors.add(path, CommonErrorCode.NUMBER_OUT_OF_RANGE, whole=whole, places=places)


def check_total(errors: FieldErrors, path: str, total: Decimal) -> None:
    if abs(total) >= TOTAL_LIMIT:
        errors.add(path, CommonErrorCode.TOTAL_TOO_LARGE)


# What XML 1.0 cannot hold (its Char production), replaced at the output boundary.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str, replacement: str = "\ufffd") -> str:
    """``text`` with every character XML 1.0 cannot hold replaced, for rows stored before the input rules existed.

    Used where stored text leaves the portal (UBL documents, the PDF): an old row must never make its document
    unreachable.
    """
    return _NOT_XML.sub(replacement, text)
