"""Shares and hours as the performance pages show them: the reader's number format, a dash-free blank for "nothing
to measure" that says so in words (``charts`` formats the same way, so page, chart and table agree)."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from vendorcollab.performance.charts import hours_text, percent_text

register = template.Library()


def _or_nothing(text: str) -> str:
    # A share of nothing is not 0 %: the cell says there was nothing to measure.
    return text or format_html('<span class="muted">{}</span>', _("none"))


@register.filter
def percent(value: Decimal | None) -> str:
    return _or_nothing(percent_text(value))


@register.filter
def hours(value: Decimal | None) -> str:
    return _or_nothing(hours_text(value))
