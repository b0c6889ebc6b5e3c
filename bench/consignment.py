"""Consignment in the bench data: stock that some vendors own in the buyer's warehouses, the replenishment orders
that brought it, and the ownership changes (with their consignment POs) that moved part of it to the buyer.

Every balance is the sum of its movements, exactly as the services keep them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.conf import settings

from vendorcollab.consignment.models import (
    ConsignmentMovement,
    ConsignmentPrice,
    ConsignmentStock,
    MovementKind,
    OwnershipChange,
    OwnershipChangeLine,
    ReplenishmentLine,
    ReplenishmentOrder,
    ReplenishmentStatus,
)
from vendorcollab.purchasing.models import (
    EventKind,
    Origin,
    POStatus,
    PurchaseOrder,
    PurchaseOrderLine,
    Receipt,
    ReceiptLine,
    VersionKind,
)

from .generator import Batch, History, PurchaseOrderFactory, _money
from .tables import (
    MOVEMENT,
    OWNERSHIP,
    OWNERSHIP_LINE,
    PO,
    PO_LINE,
    PRICE,
    RECEIPT,
    RECEIPT_LINE,
    REPLENISHMENT,
    REPLENISHMENT_LINE,
    STOCK,
    TABLES,
)
from .world import UNIT_CODES, VendorInfo

PRICES_VALID_FROM = dt.date(2000, 1, 1)

ITEMS_PER_VENDOR = 10
REPLENISHMENTS_PER_VENDOR = 5  # the last one still open
REPLENISHED_QUANTITY = 1000


class ConsignmentFactory:
    def __init__(self, orders: PurchaseOrderFactory) -> None:
        self.orders = orders
        self.ids = orders.ids
        self.rng = orders.rng
        self.world = orders.world

    def vendors(self) -> list[VendorInfo]:
        """The big vendor and a sample of others keep consignment stock."""
        others = self.rng.sample(
            self.world.vendors[1:], min(len(self.world.vendors) - 1, self.orders.size.consignment_vendors - 1)
        )
        return [self.world.big_vendor, *others]

    def batches(self) -> Iterator[Batch]:
        vendors = self.vendors()
        total = self.orders.consignment_pos()
        for index, vendor in enumerate(vendors):
            batch: Batch = {table: [] for table in TABLES}
            changes = total // len(vendors) + (1 if index < total % len(vendors) else 0)
            self.vendor_stock(batch, vendor, changes)
            yield batch

    def vendor_stock(self, batch: Batch, vendor: VendorInfo, changes: int) -> None:
        rng = self.rng
        company = self.world.companies[vendor.company_id]
        site_id, warehouses = company.sites[0]
        warehouse_id = warehouses[0]
        agent = rng.choice(self.world.agent_ids)
        year_ago = self.orders.now - dt.timedelta(days=365)
        items = vendor.catalogue[:ITEMS_PER_VENDOR]
        prices = {}
        for item_id, _name, _unit in items:
            prices[item_id] = rng.randint(5, 500) * 20
            price_id = self.ids.take(ConsignmentPrice)
            # Valid since before the stock's history begins, as the migration dates prices kept before valid_from.
            batch[PRICE].append((price_id, vendor.id, item_id, _money(prices[item_id]), "EUR", PRICES_VALID_FROM))
        physical = dict.fromkeys(prices, 0)
        expected = dict.fromkeys(prices, 0)

        def key(item_id: int) -> tuple[Any, ...]:
            return (vendor.id, item_id, site_id, warehouse_id, "", "", "", "")

        def move(
            item_id: int, kind: str, physical_change: int, expected_change: int, at: dt.datetime, **links: int
        ) -> None:
            batch[MOVEMENT].append(
                (
                    self.ids.take(ConsignmentMovement),
                    *key(item_id),
                    kind,
                    physical_change,
                    expected_change,
                    links.get("replenishment_line"),
                    links.get("ownership_line"),
                    agent,
                    at,
                )
            )
            physical[item_id] += physical_change
            expected[item_id] += expected_change

        for number in range(REPLENISHMENTS_PER_VENDOR):
            is_open = number == REPLENISHMENTS_PER_VENDOR - 1
            ordered_at = year_ago + dt.timedelta(days=number * 60)
            order_id = self.ids.take(ReplenishmentOrder)
            scope = f"replenishment:{vendor.company_id}"
            batch[REPLENISHMENT].append(
                (
                    order_id,
                    vendor.company_id,
                    vendor.id,
                    f"{settings.REPLENISHMENT_NUMBER_PREFIX}{self.world.next_number(scope):06d}",
                    ReplenishmentStatus.OPEN if is_open else ReplenishmentStatus.RECEIVED,
                    "",
                    agent,
                    ordered_at,
                )
            )
            for line_number, (item_id, _name, _unit) in enumerate(items, start=1):
                line_id = self.ids.take(ReplenishmentLine)
                batch[REPLENISHMENT_LINE].append(
                    (
                        line_id,
                        order_id,
                        line_number,
                        item_id,
                        site_id,
                        warehouse_id,
                        "",
                        "",
                        "",
                        "",
                        REPLENISHED_QUANTITY,
                        0 if is_open else REPLENISHED_QUANTITY,
                        (ordered_at + dt.timedelta(days=14)).date(),
                    )
                )
                move(
                    item_id,
                    MovementKind.REPLENISHMENT_ORDERED,
                    0,
                    REPLENISHED_QUANTITY,
                    ordered_at,
                    replenishment_line=line_id,
                )
                if not is_open:
                    received_at = ordered_at + dt.timedelta(days=10)
                    move(
                        item_id,
                        MovementKind.REPLENISHMENT_RECEIVED,
                        REPLENISHED_QUANTITY,
                        -REPLENISHED_QUANTITY,
                        received_at,
                        replenishment_line=line_id,
                    )

        stock_taken_from = year_ago + dt.timedelta(days=20)
        for number in range(changes):
            when = stock_taken_from + dt.timedelta(seconds=number * (340 * 86400 // max(changes, 1)))
            # The latest consumption is never invoiced yet: every consignment vendor has receipts to invoice.
            latest = number == changes - 1
            item_id = items[rng.randrange(len(items))][0]
            self.ownership_change(batch, vendor, item_id, prices, when, agent, move, key, invoice=not latest)

        for item_id in prices:
            batch[STOCK].append((self.ids.take(ConsignmentStock), *key(item_id), physical[item_id], expected[item_id]))

    def ownership_change(
        self,
        batch: Batch,
        vendor: VendorInfo,
        item_id: int,
        prices: dict[int, int],
        when: dt.datetime,
        agent: int,
        move: Any,
        key: Any,
        *,
        invoice: bool,
    ) -> None:
        """One journal of one line, its consignment PO (already received, with its confirmation version) and the
        receipt that records it, as ``ownership_change_post`` makes them; and, when ``invoice``, the vendor's
        invoices of it."""
        quantity = self.rng.randint(1, 20)
        price = prices[item_id]
        po_id = self.ids.take(PurchaseOrder)
        journal_id = self.ids.take(OwnershipChange)
        journal_line_id = self.ids.take(OwnershipChangeLine)
        company_id = vendor.company_id
        journal_number = (
            f"{settings.OWNERSHIP_CHANGE_NUMBER_PREFIX}{self.world.next_number(f'ownership:{company_id}'):06d}"
        )
        po_number = (
            f"{settings.PURCHASE_ORDER_NUMBER_PREFIX}{self.world.next_number(f'purchase_order:{company_id}'):06d}"
        )
        _key_vendor, _item, site_id, warehouse_id, *dimensions = key(item_id)
        name = next(entry[1] for entry in vendor.catalogue if entry[0] == item_id)
        unit = next(entry[2] for entry in vendor.catalogue if entry[0] == item_id)
        line = [
            1,
            item_id,
            name,
            quantity,
            unit,
            price,
            0,
            when.date(),
            site_id,
            warehouse_id,
            *dimensions,
            "",
            "",
            [],
            False,
            UNIT_CODES[unit],
        ]

        history = History(self.orders, batch, po_id, agent, when.date())
        history.created_at = history.last_at = when
        history.event(EventKind.CREATED, "", POStatus.DRAFT, 0.0)
        version = history.send([line], 1, 0.0, kind=VersionKind.CONFIRMATION)
        history.event(
            EventKind.RECEIVED,
            POStatus.DRAFT,
            POStatus.RECEIVED,
            0.0,
            version=1,
            data={"ownership_change": journal_number},
        )
        line_id = self.ids.take(PurchaseOrderLine)
        # The vendor invoices what the buyer took from its stock, as it invoices received POs.
        received_on = when.date() if invoice else None
        invoiced = self.orders.bill(batch, vendor, po_id, [line], {1: line_id}, {1: quantity}, received_on)
        batch[PO_LINE].append((line_id, po_id, *self.orders._line_values(line), quantity, invoiced.get(line_id, 0)))
        receipt_id = self.ids.take(Receipt)
        batch[RECEIPT].append((receipt_id, po_id, when.date(), agent, when))
        batch[RECEIPT_LINE].append((self.ids.take(ReceiptLine), receipt_id, line_id, quantity))
        batch[PO].append(
            (
                po_id,
                company_id,
                vendor.id,
                po_number,
                Origin.CONSIGNMENT,
                POStatus.RECEIVED,
                "EUR",
                when.date(),
                None,
                version.id,
                None,
                version.id,
                when,
                agent,
                when,
                when,
                when,
                agent,
                not invoiced,
            )
        )
        batch[OWNERSHIP].append((journal_id, company_id, vendor.id, journal_number, po_id, when.date(), agent, when))
        batch[OWNERSHIP_LINE].append(
            (
                journal_line_id,
                journal_id,
                1,
                item_id,
                site_id,
                warehouse_id,
                *dimensions,
                quantity,
                _money(price),
                _money(quantity * price),
            )
        )
        move(item_id, MovementKind.OWNERSHIP_CHANGED, -quantity, 0, when, ownership_line=journal_line_id)
