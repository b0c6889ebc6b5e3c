"""Bulk accept: each PO of the batch exactly as a single accept, with a result per PO."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from vendorcollab.accounts.models import Role
from vendorcollab.common.errors import ValidationFailed
from vendorcollab.common.testing.factories import VendorFactory, make_po, make_user
from vendorcollab.partners.models import Collaboration
from vendorcollab.purchasing.models import POStatus, PurchaseOrder, ResponseKind, VendorResponse
from vendorcollab.purchasing.services import po_request_change, po_send, response_submit
from vendorcollab.purchasing.services.bulk import (
    BULK_ACCEPT_LIMIT,
    BulkAcceptItem,
    BulkOutcome,
    response_accept_many,
)

from .helpers import database_fingerprint


def item(po, version=1):
    return BulkAcceptItem(purchase_order=po.pk, version=version)


def test_each_po_is_accepted_once_and_auto_confirm_vendors_confirm(cast):
    auto = VendorFactory(company=cast.company, number="V-C", name="Gamma", collaboration=Collaboration.AUTO_CONFIRM)
    user = make_user("gina", Role.VENDOR_USER, vendors=(cast.vendor_a, auto))
    manual_po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:2], send=True)
    auto_po = make_po(actor=cast.agent, vendor=auto, items=cast.items[:1], send=True)

    results = response_accept_many(actor=user, items=[item(manual_po), item(auto_po)])

    assert [(r.purchase_order, r.outcome) for r in results] == [
        (manual_po.pk, BulkOutcome.ACCEPTED),
        (auto_po.pk, BulkOutcome.CONFIRMED),
    ]
    manual_po.refresh_from_db()
    auto_po.refresh_from_db()
    assert manual_po.status == POStatus.IN_EXTERNAL_REVIEW and manual_po.latest_response.kind == ResponseKind.ACCEPTED
    assert auto_po.status == POStatus.CONFIRMED and auto_po.confirmed_version_id == auto_po.latest_version_id
    assert all(r.response.lines.count() == r.order.lines.count() for r in results)


def test_a_refused_po_leaves_the_others_accepted(cast):
    answered = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    response_submit(actor=cast.vendor_a_user, purchase_order=answered, version=1, kind=ResponseKind.REJECTED)
    outdated = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    po_send(actor=cast.agent, purchase_order=po_request_change(actor=cast.agent, purchase_order=outdated))
    others = make_po(actor=cast.agent, vendor=cast.vendor_b, items=cast.items[:1], send=True)
    first = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    last = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)

    results = response_accept_many(
        actor=cast.vendor_a_user,
        items=[item(first), item(answered), item(outdated, 1), item(others), item(last), item(last)],
    )

    outcomes = [(r.outcome, r.error.code if r.error else None) for r in results]
    assert outcomes == [
        (BulkOutcome.ACCEPTED, None),
        (BulkOutcome.REFUSED, "already_answered"),
        (BulkOutcome.REFUSED, "version_outdated"),
        (BulkOutcome.REFUSED, "not_found"),  # another vendor's PO does not exist for this user
        (BulkOutcome.ACCEPTED, None),
        (BulkOutcome.REFUSED, "already_answered"),  # named twice: accepted once
    ]
    assert results[3].order is None
    assert set(VendorResponse.objects.filter(kind=ResponseKind.ACCEPTED).values_list("purchase_order", flat=True)) == {
        first.pk,
        last.pk,
    }
    assert not VendorResponse.objects.filter(purchase_order=others).exists()
    assert not VendorResponse.objects.filter(purchase_order=outdated).exists()


def test_a_batch_over_the_limit_is_refused_whole(cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    before = database_fingerprint()
    with pytest.raises(ValidationFailed) as refused:
        response_accept_many(actor=cast.vendor_a_user, items=[item(po)] * (BULK_ACCEPT_LIMIT + 1))
    assert refused.value.code == "too_many_rows"
    assert database_fingerprint() == before


def test_buyers_cannot_bulk_accept(cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    [result] = response_accept_many(actor=cast.agent, items=[item(po)])
    assert result.outcome == BulkOutcome.REFUSED and result.error.code == "role_not_allowed"
    assert PurchaseOrder.objects.get(pk=po.pk).latest_response_id is None


def _queries_for(cast, count):
    pos = [make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items, send=True) for _ in range(count)]
    with CaptureQueriesContext(connection) as queries:
        results = response_accept_many(actor=cast.vendor_a_user, items=[item(po) for po in pos])
    assert all(r.outcome == BulkOutcome.ACCEPTED for r in results)
    return len(queries)


def test_queries_grow_by_a_constant_per_po(cast):
    five = _queries_for(cast, 5)
    twenty_five = _queries_for(cast, 25)
    # A single accept reads and writes a fixed set of rows (visibility, lock, version, lines, charges, response,
    # its lines, history, outbox): about 15 statements, whatever the batch's size.
    assert twenty_five - five <= 20 * 16, (five, twenty_five)


@pytest.mark.django_db(transaction=True)
def test_a_concurrent_single_accept_of_the_same_po_has_one_winner(cast):
    from .test_concurrency import race

    contested = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:2], send=True)
    free = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)

    def single():
        fresh = PurchaseOrder.objects.get(pk=contested.pk)
        return response_submit(actor=cast.vendor_a_admin, purchase_order=fresh, version=1, kind=ResponseKind.ACCEPTED)

    def bulk():
        return response_accept_many(actor=cast.vendor_a_user, items=[item(contested), item(free)])

    single_result, bulk_results = race(single, bulk)

    assert VendorResponse.objects.filter(purchase_order=contested).count() == 1
    contested_result = bulk_results[0]
    single_won = isinstance(single_result, VendorResponse)
    assert single_won != (contested_result.outcome == BulkOutcome.ACCEPTED)
    if single_won:
        assert contested_result.error.code == "already_answered"
    else:
        assert single_result.code == "already_answered"
    assert bulk_results[1].outcome == BulkOutcome.ACCEPTED  # the other PO of the batch is accepted either way


# --- asking once before another quantity than ordered goes out -------------------------------------------------------


def test_another_quantity_than_ordered_is_refused_until_confirmed(cast):
    from vendorcollab.purchasing.models import LineAction

    from .helpers import answer, split

    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:2], send=True)  # 10 and 20 ordered
    before = database_fingerprint()
    for lines in ([answer(1, LineAction.CHANGE, quantity=Decimal(7))], [split(2, ("5", 10), ("10", 20))]):
        with pytest.raises(ValidationFailed) as refused:
            response_submit(
                actor=cast.vendor_a_user,
                purchase_order=po,
                version=1,
                kind=ResponseKind.ACCEPTED_WITH_CHANGES,
                lines=lines,
                quantities_confirmed=False,
            )
        assert refused.value.code == "quantities_not_confirmed"
    assert database_fingerprint() == before
    # As ordered in total (a split of 20 into 5 + 15): nothing to confirm.
    response_submit(
        actor=cast.vendor_a_user,
        purchase_order=po,
        version=1,
        kind=ResponseKind.ACCEPTED_WITH_CHANGES,
        lines=[split(2, ("5", 10), ("15", 20))],
        quantities_confirmed=False,
    )


# --- the page ---------------------------------------------------------------------------------------------------------


def test_the_for_review_list_offers_a_checkbox_per_po_and_other_lists_none(client, cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    client.force_login(cast.vendor_a_user)
    page = client.get(reverse("vendor:po_list", args=["for_review"])).content.decode()
    assert f'name="po" value="{po.pk}:1" form="bulk-accept"' in page
    assert 'data-select-all="po"' in page and reverse("vendor:po_bulk_accept") in page
    response_submit(actor=cast.vendor_a_user, purchase_order=po, version=1, kind=ResponseKind.ACCEPTED)
    assert 'name="po"' not in client.get(reverse("vendor:po_list", args=["awaiting_customer"])).content.decode()


def test_the_page_accepts_the_chosen_and_shows_a_result_per_po(client, cast):
    chosen = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    answered = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    response_submit(actor=cast.vendor_a_user, purchase_order=answered, version=1, kind=ResponseKind.REJECTED)
    left = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    client.force_login(cast.vendor_a_user)
    response = client.post(
        reverse("vendor:po_bulk_accept"), {"po": [f"{chosen.pk}:1", f"{answered.pk}:1", "junk", "1:x", "9" * 40]}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "2 purchase orders: 1 accepted, 0 accepted and confirmed, 1 refused." in page
    assert f'data-outcome="accepted" data-po="{chosen.pk}"' in page
    assert f'data-outcome="refused" data-po="{answered.pk}"' in page and "already has a response" in page
    assert not VendorResponse.objects.filter(purchase_order=left).exists()


def test_nothing_chosen_goes_back_to_the_list_with_a_message(client, cast):
    client.force_login(cast.vendor_a_user)
    response = client.post(reverse("vendor:po_bulk_accept"), {"po": []}, follow=True)
    assert "Select at least one purchase order to accept." in response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("vendor:po_list", args=["for_review"])


def test_the_page_costs_a_constant_number_of_queries_per_po(client, cast):
    def queries(count):
        pos = [make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items, send=True) for _ in range(count)]
        client.force_login(cast.vendor_a_user)
        with CaptureQueriesContext(connection) as captured:
            response = client.post(reverse("vendor:po_bulk_accept"), {"po": [f"{po.pk}:1" for po in pos]})
        assert response.content.decode().count('data-outcome="accepted"') == count
        return len(captured)

    five, twenty_five = queries(5), queries(25)
    assert twenty_five - five <= 20 * 16, (five, twenty_five)
