"""Domain events reach their subscribers after the commit, and never for a rolled-back change."""

import pytest
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from vendorcollab.common import events
from vendorcollab.common.errors import Conflict
from vendorcollab.common.testing.factories import make_po
from vendorcollab.interop.models import Document
from vendorcollab.purchasing.models import ResponseKind
from vendorcollab.purchasing.services import po_confirm, response_submit


@pytest.fixture
def heard():
    received = []

    def listener(payload):
        received.append(payload)

    # The business events; the document log's ``document.created`` follows a send or an answer as its consequence
    # (its own tests are in interop.tests.test_document_log).
    business = [event for event in events.Event if event != events.Event.DOCUMENT_CREATED]
    for event in business:
        events.subscribe(event)(listener)
    yield received
    for event in business:
        events._subscribers[event].remove(listener)


@pytest.mark.django_db(transaction=True)
def test_events_after_commit_only(cast, heard):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    assert [p["event"] for p in heard] == ["po.sent"]
    response_submit(actor=cast.vendor_a_user, purchase_order=po, version=1, kind=ResponseKind.ACCEPTED)
    po_confirm(actor=cast.agent, purchase_order=po)
    assert [p["event"] for p in heard] == ["po.sent", "response.submitted", "po.confirmed"]
    assert heard[-1]["purchase_order"] == po.pk and heard[-1]["automatic"] is False
    with pytest.raises(Conflict), transaction.atomic():
        po_confirm(actor=cast.agent, purchase_order=po)  # refused: nothing published
    assert len(heard) == 3


@pytest.mark.django_db(transaction=True)
def test_a_failing_subscriber_does_not_silence_the_others(cast, heard):
    def broken(payload):
        raise RuntimeError("mail server down")

    events._subscribers[events.Event.PO_SENT].insert(0, broken)
    try:
        make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    finally:
        events._subscribers[events.Event.PO_SENT].remove(broken)
    assert [p["event"] for p in heard] == ["po.sent"]


@pytest.mark.django_db(transaction=True)
def test_on_a_queue_that_runs_later_an_event_is_one_task_committed_with_the_change(cast, heard, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    queued = list(DBTaskResult.objects.values_list("task_path", "args_kwargs"))
    # One row for the send, whatever the number of subscribers; none of them ran in the request.
    assert queued == [
        ("vendorcollab.common.tasks.deliver_event", {"args": [], "kwargs": {"payload": heard_payload(po)}})
    ]
    assert heard == []
    with pytest.raises(RuntimeError), transaction.atomic():
        events.publish(events.Event.PO_CONFIRMED, purchase_order=po.pk)
        raise RuntimeError("the change is rolled back, and its event with it")
    assert DBTaskResult.objects.count() == 1
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
    assert [payload["event"] for payload in heard] == ["po.sent"]
    # The subscribers' own work was queued by the event's task and run by the same worker: the order document.
    assert Document.objects.filter(purchase_order=po).exists()
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


def heard_payload(po):
    return {"event": "po.sent", "purchase_order": po.pk, "version": 1, "actor": po.created_by_id}
