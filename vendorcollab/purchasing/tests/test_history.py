"""The append-only history: every action leaves one event with who, when and what; nothing rewrites it."""

from decimal import Decimal

import pytest

from vendorcollab.common.models import AppendOnlyError
from vendorcollab.common.testing.factories import make_po
from vendorcollab.purchasing.models import EventKind, PurchaseOrderEvent, ResponseKind, VendorResponse
from vendorcollab.purchasing.services import (
    ReceiptLineInput,
    po_cancel,
    po_confirm,
    po_request_change,
    po_send,
    receipt_post,
    response_submit,
)


def test_a_whole_life_is_recorded_in_order(cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    response_submit(actor=cast.vendor_a_user, purchase_order=po, version=1, kind=ResponseKind.REJECTED)
    po = po_request_change(actor=cast.agent, purchase_order=po)
    po = po_send(actor=cast.agent, purchase_order=po)
    response_submit(actor=cast.vendor_a_admin, purchase_order=po, version=2, kind=ResponseKind.ACCEPTED)
    po = po_confirm(actor=cast.admin, purchase_order=po)
    receipt_post(actor=cast.clerk, purchase_order=po, lines=[ReceiptLineInput(1, Decimal(10))])
    events = [(e.kind, e.actor.username, e.version_number) for e in po.events.order_by("id")]
    assert events == [
        (EventKind.CREATED, "bob", None),
        (EventKind.SENT, "bob", 1),
        (EventKind.RESPONDED, "dave", 1),
        (EventKind.CHANGE_REQUESTED, "bob", None),
        (EventKind.SENT, "bob", 2),
        (EventKind.RESPONDED, "erin", 2),
        (EventKind.CONFIRMED, "alice", 2),
        (EventKind.RECEIVED, "carol", 2),
    ]
    assert all(e.created_at is not None for e in po.events.all())


def test_events_and_responses_cannot_be_changed_or_deleted(cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    response = response_submit(actor=cast.vendor_a_user, purchase_order=po, version=1, kind=ResponseKind.ACCEPTED)
    event = po.events.first()
    event.data = {"forged": True}
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        PurchaseOrderEvent.objects.filter(purchase_order=po).update(kind=EventKind.CANCELLED)
    response.kind = ResponseKind.REJECTED
    with pytest.raises(AppendOnlyError):
        response.save()
    with pytest.raises(AppendOnlyError):
        VendorResponse.objects.filter(pk=response.pk).delete()
    assert VendorResponse.objects.get(pk=response.pk).kind == ResponseKind.ACCEPTED


def test_a_cancelled_po_records_the_reason(cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1])
    po_cancel(actor=cast.agent, purchase_order=po, reason="Project stopped")
    event = po.events.last()
    assert (event.kind, event.from_status, event.to_status, event.data) == (
        EventKind.CANCELLED,
        "draft",
        "cancelled",
        {"reason": "Project stopped"},
    )
