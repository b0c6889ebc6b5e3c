"""Confirming: applying every kind of vendor change in one step, and what confirm refuses."""

from decimal import Decimal

import pytest

from vendorcollab.common.errors import Conflict, ValidationFailed
from vendorcollab.common.testing.factories import in_days, line, make_po
from vendorcollab.purchasing.models import LineAction, POStatus, ResponseKind, VersionKind
from vendorcollab.purchasing.services import (
    ReceiptLineInput,
    po_confirm,
    po_request_change,
    po_send,
    po_update,
    receipt_post,
    response_submit,
)

from .helpers import answer, database_fingerprint, split


def answered(cast, kind, lines=()):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items, send=True)
    response_submit(
        actor=cast.vendor_a_user, purchase_order=po, version=po.latest_version.number, kind=kind, lines=lines
    )
    return po


def test_apply_every_kind_of_change_in_one_step(cast):
    po = answered(
        cast,
        ResponseKind.ACCEPTED_WITH_CHANGES,
        [
            answer(1, LineAction.CHANGE, quantity=Decimal(7), delivery_date=in_days(40)),
            split(2, ("12", 20), ("8", 35)),
            answer(3, LineAction.SUBSTITUTE, external_item_number="ALT-3", external_description="Blue variant"),
        ],
    )
    po = po_confirm(actor=cast.agent, purchase_order=po, apply_vendor_changes=True)
    one, two, three = po.lines.all()
    assert (one.quantity, one.delivery_date) == (Decimal(7), in_days(40))
    assert (two.quantity, two.delivery_date) == (Decimal(20), in_days(20))
    assert [row["quantity"] for row in two.schedule] == ["12", "8"]
    assert (three.quantity, three.external_item_number, three.external_description) == (
        Decimal(30),
        "ALT-3",
        "Blue variant",
    )
    assert three.item == cast.items[2]  # our item stays; the vendor's is recorded beside it
    confirmed = po.confirmed_version
    assert (confirmed.number, confirmed.kind) == (2, VersionKind.CONFIRMATION)
    frozen = {line.line_number: line for line in confirmed.lines.all()}
    assert frozen[1].quantity == Decimal(7)
    assert frozen[2].schedule == two.schedule
    assert frozen[3].external_item_number == "ALT-3"
    assert confirmed.total_amount == Decimal("142.50")  # (7 + 20 + 30) x 2.50


def test_apply_rejected_lines_cancels_them(cast):
    po = answered(cast, ResponseKind.ACCEPTED_WITH_CHANGES, [answer(2, LineAction.REJECT)])
    po = po_confirm(actor=cast.agent, purchase_order=po, apply_vendor_changes=True)
    assert [line.is_cancelled for line in po.lines.all()] == [False, True, False]
    assert po.confirmed_version.total_amount == Decimal("100.00")  # (10 + 30) x 2.50
    # A cancelled line needs no receipt for the PO to be received.
    receipt_post(
        actor=cast.clerk,
        purchase_order=po,
        lines=[ReceiptLineInput(1, Decimal(10)), ReceiptLineInput(3, Decimal(30))],
    )
    po.refresh_from_db()
    assert po.status == POStatus.RECEIVED


def test_confirm_without_applying_keeps_the_version_as_sent(cast):
    po = answered(cast, ResponseKind.ACCEPTED_WITH_CHANGES, [answer(1, LineAction.CHANGE, quantity=Decimal(1))])
    po = po_confirm(actor=cast.agent, purchase_order=po)
    assert po.confirmed_version.number == 1
    assert po.lines.get(line_number=1).quantity == Decimal(10)


def test_a_rejection_cannot_be_confirmed_as_sent(cast):
    po = answered(cast, ResponseKind.REJECTED)
    before = database_fingerprint()
    with pytest.raises(Conflict) as refused:
        po_confirm(actor=cast.agent, purchase_order=po)
    assert refused.value.code == "response_rejected"
    with pytest.raises(Conflict) as refused:
        po_confirm(actor=cast.agent, purchase_order=po, apply_vendor_changes=True)
    assert refused.value.code == "nothing_to_confirm"
    assert database_fingerprint() == before


def test_second_confirmation_is_a_conflict(cast):
    po = answered(cast, ResponseKind.ACCEPTED)
    po_confirm(actor=cast.agent, purchase_order=po)
    with pytest.raises(Conflict) as refused:
        po_confirm(actor=cast.agent, purchase_order=po)
    assert refused.value.code == "invalid_transition"


def test_applying_a_reduction_below_what_was_received_is_refused(cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    po = po_confirm(actor=cast.agent, purchase_order=po, without_response=True)
    receipt_post(actor=cast.clerk, purchase_order=po, lines=[ReceiptLineInput(1, Decimal(6))])
    po = po_request_change(actor=cast.agent, purchase_order=po)
    po = po_send(actor=cast.agent, purchase_order=po)
    response_submit(
        actor=cast.vendor_a_user,
        purchase_order=po,
        version=2,
        kind=ResponseKind.ACCEPTED_WITH_CHANGES,
        lines=[answer(1, LineAction.CHANGE, quantity=Decimal(4))],
    )
    before = database_fingerprint()
    with pytest.raises(Conflict) as refused:
        po_confirm(actor=cast.agent, purchase_order=po, apply_vendor_changes=True)
    assert refused.value.code == "quantity_below_received"
    assert database_fingerprint() == before


def confirmed_with_split_reject_and_substitute(cast):
    po = answered(
        cast,
        ResponseKind.ACCEPTED_WITH_CHANGES,
        [
            split(1, ("4", 20), ("6", 30)),
            answer(2, LineAction.REJECT),
            answer(3, LineAction.SUBSTITUTE, external_item_number="ALT"),
        ],
    )
    po = po_confirm(actor=cast.agent, purchase_order=po, apply_vendor_changes=True)
    return po_request_change(actor=cast.agent, purchase_order=po)


def test_editing_an_agreed_line_drops_only_what_no_longer_holds(cast):
    po = confirmed_with_split_reject_and_substitute(cast)
    one, two, three = po.lines.all()
    po_update(
        actor=cast.agent,
        purchase_order=po,
        lines=[
            line(one.item, quantity="40", line_number=1),  # new quantity: the 4 + 6 split is void
            line(two.item, quantity="20", line_number=2, is_cancelled=True),
            line(three.item, quantity="30", line_number=3, days=14),  # same item: the substitute stays
        ],
    )
    one, two, three = po.lines.all()
    assert one.schedule == []
    assert two.is_cancelled
    assert three.external_item_number == "ALT"


def test_cancelled_lines_are_not_answered(cast):
    po = confirmed_with_split_reject_and_substitute(cast)
    po = po_send(actor=cast.agent, purchase_order=po)
    assert po.latest_version.lines.get(line_number=2).is_cancelled
    response = response_submit(actor=cast.vendor_a_user, purchase_order=po, version=3, kind=ResponseKind.ACCEPTED)
    assert [r.line_number for r in response.lines.all()] == [1, 3]


def test_an_answer_on_a_cancelled_line_is_refused(cast):
    po = po_send(actor=cast.agent, purchase_order=confirmed_with_split_reject_and_substitute(cast))
    before = database_fingerprint()
    with pytest.raises(ValidationFailed) as refused:
        response_submit(
            actor=cast.vendor_a_user,
            purchase_order=po,
            version=3,
            kind=ResponseKind.ACCEPTED_WITH_CHANGES,
            lines=[answer(2, LineAction.CHANGE, quantity=Decimal(5))],
        )
    assert refused.value.code == "line_cancelled"
    assert database_fingerprint() == before
