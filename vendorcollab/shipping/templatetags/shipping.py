"""Ship notices on other apps' pages: the vendor's open confirmed list (in transit and still to ship per PO), a PO's
notices, and the workspace tiles (``{% load shipping %}``).

Purchasing's and the workspace's templates load these tags so that their Python need not import shipping, which
builds on purchasing. Each tag reads through a shipping selector scoped to the signed-in user, in a constant number
of queries for the whole page, as ``purchasing``'s ``mark_changed`` does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from vendorcollab.common.lifecycle import Offered
from vendorcollab.purchasing.models import PurchaseOrder

from .. import list_rows, selectors, transitions
from ..pages import LineView
from ..selectors import BuyerShipNoticeList, VendorShipNoticeList

register = template.Library()


@register.simple_tag
def notice_line_rows(views: Sequence[LineView]) -> SafeString:
    """The rows of a notice's lines table (``list_rows``)."""
    return list_rows.notice_line_rows(views)


@register.simple_tag
def mark_shipped(rows: Iterable[Any]) -> str:
    """Set ``in_transit`` and ``to_ship`` on each PO of a list's page (``selectors.shipped_quantities``, one query for
    the page). Renders nothing."""
    rows = [row for row in rows if isinstance(row, PurchaseOrder)]
    quantities = selectors.shipped_quantities([row.pk for row in rows])
    for row in rows:
        row.in_transit, row.to_ship = quantities.get(row.pk, (None, None))
    return ""


@register.simple_tag(takes_context=True)
def ship_notices_for(context: template.Context, po: PurchaseOrder) -> dict[str, Any]:
    """A PO's notices as the signed-in user may see them, and (for a vendor user) whether anything of it is still
    to ship: the PO page's "Ship notices" section and its "Create ship notice" button."""
    user = context["request"].user
    notices = selectors.notices_of_purchase_order(actor=user, purchase_order=po)
    return {
        # Each with what the user may do with it now (a clerk: receive), asked of the table from the loaded lines.
        "notices": [(notice, Offered(transitions.available(notice, user))) for notice in notices],
        "can_ship": user.is_vendor_user and selectors.can_ship(actor=user, purchase_order=po),
    }


@register.simple_tag(takes_context=True)
def receivable_notices(context: template.Context, po: PurchaseOrder) -> list[Any]:
    """The PO's notices the signed-in user may receive now: on the PO's plain receipt page, where the clerk should
    receive their goods from the notice instead."""
    user = context["request"].user
    notices = selectors.notices_of_purchase_order(actor=user, purchase_order=po)
    return [notice for notice in notices if transitions.ShipNoticeAction.RECEIVE in transitions.available(notice, user)]


@register.inclusion_tag("shipping/includes/tiles.html", takes_context=True)
def ship_notice_tiles(context: template.Context) -> dict[str, Any]:
    """The workspace tiles of ship notices: the vendor's notices in transit; the buyer's shipments expected this
    week and overdue (the overdue tile flagged when it is not empty)."""
    user = context["request"].user
    if user.is_vendor_user:
        counts = selectors.vendor_ship_notice_counts(actor=user)
        which = VendorShipNoticeList.SHIPPED
        tiles = [Tile(reverse("vendor:ship_notices"), which, counts.get(which, 0), _("Ship notices in transit"))]
    else:
        counts = selectors.buyer_ship_notice_counts(actor=user)
        url = reverse("buyer:shipments")
        this_week, overdue = BuyerShipNoticeList.THIS_WEEK, BuyerShipNoticeList.OVERDUE
        tiles = [
            Tile(url, this_week, counts.get(this_week, 0), _("Shipments expected this week")),
            Tile(url, overdue, counts.get(overdue, 0), _("Overdue shipments"), flagged=True),
        ]
    return {"tiles": tiles, "small": context.get("small_tiles", False)}


@dataclass(frozen=True)
class Tile:
    url: str
    which: str
    count: int
    label: str
    # Shown as waiting for the user (a heavier tile and "Needs your action") when its count is not zero.
    flagged: bool = False

    @property
    def href(self) -> str:
        return f"{self.url}?list={self.which}"
