"""What changed between versions, and what a response changes on a version: every status and every field kind."""

from decimal import Decimal

import pytest

from vendorcollab.common.errors import ValidationFailed
from vendorcollab.common.testing.factories import SiteFactory, WarehouseFactory, in_days, line, make_po
from vendorcollab.purchasing.diff import (
    LINE_FIELDS,
    ChangeStatus,
    FieldChange,
    ScheduleRow,
    diff_versions,
    response_lines,
)
from vendorcollab.purchasing.models import LineAction, ResponseKind, ResponseLine
from vendorcollab.purchasing.selectors import po_versions
from vendorcollab.purchasing.services import (
    ChargeInput,
    po_confirm,
    po_create,
    po_request_change,
    po_send,
    po_update,
    response_submit,
)

from .helpers import answer, split


def versions(po):
    return list(po_versions(purchase_order=po))


def respond(cast, po, kind, lines=()):
    return response_submit(
        actor=cast.vendor_a_user, purchase_order=po, version=po.latest_version.number, kind=kind, lines=lines
    )


def test_the_first_version_marks_nothing(cast, django_assert_num_queries):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items, send=True)
    (first,) = versions(po)
    with django_assert_num_queries(0):
        diff = diff_versions(None, first)
    assert diff.is_first
    assert not diff.has_changes
    assert [(line.line_number, line.status, line.changes) for line in diff.lines] == [
        (1, ChangeStatus.UNCHANGED, {}),
        (2, ChangeStatus.UNCHANGED, {}),
        (3, ChangeStatus.UNCHANGED, {}),
    ]
    assert diff.lines[0].line is diff.lines[0].after


def test_a_resend_without_edits_marks_nothing(cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items, send=True)
    po = po_send(actor=cast.agent, purchase_order=po_request_change(actor=cast.agent, purchase_order=po))
    first, second = versions(po)
    diff = diff_versions(first, second)
    assert not diff.is_first
    assert not diff.has_changes
    assert {line.status for line in diff.lines} == {ChangeStatus.UNCHANGED}


@pytest.fixture
def edited(cast):
    """Version 1, then version 2 with every line field, the header and the charges edited."""
    first_item, second_item, third_item = cast.items
    po = po_create(
        actor=cast.agent,
        company=cast.company,
        vendor=cast.vendor_a,
        lines=[
            line(
                first_item,
                description="Bolts",
                warehouse=cast.warehouse,
                color="Red",
                size="M",
                style="Slim",
                configuration="A",
            ),
            line(second_item, quantity="20"),
            line(third_item, quantity="30"),
        ],
        charges=[
            ChargeInput("FREIGHT", Decimal(25)),
            ChargeInput("PACK", Decimal(5), line_number=1),
            ChargeInput("HANDLING", Decimal(3)),
        ],
    )
    po = po_send(actor=cast.agent, purchase_order=po)
    po = po_request_change(actor=cast.agent, purchase_order=po)
    rotterdam = WarehouseFactory(site=SiteFactory(company=cast.company, code="RTM"), code="RTM-1")
    po_update(
        actor=cast.agent,
        purchase_order=po,
        lines=[
            line(
                second_item,
                line_number=1,
                quantity="12",
                price="3.00",
                days=21,
                description="Bolts, zinc",
                unit="box",
                discount_percent=Decimal(5),
                warehouse=rotterdam,
                color="Blue",
                size="L",
                style="Wide",
                configuration="B",
            ),
            line(second_item, line_number=2, quantity="20", is_cancelled=True),
            line(third_item, line_number=4, quantity="5"),
        ],
        charges=[
            ChargeInput("FREIGHT", Decimal(30)),
            ChargeInput("HANDLING", Decimal(3)),
            ChargeInput("INSURANCE", Decimal(4)),
        ],
        currency="USD",
        buyer_contact=cast.admin,
    )
    return po_send(actor=cast.agent, purchase_order=po)


def test_every_line_status(edited, django_assert_num_queries):
    first, second = versions(edited)
    with django_assert_num_queries(0):
        diff = diff_versions(first, second)
    assert [(line.line_number, line.status) for line in diff.lines] == [
        (1, ChangeStatus.CHANGED),
        (2, ChangeStatus.CANCELLED),
        (3, ChangeStatus.REMOVED),
        (4, ChangeStatus.ADDED),
    ]
    changed, cancelled, removed, added = diff.lines
    assert changed.is_changed and cancelled.is_cancelled and removed.is_removed and added.is_added
    assert removed.line is removed.before and removed.after is None
    assert added.line is added.after and added.before is None
    assert cancelled.changes == {"is_cancelled": FieldChange("is_cancelled", False, True)}
    assert [line.line_number for line in diff.changed_lines] == [1, 2, 3, 4]


def test_every_line_field_kind_shows_old_and_new(cast, edited):
    first, second = versions(edited)
    changes = diff_versions(first, second).lines[0].changes
    first_item, second_item, _ = cast.items
    assert changes == {
        "item": FieldChange("item", first_item.number, second_item.number),
        "description": FieldChange("description", "Bolts", "Bolts, zinc"),
        "quantity": FieldChange("quantity", Decimal(10), Decimal(12)),
        "unit": FieldChange("unit", "ea", "box"),
        "unit_price": FieldChange("unit_price", Decimal("2.50"), Decimal("3.00")),
        "discount_percent": FieldChange("discount_percent", Decimal(0), Decimal(5)),
        "delivery_date": FieldChange("delivery_date", in_days(14), in_days(21)),
        "site": FieldChange("site", "AMS", "RTM"),
        "warehouse": FieldChange("warehouse", "AMS-1", "RTM-1"),
        "color": FieldChange("color", "Red", "Blue"),
        "size": FieldChange("size", "M", "L"),
        "style": FieldChange("style", "Slim", "Wide"),
        "configuration": FieldChange("configuration", "A", "B"),
    }
    assert changes["unit_price"].label == "unit price"
    assert changes["site"].label == "site"


def test_header_changes(edited):
    first, second = versions(edited)
    header = diff_versions(first, second).header
    assert header["currency"] == FieldChange("currency", "EUR", "USD")
    assert header["buyer_contact_name"] == FieldChange("buyer_contact_name", "bob", "alice")
    # 25 + 50 + 75 + 25 + 5 + 3 before; 12 x 3.00 less 5 % + 5 x 2.50 + 30 + 3 + 4 after.
    assert header["total_amount"] == FieldChange("total_amount", Decimal("183.00"), Decimal("83.70"))
    assert set(header) == {"currency", "buyer_contact_name", "total_amount"}
    assert header["total_amount"].label == "total amount"


def test_a_changed_order_date_is_a_header_change(cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items, send=True)
    po = po_send(actor=cast.agent, purchase_order=po_request_change(actor=cast.agent, purchase_order=po))
    first, second = versions(po)
    second.order_date = in_days(1)  # in memory only: no service changes the order date (yet)
    assert diff_versions(first, second).header == {
        "order_date": FieldChange("order_date", first.order_date, in_days(1))
    }


def test_charges_added_removed_changed_and_unchanged(edited):
    first, second = versions(edited)
    charges = diff_versions(first, second).charges
    rows = [(charge.charge.code, charge.status, charge.changes) for charge in charges]
    assert rows == [
        ("FREIGHT", ChangeStatus.CHANGED, {"amount": FieldChange("amount", Decimal(25), Decimal(30))}),
        ("HANDLING", ChangeStatus.UNCHANGED, {}),
        ("INSURANCE", ChangeStatus.ADDED, {}),
        ("PACK", ChangeStatus.REMOVED, {}),
    ]
    assert charges[0].is_changed and not charges[1].is_changed


def test_applied_split_substitute_and_rejection_between_sent_and_confirmed_version(cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items, send=True)
    respond(
        cast,
        po,
        ResponseKind.ACCEPTED_WITH_CHANGES,
        [
            split(1, ("4", 20), ("6", 30)),
            answer(2, LineAction.REJECT),
            answer(3, LineAction.SUBSTITUTE, external_item_number="ALT-3", external_description="Blue variant"),
        ],
    )
    po = po_confirm(actor=cast.agent, purchase_order=po, apply_vendor_changes=True)
    sent, confirmed = versions(po)
    one, two, three = diff_versions(sent, confirmed).lines
    assert one.status == ChangeStatus.CHANGED
    assert one.changes == {
        "delivery_date": FieldChange("delivery_date", in_days(14), in_days(20)),
        "schedule": FieldChange(
            "schedule",
            (),
            (ScheduleRow(Decimal(4), in_days(20)), ScheduleRow(Decimal(6), in_days(30))),
        ),
    }
    assert two.status == ChangeStatus.CANCELLED
    assert three.status == ChangeStatus.CHANGED
    assert three.changes == {
        "external_item_number": FieldChange("external_item_number", "", "ALT-3"),
        "external_description": FieldChange("external_description", "", "Blue variant"),
    }
    assert set(one.changes) | set(three.changes) <= set(LINE_FIELDS)


def test_response_lines_for_every_line_action(cast, django_assert_num_queries):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=[*cast.items, cast.items[0]], send=True)
    respond(
        cast,
        po,
        ResponseKind.ACCEPTED_WITH_CHANGES,
        [
            answer(1, LineAction.CHANGE, quantity=Decimal(8), delivery_date=in_days(30), note="Only 8 left"),
            split(2, ("5", 20), ("15", 10)),
            answer(3, LineAction.SUBSTITUTE, external_item_number="ALT-77", external_description="Newer model"),
            answer(4, LineAction.REJECT, note="Discontinued"),
        ],
    )
    (version,) = versions(po)
    with django_assert_num_queries(0):
        changed, splitted, substitute, rejected = response_lines(version, version.response)

    assert changed.action == LineAction.CHANGE
    assert changed.quantity == FieldChange("quantity", Decimal(10), Decimal(8))
    assert changed.delivery_date == FieldChange("delivery_date", in_days(14), in_days(30))
    assert set(changed.changes) == {"quantity", "delivery_date"}
    assert changed.note == "Only 8 left"
    assert changed.is_changed and not changed.is_rejected and not changed.is_split

    assert splitted.is_split and splitted.is_changed
    assert splitted.quantity is None  # 5 + 15 is what was ordered
    assert splitted.delivery_date == FieldChange("delivery_date", in_days(14), in_days(10))  # the earliest part
    assert splitted.schedule == (ScheduleRow(Decimal(15), in_days(10)), ScheduleRow(Decimal(5), in_days(20)))

    assert substitute.is_substitute and substitute.is_changed
    assert (substitute.line.item, substitute.external_item_number, substitute.external_description) == (
        cast.items[2],
        "ALT-77",
        "Newer model",
    )
    assert substitute.changes == {}

    assert rejected.is_rejected and not rejected.is_changed
    assert (rejected.quantity, rejected.delivery_date, rejected.note) == (None, None, "Discontinued")


def test_a_change_to_the_ordered_values_is_no_change(cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    # Issue 13: the service refuses such a change from every face (the API stored it before).
    with pytest.raises(ValidationFailed) as refused:
        respond(cast, po, ResponseKind.ACCEPTED_WITH_CHANGES, [answer(1, LineAction.CHANGE, quantity=Decimal(10))])
    assert refused.value.field_codes == {"lines.0.quantity": "change_without_change"}
    # One stored before that rule (here: made so behind the append-only guard) still reads as no change.
    respond(cast, po, ResponseKind.ACCEPTED_WITH_CHANGES, [answer(1, LineAction.CHANGE, quantity=Decimal(11))])
    ResponseLine._base_manager.filter(response__version__purchase_order=po, line_number=1).update(quantity=10)
    (version,) = versions(po)
    (view,) = response_lines(version, version.response)
    assert view.action == LineAction.CHANGE
    assert not view.is_changed


@pytest.mark.parametrize(
    ("kind", "action", "rejected"),
    [(ResponseKind.ACCEPTED, LineAction.ACCEPT, False), (ResponseKind.REJECTED, LineAction.REJECT, True)],
)
def test_response_lines_of_a_whole_order_answer(cast, kind, action, rejected):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items, send=True)
    respond(cast, po, kind)
    (version,) = versions(po)
    views = response_lines(version, version.response)
    assert [(view.action, view.is_rejected, view.is_changed) for view in views] == [(action, rejected, False)] * 3


def test_response_lines_without_an_answer_and_on_cancelled_lines(cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items, send=True)
    (version,) = versions(po)
    assert [view.is_answered for view in response_lines(version, None)] == [False, False, False]

    respond(cast, po, ResponseKind.ACCEPTED_WITH_CHANGES, [answer(2, LineAction.REJECT)])
    po = po_confirm(actor=cast.agent, purchase_order=po, apply_vendor_changes=True)
    po = po_send(actor=cast.agent, purchase_order=po_request_change(actor=cast.agent, purchase_order=po))
    respond(cast, po, ResponseKind.ACCEPTED)
    latest = versions(po)[-1]
    views = response_lines(latest, latest.response)
    assert [(view.line.line_number, view.is_answered, view.action) for view in views] == [
        (1, True, LineAction.ACCEPT),
        (2, False, None),  # cancelled: nothing to answer
        (3, True, LineAction.ACCEPT),
    ]
