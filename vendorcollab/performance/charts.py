"""The vendor performance charts as server-rendered SVG, each with the table of its numbers.

No JavaScript and no outside assets: the SVG is written inline in the page, sized by its ``viewBox`` so that it
scales down to a 375 px phone, coloured by classes whose colours come from the portal's CSS variables
(``performance/charts.css``: the Content-Security-Policy allows no style attribute). Every text is in the reader's
language and number format. The SVG is an image with a title for sighted readers; the table beside it is what a
screen reader reads, and what a person copies.

A month without anything to measure is a gap (no point, no bar), never a zero: "nothing delivered" is not "nothing
on time".
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import formats
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .figures import Bucket, Figures

# The drawing's own coordinates; the page scales it to the width it has (``width: 100%`` in charts.css). Narrow on
# purpose, with large text (16 units, charts.css): on a 375 px phone the drawing is about 320 px wide and its text
# still about 11 px high.
WIDTH = 480
HEIGHT = 250
PLOT_LEFT = 58
PLOT_RIGHT = WIDTH - 10
PLOT_TOP = 38
PLOT_BOTTOM = HEIGHT - 46
PLOT_HEIGHT = PLOT_BOTTOM - PLOT_TOP
PLOT_WIDTH = PLOT_RIGHT - PLOT_LEFT
HUNDRED = Decimal(100)


# --- numbers as the reader reads them -------------------------------------------------------------------------------


def number_text(value: Decimal | int | None, places: int = 1) -> str:
    """A number in the reader's format ("12.5" / "12,5"); empty for nothing."""
    if value is None:
        return ""
    return formats.number_format(value, decimal_pos=places if isinstance(value, Decimal) else 0, use_l10n=True)


def percent_text(value: Decimal | None) -> str:
    if value is None:
        return ""
    return _("%(value)s%%") % {"value": number_text(value)}


def hours_text(value: Decimal | None) -> str:
    if value is None:
        return ""
    return _("%(value)s h") % {"value": number_text(value)}


def month_label(month: date) -> str:
    """The month's short name in the reader's language ("Mar" / "mrt")."""
    return formats.date_format(month, "M")


def month_and_year(month: date) -> str:
    return formats.date_format(month, "YEAR_MONTH_FORMAT")


# --- what a page shows ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    """One line or set of bars: its name (the legend and the table's column) and its values, None for a gap."""

    name: str
    values: list[Decimal | None]
    text: Callable[[Decimal | None], str]


@dataclass(frozen=True)
class ChartTable:
    """The numbers of a chart: one row per month or bucket; empty cells are months with nothing to measure."""

    caption: str
    headers: list[str]
    rows: list[tuple[str, list[str]]]

    @property
    def labelled_rows(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """Each row's cells with their column's header, which a phone shows above each stacked cell."""
        return [(label, list(zip(self.headers[1:], cells, strict=True))) for label, cells in self.rows]


@dataclass(frozen=True)
class Chart:
    key: str  # the element ids of the chart and its table
    title: str
    svg: SafeString
    table: ChartTable
    empty: bool  # nothing at all to draw: the page says so instead of showing an empty frame


def _escape(text: str) -> str:
    return html.escape(text, quote=True)


def _coordinate(value: float) -> str:
    """A coordinate with at most one decimal, written the same in every locale (SVG reads only "12.5")."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def nice_maximum(largest: Decimal | int) -> Decimal:
    """The top of a count or hours axis: the largest value rounded up to 1, 2 or 5 times a power of ten."""
    if largest <= 0:
        return Decimal(1)
    power = Decimal(1)
    while power * 10 <= largest:
        power *= 10
    for step in (1, 2, 5, 10):
        if step * power >= largest:
            return step * power
    return 10 * power  # pragma: no cover - the loop above always returns


def _frame(key: str, title: str, body: list[str], legend: Sequence[Series] = ()) -> SafeString:
    """The SVG element: an image named by its title, the plot's body, and a legend above it when there are several
    series (each with its own marker shape, so that colour is never the only signal)."""
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{key}-title" '
        f'xmlns="http://www.w3.org/2000/svg" data-chart="{key}">',
        f'<title id="{key}-title">{_escape(title)}</title>',
    ]
    x = PLOT_LEFT
    for index, series in enumerate(legend, start=1):
        parts.append(f'<g class="chart-legend chart-series-{index}">')
        parts.append(_marker(index, x + 6, 15))
        parts.append(f'<text x="{x + 16}" y="20">{_escape(series.name)}</text></g>')
        x += 34 + 9 * len(series.name)
    parts.extend(body)
    parts.append("</svg>")
    # Every text above is escaped; numbers are written by this module.
    return mark_safe("".join(parts))


def _marker(index: int, x: float, y: float) -> str:
    """A circle for the first series, a square for the second, a diamond for a third."""
    cx, cy = _coordinate(x), _coordinate(y)
    if index == 1:
        return f'<circle class="chart-point" cx="{cx}" cy="{cy}" r="4"/>'
    if index == 2:
        return f'<rect class="chart-point" x="{_coordinate(x - 4)}" y="{_coordinate(y - 4)}" width="8" height="8"/>'
    return f'<path class="chart-point" d="M{cx} {_coordinate(y - 5)}l5 5-5 5-5-5z"/>'


def _y(value: Decimal, top: Decimal) -> float:
    return PLOT_BOTTOM - float(value / top) * PLOT_HEIGHT


def tick_steps(top: Decimal) -> int:
    """How many equal steps divide an axis topped at 1, 2 or 5 times a power of ten into round values."""
    return 4 if str(top.normalize()).lstrip("0.").startswith("2") else 5


def tick_text(value: Decimal) -> str:
    """An axis value: whole numbers without decimals ("100", not "100.0"), others with one."""
    return number_text(value, places=0 if value == value.to_integral_value() else 1)


def _axis(top: Decimal, text: Callable[[Decimal], str]) -> list[str]:
    """Horizontal grid lines at round values with those values on the left, the lowest one the base line."""
    steps = tick_steps(top)
    parts = ['<g class="chart-grid">']
    for step in range(steps + 1):
        value = top * step / steps
        y = _coordinate(_y(value, top))
        parts.append(f'<line x1="{PLOT_LEFT}" x2="{PLOT_RIGHT}" y1="{y}" y2="{y}"/>')
        parts.append(f'<text class="chart-tick" x="{PLOT_LEFT - 6}" y="{y}" dy="5" text-anchor="end">')
        parts.append(f"{_escape(text(value))}</text>")
    parts.append("</g>")
    return parts


def _column_centres(count: int) -> list[float]:
    width = PLOT_WIDTH / max(count, 1)
    return [PLOT_LEFT + width * (index + 0.5) for index in range(count)]


def _month_labels(months: Sequence[date], centres: Sequence[float]) -> list[str]:
    """Each month's short name under its column; the year under the first month and under every January. With more
    than twelve months every other name is left out, so that they do not run into each other at phone width."""
    parts = ['<g class="chart-labels">']
    stride = 1 if len(months) <= 12 else 2 if len(months) <= 24 else 3
    for index, (month, x) in enumerate(zip(months, centres, strict=True)):
        if index % stride == 0:
            parts.append(f'<text x="{_coordinate(x)}" y="{PLOT_BOTTOM + 19}" text-anchor="middle">')
            parts.append(f"{_escape(month_label(month))}</text>")
        if index == 0 or month.month == 1:
            parts.append(f'<text x="{_coordinate(x)}" y="{PLOT_BOTTOM + 38}" text-anchor="middle">{month.year}</text>')
    parts.append("</g>")
    return parts


def _lines(series: Sequence[Series], centres: Sequence[float], top: Decimal) -> list[str]:
    """Each series as a line through its points, broken where a month has no value (a gap, never a drop to 0)."""
    parts = []
    for index, one in enumerate(series, start=1):
        parts.append(f'<g class="chart-series chart-series-{index}" data-series="{index}">')
        segments: list[list[str]] = [[]]
        for value, x in zip(one.values, centres, strict=True):
            if value is None:
                segments.append([])
                continue
            segments[-1].append(f"{_coordinate(x)} {_coordinate(_y(value, top))}")
        path = "".join("M" + "L".join(points) for points in segments if len(points) > 1)
        if path:
            parts.append(f'<path class="chart-line" d="{path}"/>')
        for value, x in zip(one.values, centres, strict=True):
            if value is None:
                continue
            parts.append(f'<g data-value="{value}">{_marker(index, x, _y(value, top))}')
            parts.append(f"<title>{_escape(one.text(value))}</title></g>")
        parts.append("</g>")
    return parts


def _bars(values: Sequence[Decimal | None], centres: Sequence[float], top: Decimal, text: Callable) -> list[str]:
    """One bar per value; None draws nothing (a gap)."""
    width = PLOT_WIDTH / max(len(centres), 1) * 0.6
    parts = ['<g class="chart-series chart-series-1 chart-bars">']
    for value, x in zip(values, centres, strict=True):
        if value is None:
            continue
        y = _y(value, top)
        parts.append(
            f'<rect class="chart-bar" data-value="{value}" x="{_coordinate(x - width / 2)}" y="{_coordinate(y)}" '
            f'width="{_coordinate(width)}" height="{_coordinate(PLOT_BOTTOM - y)}">'
            f"<title>{_escape(text(value))}</title></rect>"
        )
    parts.append("</g>")
    return parts


# --- the four charts of a vendor's page -----------------------------------------------------------------------------


def delivery_trend(months: Sequence[tuple[date, Figures]]) -> Chart:
    """On-time delivery and quantity accuracy per month, in percent (a fixed 0-100 axis)."""
    key = "chart-delivery-trend"
    title = _("On-time delivery and quantity accuracy per month")
    series = [
        Series(_("On time"), [figures.on_time_share for _month, figures in months], percent_text),
        Series(_("Quantity accuracy"), [figures.quantity_accuracy for _month, figures in months], percent_text),
    ]
    centres = _column_centres(len(months))
    body = [
        *_axis(HUNDRED, lambda value: _("%(value)s%%") % {"value": tick_text(value)}),
        *_month_labels([month for month, _figures in months], centres),
        *_lines(series, centres, HUNDRED),
    ]
    table = ChartTable(
        caption=title,
        headers=[_("Month"), _("Deliveries"), series[0].name, series[1].name],
        rows=[
            (
                month_and_year(month),
                [
                    number_text(figures.deliveries),
                    percent_text(figures.on_time_share),
                    percent_text(figures.quantity_accuracy),
                ],
            )
            for month, figures in months
        ],
    )
    empty = all(value is None for one in series for value in one.values)
    return Chart(key, title, _frame(key, title, body, legend=series), table, empty)


def response_trend(months: Sequence[tuple[date, Figures]]) -> Chart:
    """The median response time per month, in hours, as bars."""
    key = "chart-response-trend"
    title = _("Median response time per month")
    values = [figures.response_median_hours for _month, figures in months]
    top = nice_maximum(max((value for value in values if value is not None), default=Decimal(0)))
    centres = _column_centres(len(months))
    body = [
        *_axis(top, lambda value: _("%(value)s h") % {"value": tick_text(value)}),
        *_month_labels([month for month, _figures in months], centres),
        *_bars(values, centres, top, hours_text),
    ]
    table = ChartTable(
        caption=title,
        headers=[_("Month"), _("Answers"), _("Median response time"), _("90th percentile")],
        rows=[
            (
                month_and_year(month),
                [
                    number_text(figures.responses),
                    hours_text(figures.response_median_hours),
                    hours_text(figures.response_p90_hours),
                ],
            )
            for month, figures in months
        ],
    )
    return Chart(key, title, _frame(key, title, body), table, all(value is None for value in values))


# Distributions are drawn as horizontal bars, one row per bucket: their labels ("More than 7 days early") are too
# long to stand under a column at phone width.
ROW_HEIGHT = 30
LABEL_WIDTH = 204
BAR_LEFT = LABEL_WIDTH + 8
BAR_RIGHT = WIDTH - 48  # room for the count after the longest bar


def distribution(key: str, title: str, label_header: str, buckets: Sequence[Bucket]) -> Chart:
    """Counts per bucket as horizontal bars; an empty bucket is a bar of length 0 (a real zero, unlike an empty
    month) with its count written beside it."""
    counts = [bucket.count for bucket in buckets]
    top = nice_maximum(max(counts, default=0))
    height = 12 + ROW_HEIGHT * len(buckets)
    parts = [
        f'<svg class="chart chart-distribution" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{key}-title" xmlns="http://www.w3.org/2000/svg" data-chart="{key}">',
        f'<title id="{key}-title">{_escape(title)}</title>',
        f'<g class="chart-grid"><line x1="{BAR_LEFT}" x2="{BAR_LEFT}" y1="4" y2="{height - 4}"/></g>',
        '<g class="chart-series chart-series-1 chart-bars">',
    ]
    for index, bucket in enumerate(buckets):
        y = 8 + ROW_HEIGHT * index
        length = float(Decimal(bucket.count) / top) * (BAR_RIGHT - BAR_LEFT)
        middle = _coordinate(y + ROW_HEIGHT / 2 - 2)
        parts.append(
            f'<text class="chart-label" x="{LABEL_WIDTH}" y="{middle}" dy="5" text-anchor="end">'
            f"{_escape(bucket.label)}</text>"
            f'<rect class="chart-bar" data-value="{bucket.count}" x="{BAR_LEFT}" y="{y + 3}" '
            f'width="{_coordinate(length)}" height="{ROW_HEIGHT - 10}"/>'
            f'<text class="chart-count" x="{_coordinate(BAR_LEFT + length + 6)}" y="{middle}" dy="5">'
            f"{_escape(number_text(bucket.count))}</text>"
        )
    parts.append("</g></svg>")
    table = ChartTable(
        caption=title,
        headers=[label_header, _("Count")],
        rows=[(bucket.label, [number_text(bucket.count)]) for bucket in buckets],
    )
    # Every text above is escaped; numbers are written by this module.
    return Chart(key, title, mark_safe("".join(parts)), table, not any(counts))


def response_distribution(buckets: Sequence[Bucket]) -> Chart:
    return distribution("chart-response-distribution", _("Response times"), _("Response time"), buckets)


def delivery_days_distribution(buckets: Sequence[Bucket]) -> Chart:
    return distribution("chart-delivery-days", _("Days early or late"), _("Days"), buckets)
