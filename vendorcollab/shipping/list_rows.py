"""The rows of the ship-notice lists (the vendor's and the receiving clerk's) and of a notice's lines, written in
Python (``common.html_rows``): the same markup the templates wrote, with the status badges of
``shipping/includes/status.html``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from vendorcollab.common.html_rows import cell, choice_badge, labels, short_dates, text, url_pattern
from vendorcollab.common.templatetags.vc import qty

from .models import ShipNotice, ShipNoticeStatus
from .pages import LineView


def notice_rows(rows: Sequence[tuple[Any, ...]], *, buyer: bool) -> SafeString:
    """The ``<tr>`` of each row: ``rows`` are (notice, its POs' numbers) on the vendor's list, (notice, its POs'
    numbers, whether it is overdue) on the buyer's."""
    columns = labels(
        notice=gettext("Ship notice"),
        vendor=gettext("Vendor"),
        company=gettext("Company"),
        customer=gettext("Customer"),
        account=gettext("Vendor account"),
        pos=gettext("Purchase orders"),
        despatched=gettext("Despatch date"),
        expected=gettext("Expected delivery"),
        carrier=gettext("Carrier"),
        packages=gettext("Packages"),
        status=gettext("Status"),
    )
    url = url_pattern("buyer:ship_notice" if buyer else "vendor:ship_notice", 1)
    date = short_dates()
    status_badge = choice_badge(ShipNoticeStatus)
    # Outside the f-strings, where makemessages would not find them.
    difference_word, overdue_word = text(gettext("Difference")), text(gettext("Overdue"))
    difference = f' <span class="badge badge-change" data-difference="1">{difference_word}</span>'
    overdue_badge = f' <span class="badge badge-overdue">{overdue_word}</span>'
    written = []
    for notice, numbers, *flags in rows:
        overdue = bool(flags and flags[0])
        status = (
            status_badge(notice.status)
            + (difference if notice.has_difference else "")
            + (overdue_badge if overdue else "")
        )
        cells = [cell(columns["notice"], f'<a href="{url.format(text(notice.pk))}">{text(notice.number)}</a>')]
        po_numbers = ", ".join(text(number) for number in numbers)
        if buyer:
            cells += [
                cell(columns["vendor"], f"{text(notice.vendor.number)} {text(notice.vendor.name)}"),
                cell(columns["company"], text(notice.company.code)),
                cell(columns["pos"], po_numbers),
            ]
        else:
            cells += [
                cell(columns["pos"], po_numbers),
                cell(columns["customer"], text(notice.company.name)),
                cell(columns["account"], text(notice.vendor.number)),
            ]
        cells += [
            cell(columns["despatched"], date(notice.despatch_date), "date"),
            cell(columns["expected"], date(notice.expected_delivery_date), "date"),
            cell(columns["carrier"], _carrier(notice), "wrap"),
        ]
        if buyer:
            packages = "" if notice.packages is None else text(localize(notice.packages))
            cells.append(cell(columns["packages"], packages, "num"))
        cells.append(cell(columns["status"], status))
        written.append('<tr class="row-link">' + "".join(cells) + "</tr>")
    return mark_safe("\n".join(written))  # every value was escaped by text()


def _carrier(notice: ShipNotice) -> str:
    tracking = f" · {text(notice.tracking_number)}" if notice.tracking_number else ""
    return text(notice.carrier) + tracking


def notice_line_rows(views: Sequence[LineView]) -> SafeString:
    """The ``<tr>`` of each line of a notice's page (``pages.line_views``), as both sides see them: shipped,
    received and the difference, a short or over line tinted and saying so in words."""
    columns = labels(
        line=gettext("Line"),
        po=gettext("Purchase order"),
        item=gettext("Item"),
        description=gettext("Description"),
        shipped=gettext("Shipped"),
        received=gettext("Received"),
        difference=gettext("Difference"),
    )
    not_yet_word = text(gettext("not yet"))
    not_yet = f'<span class="muted">{not_yet_word}</span>'
    written = []
    for view in views:
        line, po_line = view.line, view.line.po_line
        item = po_line.item
        description = text(po_line.description) if po_line.description else text(item.name) if item else ""
        if line.note:
            description += f'<br><span class="muted">{text(line.note)}</span>'
        received = not_yet if line.received_quantity is None else text(qty(line.received_quantity))
        if view.is_short:
            # As blocktranslate writes it: the value escaped, the translated words as they are.
            change = gettext("Short by %(quantity)s") % {"quantity": text(qty(view.shortfall))}
            difference = f'<span class="badge badge-change">{change}</span>'
        elif view.is_over:
            change = gettext("Over by %(quantity)s") % {"quantity": text(qty(view.difference))}
            difference = f'<span class="badge badge-change">{change}</span>'
        else:
            difference = "0" if view.difference is not None else ""
        marked = "" if view.difference is None else text(localize(view.difference))
        tint = "row-changed" if view.is_short or view.is_over else ""
        cells = [
            cell(columns["line"], text(localize(line.line_number)), "num"),
            cell(
                columns["po"],
                f"{text(line.purchase_order.number)} · "
                + gettext("line %(number)s") % {"number": text(localize(po_line.line_number))},
            ),
            cell(columns["item"], text(item.number if item else po_line.sellers_item_id)),
            cell(columns["description"], description, "wrap"),
            cell(columns["shipped"], f"{text(qty(line.quantity))} {text(po_line.unit)}", "num"),
            cell(columns["received"], received, "num"),
            f'<td data-label="{columns["difference"]}" class="num" data-difference="{marked}">{difference}</td>',
        ]
        written.append(f'<tr id="notice-line-{text(line.line_number)}" class="{tint}">' + "".join(cells) + "</tr>")
    return mark_safe("\n".join(written))  # every value was escaped by text()
