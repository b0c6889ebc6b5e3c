"""Consignment in the API (DESIGN.md section 8): the vendor's three lists, and the buyer's replenishment orders,
their receipts, ownership changes and consignment prices. The same selectors and services as the pages."""

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
    ConsignmentPrice,
    ConsignmentStock,
    OwnershipChange,
    OwnershipChangeLine,
    ReplenishmentOrder,
    ReplenishmentStatus,
)
from vendorcollab.partners.models import Item, Site, Vendor, Warehouse
from vendorcollab.purchasing.models import POStatus, PurchaseOrder

from .auth import actor, api_auth, buyer_users, vendor_users
from .buyer_schemas import NoNullCharacters
from .error_codes import CONSIGNMENT, answers
from .errors import error_responses
from .pagination import Page, PageQuery, PageResult, paginate
from .schemas import Id, InputSchema, Price, Quantity, Text

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


class ConsignmentOrderFilters(NoNullCharacters, Schema):
    """What the vendor's consignment purchase order page filters by."""

    company: Id | None = Field(None, description="Only this company's purchase orders.")
    q: str = Field("", max_length=100, description="Search: PO number.")


class ReceiptFilters(NoNullCharacters, Schema):
    """What the vendor's "Products received" page filters by."""

    company: Id | None = Field(None, description="Only what this company received.")
    q: str = Field("", max_length=100, description="Search: item number or PO number.")
    date_from: dt.date | None = Field(None, description="Only transfers on or after this date.")
    date_to: dt.date | None = Field(None, description="Only transfers on or before this date.")


class OnHandFilters(NoNullCharacters, Schema):
    """What the vendor's on-hand page filters by."""

    company: Id | None = Field(None, description="Only stock at this company.")
    q: str = Field("", max_length=100, description="Search: item number or name.")


@vendor_router.get(
    "/purchase-orders",
    response={200: Page[ConsignmentOrderRow], **error_responses(401, 404, 422)},
    summary="Purchase orders consuming consignment inventory",
)
def vendor_consignment_purchase_orders(
    request: HttpRequest, filters: Query[ConsignmentOrderFilters], paging: Query[PageQuery]
) -> PageResult[ConsignmentOrderRow]:
    rows = selectors.consignment_pos_for_vendor(actor=actor(request), company=filters.company, q=filters.q)
    return paginate(request, rows, paging, build=ConsignmentOrderRow.build)


@vendor_router.get(
    "/receipts",
    response={200: Page[ReceivedRow], **error_responses(401, 404, 422)},
    summary="Products received from consignment inventory",
)
def vendor_consignment_receipts(
    request: HttpRequest, filters: Query[ReceiptFilters], paging: Query[PageQuery]
) -> PageResult[ReceivedRow]:
    """Every ownership transfer line: what the vendor invoices."""
    rows = selectors.received_lines_for_vendor(
        actor=actor(request),
        company=filters.company,
        q=filters.q,
        date_from=filters.date_from,
        date_to=filters.date_to,
    )
    return paginate(request, rows, paging, build=ReceivedRow.build)


@vendor_router.get(
    "/on-hand",
    response={200: Page[OnHandRow], **error_responses(401, 404, 422)},
    summary="On-hand consignment inventory",
)
def vendor_consignment_on_hand(
    request: HttpRequest, filters: Query[OnHandFilters], paging: Query[PageQuery]
) -> PageResult[OnHandRow]:
    rows = selectors.stock_for_vendor(actor=actor(request), company=filters.company, q=filters.q)
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


class OwnershipLineIn(StockLineIn):
    unit_price: Price | None = Field(
        None,
        gt=0,
        description="What the buyer pays per unit for this line; the vendor's consignment price valid on the "
        "transfer date when left out (422 `no_consignment_price` when there is none).",
    )


class ReplenishmentLineIn(StockLineIn):
    expected_date: dt.date


class ReplenishmentIn(InputSchema):
    vendor: Id
    note: Text = Field("", max_length=4000)
    lines: list[ReplenishmentLineIn] = Field(min_length=1, max_length=500)


class OwnershipChangeIn(InputSchema):
    vendor: Id
    date: dt.date | None = Field(None, description="The transfer date; today when left out.")
    lines: list[OwnershipLineIn] = Field(min_length=1, max_length=500)


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
                unit_price=getattr(line, "unit_price", None),
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


# --- consignment prices ----------------------------------------------------------------------------------------------


class PriceOut(Schema):
    id: int
    vendor: int
    company: int
    item: int
    item_number: str
    unit_price: Decimal
    currency: str
    valid_from: dt.date = Field(description="Valid from this date until the next price of the vendor and item starts.")

    @classmethod
    def build(cls, price: ConsignmentPrice) -> PriceOut:
        return cls(
            id=price.pk,
            vendor=price.vendor_id,
            company=price.vendor.company_id,
            item=price.item_id,
            item_number=price.item.number,
            unit_price=price.unit_price,
            currency=price.currency,
            valid_from=price.valid_from,
        )


CURRENCY = Field("EUR", min_length=3, max_length=3, description="ISO 4217: three capital letters.")


class PriceIn(InputSchema):
    vendor: Id
    item: Id = Field(description="An item of the vendor account's company.")
    unit_price: Price = Field(gt=0)
    currency: str = CURRENCY
    valid_from: dt.date = Field(description="The first day the price holds; one price per vendor, item and date.")


class PricePatch(InputSchema):
    """Only what is sent changes; the vendor and the item of a price stay. `id`, `vendor`, `company`, `item` and
    `item_number` as `GET` returned them may be sent back and are ignored when unchanged (AIP-203); changed, they
    are refused (422 `read_only_field`)."""

    unit_price: Price | None = Field(None, gt=0)
    currency: str | None = Field(None, min_length=3, max_length=3)
    valid_from: dt.date | None = None
    id: int | None = Field(None, json_schema_extra={"readOnly": True})
    vendor: int | None = Field(None, json_schema_extra={"readOnly": True})
    company: int | None = Field(None, json_schema_extra={"readOnly": True})
    item: int | None = Field(None, json_schema_extra={"readOnly": True})
    item_number: str | None = Field(None, max_length=100, json_schema_extra={"readOnly": True})


class PriceFilters(Schema):
    vendor: Id | None = Field(None, description="Only this vendor account's prices.")
    item: Id | None = Field(None, description="Only this item's prices.")
    valid_on: dt.date | None = Field(
        None, description="Only the price of each vendor and item valid on this date (what an ownership change takes)."
    )


FIXED_PRICE_FIELD = _("“%(field)s” cannot be changed. A price stays with its vendor and item: enter a new price.")


def _item(request: HttpRequest, vendor: Vendor, pk: int) -> Item:
    item = Item.objects.filter(pk=pk, company_id=vendor.company_id).first()
    if item is None:
        errors = FieldErrors({"unknown": UNKNOWN})
        errors.add("item", ApiErrorCode.UNKNOWN)
        errors.raise_if_any()
    assert item is not None
    return item


prices = api_auth(buyer_users(*PURCHASING_ROLES))


@buyer_router.get(
    "/prices",
    response={200: Page[PriceOut], **error_responses(401, 404, 422)},
    summary="Consignment prices",
)
def consignment_price_list(
    request: HttpRequest, filters: Query[PriceFilters], paging: Query[PageQuery]
) -> PageResult[PriceOut]:
    """What the buyer pays each vendor per item taken from consignment stock, each from its `valid_from`."""
    rows = selectors.prices_for_buyer(
        actor=actor(request), vendor=filters.vendor, item=filters.item, valid_on=filters.valid_on
    )
    return paginate(request, rows, paging, build=PriceOut.build)


@buyer_router.post(
    "/prices",
    auth=prices,
    response={201: PriceOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Add a consignment price",
)
@answers(*CONSIGNMENT, ApiErrorCode.READ_ONLY_FIELD)
def consignment_price_create(request: HttpRequest, body: PriceIn) -> Status[PriceOut]:
    """409 `price_exists` when the vendor already has a price for the item from that date."""
    vendor = _vendor(request, body.vendor)
    price = services.price_create(
        actor=actor(request),
        vendor=vendor,
        item=_item(request, vendor, body.item),
        unit_price=body.unit_price,
        currency=body.currency,
        valid_from=body.valid_from,
    )
    return Status(201, PriceOut.build(selectors.price_get(actor=actor(request), pk=price.pk)))


@buyer_router.get(
    "/prices/{int:id}",
    response={200: PriceOut, **error_responses(401, 404, 422)},
    summary="A consignment price",
)
def consignment_price_get(request: HttpRequest, id: Id) -> PriceOut:
    return PriceOut.build(selectors.price_get(actor=actor(request), pk=id))


@buyer_router.patch(
    "/prices/{int:id}",
    auth=prices,
    response={200: PriceOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Change a consignment price",
)
@answers(*CONSIGNMENT, ApiErrorCode.READ_ONLY_FIELD)
def consignment_price_update(request: HttpRequest, id: Id, body: PricePatch) -> PriceOut:
    """Ownership changes already posted keep the price they were posted at."""
    price = selectors.price_get(actor=actor(request), pk=id)
    current = PriceOut.build(price)
    errors = FieldErrors({"read_only_field": FIXED_PRICE_FIELD})
    for name in ("id", "vendor", "company", "item", "item_number"):
        sent = getattr(body, name)
        if sent is not None and sent != getattr(current, name):
            errors.add(name, ApiErrorCode.READ_ONLY_FIELD, field=name)
    errors.raise_if_any()
    services.price_update(
        actor=actor(request),
        price=price,
        unit_price=body.unit_price,
        currency=body.currency,
        valid_from=body.valid_from,
    )
    return PriceOut.build(selectors.price_get(actor=actor(request), pk=id))
