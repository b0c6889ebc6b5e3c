"""The vendor performance figures as CSV or Excel: the ranking (one row per vendor account) and one account's months.

Every count and share of ``Figures`` has its own column (the page folds some together), shares in percent with one
decimal, hours with one; an empty share (nothing to measure) is an empty cell, never 0.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from vendorcollab.common.exports import Column

from .figures import Figures


def figure_columns(figures_of: Callable[[Any], Figures]) -> list[Column]:
    def column(title: Any, read: Callable[[Figures], Any]) -> Column:
        return Column(title, lambda row: read(figures_of(row)))

    return [
        column(_("Answers"), lambda f: f.responses),
        column(_("Median response time (hours)"), lambda f: f.response_median_hours),
        column(_("90th percentile response time (hours)"), lambda f: f.response_p90_hours),
        column(_("Accepted as sent"), lambda f: f.accepted),
        column(_("Accepted with changes"), lambda f: f.accepted_with_changes),
        column(_("Rejected"), lambda f: f.rejected),
        column(_("Accepted as sent (%)"), lambda f: f.accepted_share),
        column(_("Accepted with changes (%)"), lambda f: f.changed_share),
        column(_("Rejected (%)"), lambda f: f.rejected_share),
        column(_("Lines answered"), lambda f: f.lines_answered),
        column(_("Lines with quantity changed"), lambda f: f.lines_quantity_changed),
        column(_("Lines with date changed"), lambda f: f.lines_date_changed),
        column(_("Lines split"), lambda f: f.lines_split),
        column(_("Lines substituted"), lambda f: f.lines_substituted),
        column(_("Lines rejected"), lambda f: f.lines_rejected),
        column(_("Deliveries"), lambda f: f.deliveries),
        column(_("On time"), lambda f: f.on_time),
        column(_("Early"), lambda f: f.early),
        column(_("Late"), lambda f: f.late),
        column(_("On time (%)"), lambda f: f.on_time_share),
        column(_("Early (%)"), lambda f: f.early_share),
        column(_("Late (%)"), lambda f: f.late_share),
        column(_("Quantity confirmed"), lambda f: f.quantity_confirmed),
        column(_("Quantity received"), lambda f: f.quantity_received),
        column(_("Quantity accuracy (%)"), lambda f: f.quantity_accuracy),
        column(_("Lines due"), lambda f: f.lines_due),
        column(_("Lines in full (%)"), lambda f: f.in_full_share),
        column(_("Ship notices received"), lambda f: f.notices),
        column(_("Ship notices on time (%)"), lambda f: f.notices_on_time_share),
    ]


def ranking_columns() -> list[Column]:
    return [
        Column(_("Vendor number"), lambda row: row.vendor_number),
        Column(_("Vendor"), lambda row: row.vendor_name),
        Column(_("Company"), lambda row: row.company_code),
        *figure_columns(lambda row: row.figures),
    ]


def month_columns() -> list[Column]:
    """Rows are ``(month, Figures)``: the month as its first day, a date cell in Excel."""
    return [Column(_("Month"), lambda row: row[0]), *figure_columns(lambda row: row[1])]


def month_rows(months: list[tuple[date, Figures]], total: Figures) -> list[tuple[date | str, Figures]]:
    """The months, then the period's total (whose percentiles are the period's own, not a mean of the months)."""
    return [*months, (str(_("Whole period")), total)]
