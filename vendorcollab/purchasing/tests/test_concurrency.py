"""Two people acting on one PO at the same moment: exactly one wins, the other gets a clear conflict.

These run with real transactions and one database connection per thread, on SQLite (IMMEDIATE transactions) and
on PostgreSQL (row locks) alike; CI runs them on both.
"""

import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from vendorcollab.common.errors import AppError, Conflict, ValidationFailed
from vendorcollab.common.testing.factories import make_po
from vendorcollab.purchasing.models import PurchaseOrder, Receipt, ResponseKind, VendorResponse
from vendorcollab.purchasing.services import ReceiptLineInput, po_confirm, receipt_post, response_submit

pytestmark = pytest.mark.django_db(transaction=True)


def race(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in parallel threads released at the same instant; return each result or exception."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as error:  # the refusal is the result under test
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def split_outcomes(results: list[Any]) -> tuple[list[Any], list[Any]]:
    errors = [r for r in results if isinstance(r, Exception)]
    unexpected = [e for e in errors if not isinstance(e, AppError)]
    assert not unexpected, unexpected
    return [r for r in results if not isinstance(r, Exception)], errors


def test_two_concurrent_answers_store_exactly_one(cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:2], send=True)

    def answer(actor, kind):
        return lambda: response_submit(
            actor=actor, purchase_order=PurchaseOrder.objects.get(pk=po.pk), version=1, kind=kind
        )

    results = race(
        answer(cast.vendor_a_user, ResponseKind.ACCEPTED), answer(cast.vendor_a_admin, ResponseKind.REJECTED)
    )
    wins, losses = split_outcomes(results)
    assert len(wins) == 1 and len(losses) == 1
    assert isinstance(losses[0], Conflict) and losses[0].code == "already_answered"
    assert VendorResponse.objects.filter(purchase_order=po).count() == 1
    assert VendorResponse.objects.get(purchase_order=po).kind == wins[0].kind


def test_two_concurrent_confirmations_confirm_once(cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)

    def confirm(actor):
        return lambda: po_confirm(
            actor=actor, purchase_order=PurchaseOrder.objects.get(pk=po.pk), without_response=True
        )

    wins, losses = split_outcomes(race(confirm(cast.agent), confirm(cast.admin)))
    assert len(wins) == 1 and len(losses) == 1
    assert losses[0].code == "invalid_transition"
    assert po.events.filter(kind="confirmed").count() == 1


def test_two_concurrent_receipts_cannot_over_receive(cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    po_confirm(actor=cast.agent, purchase_order=po, without_response=True)

    def receive(actor):
        return lambda: receipt_post(
            actor=actor,
            purchase_order=PurchaseOrder.objects.get(pk=po.pk),
            lines=[ReceiptLineInput(1, Decimal(7))],
        )

    wins, losses = split_outcomes(race(receive(cast.clerk), receive(cast.admin)))
    assert len(wins) == 1 and len(losses) == 1
    assert isinstance(losses[0], ValidationFailed) and losses[0].code == "over_receipt"
    assert Receipt.objects.filter(purchase_order=po).count() == 1
    assert po.lines.get().received_quantity == Decimal(7)


def test_an_answer_that_waited_for_a_resend_is_refused_as_outdated(cast):
    """The answer waits on the PO's row lock while the buyer sends version 2; once it gets the lock it must see
    version 2 (and refuse the answer to version 1), not a PO without a version (found by the soak)."""
    import time

    from django.db import transaction

    from vendorcollab.purchasing import transitions
    from vendorcollab.purchasing.services import po_request_change, po_send

    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:2], send=True)
    po_request_change(actor=cast.agent, purchase_order=po, reason="New dates")
    locked = threading.Event()

    def resend() -> None:
        with transaction.atomic():
            transitions.lock(PurchaseOrder.objects.get(pk=po.pk))
            locked.set()
            time.sleep(0.5)  # the answer reaches the lock meanwhile and waits there
            po_send(actor=cast.agent, purchase_order=PurchaseOrder.objects.get(pk=po.pk))

    def answer() -> VendorResponse:
        assert locked.wait(timeout=10)
        return response_submit(
            actor=cast.vendor_a_user,
            purchase_order=PurchaseOrder.objects.get(pk=po.pk),
            version=1,
            kind=ResponseKind.ACCEPTED,
        )

    sent, refused = race(resend, answer)
    assert sent is None
    assert isinstance(refused, Conflict) and refused.code == "version_outdated", refused
    assert not VendorResponse.objects.exists()
