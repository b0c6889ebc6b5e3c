"""Demo consignment data: Fabrikam keeps stock in both companies' warehouses; some arrived, some is on its way,
and the buyer has taken part of it over (consignment purchase orders)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from vendorcollab.consignment.models import ConsignmentPrice, ReplenishmentOrder
from vendorcollab.consignment.services import (
    ReceiveInput,
    StockLineInput,
    ownership_change_post,
    replenishment_create,
    replenishment_receive,
)

from .data import Demo

# (vendor key, company code, item index, price, replenished, received, taken over)
STOCK = (
    ("fabrikam_nl", "NL01", 0, "6.90", "400", "400", ("120", "80")),
    ("fabrikam_nl", "NL01", 5, "10.80", "60", "40", ("15",)),
    ("fabrikam_be", "BE01", 2, "5.95", "300", "0", ()),
    ("fabrikam_be", "BE01", 4, "0.80", "2000", "2000", ("500",)),
)


def ensure_consignment(demo: Demo) -> int:
    """Create the demo consignment data once; returns the number of ownership changes created."""
    vendors = [demo.vendors[key] for key, *_ in STOCK]
    if ReplenishmentOrder.objects.filter(vendor__in=vendors).exists():
        return 0
    agent, clerk = demo.users["agent"], demo.users["clerk"]
    in_a_week = timezone.localdate() + dt.timedelta(days=7)
    posted = 0
    for vendor_key, company, item_index, price, replenished, received, taken in STOCK:
        vendor = demo.vendors[vendor_key]
        item = demo.items[company][item_index]
        ConsignmentPrice.objects.get_or_create(vendor=vendor, item=item, defaults={"unit_price": Decimal(price)})
        line = StockLineInput(
            item=item, quantity=Decimal(replenished), warehouse=demo.warehouses[company][0], expected_date=in_a_week
        )
        order = replenishment_create(actor=agent, vendor=vendor, lines=[line])
        if Decimal(received):
            replenishment_receive(actor=clerk, order=order, lines=[ReceiveInput(1, Decimal(received))])
        for quantity in taken:
            ownership_change_post(
                actor=agent,
                vendor=vendor,
                lines=[StockLineInput(item=item, quantity=Decimal(quantity), warehouse=line.warehouse)],
            )
            posted += 1
    return posted
