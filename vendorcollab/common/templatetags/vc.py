"""Template filters for numbers, money and statuses as the portal shows them everywhere."""

from __future__ import annotations

import html
from datetime import date
from decimal import Decimal
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from vendorcollab.common.formatting import money_text, quantity_text

register = template.Library()


@register.filter
def qty(value: Decimal | None) -> str:
    """A quantity without trailing zeros, in the reader's locale: 12, 2.5 / 2,5."""
    return "" if value is None else quantity_text(Decimal(value))


@register.filter
def money(value: Decimal | None, currency: str = "") -> str:
    """An amount rounded half-up to its currency's decimals, grouped, in the reader's locale (``money_text``)."""
    return "" if value is None else money_text(Decimal(value), currency or "")


@register.simple_tag
def badge(value: Any, label: Any) -> str:
    """A status badge: a coloured pill that also carries its word (colour is never the only signal)."""
    return format_html('<span class="badge badge-{}">{}</span>', value, label)


@register.filter
def isodate(value: str) -> date | str:
    """A date kept as ISO text (in JSON) back as a date, for the date filter."""
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return value


@register.inclusion_tag("includes/field.html")
def field(
    bound: Any, label: str = "", extra_error: str = "", hide_label: bool = False, css: str = ""
) -> dict[str, Any]:
    """A form field with its label and its errors next to it, the errors tied to the input for screen readers.

    ``extra_error`` carries a service's refusal for this field (the form itself only checks the input's shape).
    """
    errors = [*bound.errors, *([extra_error] if extra_error else [])]
    attrs = {"aria-invalid": "true", "aria-describedby": f"{bound.auto_id}-error"} if errors else {}
    return {
        "bound": bound,
        "widget": bound.as_widget(attrs=attrs),
        "errors": errors,
        "label": label or bound.label,
        "hide_label": hide_label,
        "css": css,
    }


@register.simple_tag
def vendor_options(vendors: Any, chosen: str | None) -> str:
    """The ``<option>``s of a vendor filter, written in one pass: a buyer's list may offer a thousand vendor
    accounts, which a template loop (or ``format_html`` per option) renders ten times slower. ``vendors`` are
    values with pk, number and name; the texts are escaped here, with the standard library's ``html.escape``."""
    # Safe: every value is an integer or escaped above.
    return mark_safe(
        "\n".join(
            '<option value="{pk}"{selected}>{number} {name}</option>'.format(
                pk=int(vendor["pk"]),
                selected=" selected" if str(vendor["pk"]) == chosen else "",
                number=html.escape(str(vendor["number"])),
                name=html.escape(str(vendor["name"])),
            )
            for vendor in vendors
        )
    )
