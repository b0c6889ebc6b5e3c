"""Consignment in the API (DESIGN.md section 8): the vendor's three lists, and the buyer's replenishment orders,
their receipts and ownership changes. The same selectors and services as the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from vendorcollab.accounts.models import PURCHASING_ROLES, RECEIVING_ROLES
from vendorcollab.api.errors import ApiErrorCode
from vendorcollab.common.errors import FieldErrors, ValidationFailed
from vendorcollab.consignment import selectors, services
from vendorcollab.consignment.models import (
    ConsignmentStock,
    OwnershipChange,
    OwnershipChangeLine,
    ReplenishmentOrder,
    ReplenishmentStatus,
)
from vendorcollab.partners.models import Item, Site, Vendor, Warehouse
from vendorcollab.purchasing.models import POStatus, PurchaseOrder

from .auth import actor, api_auth, buyer_users, vendor_users
from .error_codes import CONSIGNMENT, answers
from .errors import error_responses
from .pagination import Page, PageQuery, PageResult, paginate
from .schemas import Id, InputSchema, Quantity, Text

vendor_router = Router(auth=api_auth(vendor_users), tags=["vendor consignment"])
buyer_router = Router(auth=api_auth(buyer_users()), tags=["consignment"])

UNKNOWN = _("There is no such object, or it belongs to another company.")


class Dimensions(Schema):
    color: str
    size: str
    style: str
    configuration: str


def _dimensions(row: Any) -> dict[str, str]:
    return {"color": row.color, "size": row.size, "style": row.style, "configuration": row.configuration}


# --- the vendor's lists --------------------------------------------------------------------------------------------


class ConsignmentOrderRow(Schema):
    id: int
    number: str
    status: POStatus
    company: int
    vendor: int
    order_date: dt.date
    total: Decimal | None = Field(description="Null where the vendor account does not show prices.")
    currency: str

    @classmethod
    def build(cls, po: PurchaseOrder) -> ConsignmentOrderRow:
        version = po.confirmed_version
        shown = po.vendor.show_prices and version is not None
        return cls(
            id=po.pk,
            number=po.number,
            status=POStatus(po.status),
            company=po.company_id,
            vendor=po.vendor_id,
            order_date=po.order_date,
            total=version.total_amount if shown and version else None,
            currency=po.currency,
        )


class ReceivedRow(Dimensions):
    id: int
    date: dt.date
    purchase_order: int
    purchase_order_number: str
    company: int
    vendor: int
    item: int
    item_number: str
    site: int
    warehouse: int
    quantity: Decimal
    unit_price: Decimal | None
    amount: Decimal | None

    @classmethod
    def build(cls, line: OwnershipChangeLine) -> ReceivedRow:
        journal = line.journal
        shown = journal.vendor.show_prices
        return cls(
            id=line.pk,
            date=journal.transfer_date,
            purchase_order=journal.purchase_order_id,
            purchase_order_number=journal.purchase_order.number,
            company=journal.company_id,
            vendor=journal.vendor_id,
            item=line.item_id,
            item_number=line.item.number,
            site=line.site_id,
            warehouse=line.warehouse_id,
            quantity=line.quantity,
            unit_price=line.unit_price if shown else None,
            amount=line.amount if shown else None,
            **_dimensions(line),
        )


class OnHandRow(Dimensions):
    vendor: int
    company: int
    item: int
    item_number: str
    site: int
    warehouse: int
    physical_quantity: Decimal
    expected_quantity: Decimal = Field(description="Still to come on open replenishment orders.")

    @classmethod
    def build(cls, stock: ConsignmentStock) -> OnHandRow:
        return cls(
            vendor=stock.vendor_id,
            company=stock.vendor.company_id,
            item=stock.item_id,
            item_number=stock.item.number,
            site=stock.site_id,
            warehouse=stock.warehouse_id,
            physical_quantity=stock.physical_quantity,
            expected_quantity=stock.expected_quantity,
            **_dimensions(stock),
        )


@vendor_router.get(
    "/purchase-orders",
    response={200: Page[ConsignmentOrderRow], **error_responses(401, 404, 422)},
    summary="Purchase orders consuming consignment inventory",
)
def vendor_consignment_purchase_orders(
    request: HttpRequest, paging: Query[PageQuery]
) -> PageResult[ConsignmentOrderRow]:
    rows = selectors.consignment_pos_for_vendor(actor=actor(request))
    return paginate(request, rows, paging, build=ConsignmentOrderRow.build)


@vendor_router.get(
    "/receipts",
    response={200: Page[ReceivedRow], **error_responses(401, 404, 422)},
    summary="Products received from consignment inventory",
)
def vendor_consignment_receipts(request: HttpRequest, paging: Query[PageQuery]) -> PageResult[ReceivedRow]:
    """Every ownership transfer line: what the vendor invoices."""
    rows = selectors.received_lines_for_vendor(actor=actor(request))
    return paginate(request, rows, paging, build=ReceivedRow.build)


@vendor_router.get(
    "/on-hand",
    response={200: Page[OnHandRow], **error_responses(401, 404, 422)},
    summary="On-hand consignment inventory",
)
def vendor_consignment_on_hand(request: HttpRequest, paging: Query[PageQuery]) -> PageResult[OnHandRow]:
    rows = selectors.stock_for_vendor(actor=actor(request))
    return paginate(request, rows, paging, build=OnHandRow.build)


# --- the buyer's side --------------------------------------------------------------------------------------------


class StockLineIn(InputSchema):
    item: Id
    quantity: Quantity
    site: Id | None = None
    warehouse: Id
    color: Text = Field("", max_length=40)
    size: Text = Field("", max_length=40)
    style: Text = Field("", max_length=40)
    configuration: Text = Field("", max_length=40)


class ReplenishmentLineIn(StockLineIn):
    expected_date: dt.date


class ReplenishmentIn(InputSchema):
    vendor: Id
    note: Text = Field("", max_length=4000)
    lines: list[ReplenishmentLineIn] = Field(min_length=1, max_length=500)


class OwnershipChangeIn(InputSchema):
    vendor: Id
    date: dt.date | None = Field(None, description="The transfer date; today when left out.")
    lines: list[StockLineIn] = Field(min_length=1, max_length=500)


class ReceiveLineIn(InputSchema):
    line_number: int = Field(ge=1, le=2**31 - 1)
    quantity: Quantity


class ReceiveIn(InputSchema):
    lines: list[ReceiveLineIn] = Field(min_length=1, max_length=500)


class ReplenishmentLineOut(Dimensions):
    line_number: int
    item: int
    item_number: str
    quantity: Decimal
    received_quantity: Decimal
    site: int
    warehouse: int
    expected_date: dt.date


class ReplenishmentOut(Schema):
    id: int
    number: str
    status: ReplenishmentStatus
    company: int
    vendor: int
    lines: list[ReplenishmentLineOut]

    @classmethod
    def build(cls, order: ReplenishmentOrder) -> ReplenishmentOut:
        return cls(
            id=order.pk,
            number=order.number,
            status=ReplenishmentStatus(order.status),
            company=order.company_id,
            vendor=order.vendor_id,
            lines=[
                ReplenishmentLineOut(
                    line_number=line.line_number,
                    item=line.item_id,
                    item_number=line.item.number,
                    quantity=line.quantity,
                    received_quantity=line.received_quantity,
                    site=line.site_id,
                    warehouse=line.warehouse_id,
                    expected_date=line.expected_date,
                    **_dimensions(line),
                )
                for line in order.lines.select_related("item")
            ],
        )


class OwnershipLineOut(Dimensions):
    line_number: int
    item: int
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    site: int
    warehouse: int


class OwnershipChangeOut(Schema):
    id: int
    number: str
    company: int
    vendor: int
    date: dt.date
    purchase_order: int = Field(description="The consignment purchase order the journal created, already received.")
    purchase_order_number: str
    lines: list[OwnershipLineOut]

    @classmethod
    def build(cls, journal: OwnershipChange) -> OwnershipChangeOut:
        return cls(
            id=journal.pk,
            number=journal.number,
            company=journal.company_id,
            vendor=journal.vendor_id,
            date=journal.transfer_date,
            purchase_order=journal.purchase_order_id,
            purchase_order_number=journal.purchase_order.number,
            lines=[
                OwnershipLineOut(
                    line_number=line.line_number,
                    item=line.item_id,
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                    amount=line.amount,
                    site=line.site_id,
                    warehouse=line.warehouse_id,
                    **_dimensions(line),
                )
                for line in journal.lines.all()
            ],
        )


def _vendor(request: HttpRequest, pk: int) -> Vendor:
    vendor = Vendor.objects.visible_to(actor(request)).select_related("company").filter(pk=pk).first()
    if vendor is None:
        errors = FieldErrors({ApiErrorCode.UNKNOWN: UNKNOWN})
        errors.add("vendor", ApiErrorCode.UNKNOWN)
        errors.raise_if_any()
    assert vendor is not None
    return vendor


def _stock_lines(vendor: Vendor, lines: list[Any]) -> list[services.StockLineInput]:
    """The references of each line resolved within the vendor's company; unknown ones refused per field."""
    company = vendor.company_id
    items = Item.objects.in_bulk([line.item for line in lines])
    warehouses = Warehouse.objects.select_related("site").in_bulk([line.warehouse for line in lines])
    sites = Site.objects.in_bulk([line.site for line in lines if line.site])
    errors = FieldErrors({ApiErrorCode.UNKNOWN: UNKNOWN})
    result = []
    for index, line in enumerate(lines):
        item, warehouse = items.get(line.item), warehouses.get(line.warehouse)
        site = sites.get(line.site) if line.site else None
        if item is None or item.company_id != company:
            errors.add(f"lines.{index}.item", ApiErrorCode.UNKNOWN)
        if warehouse is None or warehouse.site.company_id != company:
            errors.add(f"lines.{index}.warehouse", ApiErrorCode.UNKNOWN)
        if line.site and (site is None or site.company_id != company):
            errors.add(f"lines.{index}.site", ApiErrorCode.UNKNOWN)
        if item is None or warehouse is None:
            continue
        result.append(
            services.StockLineInput(
                item=item,
                quantity=line.quantity,
                warehouse=warehouse,
                site=site,
                color=line.color,
                size=line.size,
                style=line.style,
                configuration=line.configuration,
                expected_date=getattr(line, "expected_date", None),
            )
        )
    errors.raise_if_any()
    return result


@buyer_router.post(
    "/replenishment-orders",
    auth=api_auth(buyer_users(*PURCHASING_ROLES)),
    response={201: ReplenishmentOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Create a consignment replenishment order",
)
@answers(CONSIGNMENT)
def consignment_replenishment_create(request: HttpRequest, body: ReplenishmentIn) -> Status[ReplenishmentOut]:
    vendor = _vendor(request, body.vendor)
    order = services.replenishment_create(
        actor=actor(request), vendor=vendor, lines=_stock_lines(vendor, body.lines), note=body.note
    )
    return Status(201, ReplenishmentOut.build(order))


@buyer_router.post(
    "/replenishment-orders/{id}/receipts",
    auth=api_auth(buyer_users(*RECEIVING_ROLES)),
    response={200: ReplenishmentOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Receive a replenishment order (partly or fully)",
)
@answers(CONSIGNMENT)
def consignment_replenishment_receive(request: HttpRequest, id: Id, body: ReceiveIn) -> ReplenishmentOut:
    order = selectors.replenishment_get(actor=actor(request), pk=id)
    order = services.replenishment_receive(
        actor=actor(request),
        order=order,
        lines=[services.ReceiveInput(line.line_number, line.quantity) for line in body.lines],
    )
    return ReplenishmentOut.build(order)


@buyer_router.post(
    "/ownership-changes",
    auth=api_auth(buyer_users(*PURCHASING_ROLES)),
    response={201: OwnershipChangeOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Post an inventory ownership change",
)
@answers(CONSIGNMENT)
def consignment_ownership_change_post(request: HttpRequest, body: OwnershipChangeIn) -> Status[OwnershipChangeOut]:
    """Takes the quantities over from the vendor, all lines or none, and returns the journal with the consignment
    purchase order it created (already received)."""
    vendor = _vendor(request, body.vendor)
    try:
        journal = services.ownership_change_post(
            actor=actor(request), vendor=vendor, lines=_stock_lines(vendor, body.lines), transfer_date=body.date
        )
    except ValidationFailed as error:
        raise error.with_fields_renamed({"transfer_date": "date"}) from None
    return Status(201, OwnershipChangeOut.build(journal))
