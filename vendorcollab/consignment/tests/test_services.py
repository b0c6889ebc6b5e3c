"""Replenishment, receipts and ownership changes: balances, the ledger, the consignment PO, and every refusal."""

from decimal import Decimal

import pytest

from vendorcollab.common.errors import Conflict, PermissionRefused, ValidationFailed
from vendorcollab.common.testing.factories import in_days
from vendorcollab.consignment.models import (
    ConsignmentMovement,
    ConsignmentStock,
    OwnershipChange,
    ReplenishmentStatus,
)
from vendorcollab.consignment.services import (
    ReceiveInput,
    ownership_change_post,
    replenishment_cancel,
    replenishment_create,
    replenishment_receive,
)
from vendorcollab.purchasing.models import EventKind, Origin, POStatus, VersionKind
from vendorcollab.purchasing.tests.helpers import database_fingerprint

from .helpers import priced, stock_line, stocked


def balance(cast, vendor=None, item=0):
    stock = ConsignmentStock.objects.get(vendor=vendor or cast.vendor_a, item=cast.items[item])
    return stock.physical_quantity, stock.expected_quantity


def test_replenishment_is_expected_then_physical_then_closed(cast):
    order = replenishment_create(actor=cast.agent, vendor=cast.vendor_a, lines=[stock_line(cast, quantity="10")])
    assert order.number == "RO-000001"
    assert balance(cast) == (0, 10)
    replenishment_receive(actor=cast.clerk, order=order, lines=[ReceiveInput(1, Decimal(4))])
    assert balance(cast) == (4, 6)
    order.refresh_from_db()
    assert order.status == ReplenishmentStatus.OPEN
    replenishment_receive(actor=cast.clerk, order=order, lines=[ReceiveInput(1, Decimal(6))])
    assert balance(cast) == (10, 0)
    order.refresh_from_db()
    assert order.status == ReplenishmentStatus.RECEIVED


def test_cancelling_a_replenishment_removes_what_is_still_expected(cast):
    order = replenishment_create(actor=cast.agent, vendor=cast.vendor_a, lines=[stock_line(cast, quantity="10")])
    replenishment_receive(actor=cast.clerk, order=order, lines=[ReceiveInput(1, Decimal(3))])
    replenishment_cancel(actor=cast.agent, order=order)
    assert balance(cast) == (3, 0)
    with pytest.raises(Conflict) as refused:
        replenishment_receive(actor=cast.clerk, order=order, lines=[ReceiveInput(1, Decimal(1))])
    assert refused.value.code == "replenishment_closed"


def test_replenishment_refusals_change_nothing(cast):
    order = replenishment_create(actor=cast.agent, vendor=cast.vendor_a, lines=[stock_line(cast, quantity="5")])
    before = database_fingerprint()
    with pytest.raises(ValidationFailed) as refused:
        replenishment_receive(actor=cast.clerk, order=order, lines=[ReceiveInput(1, Decimal(6))])
    assert refused.value.code == "replenishment_over_receipt"
    with pytest.raises(ValidationFailed) as refused:
        replenishment_create(actor=cast.agent, vendor=cast.vendor_a, lines=[stock_line(cast, quantity="0")])
    assert refused.value.code == "quantity_not_positive"
    with pytest.raises(PermissionRefused):
        replenishment_receive(actor=cast.vendor_a_user, order=order, lines=[ReceiveInput(1, Decimal(1))])
    assert database_fingerprint() == before


def test_ownership_change_creates_a_received_consignment_po(cast):
    priced(cast, "4.00")
    stocked(cast, quantity="10")
    journal = ownership_change_post(
        actor=cast.agent, vendor=cast.vendor_a, lines=[stock_line(cast, quantity="3"), stock_line(cast, quantity="2")]
    )
    assert balance(cast) == (5, 0)
    po = journal.purchase_order
    assert (po.origin, po.status) == (Origin.CONSIGNMENT, POStatus.RECEIVED)
    assert [(line.quantity, line.unit_price, line.received_quantity) for line in po.lines.all()] == [
        (3, Decimal("4.00"), 3),
        (2, Decimal("4.00"), 2),
    ]
    assert po.receipts.get().lines.count() == 2
    assert (po.confirmed_version.number, po.confirmed_version.kind) == (1, VersionKind.CONFIRMATION)
    assert po.events.last().kind == EventKind.RECEIVED
    assert [line.amount for line in journal.lines.all()] == [Decimal("12.00"), Decimal("8.00")]


def test_taking_more_than_the_vendor_owns_is_refused_and_changes_nothing(cast):
    priced(cast)
    stocked(cast, quantity="10")
    stocked(cast, vendor=cast.vendor_b, quantity="50")  # another vendor's stock does not count
    before = database_fingerprint()
    with pytest.raises(ValidationFailed) as refused:
        ownership_change_post(
            actor=cast.agent,
            vendor=cast.vendor_a,
            lines=[stock_line(cast, quantity="6"), stock_line(cast, quantity="5")],  # 11 of the same key
        )
    assert refused.value.code == "invalid_input"
    assert set(refused.value.field_codes.values()) == {"more_than_owned"}
    assert "owns only 10" in refused.value.fields["lines.0.quantity"]
    assert database_fingerprint() == before


def test_other_keys_are_other_stock(cast):
    priced(cast)
    stocked(cast, quantity="10", color="Red")
    with pytest.raises(ValidationFailed) as refused:
        ownership_change_post(actor=cast.agent, vendor=cast.vendor_a, lines=[stock_line(cast, quantity="1")])
    assert refused.value.code == "more_than_owned"
    ownership_change_post(actor=cast.agent, vendor=cast.vendor_a, lines=[stock_line(cast, quantity="1", color="Red")])
    assert ConsignmentStock.objects.get(color="Red").physical_quantity == 9


def test_an_item_without_consignment_price_is_refused(cast):
    stocked(cast, quantity="10")
    with pytest.raises(ValidationFailed) as refused:
        ownership_change_post(actor=cast.agent, vendor=cast.vendor_a, lines=[stock_line(cast, quantity="1")])
    assert refused.value.code == "no_consignment_price"
    assert not OwnershipChange.objects.exists()


def test_the_ledger_adds_up_to_the_balances(cast):
    priced(cast)
    stocked(cast, quantity="10")
    ownership_change_post(actor=cast.agent, vendor=cast.vendor_a, lines=[stock_line(cast, quantity="4")])
    moves = ConsignmentMovement.objects.filter(vendor=cast.vendor_a)
    assert sum(m.physical_change for m in moves) == 6
    assert sum(m.expected_change for m in moves) == 0


def test_dates_and_roles(cast):
    with pytest.raises(ValidationFailed) as refused:
        from vendorcollab.consignment.services import StockLineInput

        replenishment_create(
            actor=cast.agent,
            vendor=cast.vendor_a,
            lines=[StockLineInput(cast.items[0], Decimal(1), cast.warehouse, expected_date=in_days(-1))],
        )
    assert refused.value.code == "date_in_past"
    with pytest.raises(PermissionRefused):
        ownership_change_post(actor=cast.clerk, vendor=cast.vendor_a, lines=[stock_line(cast, quantity="1")])
