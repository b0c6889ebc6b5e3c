"""Every write to consignment stock: replenishment orders and their receipts, and inventory ownership changes.

A balance changes only through ``_move``, which locks the balance row, changes it and appends the movement, so the
ledger and the balances cannot drift apart and two postings cannot both take the same stock.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from vendorcollab.accounts.models import PURCHASING_ROLES, User
from vendorcollab.common.events import Event, publish
from vendorcollab.common.formatting import quantity_text
from vendorcollab.common.models import NumberSequence
from vendorcollab.common.receiving import LineQuantity, check_line_quantities
from vendorcollab.common.text import (
    PRICE_DIGITS,
    QUANTITY_DIGITS,
    Kind,
    Limit,
    check_count,
    check_date,
    check_decimal,
    check_text,
    check_texts,
)
from vendorcollab.consignment.errors import ConsignmentErrorCode
from vendorcollab.partners.models import Item, Site, Vendor, Warehouse
from vendorcollab.purchasing import services as purchasing
from vendorcollab.purchasing import transitions
from vendorcollab.purchasing.errors import PurchasingErrorCode, refused
from vendorcollab.purchasing.errors import conflict as purchasing_conflict
from vendorcollab.purchasing.models import Origin, PurchaseOrderLine, Receipt, ReceiptLine, VersionKind
from vendorcollab.purchasing.services.versions import version_freeze
from vendorcollab.purchasing.transitions import Action

from . import transitions as replenishment_transitions
from .errors import FieldErrors, conflict
from .models import (
    ConsignmentMovement,
    ConsignmentPrice,
    ConsignmentStock,
    MovementKind,
    OwnershipChange,
    OwnershipChangeLine,
    ReplenishmentLine,
    ReplenishmentOrder,
    ReplenishmentStatus,
    StockKey,
)
from .transitions import ReplenishmentAction

ZERO = Decimal(0)


@dataclass(frozen=True)
class StockLineInput:
    """A line of a replenishment order or an ownership change: what, how much, where."""

    item: Item
    quantity: Decimal
    warehouse: Warehouse
    site: Site | None = None
    color: str = ""
    size: str = ""
    style: str = ""
    configuration: str = ""
    expected_date: date | None = None
    # An ownership change line's own price; the vendor's consignment price valid on the transfer date when None.
    unit_price: Decimal | None = None

    def key(self, vendor: Vendor) -> tuple[object, ...]:
        site = self.site or self.warehouse.site
        return (
            vendor.pk,
            self.item.pk,
            site.pk,
            self.warehouse.pk,
            self.color,
            self.size,
            self.style,
            self.configuration,
        )

    def key_values(self) -> dict[str, object]:
        return {
            "item": self.item,
            "site": self.site or self.warehouse.site,
            "warehouse": self.warehouse,
            "color": self.color,
            "size": self.size,
            "style": self.style,
            "configuration": self.configuration,
        }


# One line of a replenishment receipt: the shape shared with purchase order receipts (``common.receiving``).
ReceiveInput = LineQuantity


def _validate_lines(vendor: Vendor, lines: Sequence[StockLineInput], errors: FieldErrors, *, dated: bool) -> None:
    today = timezone.localdate()
    if not lines:
        errors.add("lines", PurchasingErrorCode.REQUIRED)
    check_count(errors, "lines", lines, Limit.LINES_PER_ORDER)
    for index, line in enumerate(lines):
        path = f"lines.{index}"
        if line.quantity <= 0:
            errors.add(f"{path}.quantity", PurchasingErrorCode.QUANTITY_NOT_POSITIVE)
        check_decimal(errors, f"{path}.quantity", line.quantity, QUANTITY_DIGITS)
        check_texts(
            errors,
            {
                f"{path}.{name}": (getattr(line, name), Kind.LINE, Limit.DIMENSION)
                for name in ("color", "size", "style", "configuration")
            },
        )
        if line.item.company_id != vendor.company_id:
            errors.add(f"{path}.item", PurchasingErrorCode.WRONG_COMPANY)
        if line.warehouse.site.company_id != vendor.company_id:
            errors.add(f"{path}.warehouse", PurchasingErrorCode.WRONG_COMPANY)
        elif line.site is not None and line.warehouse.site_id != line.site.pk:
            errors.add(f"{path}.warehouse", PurchasingErrorCode.WAREHOUSE_NOT_IN_SITE)
        if line.unit_price is not None:
            _check_price(errors, f"{path}.unit_price", line.unit_price)
        if dated:
            if line.expected_date is None:
                errors.add(f"{path}.expected_date", PurchasingErrorCode.REQUIRED)
            elif line.expected_date < today:
                errors.add(f"{path}.expected_date", PurchasingErrorCode.DATE_IN_PAST)
            else:
                check_date(errors, f"{path}.expected_date", line.expected_date)


def _check_price(errors: FieldErrors, path: str, unit_price: Decimal) -> None:
    if not unit_price.is_finite() or unit_price <= 0:
        errors.add(path, ConsignmentErrorCode.PRICE_NOT_POSITIVE)
    else:
        check_decimal(errors, path, unit_price, PRICE_DIGITS)


def _lock_balance(vendor: Vendor, key: dict[str, object]) -> ConsignmentStock:
    """The balance row of a stock key, created at zero when new, locked until the transaction ends."""
    lookup = {"vendor": vendor, **key}
    stock = ConsignmentStock.objects.select_for_update().filter(**lookup).first()
    if stock is not None:
        return stock
    try:
        with transaction.atomic():
            ConsignmentStock.objects.create(**lookup)
    except IntegrityError:
        pass  # created by a concurrent posting a moment ago: lock that one
    return ConsignmentStock.objects.select_for_update().get(**lookup)


def _move(
    stock: ConsignmentStock,
    *,
    kind: MovementKind,
    actor: User,
    physical: Decimal = ZERO,
    expected: Decimal = ZERO,
    replenishment_line: ReplenishmentLine | None = None,
    ownership_line: OwnershipChangeLine | None = None,
) -> None:
    """Change a locked balance and append the movement that says why."""
    stock.physical_quantity += physical
    stock.expected_quantity += expected
    stock.save(update_fields=["physical_quantity", "expected_quantity"])
    ConsignmentMovement.objects.create(
        vendor_id=stock.vendor_id,
        kind=kind,
        physical_change=physical,
        expected_change=expected,
        replenishment_line=replenishment_line,
        ownership_line=ownership_line,
        actor=actor,
        **{name: getattr(stock, name) for name in StockKey.KEY_FIELDS},
    )


def _number(prefix: str, scope: str) -> str:
    return f"{prefix}{NumberSequence.next_value(scope):06d}"


def replenishment_create(
    *, actor: User, vendor: Vendor, lines: Sequence[StockLineInput], note: str = ""
) -> ReplenishmentOrder:
    """Announce stock the vendor will ship; it shows as expected on-hand until received."""
    if not actor.has_role(*PURCHASING_ROLES):
        raise refused()
    if not vendor.collaborates:
        raise purchasing_conflict("vendor_not_collaborating", vendor=vendor.name)
    errors = FieldErrors()
    _validate_lines(vendor, lines, errors, dated=True)
    check_text(errors, "note", note, Kind.MULTILINE, Limit.NOTE)
    errors.raise_if_any()
    with transaction.atomic():
        order = ReplenishmentOrder.objects.create(
            company=vendor.company,
            vendor=vendor,
            number=_number(settings.REPLENISHMENT_NUMBER_PREFIX, f"replenishment:{vendor.company_id}"),
            note=note,
            created_by=actor,
        )
        for number, line in enumerate(lines, start=1):
            assert line.expected_date is not None  # checked by _validate_lines(dated=True)
            created = ReplenishmentLine.objects.create(
                order=order,
                line_number=number,
                quantity=line.quantity,
                expected_date=line.expected_date,
                **line.key_values(),
            )
            stock = _lock_balance(vendor, line.key_values())
            _move(
                stock,
                kind=MovementKind.REPLENISHMENT_ORDERED,
                actor=actor,
                expected=line.quantity,
                replenishment_line=created,
            )
    return order


def _lock_order(order: ReplenishmentOrder, action: ReplenishmentAction, *, actor: User) -> ReplenishmentOrder:
    """A fresh copy of the order, its row locked, and the replenishment table's answer on ``action``."""
    locked = ReplenishmentOrder.objects.select_for_update().select_related("vendor").get(pk=order.pk)
    replenishment_transitions.check(locked, action, actor=actor)
    return locked


def replenishment_receive(
    *, actor: User, order: ReplenishmentOrder, lines: Sequence[ReceiveInput]
) -> ReplenishmentOrder:
    """Receive (part of) a replenishment: the quantity moves from expected to physical, still the vendor's."""
    with transaction.atomic():
        order = _lock_order(order, ReplenishmentAction.RECEIVE, actor=actor)
        order_lines = {line.line_number: line for line in order.lines.select_related("item", "site", "warehouse")}
        errors = FieldErrors()
        check_line_quantities(errors, lines, order_lines, over_code=ConsignmentErrorCode.REPLENISHMENT_OVER_RECEIPT)
        errors.raise_if_any()
        for entry in lines:
            line = order_lines[entry.line_number]
            line.received_quantity += entry.quantity
            line.save(update_fields=["received_quantity"])
            stock = _lock_balance(order.vendor, _key_of(line))
            _move(
                stock,
                kind=MovementKind.REPLENISHMENT_RECEIVED,
                actor=actor,
                physical=entry.quantity,
                expected=-entry.quantity,
                replenishment_line=line,
            )
        if all(line.remaining_quantity <= 0 for line in order_lines.values()):
            replenishment_transitions.transition(
                order, ReplenishmentAction.RECEIVE, actor=actor, target=ReplenishmentStatus.RECEIVED
            )
    return order


def replenishment_cancel(*, actor: User, order: ReplenishmentOrder) -> ReplenishmentOrder:
    """Nothing more will come: what was still expected is no longer."""
    with transaction.atomic():
        order = _lock_order(order, ReplenishmentAction.CANCEL, actor=actor)
        for line in order.lines.all():
            if line.remaining_quantity > 0:
                stock = _lock_balance(order.vendor, _key_of(line))
                _move(
                    stock,
                    kind=MovementKind.REPLENISHMENT_CANCELLED,
                    actor=actor,
                    expected=-line.remaining_quantity,
                    replenishment_line=line,
                )
        replenishment_transitions.transition(order, ReplenishmentAction.CANCEL, actor=actor)
    return order


def _key_of(row: StockKey) -> dict[str, object]:
    return {
        "item_id": row.item_id,
        "site_id": row.site_id,
        "warehouse_id": row.warehouse_id,
        "color": row.color,
        "size": row.size,
        "style": row.style,
        "configuration": row.configuration,
    }


def ownership_change_post(
    *, actor: User, vendor: Vendor, lines: Sequence[StockLineInput], transfer_date: date | None = None
) -> OwnershipChange:
    """Take stock over from the vendor: all lines or none.

    Refused when any line wants more than the vendor owns at that key (lines with the same key add up). Creates
    the consignment PO (origin consignment) already received, priced at each line's own ``unit_price`` or else at
    the vendor's consignment price valid on the transfer date (refused when there is none), with
    one receipt line per journal line, and moves the quantities out of the vendor's stock.
    """
    # Who may: the roles of the PO table's "post_consignment" row, asked before any work is done.
    if not actor.has_role(*transitions.roles_for(Action.POST_CONSIGNMENT)):
        raise refused()
    errors = FieldErrors()
    _validate_lines(vendor, lines, errors, dated=False)
    check_date(errors, "transfer_date", transfer_date, recorded=True)
    errors.raise_if_any()  # the balances below are looked up by these texts: a NUL would fail on PostgreSQL
    when = transfer_date or timezone.localdate()
    prices = prices_valid_on(vendor=vendor, items=[line.item for line in lines if line.unit_price is None], day=when)
    for index, line in enumerate(lines):
        if line.unit_price is None and line.item.pk not in prices:
            errors.add(f"lines.{index}.item", ConsignmentErrorCode.NO_CONSIGNMENT_PRICE, item=line.item.number)
    errors.raise_if_any()
    unit_prices = [prices[line.item.pk].unit_price if line.unit_price is None else line.unit_price for line in lines]
    # The price list's currency; lines priced on the form alone are in the currency of the vendor's latest price.
    currency = next(iter(prices.values())).currency if prices else _latest_currency(vendor)
    with transaction.atomic():
        # Lock every balance involved, in one order, so that two postings wait for each other instead of deadlocking.
        keys = sorted({line.key(vendor): line for line in lines}.items(), key=lambda pair: str(pair[0]))
        balances = {key: _lock_balance(vendor, line.key_values()) for key, line in keys}
        wanted: dict[tuple[object, ...], Decimal] = defaultdict(Decimal)
        for line in lines:
            wanted[line.key(vendor)] += line.quantity
        for index, line in enumerate(lines):
            owned = balances[line.key(vendor)].physical_quantity
            if wanted[line.key(vendor)] > owned:
                errors.add(
                    f"lines.{index}.quantity",
                    ConsignmentErrorCode.MORE_THAN_OWNED,
                    owned=quantity_text(owned),
                    item=line.item.number,
                    warehouse=line.warehouse.code,
                    wanted=quantity_text(wanted[line.key(vendor)]),
                )
        errors.raise_if_any()
        po = purchasing.po_create(
            actor=actor,
            company=vendor.company,
            vendor=vendor,
            origin=Origin.CONSIGNMENT,
            currency=currency,
            lines=[
                purchasing.LineInput(
                    item=line.item,
                    quantity=line.quantity,
                    unit_price=unit_price,
                    delivery_date=max(when, timezone.localdate()),
                    site=line.site or line.warehouse.site,
                    warehouse=line.warehouse,
                    color=line.color,
                    size=line.size,
                    style=line.style,
                    configuration=line.configuration,
                )
                for line, unit_price in zip(lines, unit_prices, strict=True)
            ],
        )
        journal = OwnershipChange.objects.create(
            company=vendor.company,
            vendor=vendor,
            number=_number(settings.OWNERSHIP_CHANGE_NUMBER_PREFIX, f"ownership:{vendor.company_id}"),
            purchase_order=po,
            transfer_date=when,
            posted_by=actor,
        )
        receipt = Receipt.objects.create(purchase_order=po, received_date=when, posted_by=actor)
        po_lines = {po_line.line_number: po_line for po_line in po.lines.all()}
        for number, (line, price) in enumerate(zip(lines, unit_prices, strict=True), start=1):
            journal_line = OwnershipChangeLine.objects.create(
                journal=journal,
                line_number=number,
                quantity=line.quantity,
                unit_price=price,
                amount=(line.quantity * price).quantize(Decimal("0.01")),
                **line.key_values(),
            )
            _move(
                balances[line.key(vendor)],
                kind=MovementKind.OWNERSHIP_CHANGED,
                actor=actor,
                physical=-line.quantity,
                ownership_line=journal_line,
            )
            ReceiptLine.objects.create(receipt=receipt, line=po_lines[number], quantity=line.quantity)
        PurchaseOrderLine.objects.filter(purchase_order=po).update(received_quantity=F("quantity"))
        po = transitions.lock(po)
        # Received at once, so ready to invoice at once: the vendor's "consignment receipts" list.
        po.has_uninvoiced_receipts = True
        version = version_freeze(po, actor=actor, kind=VersionKind.CONFIRMATION)
        po.confirmed_version = version
        po.confirmed_at = timezone.now()
        transitions.transition(
            po,
            Action.POST_CONSIGNMENT,
            actor=actor,
            version_number=version.number,
            data={"ownership_change": journal.number},
        )
        journal.purchase_order = po
        publish(
            Event.OWNERSHIP_CHANGE_POSTED,
            ownership_change=journal.pk,
            purchase_order=po.pk,
            vendor=vendor.pk,
            actor=actor.pk,
        )
    return journal


# --- consignment prices ------------------------------------------------------------------------------------------

CURRENCY = re.compile(r"[A-Z]{3}")


def prices_valid_on(*, vendor: Vendor, items: Sequence[Item], day: date) -> dict[int, ConsignmentPrice]:
    """Per item id, the vendor's price valid on ``day``: the one with the latest ``valid_from`` up to it."""
    rows = ConsignmentPrice.objects.filter(vendor=vendor, item__in=items, valid_from__lte=day).order_by("valid_from")
    return {price.item_id: price for price in rows}  # later starts overwrite earlier ones


def _latest_currency(vendor: Vendor) -> str:
    latest = ConsignmentPrice.objects.filter(vendor=vendor).order_by("-valid_from", "-pk").first()
    return latest.currency if latest else ConsignmentPrice._meta.get_field("currency").get_default()


def _validate_price(
    errors: FieldErrors, *, vendor: Vendor, item: Item, unit_price: Decimal, currency: str, valid_from: date
) -> None:
    _check_price(errors, "unit_price", unit_price)
    if not CURRENCY.fullmatch(currency):
        errors.add("currency", ConsignmentErrorCode.CURRENCY_INVALID)
    if item.company_id != vendor.company_id:
        errors.add("item", PurchasingErrorCode.WRONG_COMPANY)
    check_date(errors, "valid_from", valid_from, recorded=True)


def _save_price(price: ConsignmentPrice) -> ConsignmentPrice:
    """Saves, turning a second price for the same vendor, item and start into the 409 ``price_exists``."""
    clash = ConsignmentPrice.objects.filter(
        vendor_id=price.vendor_id, item_id=price.item_id, valid_from=price.valid_from
    ).exclude(pk=price.pk)
    if clash.exists():
        raise _price_exists(price)
    try:
        with transaction.atomic():
            price.save()
    except IntegrityError:  # the same price entered by a colleague a moment ago
        raise _price_exists(price) from None
    return price


def _price_exists(price: ConsignmentPrice) -> Exception:
    return conflict(
        ConsignmentErrorCode.PRICE_EXISTS,
        item=price.item.number,
        vendor=price.vendor.name,
        valid_from=price.valid_from.isoformat(),
    )


def price_create(
    *, actor: User, vendor: Vendor, item: Item, unit_price: Decimal, currency: str = "EUR", valid_from: date
) -> ConsignmentPrice:
    """A consignment price of the vendor for the item, valid from ``valid_from`` until the next one starts."""
    if not actor.has_role(*PURCHASING_ROLES):
        raise refused()
    errors = FieldErrors()
    _validate_price(errors, vendor=vendor, item=item, unit_price=unit_price, currency=currency, valid_from=valid_from)
    errors.raise_if_any()
    return _save_price(
        ConsignmentPrice(vendor=vendor, item=item, unit_price=unit_price, currency=currency, valid_from=valid_from)
    )


def price_update(
    *,
    actor: User,
    price: ConsignmentPrice,
    unit_price: Decimal | None = None,
    currency: str | None = None,
    valid_from: date | None = None,
) -> ConsignmentPrice:
    """Change what is given; the vendor and item of a price stay (enter a new price for another pair). Journals
    already posted keep the price they were posted at."""
    if not actor.has_role(*PURCHASING_ROLES):
        raise refused()
    with transaction.atomic():
        price = ConsignmentPrice.objects.select_for_update().select_related("vendor", "item").get(pk=price.pk)
        if unit_price is not None:
            price.unit_price = unit_price
        if currency is not None:
            price.currency = currency
        if valid_from is not None:
            price.valid_from = valid_from
        errors = FieldErrors()
        _validate_price(
            errors,
            vendor=price.vendor,
            item=price.item,
            unit_price=price.unit_price,
            currency=price.currency,
            valid_from=price.valid_from,
        )
        errors.raise_if_any()
        return _save_price(price)
