"""Table rows of the busiest list pages written in Python rather than the template language.

A row in the template language is some forty nodes (conditions, translations, filters, URL lookups, an include per
badge); 25 of them were half of a list's time. The lists that write their rows here (``purchasing.list_rows``,
``shipping.list_rows``) write the same markup from plain strings, every value escaped on the way in (``text``),
rather than through ``format_html``, which checks each argument for lazy text and makes a ``SafeString`` per call.
Whatever a page's rows share (URLs, labels, date formats, badges) is looked up once per page.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from django.db.models import Choices
from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.utils.formats import get_format

# Reversed in place of a row's id, then replaced by it (``url_pattern``): larger than any id a row will have.
PLACEHOLDER = 987_654_321


def text(value: Any) -> str:
    """``value`` as HTML, as ``format_html`` puts an argument: escaped, unless it is markup already (``__html__``)."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))


def cell(label: str, content: str, css: str = "") -> str:
    """A cell with the column's label for phones; ``label`` is escaped already, ``content`` is markup."""
    if css:
        return f'<td data-label="{label}" class="{css}">{content}</td>'
    return f'<td data-label="{label}">{content}</td>'


def badge(value: str, label: str) -> str:
    """The ``badge`` tag's pill (``common.templatetags.vc.badge``)."""
    return f'<span class="badge badge-{text(value)}">{text(label)}</span>'


def choice_badge(choices: type[Choices]) -> Callable[[str], str]:
    """The badge of a value of ``choices`` (a status, a kind) with its translated label, each written once per page;
    a value the choices do not know shows as itself, as ``get_FOO_display`` shows it."""
    written = {value: badge(value, str(label)) for value, label in choices.choices}

    def write(value: str) -> str:
        return written.get(value) or badge(value, value)

    return write


def labels(**wanted: str) -> dict[str, str]:
    """Column labels, translated by the caller, escaped once for every row."""
    return {key: text(label) for key, label in wanted.items()}


def url_pattern(name: str, arguments: int) -> str:
    """The escaped URL of ``name`` with ``{0}``, ``{1}``… where its integer arguments go, for ``str.format``: reversed
    with numbers no id reaches, which are then replaced."""
    markers = [str(PLACEHOLDER + index) for index in range(arguments)]
    url = text(reverse(name, args=markers))
    for index, marker in enumerate(markers):
        url = url.replace(marker, f"{{{index}}}")
    return url


def short_dates() -> Callable[[Any], str]:
    """The ``date`` filter with ``SHORT_DATE_FORMAT`` for dates (no time zone to apply), escaped; each date written
    once per page (rows repeat them); empty for no date."""
    short_format = get_format("SHORT_DATE_FORMAT")
    written: dict[Any, str] = {}

    def write(value: Any) -> str:
        if value not in written:
            written[value] = text(date_format(value, short_format)) if value else ""
        return written[value]

    return write
