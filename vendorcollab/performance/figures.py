"""What the vendor performance pages, exports and API show (DESIGN.md section 13): the figures of one vendor
account over one period, or of one month.

This is the contract between the computation (``performance.selectors``, from the facts the services keep) and the
faces (pages, charts, CSV/Excel, the API): counts and sums as computed, shares derived here, so that every face
rounds and divides the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0")
HUNDRED = Decimal("100")


def share(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """``part`` of ``whole`` in percent, one decimal (half up); None when there is nothing to measure."""
    if not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Figures:
    """The performance of one vendor account (or of every vendor together) over a period or one month."""

    # Answers: one per version the vendor answered, counted in the month it answered. Response time is from the
    # version's sending to the answer, in hours (median and 90th percentile, interpolated as percentile_cont).
    responses: int = 0
    response_median_hours: Decimal | None = None
    response_p90_hours: Decimal | None = None
    accepted: int = 0
    accepted_with_changes: int = 0
    rejected: int = 0
    # Lines of those answers, and those the vendor changed, by kind. A "change" line may change both quantity and
    # date and then counts in both.
    lines_answered: int = 0
    lines_quantity_changed: int = 0
    lines_date_changed: int = 0
    lines_split: int = 0
    lines_substituted: int = 0
    lines_rejected: int = 0
    # Deliveries: each receipt line's quantity set against the confirmed delivery date it fills (the earliest open
    # schedule line of a split first), counted in the month it was received; on time within the company's
    # ``delivery_tolerance_days`` either side of the confirmed date, early before, late after.
    deliveries: int = 0
    on_time: int = 0
    early: int = 0
    late: int = 0
    # Quantity accuracy: over the confirmed lines (or schedule lines) due in the period and not cancelled, what was
    # received against what was confirmed (never above 100 %: receipts cannot exceed the confirmed quantity).
    quantity_confirmed: Decimal = ZERO
    quantity_received: Decimal = ZERO
    lines_due: int = 0
    lines_in_full: int = 0
    # Ship notices: received ones, counted in the month received; on time when received no later than the notice's
    # expected delivery date plus the company's tolerance.
    notices: int = 0
    notices_on_time: int = 0

    @property
    def lines_changed(self) -> int:
        """Changes by kind added up (a line whose quantity and date both changed counts twice), as the ranking and
        its export show them beside ``lines_answered``."""
        return self.lines_quantity_changed + self.lines_date_changed + self.lines_split + self.lines_substituted

    @property
    def accepted_share(self) -> Decimal | None:
        return share(self.accepted, self.responses)

    @property
    def changed_share(self) -> Decimal | None:
        return share(self.accepted_with_changes, self.responses)

    @property
    def rejected_share(self) -> Decimal | None:
        return share(self.rejected, self.responses)

    @property
    def on_time_share(self) -> Decimal | None:
        return share(self.on_time, self.deliveries)

    @property
    def early_share(self) -> Decimal | None:
        return share(self.early, self.deliveries)

    @property
    def late_share(self) -> Decimal | None:
        return share(self.late, self.deliveries)

    @property
    def quantity_accuracy(self) -> Decimal | None:
        return share(self.quantity_received, self.quantity_confirmed)

    @property
    def in_full_share(self) -> Decimal | None:
        return share(self.lines_in_full, self.lines_due)

    @property
    def notices_on_time_share(self) -> Decimal | None:
        return share(self.notices_on_time, self.notices)


@dataclass(frozen=True)
class Period:
    """Whole months, ``start`` and ``end`` each the first day of a month, both included."""

    start: date
    end: date


@dataclass(frozen=True)
class PerformanceFilter:
    period: Period
    company_id: int | None = None
    # Only POs with a line of this item (answers), only lines of this item (deliveries, accuracy, notices).
    item_id: int | None = None


@dataclass(frozen=True)
class VendorFigures:
    """One row of the buyer's ranking."""

    vendor_id: int
    vendor_number: str
    vendor_name: str
    company_id: int
    company_code: str
    figures: Figures


@dataclass(frozen=True)
class Bucket:
    """One bar of a distribution: its label (already translated), its bounds for export, and its count."""

    label: str
    count: int
    low: Decimal | None = None
    high: Decimal | None = None


@dataclass(frozen=True)
class VendorPerformance:
    """One vendor account's page: the period's figures, one ``Figures`` per month of the period (every month,
    empty ones included, oldest first), and two distributions: response times and days early or late."""

    vendor_id: int
    total: Figures
    months: list[tuple[date, Figures]] = field(default_factory=list)
    response_time_distribution: list[Bucket] = field(default_factory=list)
    delivery_days_distribution: list[Bucket] = field(default_factory=list)
