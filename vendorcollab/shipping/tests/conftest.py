"""Ship-notice fixtures: confirmed purchase orders to ship, and notices made through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from vendorcollab.common.testing.factories import line

# The notification tests' people (the cast with addresses and languages) and webhook receiver, for the mail tests.
from vendorcollab.notifications.tests.conftest import people, receiver_factory  # noqa: F401
from vendorcollab.partners.models import Site, Vendor
from vendorcollab.purchasing.models import PurchaseOrder, PurchaseOrderLine
from vendorcollab.purchasing.services import po_confirm, po_create, po_send
from vendorcollab.shipping import services
from vendorcollab.shipping.inputs import ShipNoticeInput, ShipNoticeLineInput
from vendorcollab.shipping.models import ShipNotice


def confirmed_po(
    cast: Any,
    *,
    vendor: Vendor | None = None,
    quantities: tuple[str, ...] = ("10", "20"),
    site: Site | None = None,
    sites: tuple[Site | None, ...] | None = None,
    **extra: Any,
) -> PurchaseOrder:
    """A PO of ``cast``'s items, sent and confirmed without response; every line to ``site`` (or line by line to
    ``sites``)."""
    po = po_create(
        actor=cast.agent,
        company=cast.company,
        vendor=vendor or cast.vendor_a,
        lines=[
            line(
                cast.items[index % len(cast.items)],
                quantity=quantity,
                site=sites[index] if sites is not None else site,
            )
            for index, quantity in enumerate(quantities)
        ],
        **extra,
    )
    po = po_send(actor=cast.agent, purchase_order=po)
    return po_confirm(actor=cast.agent, purchase_order=po, without_response=True)


def notice_input(
    *lines: tuple[PurchaseOrder, int, str],
    number: str = "",
    despatch_date: dt.date | None = None,
    expected_delivery_date: dt.date | None = None,
    **extra: Any,
) -> ShipNoticeInput:
    """A notice of ``(po, line_number, quantity)`` triples, expected in three days unless said otherwise."""
    return ShipNoticeInput(
        lines=tuple(
            ShipNoticeLineInput(purchase_order_id=po.pk, line_number=number_, quantity=Decimal(quantity))
            for po, number_, quantity in lines
        ),
        number=number,
        despatch_date=despatch_date,
        expected_delivery_date=expected_delivery_date or timezone.localdate() + dt.timedelta(days=3),
        **extra,
    )


def ship(cast: Any, *lines: tuple[PurchaseOrder, int, str], actor: Any = None, **extra: Any) -> ShipNotice:
    return services.ship_notice_create(actor=actor or cast.vendor_a_user, data=notice_input(*lines, **extra))


def po_line_quantities(po: PurchaseOrder) -> list[tuple[Decimal, Decimal, Decimal]]:
    """Per line of ``po``: (received, in transit, to announce), as stored now."""
    return [
        (line_.received_quantity, line_.in_transit_quantity, line_.to_announce_quantity)
        for line_ in PurchaseOrderLine.objects.filter(purchase_order=po).order_by("line_number")
    ]
