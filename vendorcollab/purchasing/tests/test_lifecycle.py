"""DESIGN.md section 3, row by row: each allowed change through its service, and what is refused."""

from decimal import Decimal

import pytest

from vendorcollab.common.errors import Conflict, PermissionRefused
from vendorcollab.common.testing.factories import make_po
from vendorcollab.partners.models import Collaboration
from vendorcollab.purchasing import transitions
from vendorcollab.purchasing.models import (
    EventKind,
    LineAction,
    POStatus,
    PurchaseOrder,
    ResponseKind,
    VersionKind,
)
from vendorcollab.purchasing.services import (
    ReceiptLineInput,
    po_cancel,
    po_confirm,
    po_request_change,
    po_send,
    receipt_post,
    response_submit,
)
from vendorcollab.purchasing.transitions import Action

from .helpers import answer, database_fingerprint

D, R, C, RC, X = "draft", "in_external_review", "confirmed", "received", "cancelled"

# The life cycle as DESIGN.md writes it, independent of the code's table: (action, from) -> to.
EXPECTED = {
    (Action.EDIT, D): {D},
    (Action.SEND, D): {R},
    (Action.RESPOND, R): {R},
    (Action.AUTO_CONFIRM, R): {C},
    (Action.CONFIRM, R): {C},
    (Action.CONFIRM_APPLYING_CHANGES, R): {C},
    (Action.CONFIRM_WITHOUT_RESPONSE, R): {C},
    (Action.REQUEST_CHANGE, R): {D},
    (Action.REQUEST_CHANGE, C): {D},
    (Action.CANCEL, D): {X},
    (Action.CANCEL, R): {X},
    (Action.CANCEL, C): {X},
    (Action.RECEIVE, C): {C, RC},
    (Action.POST_CONSIGNMENT, D): {RC},
}


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("status", list(POStatus))
def test_transition_table_matches_the_design(action, status):
    assert transitions.targets(action, status) == EXPECTED.get((action, status), set())


def test_received_and_cancelled_are_final():
    assert transitions.allowed_actions(RC) == frozenset()
    assert transitions.allowed_actions(X) == frozenset()


# --- row: draft -> in_external_review (buyer sends; version N+1 frozen) -------------------------------------


def test_row_send(cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1])
    po = po_send(actor=cast.agent, purchase_order=po)
    assert po.status == R and po.latest_version.number == 1
    event = po.events.get(kind=EventKind.SENT)
    assert (event.from_status, event.to_status, event.actor, event.version_number) == (D, R, cast.agent, 1)
    assert po.status_changed_by == cast.agent and po.status_changed_at is not None


# --- row: in_external_review -> in_external_review (vendor responds) ----------------------------------------


@pytest.mark.parametrize("kind", [ResponseKind.REJECTED, ResponseKind.ACCEPTED_WITH_CHANGES, ResponseKind.ACCEPTED])
def test_row_vendor_responds_and_stays_in_review(cast, kind):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:2], send=True)
    lines = [answer(1, LineAction.CHANGE, quantity=Decimal(4))] if kind == ResponseKind.ACCEPTED_WITH_CHANGES else []
    response = response_submit(actor=cast.vendor_a_user, purchase_order=po, version=1, kind=kind, lines=lines)
    po.refresh_from_db()
    assert po.status == R
    assert response.version == po.latest_version
    assert po.confirmed_version is None
    assert po.events.last().kind == EventKind.RESPONDED


# --- row: in_external_review -> confirmed (auto-confirm, same transaction) -----------------------------------


def test_row_auto_confirm_in_the_same_transaction(cast):
    cast.vendor_a.collaboration = Collaboration.AUTO_CONFIRM
    cast.vendor_a.save()
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    response_submit(actor=cast.vendor_a_user, purchase_order=po, version=1, kind=ResponseKind.ACCEPTED)
    po.refresh_from_db()
    assert po.status == C
    assert po.confirmed_version == po.latest_version
    assert [e.kind for e in po.events.order_by("id")][-2:] == [EventKind.RESPONDED, EventKind.CONFIRMED]
    assert po.events.last().data == {"automatic": True}


def test_row_auto_confirm_vendor_with_changes_is_not_auto_confirmed(cast):
    cast.vendor_a.collaboration = Collaboration.AUTO_CONFIRM
    cast.vendor_a.save()
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    response_submit(
        actor=cast.vendor_a_user,
        purchase_order=po,
        version=1,
        kind=ResponseKind.ACCEPTED_WITH_CHANGES,
        lines=[answer(1, LineAction.CHANGE, quantity=Decimal(1))],
    )
    po.refresh_from_db()
    assert po.status == R


def test_row_auto_confirm_rolls_back_with_the_answer(cast, monkeypatch):
    """If confirming fails, the answer is not stored either: nothing is left accepted but unconfirmed."""
    cast.vendor_a.collaboration = Collaboration.AUTO_CONFIRM
    cast.vendor_a.save()
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    real = transitions.transition

    def failing(po, action, **kwargs):
        if action == Action.AUTO_CONFIRM:
            raise RuntimeError("confirmation failed")
        return real(po, action, **kwargs)

    monkeypatch.setattr(transitions, "transition", failing)
    before = database_fingerprint()
    with pytest.raises(RuntimeError):
        response_submit(actor=cast.vendor_a_user, purchase_order=po, version=1, kind=ResponseKind.ACCEPTED)
    assert database_fingerprint() == before


# --- row: in_external_review -> confirmed (buyer confirms) ---------------------------------------------------


def test_row_buyer_confirms_after_accepted(cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    response_submit(actor=cast.vendor_a_user, purchase_order=po, version=1, kind=ResponseKind.ACCEPTED)
    po = po_confirm(actor=cast.agent, purchase_order=po)
    assert po.status == C and po.confirmed_version.number == 1
    assert po.events.last().data == {"response": "accepted"}


def test_row_buyer_confirms_applying_changes_creates_confirmed_next_version(cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:2], send=True)
    response = response_submit(
        actor=cast.vendor_a_user,
        purchase_order=po,
        version=1,
        kind=ResponseKind.ACCEPTED_WITH_CHANGES,
        lines=[answer(2, LineAction.CHANGE, quantity=Decimal(5))],
    )
    po = po_confirm(actor=cast.agent, purchase_order=po, apply_vendor_changes=True)
    assert po.status == C
    assert po.confirmed_version == po.latest_version
    assert (po.confirmed_version.number, po.confirmed_version.kind) == (2, VersionKind.CONFIRMATION)
    assert po.confirmed_version.applies_response == response
    assert response.version.number == 1  # the answer stays with the version it answered


def test_row_buyer_confirms_without_response_only_explicitly(cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    with pytest.raises(Conflict) as refused:
        po_confirm(actor=cast.agent, purchase_order=po)
    assert refused.value.code == "no_response"
    po = po_confirm(actor=cast.agent, purchase_order=po, without_response=True)
    assert po.status == C
    event = po.events.last()
    assert (event.kind, event.data) == (EventKind.CONFIRMED, {"without_response": True})


# --- row: in_external_review / confirmed -> draft (request change) --------------------------------------------


@pytest.mark.parametrize("confirmed", [False, True])
def test_row_request_change(cast, confirmed):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    if confirmed:
        po = po_confirm(actor=cast.agent, purchase_order=po, without_response=True)
    po = po_request_change(actor=cast.agent, purchase_order=po, reason="More needed")
    assert po.status == D
    po = po_send(actor=cast.agent, purchase_order=po)
    assert po.latest_version.number == 2
    assert po.events.get(kind=EventKind.CHANGE_REQUESTED).data == {"reason": "More needed"}


# --- row: any but received -> cancelled -----------------------------------------------------------------------


@pytest.mark.parametrize("status", [D, R, C])
def test_row_cancel(cast, status):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=status != D)
    if status == C:
        po = po_confirm(actor=cast.agent, purchase_order=po, without_response=True)
    po = po_cancel(actor=cast.agent, purchase_order=po, reason="Not needed")
    assert po.status == X


def test_cancel_refused_once_received(cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    po = po_confirm(actor=cast.agent, purchase_order=po, without_response=True)
    receipt_post(actor=cast.clerk, purchase_order=po, lines=[ReceiptLineInput(line_number=1, quantity=Decimal(10))])
    with pytest.raises(Conflict) as refused:
        po_cancel(actor=cast.agent, purchase_order=po)
    assert refused.value.code == "invalid_transition"
    assert PurchaseOrder.objects.get(pk=po.pk).status == RC


# --- row: confirmed -> received -------------------------------------------------------------------------------


def test_row_received_when_every_line_is(cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:2], send=True)
    po = po_confirm(actor=cast.agent, purchase_order=po, without_response=True)
    receipt_post(actor=cast.clerk, purchase_order=po, lines=[ReceiptLineInput(line_number=1, quantity=Decimal(10))])
    po.refresh_from_db()
    assert po.status == C
    receipt_post(actor=cast.clerk, purchase_order=po, lines=[ReceiptLineInput(line_number=2, quantity=Decimal(20))])
    po.refresh_from_db()
    assert po.status == RC


# --- the guards: wrong state, wrong role --------------------------------------------------------------------


def test_wrong_state_is_a_conflict_that_changes_nothing(cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1])
    before = database_fingerprint()
    for call in (
        lambda: po_confirm(actor=cast.agent, purchase_order=po, without_response=True),
        lambda: po_request_change(actor=cast.agent, purchase_order=po),
        lambda: receipt_post(actor=cast.clerk, purchase_order=po, lines=[ReceiptLineInput(1, Decimal(1))]),
    ):
        with pytest.raises(Conflict) as refused:
            call()
        assert refused.value.code == "invalid_transition"
        assert refused.value.status == 409
        assert po.number in refused.value.rendered_message()
    assert database_fingerprint() == before


@pytest.mark.parametrize(
    ("who", "call"),
    [
        ("clerk", lambda actor, po: po_send(actor=actor, purchase_order=po)),
        ("clerk", lambda actor, po: po_cancel(actor=actor, purchase_order=po)),
        ("vendor_a_admin", lambda actor, po: po_send(actor=actor, purchase_order=po)),
        ("vendor_a_user", lambda actor, po: po_cancel(actor=actor, purchase_order=po)),
    ],
)
def test_wrong_role_is_refused(cast, who, call):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1])
    with pytest.raises(PermissionRefused) as refused:
        call(getattr(cast, who), po)
    assert refused.value.status == 403
    assert PurchaseOrder.objects.get(pk=po.pk).status == D


def test_agent_cannot_post_receipts(cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    po = po_confirm(actor=cast.agent, purchase_order=po, without_response=True)
    with pytest.raises(PermissionRefused):
        receipt_post(actor=cast.agent, purchase_order=po, lines=[ReceiptLineInput(1, Decimal(1))])
    assert po.receipts.count() == 0
