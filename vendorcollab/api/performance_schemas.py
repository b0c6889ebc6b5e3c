"""The shapes of the vendor performance endpoints (DESIGN.md section 13): the figures of ``performance.figures``,
counts as numbers, hours and shares (percent, one decimal) as strings, null where there is nothing to measure."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ninja import Field, Schema

from vendorcollab.partners.models import Vendor
from vendorcollab.performance.figures import Bucket, Figures, VendorFigures, VendorPerformance

from .schemas import Id, NoNullCharacters, OutSchema

MONTH = "A month as `YYYY-MM`, included."


class PeriodFilters(NoNullCharacters, Schema):
    # ``from`` is a Python keyword: the field has another name and takes the query's ``from`` as its alias.
    from_month: str = Field(
        "", alias="from", max_length=20, description=MONTH + " The 12 months to `to` when left out."
    )
    to: str = Field("", max_length=20, description=MONTH + " The current month when left out.")

    def params(self) -> dict[str, str]:
        """The filter as ``performance.selectors.parse_filter`` reads a query string."""
        return {"from": self.from_month, "to": self.to}


class VendorPerformanceFilters(PeriodFilters):
    vendor: Id | None = Field(None, description="Only this vendor account of yours.")


class BuyerPerformanceFilters(PeriodFilters):
    vendor: Id | None = Field(
        None, description="One vendor account: its figures with `months` and distributions instead of the ranking."
    )
    company: Id | None = Field(None, description="Only the vendor accounts of this company.")
    item: Id | None = Field(None, description="Only purchase orders and lines of this item.")
    order: str = Field(
        "on_time",
        description="The ranking's order, best first: `on_time`, `accuracy`, `response`, `changes` or `vendor`.",
    )

    def params(self) -> dict[str, str]:
        extra = {"company": self.company, "item": self.item}
        return {**super().params(), **{key: str(value) for key, value in extra.items() if value is not None}}


class FiguresOut(OutSchema):
    responses: int = Field(description="Answers to versions sent, counted in the month answered.")
    response_median_hours: Decimal | None = Field(description="From the version's sending to the answer.")
    response_p90_hours: Decimal | None
    accepted: int
    accepted_with_changes: int
    rejected: int
    accepted_share: Decimal | None = Field(description="Percent of the answers, one decimal.")
    accepted_with_changes_share: Decimal | None
    rejected_share: Decimal | None
    lines_answered: int
    lines_quantity_changed: int
    lines_date_changed: int
    lines_split: int
    lines_substituted: int
    lines_rejected: int
    deliveries: int = Field(description="Receipt lines, counted in the month received.")
    on_time: int = Field(description="Within the company's delivery tolerance of the confirmed date.")
    early: int
    late: int
    on_time_share: Decimal | None
    early_share: Decimal | None
    late_share: Decimal | None
    quantity_confirmed: Decimal
    quantity_received: Decimal
    quantity_accuracy: Decimal | None = Field(description="Received against confirmed, percent.")
    lines_due: int
    lines_in_full: int
    lines_in_full_share: Decimal | None
    notices: int = Field(description="Ship notices received.")
    notices_on_time: int
    notices_on_time_share: Decimal | None

    @classmethod
    def build(cls, figures: Figures) -> FiguresOut:
        return cls(
            responses=figures.responses,
            response_median_hours=figures.response_median_hours,
            response_p90_hours=figures.response_p90_hours,
            accepted=figures.accepted,
            accepted_with_changes=figures.accepted_with_changes,
            rejected=figures.rejected,
            accepted_share=figures.accepted_share,
            accepted_with_changes_share=figures.changed_share,
            rejected_share=figures.rejected_share,
            lines_answered=figures.lines_answered,
            lines_quantity_changed=figures.lines_quantity_changed,
            lines_date_changed=figures.lines_date_changed,
            lines_split=figures.lines_split,
            lines_substituted=figures.lines_substituted,
            lines_rejected=figures.lines_rejected,
            deliveries=figures.deliveries,
            on_time=figures.on_time,
            early=figures.early,
            late=figures.late,
            on_time_share=figures.on_time_share,
            early_share=figures.early_share,
            late_share=figures.late_share,
            quantity_confirmed=figures.quantity_confirmed,
            quantity_received=figures.quantity_received,
            quantity_accuracy=figures.quantity_accuracy,
            lines_due=figures.lines_due,
            lines_in_full=figures.lines_in_full,
            lines_in_full_share=figures.in_full_share,
            notices=figures.notices,
            notices_on_time=figures.notices_on_time,
            notices_on_time_share=figures.notices_on_time_share,
        )


class VendorRowOut(OutSchema):
    """One vendor account of the ranking."""

    vendor: int
    vendor_number: str
    vendor_name: str
    company: int
    company_code: str
    figures: FiguresOut

    @classmethod
    def build(cls, row: VendorFigures) -> VendorRowOut:
        return cls(
            vendor=row.vendor_id,
            vendor_number=row.vendor_number,
            vendor_name=row.vendor_name,
            company=row.company_id,
            company_code=row.company_code,
            figures=FiguresOut.build(row.figures),
        )


class MonthOut(OutSchema):
    month: str = Field(description="`YYYY-MM`.")
    figures: FiguresOut


class BucketOut(OutSchema):
    label: str = Field(description="In the user's language.")
    count: int
    low: Decimal | None = Field(description="The bucket's lower bound (hours, or days late; negative is early).")
    high: Decimal | None


class VendorPerformanceOut(OutSchema):
    """One vendor account over the period: its figures, every month of the period (oldest first, empty ones
    included, with zero counts and null shares) and the two distributions."""

    vendor: int
    vendor_number: str
    vendor_name: str
    company: int
    company_code: str
    period_from: str = Field(description="`YYYY-MM`, the first month.")
    period_to: str = Field(description="`YYYY-MM`, the last month.")
    figures: FiguresOut
    months: list[MonthOut]
    response_time_distribution: list[BucketOut]
    delivery_days_distribution: list[BucketOut]

    @classmethod
    def build(cls, vendor: Vendor, performance: VendorPerformance, period: tuple[date, date]) -> VendorPerformanceOut:
        return cls(
            vendor=vendor.pk,
            vendor_number=vendor.number,
            vendor_name=vendor.name,
            company=vendor.company_id,
            company_code=vendor.company.code,
            period_from=f"{period[0]:%Y-%m}",
            period_to=f"{period[1]:%Y-%m}",
            figures=FiguresOut.build(performance.total),
            months=[
                MonthOut(month=f"{month:%Y-%m}", figures=FiguresOut.build(figures))
                for month, figures in performance.months
            ],
            response_time_distribution=[_bucket(bucket) for bucket in performance.response_time_distribution],
            delivery_days_distribution=[_bucket(bucket) for bucket in performance.delivery_days_distribution],
        )


def _bucket(bucket: Bucket) -> BucketOut:
    return BucketOut(label=str(bucket.label), count=bucket.count, low=bucket.low, high=bucket.high)
