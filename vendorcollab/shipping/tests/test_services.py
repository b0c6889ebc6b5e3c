"""The ship-notice services: creating a notice against open confirmed POs, cancelling it, receiving from it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from vendorcollab.accounts.models import Role
from vendorcollab.common import events
from vendorcollab.common.errors import Conflict, NotFound, PermissionRefused, ValidationFailed
from vendorcollab.common.events import Event
from vendorcollab.common.testing.factories import SiteFactory, line, make_user
from vendorcollab.purchasing.models import POStatus, Receipt
from vendorcollab.purchasing.services import ReceiptLineInput, po_create, po_send, receipt_post
from vendorcollab.shipping import services
from vendorcollab.shipping.inputs import NoticeReceiptLineInput, ShipNoticeInput
from vendorcollab.shipping.models import ShipNoticeEvent, ShipNoticeEventKind, ShipNoticeOrigin, ShipNoticeStatus

from .conftest import confirmed_po, notice_input, po_line_quantities, ship

D = Decimal


def receive(cast, notice, *quantities, actor=None, **extra):
    """Receive ``(notice_line_number, quantity)`` pairs."""
    return services.ship_notice_receive(
        actor=actor or cast.clerk,
        notice=notice,
        lines=[NoticeReceiptLineInput(number, D(quantity)) for number, quantity in quantities],
        **extra,
    )


def refusal(error_type, call, *args, **kwargs):
    with pytest.raises(error_type) as caught:
        call(*args, **kwargs)
    return caught.value


# --- create ------------------------------------------------------------------------------------------------------


def test_a_notice_of_one_po_puts_its_quantities_in_transit(cast):
    po = confirmed_po(cast, site=cast.site)
    notice = ship(cast, (po, 1, "4"), (po, 2, "20"), carrier="DHL", tracking_number="JD0001", packages=2)
    assert notice.status == ShipNoticeStatus.SHIPPED
    assert notice.number == "SN-000001"
    assert (notice.vendor, notice.company, notice.site) == (cast.vendor_a, cast.company, cast.site)
    assert notice.despatch_date == timezone.localdate()
    assert (notice.carrier, notice.tracking_number, notice.packages) == ("DHL", "JD0001", 2)
    assert [(line.line_number, line.po_line.line_number, line.quantity) for line in notice.lines.all()] == [
        (1, 1, 4),
        (2, 2, 20),
    ]
    assert po_line_quantities(po) == [(0, 4, 6), (0, 20, 0)]
    [event] = ShipNoticeEvent.objects.filter(notice=notice)
    assert (event.kind, event.to_status, event.actor) == (ShipNoticeEventKind.CREATED, "shipped", cast.vendor_a_user)


def test_a_notice_may_ship_several_pos_of_one_vendor_and_ship_to(cast):
    first = confirmed_po(cast, quantities=("5",))
    second = confirmed_po(cast, quantities=("7", "8"))
    notice = ship(cast, (first, 1, "5"), (second, 2, "3"), number="DN 2026/17")
    assert notice.number == "DN 2026/17"
    assert notice.site is None
    assert {line.purchase_order_id for line in notice.lines.all()} == {first.pk, second.pk}
    assert po_line_quantities(first) == [(0, 5, 0)]
    assert po_line_quantities(second) == [(0, 0, 7), (0, 3, 5)]


def test_assigned_numbers_follow_the_highest_of_the_vendor_account(cast):
    po = confirmed_po(cast, quantities=("100",))
    assert ship(cast, (po, 1, "1")).number == "SN-000001"
    ship(cast, (po, 1, "1"), number="SN-000041")
    ship(cast, (po, 1, "1"), number="OWN-7")
    assert ship(cast, (po, 1, "1")).number == "SN-000042"
    # Another vendor account counts on its own.
    other = confirmed_po(cast, vendor=cast.vendor_b, quantities=("3",))
    assert ship(cast, (other, 1, "1"), actor=cast.vendor_b_user).number == "SN-000001"


def test_the_created_event_is_published_after_the_commit_with_its_payload(
    cast, monkeypatch, django_capture_on_commit_callbacks
):
    seen: list[dict] = []
    monkeypatch.setitem(events._subscribers, Event.SHIP_NOTICE_CREATED, [seen.append])
    po = confirmed_po(cast)
    with django_capture_on_commit_callbacks(execute=True):
        notice = ship(cast, (po, 1, "1"))
    [payload] = seen
    assert payload["event"] == "ship_notice.created"
    assert payload["ship_notice_id"] == notice.pk
    assert (payload["vendor_id"], payload["company_id"]) == (cast.vendor_a.pk, cast.company.pk)
    assert (payload["number"], payload["status"], payload["has_difference"]) == (notice.number, "shipped", False)
    assert payload["actor_id"] == cast.vendor_a_user.pk


def test_origin_is_kept(cast):
    po = confirmed_po(cast)
    notice = services.ship_notice_create(
        actor=cast.vendor_a_user, data=notice_input((po, 1, "1")), origin=ShipNoticeOrigin.UBL
    )
    assert notice.origin == ShipNoticeOrigin.UBL


# --- create: every refusal ---------------------------------------------------------------------------------------


def codes(error):
    return {path: code for path, code in error.field_codes.items()}


def test_a_buyer_cannot_create_a_notice(cast):
    po = confirmed_po(cast)
    error = refusal(PermissionRefused, ship, cast, (po, 1, "1"), actor=cast.agent)
    assert error.code == "role_not_allowed"


def test_a_vendor_of_another_account_finds_no_such_line(cast):
    po = confirmed_po(cast)
    error = refusal(ValidationFailed, ship, cast, (po, 1, "1"), actor=cast.vendor_b_user)
    assert codes(error) == {"lines.0.line_number": "unknown_line"}
    assert po_line_quantities(po)[0] == (0, 0, 10)


def test_lines_are_required(cast):
    error = refusal(ValidationFailed, services.ship_notice_create, actor=cast.vendor_a_user, data=notice_input())
    assert error.code == "no_lines"


def test_an_unknown_line_and_a_line_named_twice(cast):
    po = confirmed_po(cast)
    error = refusal(ValidationFailed, ship, cast, (po, 9, "1"), (po, 1, "1"), (po, 1, "2"))
    assert codes(error) == {"lines.0.line_number": "unknown_line", "lines.2": "duplicate_line"}
    assert error.code == "invalid_input"
    # Numbers no column can hold name nothing either, on every database.
    error = refusal(ValidationFailed, ship, cast, (po, 2**40, "1"), (po, -1, "1"))
    assert codes(error) == {"lines.0.line_number": "unknown_line", "lines.1.line_number": "unknown_line"}


@pytest.mark.parametrize(
    ("quantity", "code"),
    [
        ("0", "quantity_not_positive"),
        ("-1", "quantity_not_positive"),
        ("NaN", "number_out_of_range"),
        ("1E+12", "number_out_of_range"),
        ("0.00001", "number_out_of_range"),
    ],
)
def test_a_quantity_must_be_positive_and_fit(cast, quantity, code):
    po = confirmed_po(cast)
    error = refusal(ValidationFailed, ship, cast, (po, 1, quantity))
    assert codes(error) == {"lines.0.quantity": code}


def test_only_confirmed_pos_ship(cast):
    po = po_send(
        actor=cast.agent,
        purchase_order=po_create(
            actor=cast.agent,
            company=cast.company,
            vendor=cast.vendor_a,
            lines=[line(cast.items[0])],
        ),
    )
    assert po.status == POStatus.IN_EXTERNAL_REVIEW
    error = refusal(ValidationFailed, ship, cast, (po, 1, "1"))
    assert error.code == "not_shippable"
    # Received in full: no longer open.
    done = confirmed_po(cast, quantities=("2",))
    receipt_post(actor=cast.clerk, purchase_order=done, lines=[ReceiptLineInput(1, D(2))])
    assert refusal(ValidationFailed, ship, cast, (done, 1, "1")).code == "not_shippable"


def test_one_notice_one_vendor_account(cast):
    both = make_user("gina", Role.VENDOR_USER, vendors=(cast.vendor_a, cast.vendor_b))
    of_a = confirmed_po(cast)
    of_b = confirmed_po(cast, vendor=cast.vendor_b)
    error = refusal(ValidationFailed, ship, cast, (of_a, 1, "1"), (of_b, 1, "1"), actor=both)
    assert codes(error) == {"lines.1.purchase_order": "wrong_vendor"}


def test_one_notice_one_ship_to(cast):
    other_site = SiteFactory(company=cast.company, code="RTM")
    po = confirmed_po(cast, sites=(cast.site, other_site))
    error = refusal(ValidationFailed, ship, cast, (po, 1, "1"), (po, 2, "1"))
    assert codes(error) == {"lines.1": "mixed_ship_to"}
    # A line without a site and one with a site are two ship-tos as well.
    mixed = confirmed_po(cast, sites=(None, cast.site))
    assert refusal(ValidationFailed, ship, cast, (mixed, 1, "1"), (mixed, 2, "1")).code == "mixed_ship_to"


def test_the_number_is_unique_per_vendor_account(cast):
    po = confirmed_po(cast)
    ship(cast, (po, 1, "1"), number="SN-7")
    error = refusal(ValidationFailed, ship, cast, (po, 1, "1"), number="SN-7")
    assert codes(error) == {"number": "number_taken"}
    assert po_line_quantities(po)[0] == (0, 1, 9)
    # Vendor B may use the same number.
    other = confirmed_po(cast, vendor=cast.vendor_b)
    assert ship(cast, (other, 1, "1"), number="SN-7", actor=cast.vendor_b_user).number == "SN-7"


def test_dates_and_packages(cast):
    po = confirmed_po(cast)
    today = timezone.localdate()
    tomorrow = today + dt.timedelta(days=1)
    assert codes(refusal(ValidationFailed, ship, cast, (po, 1, "1"), despatch_date=tomorrow)) == {
        "despatch_date": "despatch_in_future"
    }
    assert codes(
        refusal(
            ValidationFailed,
            ship,
            cast,
            (po, 1, "1"),
            despatch_date=today - dt.timedelta(days=2),
            expected_delivery_date=today - dt.timedelta(days=3),
        )
    ) == {"expected_delivery_date": "delivery_before_despatch"}
    missing = ShipNoticeInput(lines=notice_input((po, 1, "1")).lines)
    error = refusal(ValidationFailed, services.ship_notice_create, actor=cast.vendor_a_user, data=missing)
    assert codes(error) == {"expected_delivery_date": "required"}
    for packages in (0, -1, 2**31):
        assert codes(refusal(ValidationFailed, ship, cast, (po, 1, "1"), packages=packages)) == {
            "packages": "packages_invalid"
        }
    # Delivered the day it left is allowed; a notice for goods that left last week too.
    notice = ship(cast, (po, 1, "1"), despatch_date=today - dt.timedelta(days=7), expected_delivery_date=today)
    assert notice.expected_delivery_date == today


def test_texts_follow_the_input_rules(cast):
    po = confirmed_po(cast)
    error = refusal(
        ValidationFailed,
        ship,
        cast,
        (po, 1, "1"),
        number="SN\x00",
        carrier="x" * 101,
        tracking_number="a\tb",
        note="line one\nline two\x07",
    )
    assert codes(error) == {
        "number": "control_character",
        "carrier": "text_too_long",
        "tracking_number": "control_character",
        "note": "control_character",
    }
    assert refusal(ValidationFailed, ship, cast, (po, 1, "1"), number="SN<1>").code == "identifier_characters"


def test_over_announcing_is_refused_whole_and_a_second_notice_cannot_take_what_the_first_announced(cast):
    po = confirmed_po(cast)  # 10 and 20
    ship(cast, (po, 1, "6"))
    error = refusal(Conflict, ship, cast, (po, 1, "5"), (po, 2, "20"))
    assert error.status == 409
    assert error.code == "over_announced"
    assert codes(error) == {"lines.0.quantity": "over_announced"}
    assert "Only 4 of line 1 of purchase order" in error.rendered_message()
    # Nothing of the refused notice landed: line 2 is still all open.
    assert po_line_quantities(po) == [(0, 6, 4), (0, 0, 20)]
    assert ship(cast, (po, 1, "4"), (po, 2, "20")).lines.count() == 2
    assert po_line_quantities(po) == [(0, 10, 0), (0, 20, 0)]


def test_a_cancelled_line_has_nothing_to_announce(cast):
    po = confirmed_po(cast)
    po.lines.filter(line_number=2).update(is_cancelled=True)
    assert refusal(Conflict, ship, cast, (po, 2, "1")).code == "over_announced"


def test_a_receipt_without_notice_reduces_what_is_open_to_announce(cast):
    po = confirmed_po(cast)
    receipt_post(actor=cast.clerk, purchase_order=po, lines=[ReceiptLineInput(1, D(8))])
    assert refusal(Conflict, ship, cast, (po, 1, "3")).code == "over_announced"
    assert ship(cast, (po, 1, "2")).lines.get().quantity == 2


# --- cancel ------------------------------------------------------------------------------------------------------


def test_cancel_gives_the_quantities_back(cast):
    po = confirmed_po(cast)
    notice = ship(cast, (po, 1, "10"), (po, 2, "5"))
    notice = services.ship_notice_cancel(actor=cast.vendor_a_admin, notice=notice.pk, reason="Truck broke down")
    assert notice.status == ShipNoticeStatus.CANCELLED
    assert notice.cancel_reason == "Truck broke down"
    assert notice.cancelled_at is not None
    assert po_line_quantities(po) == [(0, 0, 10), (0, 0, 20)]
    assert ShipNoticeEvent.objects.filter(notice=notice, kind=ShipNoticeEventKind.CANCELLED).count() == 1
    # Cancelled once is cancelled.
    assert refusal(Conflict, services.ship_notice_cancel, actor=cast.vendor_a_user, notice=notice).code == (
        "invalid_transition"
    )
    # What it gave back can be announced again.
    ship(cast, (po, 1, "10"))


def test_only_the_vendor_cancels_and_only_its_own(cast):
    po = confirmed_po(cast)
    notice = ship(cast, (po, 1, "1"))
    assert refusal(PermissionRefused, services.ship_notice_cancel, actor=cast.admin, notice=notice).code == (
        "role_not_allowed"
    )
    assert refusal(NotFound, services.ship_notice_cancel, actor=cast.vendor_b_user, notice=notice).status == 404
    error = refusal(
        ValidationFailed, services.ship_notice_cancel, actor=cast.vendor_a_user, notice=notice, reason="\x00"
    )
    assert codes(error) == {"reason": "control_character"}
    assert po_line_quantities(po)[0] == (0, 1, 9)


def test_cancel_after_a_receipt_is_refused(cast):
    po = confirmed_po(cast)
    notice = ship(cast, (po, 1, "4"), (po, 2, "5"))
    receive(cast, notice, (1, "4"))  # line 2 still in transit
    error = refusal(Conflict, services.ship_notice_cancel, actor=cast.vendor_a_user, notice=notice)
    assert error.code == "invalid_transition"
    # Still "shipped": the message says why, not only that the status does not allow it.
    assert "already received" in error.rendered_message()
    assert po_line_quantities(po) == [(4, 0, 6), (0, 5, 15)]


# --- receive -----------------------------------------------------------------------------------------------------


def test_receive_in_full(cast):
    po = confirmed_po(cast)
    notice = ship(cast, (po, 1, "10"), (po, 2, "20"))
    day = timezone.localdate() - dt.timedelta(days=1)
    [receipt] = receive(cast, notice, (1, "10"), (2, "20"), received_date=day)
    assert receipt.ship_notice == notice
    assert receipt.received_date == day
    assert sorted((line.line.line_number, line.quantity) for line in receipt.lines.all()) == [(1, 10), (2, 20)]
    notice.refresh_from_db()
    assert (notice.status, notice.received_date, notice.has_difference) == ("received", day, False)
    assert po_line_quantities(po) == [(10, 0, 0), (20, 0, 0)]
    po.refresh_from_db()
    assert po.status == POStatus.RECEIVED
    event = ShipNoticeEvent.objects.get(notice=notice, kind=ShipNoticeEventKind.RECEIVED)
    assert (event.from_status, event.to_status, event.data["receipts"]) == ("shipped", "received", [receipt.pk])
    assert refusal(Conflict, receive, cast, notice, (1, "1")).code == "invalid_transition"


def test_receive_with_one_line_short_records_the_difference_and_reopens_the_shortfall(cast):
    po = confirmed_po(cast)
    notice = ship(cast, (po, 1, "10"), (po, 2, "20"))
    receive(cast, notice, (1, "10"), (2, "17"))
    notice.refresh_from_db()
    assert (notice.status, notice.has_difference) == ("received", True)
    assert [line.difference for line in notice.lines.all()] == [0, -3]
    # The 3 short are open again: neither received nor in transit.
    assert po_line_quantities(po) == [(10, 0, 0), (17, 0, 3)]
    po.refresh_from_db()
    assert po.status == POStatus.CONFIRMED
    assert ship(cast, (po, 2, "3")).lines.get().quantity == 3


def test_a_line_that_did_not_arrive_at_all_needs_no_receipt_row(cast):
    first = confirmed_po(cast, quantities=("5",))
    second = confirmed_po(cast, quantities=("6",))
    notice = ship(cast, (first, 1, "5"), (second, 1, "6"))
    receipts = receive(cast, notice, (1, "0"), (2, "6"))
    assert [receipt.purchase_order for receipt in receipts] == [second]
    assert not Receipt.objects.filter(purchase_order=first).exists()
    notice.refresh_from_db()
    assert (notice.status, notice.has_difference) == ("received", True)
    assert po_line_quantities(first) == [(0, 0, 5)]


def test_receive_in_two_steps(cast):
    first = confirmed_po(cast, quantities=("5",))
    second = confirmed_po(cast, quantities=("6",))
    notice = ship(cast, (first, 1, "5"), (second, 1, "6"))
    [receipt] = receive(cast, notice, (2, "6"))
    assert receipt.purchase_order == second
    notice.refresh_from_db()
    assert (notice.status, notice.received_date, notice.has_difference) == ("shipped", None, False)
    assert po_line_quantities(first) == [(0, 5, 0)]  # still in transit
    assert refusal(ValidationFailed, receive, cast, notice, (2, "1")).code == "already_received"
    [later] = receive(cast, notice, (1, "5"))
    assert later.purchase_order == first
    notice.refresh_from_db()
    assert (notice.status, notice.received_date) == ("received", timezone.localdate())
    assert Receipt.objects.filter(ship_notice=notice).count() == 2


def test_more_than_shipped_may_arrive_up_to_what_is_open(cast):
    po = confirmed_po(cast)  # 10 and 20
    notice = ship(cast, (po, 1, "4"))
    receive(cast, notice, (1, "7"))
    notice.refresh_from_db()
    assert notice.has_difference is True
    assert notice.lines.get().difference == 3
    assert po_line_quantities(po)[0] == (7, 0, 3)
    # Beyond the open quantity purchasing's receipt rule refuses it, naming the notice's line.
    other = ship(cast, (po, 1, "3"))
    error = refusal(ValidationFailed, receive, cast, other, (1, "4"))
    assert codes(error) == {"lines.0.quantity": "over_receipt"}
    assert po_line_quantities(po)[0] == (7, 3, 0)


def test_receive_refusals(cast):
    po = confirmed_po(cast)
    notice = ship(cast, (po, 1, "4"), (po, 2, "5"))
    assert refusal(ValidationFailed, receive, cast, notice).code == "no_lines"
    error = refusal(ValidationFailed, receive, cast, notice, (3, "1"), (1, "-1"), (2, "1"), (2, "1"))
    assert codes(error) == {
        "lines.0.line_number": "unknown_line",
        "lines.1.quantity": "quantity_negative",
        "lines.3.line_number": "duplicate_line",
    }
    assert "has no line 3" in error.fields["lines.0.line_number"]
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    error = refusal(ValidationFailed, receive, cast, notice, (1, "4"), received_date=tomorrow)
    assert codes(error) == {"received_date": "receipt_in_future"}
    assert po_line_quantities(po) == [(0, 4, 6), (0, 5, 15)]


def test_a_vendor_cannot_receive_and_another_vendor_finds_nothing(cast):
    po = confirmed_po(cast)
    notice = ship(cast, (po, 1, "4"))
    assert refusal(PermissionRefused, receive, cast, notice, (1, "4"), actor=cast.vendor_a_user).code == (
        "role_not_allowed"
    )
    assert refusal(PermissionRefused, receive, cast, notice, (1, "4"), actor=cast.agent).code == "role_not_allowed"
    assert refusal(NotFound, receive, cast, notice, (1, "4"), actor=cast.vendor_b_user).status == 404
    [receipt] = receive(cast, notice, (1, "4"), actor=cast.admin)
    assert receipt.posted_by == cast.admin


def test_a_po_receipt_that_names_the_notice(cast):
    po = confirmed_po(cast)
    other = confirmed_po(cast)
    notice = ship(cast, (po, 2, "5"), (other, 1, "2"))
    error = refusal(
        ValidationFailed,
        services.ship_notice_receive_purchase_order,
        actor=cast.clerk,
        notice=notice,
        purchase_order=po,
        lines=[ReceiptLineInput(1, D(1))],
    )
    assert codes(error) == {"lines.0.line_number": "not_on_notice"}
    assert (
        refusal(
            ValidationFailed,
            services.ship_notice_receive_purchase_order,
            actor=cast.clerk,
            notice=notice,
            purchase_order=po,
            lines=[ReceiptLineInput(2, D(0))],
        ).code
        == "quantity_not_positive"
    )
    receipt = services.ship_notice_receive_purchase_order(
        actor=cast.clerk, notice=notice, purchase_order=po, lines=[ReceiptLineInput(2, D(4))]
    )
    assert (receipt.purchase_order, receipt.ship_notice) == (po, notice)
    notice.refresh_from_db()
    assert (notice.status, notice.has_difference) == ("shipped", True)
    assert po_line_quantities(po)[1] == (4, 0, 16)
    assert po_line_quantities(other)[0] == (0, 2, 8)  # the other PO's line still in transit


def test_a_po_receipt_naming_the_notice_refuses_a_line_twice_and_a_line_already_received(cast):
    po = confirmed_po(cast)
    notice = ship(cast, (po, 1, "4"), (po, 2, "5"))
    receive_po = services.ship_notice_receive_purchase_order
    error = refusal(
        ValidationFailed,
        receive_po,
        actor=cast.clerk,
        notice=notice,
        purchase_order=po,
        lines=[ReceiptLineInput(1, D(1)), ReceiptLineInput(1, D(1))],
    )
    assert codes(error) == {"lines.1.line_number": "duplicate_line"}
    receive_po(actor=cast.clerk, notice=notice, purchase_order=po, lines=[ReceiptLineInput(1, D(4))])
    error = refusal(
        ValidationFailed,
        receive_po,
        actor=cast.clerk,
        notice=notice,
        purchase_order=po,
        lines=[ReceiptLineInput(1, D(1))],
    )
    assert codes(error) == {"lines.0.line_number": "already_received"}
    assert po_line_quantities(po) == [(4, 0, 6), (0, 5, 15)]


def test_too_many_lines_are_refused_before_they_are_read(cast):
    po = confirmed_po(cast)
    notice = ship(cast, (po, 1, "4"))
    many = [(1, "1")] * 501
    assert refusal(ValidationFailed, receive, cast, notice, *many).code == "too_many_rows"
    assert refusal(ValidationFailed, ship, cast, *[(po, 1, "1")] * 501).code == "too_many_rows"
