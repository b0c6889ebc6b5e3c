"""Consignment test helpers: prices, lines and a vendor's stock built through the services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from vendorcollab.common.testing.factories import in_days
from vendorcollab.consignment.models import ConsignmentPrice, ConsignmentStock
from vendorcollab.consignment.services import (
    ReceiveInput,
    StockLineInput,
    replenishment_create,
    replenishment_receive,
)


def priced(cast: Any, price: str = "4.00") -> None:
    for vendor in (cast.vendor_a, cast.vendor_b):
        for item in cast.items:
            ConsignmentPrice.objects.get_or_create(vendor=vendor, item=item, defaults={"unit_price": Decimal(price)})


def stock_line(cast: Any, item: int = 0, quantity: str = "10", **extra: Any) -> StockLineInput:
    return StockLineInput(
        item=cast.items[item], quantity=Decimal(quantity), warehouse=cast.warehouse, expected_date=in_days(5), **extra
    )


def stocked(cast: Any, vendor: Any = None, quantity: str = "10", item: int = 0, **extra: Any) -> ConsignmentStock:
    """``quantity`` of an item physically in the cast's warehouse, owned by the vendor (vendor A by default)."""
    vendor = vendor or cast.vendor_a
    order = replenishment_create(actor=cast.agent, vendor=vendor, lines=[stock_line(cast, item, quantity, **extra)])
    replenishment_receive(actor=cast.clerk, order=order, lines=[ReceiveInput(1, Decimal(quantity))])
    return ConsignmentStock.objects.get(vendor=vendor, item=cast.items[item], **extra)
