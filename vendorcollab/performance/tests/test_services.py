"""The facts follow the history: written after each commit that changes it, the same however often or in whatever
order they are computed, and the same when rebuilt from scratch."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from vendorcollab.performance.models import DeliveryFact, DueFact, NoticeFact, ResponseFact, VendorMonth
from vendorcollab.performance.services import rebuild_all, refresh_purchase_order
from vendorcollab.purchasing.models import PurchaseOrder
from vendorcollab.purchasing.services import po_cancel

pytestmark = pytest.mark.django_db

FACT_MODELS = (ResponseFact, DueFact, DeliveryFact, NoticeFact, VendorMonth)


def snapshot() -> dict[str, list[tuple]]:
    """Every fact's values but its id (and when a vendor month was summed), sorted: equal snapshots are equal
    facts."""
    result = {}
    for model in FACT_MODELS:
        fields = [field.attname for field in model._meta.concrete_fields if field.attname not in ("id", "summed_at")]
        result[model.__name__] = sorted(model.objects.values_list(*fields), key=repr)
    return result


def test_the_subscribers_wrote_the_facts_after_each_commit(history):
    """Nothing but the services ran in the history: every fact comes from the refresh its commits queued."""
    counts = {model.__name__: model.objects.count() for model in FACT_MODELS}
    # Answers: PO1, PO2, PO4, PO5, PO6. Due: PO1 3, PO2 2, PO3 1, PO5 1, PO6 1. Deliveries: 9 of A and 1 of B.
    # Months: A's February (answers), March and April; B's March.
    assert counts == {"ResponseFact": 5, "DueFact": 8, "DeliveryFact": 10, "NoticeFact": 0, "VendorMonth": 4}


def test_refresh_is_idempotent(history):
    before = snapshot()
    for po in PurchaseOrder.objects.all():
        refresh_purchase_order(po.pk)
        refresh_purchase_order(po.pk)
    assert snapshot() == before


def test_rebuild_all_equals_the_incremental_facts(history):
    incremental = snapshot()
    for model in FACT_MODELS:
        model.objects.all().delete()
    assert rebuild_all() == 6
    assert snapshot() == incremental


def test_rebuild_replaces_wrong_facts(history):
    incremental = snapshot()
    DueFact.objects.filter(purchase_order=history.po1).update(received_quantity=0)
    DeliveryFact.objects.filter(purchase_order=history.po3).delete()
    out = StringIO()
    call_command("rebuild_performance", stdout=out)
    assert out.getvalue().strip() == "Performance figures rebuilt from 6 purchase orders."
    assert snapshot() == incremental


def test_a_cancelled_po_owes_nothing_more_but_keeps_what_it_delivered(history, at, cast):
    with at("2026-03-25T08:00"):
        # PO2 still has 4 of line 1 open; the buyer cancels the rest.
        po_cancel(actor=cast.agent, purchase_order=history.po2, reason="Not needed any more")
    assert not DueFact.objects.filter(purchase_order=history.po2).exists()
    assert DeliveryFact.objects.filter(purchase_order=history.po2).count() == 2
    assert ResponseFact.objects.filter(purchase_order=history.po2).count() == 1


def test_the_facts_of_a_po_are_its_own(history):
    """Refreshing one PO touches no other PO's facts."""
    others = {
        model.__name__: sorted(model.objects.exclude(purchase_order=history.po1).values_list("pk", flat=True))
        for model in (ResponseFact, DueFact, DeliveryFact)
    }
    refresh_purchase_order(history.po1.pk)
    assert others == {
        model.__name__: sorted(model.objects.exclude(purchase_order=history.po1).values_list("pk", flat=True))
        for model in (ResponseFact, DueFact, DeliveryFact)
    }


def test_response_facts_keep_their_sending_and_answer(history):
    fact = ResponseFact.objects.get(purchase_order=history.po4)
    # Sent 27 Feb 19:30 UTC, rejected 28 Feb 23:30 UTC: 28 hours, counted in March (Amsterdam).
    assert fact.seconds == 28 * 3600
    assert fact.month == date(2026, 3, 1)
    assert (fact.kind, fact.lines, fact.lines_rejected) == ("rejected", 1, 1)
