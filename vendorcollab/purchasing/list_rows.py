"""The rows of the vendor's PO lists (for review, awaiting customer, open confirmed, all confirmed, and the
workspace's ten newest), written in Python.

The lists are the vendor's busiest pages after the workspace. In the template language each row took some forty
nodes (conditions, translations, filters, URL lookups), and rendering 25 rows was half of a list's time; the same
markup written here takes a fraction of it. ``po_table.html`` keeps the table around the rows; what a row shows is
as before (the column labels repeated for phones, the badges, the "changed since" mark).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.template.defaultfilters import date
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

# The filters and tags the template used, called as functions: a row reads as it did.
from vendorcollab.common.templatetags.vc import badge, money, qty

from .models import PurchaseOrder
from .selectors import VendorList
from .templatetags.purchasing import response_label, status_label


def _cell(label: str, content: Any, css: str = "") -> SafeString:
    if css:
        return format_html('<td data-label="{}" class="{}">{}</td>', label, css, content)
    return format_html('<td data-label="{}">{}</td>', label, content)


def vendor_po_rows(
    rows: Iterable[PurchaseOrder], *, list_kind: str = "", bulk: bool = False, confirmed_list: bool = False
) -> SafeString:
    """The ``<tr>`` of each row of a vendor list (``selectors.po_page_for_vendor``'s rows, marked with
    ``changed_since`` and, on the open confirmed list, ``in_transit`` and ``to_ship``)."""
    shipping = list_kind == VendorList.OPEN_CONFIRMED
    labels = {
        "po": gettext("Purchase order"),
        "customer": gettext("Customer"),
        "account": gettext("Vendor account"),
        "date": gettext("Confirmed on") if confirmed_list else gettext("Received on"),
        "delivery": gettext("First delivery"),
        "total": gettext("Total"),
        "in_transit": gettext("In transit"),
        "to_ship": gettext("Still to ship"),
        "status": gettext("Status"),
    }
    written = [_row(po, labels, bulk=bulk, shipping=shipping, confirmed_list=confirmed_list) for po in rows]
    return mark_safe("\n".join(written))  # every part was escaped by format_html


def _row(po: Any, labels: dict[str, str], *, bulk: bool, shipping: bool, confirmed_list: bool) -> str:
    label = f"{po.number}-{po.list_version}"
    select = gettext("Select %(label)s") % {"label": label}
    cells: list[SafeString] = []
    if bulk:
        cells.append(
            format_html(
                '<td class="select-cell"><input type="checkbox" name="po" value="{}:{}" form="bulk-accept" '
                'id="select-{}" aria-label="{}"></td>',
                po.pk,
                po.list_version,
                po.pk,
                select,
            )
        )
    if shipping:
        cells.append(
            format_html(
                '<td class="select-cell"><input type="checkbox" name="po" value="{}" form="ship-from" '
                'id="ship-select-{}" aria-label="{}"></td>',
                po.pk,
                po.pk,
                select,
            )
        )
    if confirmed_list:
        url = reverse("vendor:po_version", args=[po.pk, po.list_version])
    else:
        url = reverse("vendor:po_detail", args=[po.pk])
    cells.append(_cell(labels["po"], format_html('<a href="{}">{}</a>', url, label)))
    cells.append(_cell(labels["customer"], po.company.name))
    cells.append(_cell(labels["account"], po.vendor.number))
    cells.append(_cell(labels["date"], date(po.list_version_sent_at, "SHORT_DATE_FORMAT"), "date"))
    cells.append(_cell(labels["delivery"], date(po.list_delivery_date, "SHORT_DATE_FORMAT"), "date"))
    total: Any = (
        money(po.list_total, po.currency) if po.vendor.show_prices else mark_safe('<span class="muted">—</span>')
    )
    cells.append(_cell(labels["total"], total, "num"))
    if shipping:
        cells.append(_cell(labels["in_transit"], qty(po.in_transit), "num"))
        cells.append(_cell(labels["to_ship"], qty(po.to_ship), "num"))
    status = [badge(po.status, status_label(po.status))]
    kind = po.list_response_kind
    if kind and not confirmed_list:
        status.append(badge(kind, response_label(kind)))
    changed = getattr(po, "changed_since", None)
    if changed:
        status.append(
            format_html(
                '<span class="badge badge-change" data-changed-since="{}">{}</span>',
                changed,
                gettext("Changed since version %(number)s") % {"number": changed},
            )
        )
    cells.append(_cell(labels["status"], mark_safe("\n".join(status))))
    return '<tr class="row-link">' + "".join(cells) + "</tr>"
