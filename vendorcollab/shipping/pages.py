"""What the ship-notice pages show beside a notice or a list, for both sides, in a fixed number of queries: each line
with its difference, the notice's POs and documents, the columns of the CSV and Excel downloads.

Every read starts from what a scoped selector returned (``selectors.ship_notice_get``, a list's page) or from a
queryset's ``visible_to``; nothing here widens what the actor may see.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, prefetch_related_objects
from django.utils.translation import gettext_lazy as _

from vendorcollab.accounts.models import User
from vendorcollab.common.exports import Column
from vendorcollab.interop.models import Document
from vendorcollab.partners.models import Vendor

from .models import ShipNotice, ShipNoticeLine, ShipNoticeStatus


@dataclass(frozen=True)
class LineView:
    """One notice line as both sides read it: shipped, received (once), and the difference, named in words so that
    the tint is never the only signal."""

    line: ShipNoticeLine

    @property
    def difference(self) -> Decimal | None:
        return self.line.difference

    @property
    def is_short(self) -> bool:
        return self.difference is not None and self.difference < 0

    @property
    def is_over(self) -> bool:
        return self.difference is not None and self.difference > 0

    @property
    def shortfall(self) -> Decimal:
        """How much less arrived than was shipped (a positive number), for "Short by 2"."""
        return -self.difference if self.is_short and self.difference is not None else Decimal(0)


def line_views(notice: ShipNotice) -> list[LineView]:
    """The notice's lines in order, each with its PO, PO line and item loaded (one query more at most, whatever the
    number of lines: what ``ship_notice_get`` did not prefetch is prefetched here)."""
    lines = list(notice.lines.all())
    prefetch_related_objects(lines, "purchase_order", "po_line__item")
    return [LineView(line) for line in sorted(lines, key=lambda line: line.line_number)]


def purchase_orders_of(notice: ShipNotice) -> list[tuple[int, str]]:
    """(id, number) of the POs the notice ships, in number order, from its loaded lines."""
    found = {line.purchase_order_id: line.purchase_order.number for line in notice.lines.all()}
    return sorted(found.items(), key=lambda item: item[1])


def documents_of(notice: ShipNotice, *, actor: User) -> QuerySet[Document]:
    """The documents of the notice that the actor may see (its Despatch Advice), without their XML."""
    return (
        Document.objects.visible_to(actor).filter(ship_notice_id=notice.pk).defer("xml").order_by("-created_at", "-pk")
    )


def vendors_with_notices(actor: User) -> QuerySet[Vendor, Any]:
    """The vendor accounts with any ship notice the actor may see, for the buyer's vendor filter (values for
    ``vendor_options``)."""
    return (
        Vendor.objects.filter(pk__in=ShipNotice.objects.visible_to(actor).values("vendor_id"))
        .order_by("number")
        .values("pk", "number", "name")
    )


def received_on(notice: ShipNotice) -> date | None:
    """The date the goods were received, once the notice is received (a cancelled notice's date is not one)."""
    return notice.received_date if notice.status == ShipNoticeStatus.RECEIVED else None


def _status(notice: ShipNotice) -> str:
    return str(ShipNoticeStatus(notice.status).label)


def notice_columns(*, buyer: bool) -> list[Column]:
    """The columns of a notice list as a file: what the page shows, one row per notice."""
    party = (
        Column(_("Vendor"), lambda notice: f"{notice.vendor.number} {notice.vendor.name}")
        if buyer
        else Column(_("Vendor account"), lambda notice: notice.vendor.number)
    )
    return [
        Column(_("Ship notice"), lambda notice: notice.number),
        Column(_("Company") if buyer else _("Customer"), lambda notice: notice.company.name),
        party,
        Column(_("Despatch date"), lambda notice: notice.despatch_date),
        Column(_("Expected delivery date"), lambda notice: notice.expected_delivery_date),
        Column(_("Carrier"), lambda notice: notice.carrier),
        Column(_("Tracking number"), lambda notice: notice.tracking_number),
        Column(_("Packages"), lambda notice: notice.packages),
        Column(_("Status"), _status),
        Column(_("Received on"), lambda notice: notice.received_date),
        Column(_("Difference"), lambda notice: _("Yes") if notice.has_difference else ""),
    ]
