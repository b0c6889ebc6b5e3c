"""Measuring a document as WeasyPrint laid it out: where each column header prints its words, so that tests can
check that no header runs into another and that a table stays on the page."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Any

from weasyprint.formatting_structure.boxes import TableBox, TableCellBox, TextBox

# WeasyPrint lays out in CSS pixels; a rounding error is far below this.
EPSILON = 0.01


@dataclass(frozen=True)
class Rect:
    text: str
    left: float
    top: float
    right: float
    bottom: float

    def overlaps(self, other: Rect) -> bool:
        return (
            self.left < other.right - EPSILON
            and other.left < self.right - EPSILON
            and self.top < other.bottom - EPSILON
            and other.top < self.bottom - EPSILON
        )


def header_cells(box: Any) -> list[tuple[TableCellBox, list[Rect]]]:
    """The column header cells (``<th scope="col">``) inside ``box`` (a page's box or a table's), each with the
    boxes of the text it prints."""
    cells = []
    for cell in box.descendants():
        if isinstance(cell, TableCellBox) and cell.element_tag == "th" and cell.element.get("scope") == "col":
            texts = [
                Rect(
                    text.text,
                    text.position_x,
                    text.position_y,
                    text.position_x + text.width,
                    text.position_y + text.height,
                )
                for text in cell.descendants()
                if isinstance(text, TextBox) and text.text.strip()
            ]
            cells.append((cell, texts))
    return cells


def assert_headers_apart(cells: list[tuple[TableCellBox, list[Rect]]]) -> None:
    """Every header prints its words inside its own cell, no two headers' words overlap, and a header breaks only
    between words, never inside one ("HOEVEELHEID", not "HOEVEEL" over "HEID")."""
    for cell, texts in cells:
        assert texts, "every header prints its word"
        left, right = cell.border_box_x(), cell.border_box_x() + cell.border_width()
        for text in texts:
            assert left - EPSILON <= text.left and text.right <= right + EPSILON, (
                f"{text.text!r} ({text.left:.1f}-{text.right:.1f}) leaves its cell ({left:.1f}-{right:.1f})"
            )
            assert not text.text.rstrip().endswith(("-", "\u00ad")), f"{text.text!r} breaks inside a word"
    printed = [(index, text) for index, (_, texts) in enumerate(cells) for text in texts]
    for (first_cell, first), (second_cell, second) in combinations(printed, 2):
        assert first_cell == second_cell or not first.overlaps(second), f"{first.text!r} overlaps {second.text!r}"


def tables(page: Any, css_class: str) -> list[TableBox]:
    """The tables of ``page`` with ``css_class``."""
    return [
        box
        for box in page._page_box.descendants()
        if isinstance(box, TableBox) and css_class in (box.element.get("class") or "").split()
    ]


def page_right(page: Any) -> float:
    """Where the page's content area ends on the right: nothing printed may pass it."""
    return float(page._page_box.content_box_x() + page._page_box.width)
