"""The charts draw what the figures say: points and bars where the numbers put them, gaps for empty months, the
reader's language and number format, and a table of the same numbers."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from vendorcollab.performance import charts
from vendorcollab.performance.figures import Bucket, Figures

SVG = "{http://www.w3.org/2000/svg}"
MONTHS = [date(2026, month, 1) for month in (1, 2, 3, 4)]


def parsed(chart: charts.Chart) -> ET.Element:
    return ET.fromstring(str(chart.svg))


def delivered(deliveries: int, on_time: int, confirmed: str = "0", received: str = "0") -> Figures:
    return Figures(
        deliveries=deliveries,
        on_time=on_time,
        quantity_confirmed=Decimal(confirmed),
        quantity_received=Decimal(received),
    )


def y_of(value: Decimal, top: Decimal) -> float:
    return charts.PLOT_BOTTOM - float(value / top) * charts.PLOT_HEIGHT


def points_of(root: ET.Element, series: int) -> list[tuple[Decimal, float]]:
    """(value, drawn y) of each marker of a series of a line chart."""
    group = root.find(f".//{SVG}g[@data-series='{series}']")
    assert group is not None
    found = []
    for point in group.findall(f"{SVG}g[@data-value]"):
        marker = point[0]
        y = float(marker.get("cy") or 0) if marker.tag == f"{SVG}circle" else float(marker.get("y") or 0) + 4
        found.append((Decimal(point.get("data-value") or "0"), y))
    return found


def test_the_delivery_trend_puts_each_share_at_its_height_and_leaves_empty_months_out():
    months = [
        (MONTHS[0], delivered(4, 3, "100", "90")),  # 75.0 % on time, 90.0 % accuracy
        (MONTHS[1], Figures()),  # nothing delivered, nothing due: a gap
        (MONTHS[2], delivered(2, 2, "50", "50")),  # 100 %, 100 %
        (MONTHS[3], delivered(5, 1)),  # 20 % on time, nothing due: accuracy has a gap here
    ]
    chart = charts.delivery_trend(months)
    root = parsed(chart)

    on_time = points_of(root, 1)
    assert [value for value, _y in on_time] == [Decimal("75.0"), Decimal("100.0"), Decimal("20.0")]
    for value, y in on_time:
        assert abs(y - y_of(value, Decimal(100))) < 0.1
    accuracy = points_of(root, 2)
    assert [value for value, _y in accuracy] == [Decimal("90.0"), Decimal("100.0")]
    assert abs(accuracy[0][1] - y_of(Decimal(90), Decimal(100))) < 0.1

    # The line breaks at the empty month: two segments, the first a lone point (no "L" in it), never a drop to 0.
    on_time_line = root.find(f".//{SVG}g[@data-series='1']/{SVG}path")
    assert on_time_line is not None
    segments = re.findall(r"M[^M]+", on_time_line.get("d") or "")
    assert len(segments) == 1 and segments[0].count("L") == 1  # March to April; January stands alone
    assert str(charts.PLOT_BOTTOM) not in (on_time_line.get("d") or "").split()

    assert chart.table.headers[1:] == ["Deliveries", "On time", "Quantity accuracy"]
    assert chart.table.rows[0][1] == ["4", "75.0%", "90.0%"]
    assert chart.table.rows[1][1] == ["0", "", ""]  # an empty month says nothing, not 0 %
    assert not chart.empty


def test_the_response_trend_draws_bars_in_proportion_and_none_for_a_month_without_answers():
    months = [
        (MONTHS[0], Figures(responses=3, response_median_hours=Decimal("12.0"), response_p90_hours=Decimal("30"))),
        (MONTHS[1], Figures()),
        (MONTHS[2], Figures(responses=1, response_median_hours=Decimal("36.5"), response_p90_hours=Decimal("36.5"))),
    ]
    chart = charts.response_trend(months)
    bars = parsed(chart).findall(f".//{SVG}rect[@class='chart-bar']")
    assert [Decimal(bar.get("data-value") or "") for bar in bars] == [Decimal("12.0"), Decimal("36.5")]
    top = Decimal(50)  # 36.5 rounds up to the axis' 50
    for bar in bars:
        height = float(bar.get("height") or 0)
        assert abs(height - float(Decimal(bar.get("data-value") or "") / top) * charts.PLOT_HEIGHT) < 0.1
    # February has no bar: the two bars stand in the first and third column.
    xs = [float(bar.get("x") or 0) + float(bar.get("width") or 0) / 2 for bar in bars]
    centres = charts._column_centres(3)
    assert abs(xs[0] - centres[0]) < 0.1 and abs(xs[1] - centres[2]) < 0.1
    assert chart.table.rows[1][1] == ["0", "", ""]
    assert chart.table.rows[2][1] == ["1", "36.5 h", "36.5 h"]


def test_a_distribution_has_one_bar_per_bucket_in_proportion_and_a_zero_bucket_is_flat():
    buckets = [
        Bucket("Under 1 day", 6, None, Decimal(24)),
        Bucket("1 to 3 days", 0, Decimal(24), Decimal(72)),
        Bucket("3 days or more", 3, Decimal(72), None),
    ]
    chart = charts.response_distribution(buckets)
    root = parsed(chart)
    bars = root.findall(f".//{SVG}rect[@class='chart-bar']")
    full = charts.BAR_RIGHT - charts.BAR_LEFT  # the axis runs to 10, the nice maximum above 6
    widths = [float(bar.get("width") or 0) for bar in bars]
    assert widths == pytest.approx([0.6 * full, 0.0, 0.3 * full], abs=0.1)
    assert [bar.get("data-value") for bar in bars] == ["6", "0", "3"]
    labels = [text.text for text in root.findall(f".//{SVG}text[@class='chart-label']")]
    assert labels == ["Under 1 day", "1 to 3 days", "3 days or more"]
    assert chart.table.rows == [("Under 1 day", ["6"]), ("1 to 3 days", ["0"]), ("3 days or more", ["3"])]
    assert not chart.empty


def test_empty_data_draws_an_empty_frame_that_says_so():
    months = [(month, Figures()) for month in MONTHS]
    for chart in (charts.delivery_trend(months), charts.response_trend(months)):
        root = parsed(chart)
        assert chart.empty
        assert root.findall(f".//{SVG}rect[@class='chart-bar']") == []
        assert root.findall(f".//{SVG}path[@class='chart-line']") == []
    assert charts.response_distribution([Bucket("< 1 d", 0)]).empty
    assert charts.delivery_trend([]).empty  # a period without months (never from the selectors) does not fail


def test_the_svg_is_an_image_named_by_its_title_and_escapes_text():
    chart = charts.delivery_days_distribution([Bucket("<b>late</b>", 1)])
    root = parsed(chart)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == f"{chart.key}-title"
    title = root.find(f"{SVG}title")
    assert title is not None and title.get("id") == f"{chart.key}-title" and title.text == "Days early or late"
    assert "<b>" not in str(chart.svg)  # a bucket label is text, never markup
    assert root.get("viewBox") == f"0 0 {charts.WIDTH} {12 + charts.ROW_HEIGHT}"  # one row per bucket
    assert root.get("style") is None and "style=" not in str(chart.svg)  # the CSP allows no style attribute


def test_labels_and_numbers_are_in_the_readers_language():
    months = [(date(2026, 3, 1), delivered(8, 7, "10", "9.5")), (date(2026, 5, 1), Figures())]
    with translation.override("nl"):
        chart = charts.delivery_trend(months)
        svg = str(chart.svg)
    assert "Leveringen op tijd en hoeveelheidsnauwkeurigheid per maand" in svg
    assert ">Mrt<" in svg and ">Mei<" in svg  # Dutch month names
    assert "87,5%" in svg and "95,0%" in svg  # a decimal comma
    assert chart.table.headers == ["Maand", "Afleveringen", "Op tijd", "Hoeveelheidsnauwkeurigheid"]
    assert chart.table.rows[0] == ("maart 2026", ["8", "87,5%", "95,0%"])
    with translation.override("en"):
        english = str(charts.delivery_trend(months).svg)
    assert ">Mar<" in english and "87.5%" in english


def test_more_than_a_year_labels_every_other_month_and_each_january_with_its_year():
    months = [(date(2025 + (index // 12), index % 12 + 1, 1), Figures()) for index in range(18)]
    root = parsed(charts.delivery_trend(months))
    labels = [text.text for text in root.findall(f".//{SVG}g[@class='chart-labels']/{SVG}text")]
    assert labels.count("2025") == 1 and labels.count("2026") == 1
    assert len([label for label in labels if label and not label.isdigit()]) == 9


def test_nice_maximum():
    assert charts.nice_maximum(Decimal(0)) == 1
    assert charts.nice_maximum(Decimal("0.4")) == 1
    assert charts.nice_maximum(Decimal(7)) == 10
    assert charts.nice_maximum(Decimal(12)) == 20
    assert charts.nice_maximum(Decimal("36.5")) == 50
    assert charts.nice_maximum(Decimal(100)) == 100
    assert charts.nice_maximum(Decimal(101)) == 200
