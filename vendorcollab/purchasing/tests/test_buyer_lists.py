"""DESIGN.md section 5: the buyer's "Purchase order preparation" workspace lists."""

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from vendorcollab.accounts.models import User
from vendorcollab.common.testing.factories import make_po
from vendorcollab.partners.models import Collaboration
from vendorcollab.purchasing.models import Origin, ResponseKind
from vendorcollab.purchasing.selectors import BuyerList, po_count_for_buyer, po_list_for_buyer
from vendorcollab.purchasing.services import ReceiptLineInput, po_confirm, receipt_post, response_submit


def buyer_lists_of(actor, po):
    return {which for which in BuyerList if po_list_for_buyer(actor=actor, which=which).filter(pk=po.pk).exists()}


def test_each_buyer_list(cast):
    draft = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1])
    waiting = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    answered = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    response_submit(actor=cast.vendor_a_user, purchase_order=answered, version=1, kind=ResponseKind.ACCEPTED)
    confirmed = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    po_confirm(actor=cast.agent, purchase_order=confirmed, without_response=True)
    received = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    po_confirm(actor=cast.agent, purchase_order=received, without_response=True)
    receipt_post(actor=cast.clerk, purchase_order=received, lines=[ReceiptLineInput(1, Decimal(10))])

    assert buyer_lists_of(cast.agent, draft) == {BuyerList.DRAFTS}
    assert buyer_lists_of(cast.agent, waiting) == {BuyerList.AWAITING_VENDOR}
    assert buyer_lists_of(cast.agent, answered) == {BuyerList.REQUIRING_ACTION}
    assert buyer_lists_of(cast.agent, confirmed) == {BuyerList.CONFIRMED_NOT_RECEIVED}
    assert buyer_lists_of(cast.agent, received) == set()
    assert po_count_for_buyer(actor=cast.clerk) == dict.fromkeys(BuyerList, 1)


def test_an_auto_confirmed_acceptance_requires_no_action(cast):
    cast.vendor_a.collaboration = Collaboration.AUTO_CONFIRM
    cast.vendor_a.save()
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    response_submit(actor=cast.vendor_a_user, purchase_order=po, version=1, kind=ResponseKind.ACCEPTED)
    assert buyer_lists_of(cast.agent, po) == {BuyerList.CONFIRMED_NOT_RECEIVED}


def test_consignment_pos_are_not_in_the_buyer_workspace(cast):
    draft = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], origin=Origin.CONSIGNMENT)
    sent = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], origin=Origin.CONSIGNMENT, send=True)
    assert buyer_lists_of(cast.agent, draft) == set()
    assert buyer_lists_of(cast.agent, sent) == set()


def test_vendor_users_have_no_buyer_lists(cast):
    make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    assert po_count_for_buyer(actor=cast.vendor_a_user) == dict.fromkeys(BuyerList, 0)


def test_buyer_list_query_count_does_not_grow(cast):
    def measure():
        actor = User.objects.get(pk=cast.agent.pk)
        with CaptureQueriesContext(connection) as captured:
            rows = [
                (po.number, po.company.code, po.vendor.name, po.latest_version.number if po.latest_version else 0)
                for which in BuyerList
                for po in po_list_for_buyer(actor=actor, which=which)
            ]
        return len(captured), len(rows)

    def populate(count):
        for _ in range(count):
            make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1])
            make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)

    populate(5)
    small_queries, small_rows = measure()
    populate(45)
    large_queries, large_rows = measure()
    assert (small_rows, large_rows) == (10, 100)
    assert large_queries == small_queries


def test_the_tiles_counts_are_kept_and_follow_every_change_of_a_po(cast):
    """The four counts are one aggregate kept per change of the POs: a second visit reads the stamp alone, and
    each step of a PO's life moves it to its next tile on the next visit."""

    def counts():
        return {which.value: count for which, count in po_count_for_buyer(actor=cast.agent).items() if count}

    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1])
    make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], origin=Origin.CONSIGNMENT)  # never counted
    assert counts() == {"drafts": 1}
    with CaptureQueriesContext(connection) as kept:
        assert counts() == {"drafts": 1}
    assert len(kept) == 1  # the stamp
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    assert counts() == {"drafts": 1, "awaiting_vendor": 1}
    response_submit(actor=cast.vendor_a_user, purchase_order=po, version=1, kind=ResponseKind.ACCEPTED)
    assert counts() == {"drafts": 1, "requiring_action": 1}
    po_confirm(actor=cast.agent, purchase_order=po)
    assert counts() == {"drafts": 1, "confirmed_not_received": 1}
    receipt_post(actor=cast.clerk, purchase_order=po, lines=[ReceiptLineInput(1, Decimal(10))])
    assert counts() == {"drafts": 1}
