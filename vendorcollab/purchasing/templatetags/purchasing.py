"""Labels of purchasing's choices for values that reach templates bare (annotations, JSON), and what a list row or a
PO page marks as changed."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import template
from django.template import Engine
from django.utils.safestring import mark_safe

from vendorcollab.common.formatting import money_text

from .. import fragments, selectors
from ..diff import (
    LINE_OUTCOMES,
    LineDiff,
    ResponseLineView,
    ResponseTotals,
    VersionDiff,
    diff_versions,
    response_totals,
)
from ..models import LineAction, POStatus, PurchaseOrder, PurchaseOrderVersion, ResponseKind
from ..services.versions import po_total

register = template.Library()


@register.simple_tag(takes_context=True)
def vendor_po_rows(context: template.Context, rows: Iterable[PurchaseOrder]) -> str:
    """The rows of a vendor PO list (``list_rows``), as the list page's context describes it."""
    from ..list_rows import vendor_po_rows  # it calls this module's filters: imported when first used, not circularly

    return vendor_po_rows(
        rows,
        list_kind=str(context.get("list_kind") or ""),
        bulk=bool(context.get("bulk")),
        confirmed_list=bool(context.get("confirmed_list")),
    )


@register.simple_tag
def vendor_history_rows(versions: Iterable[PurchaseOrderVersion]) -> str:
    """The rows of the vendor's history of versions (``list_rows``)."""
    from ..list_rows import vendor_history_rows  # as ``vendor_po_rows``

    return vendor_history_rows(versions)


@register.filter
def response_label(value: str) -> str:
    return str(ResponseKind(value).label) if value in ResponseKind.values else ""


@register.filter
def status_label(value: str) -> str:
    return str(POStatus(value).label) if value in POStatus.values else ""


@register.filter
def action_label(value: str) -> str:
    """The vendor's choice for a line as a command ("Accept", "Split"): what the answering form offers."""
    return str(LineAction(value).label) if value in LineAction.values else ""


@register.filter
def outcome_label(value: str) -> str:
    """A line's answer as a result ("Accepted", "Split"): wherever a response is shown."""
    return str(LINE_OUTCOMES[LineAction(value)]) if value in LineAction.values else ""


@register.simple_tag
def line_rows(version_diff: VersionDiff | None, version: PurchaseOrderVersion) -> list[LineDiff]:
    """The rows of a version's lines table: with what changed since the previous version where the page has that
    diff, else every line unmarked (from the lines already loaded: no query)."""
    return (version_diff or diff_versions(None, version)).lines


@register.simple_tag(takes_context=True)
def kept_lines_table(context: template.Context) -> str:
    """A version's lines table (``po_lines_table.html``), rendered once per version, reader and master data: a
    50-line table was most of a PO page's time, and a version never changes (``fragments.lines_table_key``)."""
    version = context["version"]
    version_diff = context.get("version_diff")
    rows = line_rows(version_diff, version)
    key = fragments.lines_table_key(
        rows,
        version=version,
        version_diff=version_diff,
        show_prices=bool(context.get("show_prices")),
        dims=bool(context.get("show_dimensions")),
    )

    def render() -> str:
        with context.push(rows=rows):
            return Engine.get_default().get_template("purchasing/vendor/po_lines_table.html").render(context)

    return mark_safe(fragments.cached_fragment(key, render, seconds=fragments.LINES_TABLE_SECONDS))


@register.simple_tag
def mark_changed(rows: Iterable[Any]) -> str:
    """Set ``changed_since`` (the earlier version's number, or None) on each of a vendor list's rows, in a constant
    number of queries for the whole page (``selectors.changed_since_previous``). Renders nothing."""
    rows = list(rows)
    changed = selectors.changed_since_previous(row for row in rows if isinstance(row, PurchaseOrder))
    for row in rows:
        row.changed_since = changed.get(row.pk)
    return ""


@register.simple_tag
def response_totals_of(rows: list[ResponseLineView] | None) -> ResponseTotals | None:
    """The order's total before and after the answer in ``rows`` (``diff.response_lines``) is applied; no query:
    the rows' lines and the version's charges are loaded with the version."""
    if not rows:
        return None
    return response_totals(rows[0].line.version, rows)


@register.filter
def signed_money(value: Decimal, currency: str = "") -> str:
    """A difference of amounts with its sign: "+12.50 EUR", "-3.00 EUR" (with a true minus sign), "0.00 EUR"."""
    text = money_text(abs(value), currency)
    return f"+{text}" if value > 0 else f"\u2212{text}" if value < 0 else text


@register.simple_tag
def order_total(po: PurchaseOrder) -> Decimal:
    """The buyer's working total of a PO (its lines and charges, as the next version will freeze it); no query where
    the page loaded them (``selectors.po_get_for_buyer``)."""
    return po_total(po)
