"""The rows of the ship-notice lists, the vendor's and the receiving clerk's, written in Python (``common.html_rows``):
the same markup as the template wrote, with the status badges of ``shipping/includes/status.html``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from vendorcollab.common.html_rows import badge, cell, labels, short_dates, text, url_pattern

from .models import ShipNotice, ShipNoticeStatus


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
    statuses = {value: badge(value, str(label)) for value, label in ShipNoticeStatus.choices}
    difference = f' <span class="badge badge-change" data-difference="1">{text(gettext("Difference"))}</span>'
    overdue_badge = f' <span class="badge badge-overdue">{text(gettext("Overdue"))}</span>'
    written = []
    for notice, numbers, *flags in rows:
        overdue = bool(flags and flags[0])
        status = (
            statuses.get(notice.status, badge(notice.status, notice.status))
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
