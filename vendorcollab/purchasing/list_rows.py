"""The rows of the vendor's PO lists (for review, awaiting customer, open confirmed, all confirmed, and the
workspace's ten newest) and of its history of versions, written in Python.

The lists are the vendor's busiest pages after the workspace. In the template language each row took some forty
nodes (conditions, translations, filters, URL lookups), and rendering 25 rows was half of a list's time; the same
markup written here takes a fraction of it. ``po_table.html`` keeps the table around the rows; what a row shows is
as before (the column labels repeated for phones, the badges, the "changed since" mark).

How they are written: ``common.html_rows``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.dateformat import format as date_format
from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext

from vendorcollab.common.html_rows import cell, choice_badge, labels, short_dates, text, url_pattern

# The filters and tags the template used, called as functions: a row reads as it did.
from vendorcollab.common.templatetags.vc import money, qty

from .models import POStatus, PurchaseOrder, PurchaseOrderVersion, ResponseKind, VersionKind
from .selectors import VendorList


def vendor_po_rows(
    rows: Iterable[PurchaseOrder], *, list_kind: str = "", bulk: bool = False, confirmed_list: bool = False
) -> SafeString:
    """The ``<tr>`` of each row of a vendor list (``selectors.po_page_for_vendor``'s rows, marked with
    ``changed_since`` and, on the open confirmed list, ``in_transit`` and ``to_ship``)."""
    shipping = list_kind == VendorList.OPEN_CONFIRMED
    page = _Page(
        labels=labels(
            po=gettext("Purchase order"),
            customer=gettext("Customer"),
            account=gettext("Vendor account"),
            date=gettext("Confirmed on") if confirmed_list else gettext("Received on"),
            delivery=gettext("First delivery"),
            total=gettext("Total"),
            in_transit=gettext("In transit"),
            to_ship=gettext("Still to ship"),
            status=gettext("Status"),
        ),
        bulk=bulk,
        shipping=shipping,
        confirmed_list=confirmed_list,
        url=url_pattern("vendor:po_version", 2) if confirmed_list else url_pattern("vendor:po_detail", 1),
        date=short_dates(),
        status_badge=choice_badge(POStatus),
        response_badge=choice_badge(ResponseKind),
    )
    return mark_safe("\n".join(_row(po, page) for po in rows))  # every value was escaped by text()


@dataclass(frozen=True)
class _Page:
    """What every row of one page shares."""

    labels: dict[str, str]
    bulk: bool
    shipping: bool
    confirmed_list: bool
    url: str
    date: Callable[[Any], str]
    status_badge: Callable[[str], str]
    response_badge: Callable[[str], str]


def _row(po: Any, page: _Page) -> str:
    columns = page.labels
    label = text(f"{po.number}-{po.list_version}")
    select = text(gettext("Select %(label)s") % {"label": f"{po.number}-{po.list_version}"})
    pk = text(po.pk)
    cells: list[str] = []
    if page.bulk:
        cells.append(
            f'<td class="select-cell"><input type="checkbox" name="po" value="{pk}:{text(po.list_version)}" '
            f'form="bulk-accept" id="select-{pk}" aria-label="{select}"></td>'
        )
    if page.shipping:
        cells.append(
            f'<td class="select-cell"><input type="checkbox" name="po" value="{pk}" form="ship-from" '
            f'id="ship-select-{pk}" aria-label="{select}"></td>'
        )
    url = page.url.format(pk, text(po.list_version))  # a pattern of one argument ignores the second
    cells.append(cell(columns["po"], f'<a href="{url}">{label}</a>'))
    cells.append(cell(columns["customer"], text(po.company.name)))
    cells.append(cell(columns["account"], text(po.vendor.number)))
    cells.append(cell(columns["date"], page.date(po.list_version_sent_at), "date"))
    cells.append(cell(columns["delivery"], page.date(po.list_delivery_date), "date"))
    total = text(money(po.list_total, po.currency)) if po.vendor.show_prices else '<span class="muted">—</span>'
    cells.append(cell(columns["total"], total, "num"))
    if page.shipping:
        cells.append(cell(columns["in_transit"], text(qty(po.in_transit)), "num"))
        cells.append(cell(columns["to_ship"], text(qty(po.to_ship)), "num"))
    status = [page.status_badge(po.status)]
    kind = po.list_response_kind
    if kind and not page.confirmed_list:
        status.append(page.response_badge(kind))
    changed = getattr(po, "changed_since", None)
    if changed:
        since = gettext("Changed since version %(number)s") % {"number": changed}  # outside the f-string: makemessages
        status.append(f'<span class="badge badge-change" data-changed-since="{text(changed)}">{text(since)}</span>')
    cells.append(cell(columns["status"], "\n".join(status)))
    return '<tr class="row-link">' + "".join(cells) + "</tr>"


def vendor_history_rows(versions: Iterable[PurchaseOrderVersion]) -> SafeString:
    """The ``<tr>`` of each row of the vendor's history (``selectors.history_page_for_vendor``'s versions, each with
    its PO, the PO's customer and vendor account, and its response): what ``history.html`` wrote in the template
    language, a third of the page's time."""
    columns = labels(
        version=gettext("Version"),
        customer=gettext("Customer"),
        account=gettext("Vendor account"),
        sent_on=gettext("Sent on"),
        kind=gettext("Kind"),
        response=gettext("Response"),
        responded_on=gettext("Responded on"),
    )
    url = url_pattern("vendor:po_version", 2)
    datetime_format = get_format("SHORT_DATETIME_FORMAT")
    kinds = {kind: text(label) for kind, label in VersionKind.choices}
    response_badge = choice_badge(ResponseKind)

    def when(value: Any) -> str:
        """The ``date`` filter with ``SHORT_DATETIME_FORMAT``, in the reader's time zone as templates show it."""
        return text(date_format(localtime(value), datetime_format)) if value else ""

    rows = []
    for version in versions:
        po = version.purchase_order
        response = getattr(version, "response", None)
        cells = [
            cell(
                columns["version"],
                f'<a href="{url.format(text(po.pk), text(version.number))}">{text(po.number)}-'
                f"{text(version.number)}</a>",
            ),
            cell(columns["customer"], text(po.company.name)),
            cell(columns["account"], text(po.vendor.number)),
            cell(columns["sent_on"], when(version.created_at)),
            cell(columns["kind"], kinds.get(version.kind, text(version.kind))),
            cell(columns["response"], response_badge(response.kind) if response else '<span class="muted">—</span>'),
            cell(columns["responded_on"], when(response.submitted_at) if response else ""),
        ]
        rows.append('<tr class="row-link">' + "".join(cells) + "</tr>")
    return mark_safe("\n".join(rows))  # every value was escaped by text()
