"""The rows of the vendor's PO lists (for review, awaiting customer, open confirmed, all confirmed, and the
workspace's ten newest) and of its history of versions, written in Python.

The lists are the vendor's busiest pages after the workspace. In the template language each row took some forty
nodes (conditions, translations, filters, URL lookups), and rendering 25 rows was half of a list's time; the same
markup written here takes a fraction of it. ``po_table.html`` keeps the table around the rows; what a row shows is
as before (the column labels repeated for phones, the badges, the "changed since" mark).

The rows are joined as plain strings, every value escaped on the way in (``_text``), rather than through
``format_html``: that checks each argument for lazy text and makes a ``SafeString`` per call, some 250 calls a page
and a fifth of the list's time. The page's URLs and date format are looked up once per page, not once per row.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext

# The filters and tags the template used, called as functions: a row reads as it did.
from vendorcollab.common.templatetags.vc import money, qty

from .models import PurchaseOrder, PurchaseOrderVersion, VersionKind
from .selectors import VendorList
from .templatetags.purchasing import response_label, status_label

# Reversed in place of a row's id, then replaced by it (``_url_pattern``): larger than any id a row will have.
PLACEHOLDER = 987_654_321


def _text(value: Any) -> str:
    """``value`` as HTML, as ``format_html`` puts an argument: escaped, unless it is markup already (``__html__``)."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))


def _cell(label: str, content: str, css: str = "") -> str:
    """A cell; ``label`` is escaped already, ``content`` is markup."""
    if css:
        return f'<td data-label="{label}" class="{css}">{content}</td>'
    return f'<td data-label="{label}">{content}</td>'


def _badge(value: str, label: str) -> str:
    """The ``badge`` tag's pill (``common.templatetags.vc.badge``)."""
    return f'<span class="badge badge-{_text(value)}">{_text(label)}</span>'


def _url_pattern(name: str, arguments: int) -> str:
    """The escaped URL of ``name`` with ``{0}``, ``{1}``… where its integer arguments go, for ``str.format``: reversed
    with numbers no id reaches, which are then replaced."""
    markers = [str(PLACEHOLDER + index) for index in range(arguments)]
    url = _text(reverse(name, args=markers))
    for index, marker in enumerate(markers):
        url = url.replace(marker, f"{{{index}}}")
    return url


def vendor_po_rows(
    rows: Iterable[PurchaseOrder], *, list_kind: str = "", bulk: bool = False, confirmed_list: bool = False
) -> SafeString:
    """The ``<tr>`` of each row of a vendor list (``selectors.po_page_for_vendor``'s rows, marked with
    ``changed_since`` and, on the open confirmed list, ``in_transit`` and ``to_ship``)."""
    shipping = list_kind == VendorList.OPEN_CONFIRMED
    labels = {
        key: _text(label)
        for key, label in {
            "po": gettext("Purchase order"),
            "customer": gettext("Customer"),
            "account": gettext("Vendor account"),
            "date": gettext("Confirmed on") if confirmed_list else gettext("Received on"),
            "delivery": gettext("First delivery"),
            "total": gettext("Total"),
            "in_transit": gettext("In transit"),
            "to_ship": gettext("Still to ship"),
            "status": gettext("Status"),
        }.items()
    }
    page = _Page(
        labels=labels,
        bulk=bulk,
        shipping=shipping,
        confirmed_list=confirmed_list,
        url=_url_pattern("vendor:po_version", 2) if confirmed_list else _url_pattern("vendor:po_detail", 1),
        short_date=get_format("SHORT_DATE_FORMAT"),
        written={},
    )
    return mark_safe("\n".join(_row(po, page) for po in rows))  # every value was escaped by _text


@dataclass(frozen=True)
class _Page:
    """What every row of one page shares."""

    labels: dict[str, str]
    bulk: bool
    shipping: bool
    confirmed_list: bool
    url: str
    short_date: str
    written: dict[tuple[str, Any], str]  # dates and status badges already written on this page: rows repeat them

    def date(self, value: Any) -> str:
        """The ``date`` filter with ``SHORT_DATE_FORMAT``: empty for no date."""
        key = ("date", value)
        if key not in self.written:
            self.written[key] = _text(date_format(value, self.short_date)) if value else ""
        return self.written[key]

    def badge(self, kind: str, value: str) -> str:
        """The badge of a PO status or a response kind (``kind``), with its translated label."""
        key = (kind, value)
        if key not in self.written:
            label = status_label(value) if kind == "status" else response_label(value)
            self.written[key] = _badge(value, label)
        return self.written[key]


def _row(po: Any, page: _Page) -> str:
    labels = page.labels
    label = _text(f"{po.number}-{po.list_version}")
    select = _text(gettext("Select %(label)s") % {"label": f"{po.number}-{po.list_version}"})
    pk = _text(po.pk)
    cells: list[str] = []
    if page.bulk:
        cells.append(
            f'<td class="select-cell"><input type="checkbox" name="po" value="{pk}:{_text(po.list_version)}" '
            f'form="bulk-accept" id="select-{pk}" aria-label="{select}"></td>'
        )
    if page.shipping:
        cells.append(
            f'<td class="select-cell"><input type="checkbox" name="po" value="{pk}" form="ship-from" '
            f'id="ship-select-{pk}" aria-label="{select}"></td>'
        )
    url = page.url.format(pk, _text(po.list_version))  # a pattern of one argument ignores the second
    cells.append(_cell(labels["po"], f'<a href="{url}">{label}</a>'))
    cells.append(_cell(labels["customer"], _text(po.company.name)))
    cells.append(_cell(labels["account"], _text(po.vendor.number)))
    cells.append(_cell(labels["date"], page.date(po.list_version_sent_at), "date"))
    cells.append(_cell(labels["delivery"], page.date(po.list_delivery_date), "date"))
    total = _text(money(po.list_total, po.currency)) if po.vendor.show_prices else '<span class="muted">—</span>'
    cells.append(_cell(labels["total"], total, "num"))
    if page.shipping:
        cells.append(_cell(labels["in_transit"], _text(qty(po.in_transit)), "num"))
        cells.append(_cell(labels["to_ship"], _text(qty(po.to_ship)), "num"))
    status = [page.badge("status", po.status)]
    kind = po.list_response_kind
    if kind and not page.confirmed_list:
        status.append(page.badge("response", kind))
    changed = getattr(po, "changed_since", None)
    if changed:
        status.append(
            f'<span class="badge badge-change" data-changed-since="{_text(changed)}">'
            f"{_text(gettext('Changed since version %(number)s') % {'number': changed})}</span>"
        )
    cells.append(_cell(labels["status"], "\n".join(status)))
    return '<tr class="row-link">' + "".join(cells) + "</tr>"


def vendor_history_rows(versions: Iterable[PurchaseOrderVersion]) -> SafeString:
    """The ``<tr>`` of each row of the vendor's history (``selectors.history_page_for_vendor``'s versions, each with
    its PO, the PO's customer and vendor account, and its response): what ``history.html`` wrote in the template
    language, a third of the page's time."""
    labels = {
        key: _text(label)
        for key, label in {
            "version": gettext("Version"),
            "customer": gettext("Customer"),
            "account": gettext("Vendor account"),
            "sent_on": gettext("Sent on"),
            "kind": gettext("Kind"),
            "response": gettext("Response"),
            "responded_on": gettext("Responded on"),
        }.items()
    }
    url = _url_pattern("vendor:po_version", 2)
    datetime_format = get_format("SHORT_DATETIME_FORMAT")
    kinds = {kind: _text(label) for kind, label in VersionKind.choices}
    badges: dict[str, str] = {}

    def when(value: Any) -> str:
        """The ``date`` filter with ``SHORT_DATETIME_FORMAT``, in the reader's time zone as templates show it."""
        return _text(date_format(localtime(value), datetime_format)) if value else ""

    rows = []
    for version in versions:
        po = version.purchase_order
        response = getattr(version, "response", None)
        if response is not None and response.kind not in badges:
            badges[response.kind] = _badge(response.kind, response_label(response.kind))
        cells = [
            _cell(
                labels["version"],
                f'<a href="{url.format(_text(po.pk), _text(version.number))}">{_text(po.number)}-'
                f"{_text(version.number)}</a>",
            ),
            _cell(labels["customer"], _text(po.company.name)),
            _cell(labels["account"], _text(po.vendor.number)),
            _cell(labels["sent_on"], when(version.created_at)),
            _cell(labels["kind"], kinds.get(version.kind, _text(version.kind))),
            _cell(labels["response"], badges[response.kind] if response else '<span class="muted">—</span>'),
            _cell(labels["responded_on"], when(response.submitted_at) if response else ""),
        ]
        rows.append('<tr class="row-link">' + "".join(cells) + "</tr>")
    return mark_safe("\n".join(rows))  # every value was escaped by _text
