"""The outbound entry point: which documents a send, an answer and a cancel produce, with which IDs, for vendor
accounts on either PEPPOL profile; and writing them queries nothing whatever the number of lines."""

from __future__ import annotations

import pytest

from vendorcollab.common.testing.factories import ItemFactory, line, make_po
from vendorcollab.interop.outbound import (
    Transaction,
    documents_for_cancellation,
    documents_for_response,
    documents_for_version_sent,
)
from vendorcollab.interop.selectors import response_for_export, version_for_export
from vendorcollab.interop.ubl_reader import NS
from vendorcollab.partners.models import OrderingProfile
from vendorcollab.purchasing.models import LineAction, PurchaseOrder, PurchaseOrderVersion, ResponseKind
from vendorcollab.purchasing.services import (
    po_cancel,
    po_confirm,
    po_create,
    po_request_change,
    po_send,
    po_update,
    response_submit,
)
from vendorcollab.purchasing.tests.helpers import answer, split

from .conftest import assert_valid, peppol_fatal
from .test_export_conformance import complete_master_data


@pytest.fixture
def advanced(endpoints):
    """Vendor A speaks the advanced ordering profile (Order Change, Cancellation, Response Advanced)."""
    complete_master_data(endpoints, profile=OrderingProfile.ADVANCED)


def version(cast, po, number):
    return version_for_export(actor=cast.agent, purchase_order_id=po.pk, number=number)


def answer_of(cast, po, response):
    return response_for_export(actor=cast.agent, purchase_order_id=po.pk, response_id=response.pk)


def fresh(po):
    return PurchaseOrder.objects.get(pk=po.pk)


def resend(cast, po, quantity="35"):
    """The buyer changes the last line and sends the next version."""
    po_request_change(actor=cast.agent, purchase_order=fresh(po))
    po_update(
        actor=cast.agent,
        purchase_order=fresh(po),
        lines=[
            line(item, quantity=quantity if index == 3 else str(10 * index), line_number=index)
            for index, item in enumerate(cast.items, 1)
        ],
    )
    po_send(actor=cast.agent, purchase_order=fresh(po))


def ids(root, path):
    return [element.text for element in root.xpath(path, namespaces=NS)]


def test_an_order_and_its_answer_refer_to_the_buyers_order_id(endpoints, sent):
    [order] = documents_for_version_sent(version(endpoints, sent, 1))
    assert (order.transaction, order.document_id) == (Transaction.T01, sent.number)
    assert ids(assert_valid(order.xml, "Order"), "cbc:ID") == [sent.number]

    response = response_submit(
        actor=endpoints.vendor_a_user,
        purchase_order=sent,
        version=1,
        kind=ResponseKind.ACCEPTED_WITH_CHANGES,
        lines=[split(1, ("4", 20), ("6", 35)), answer(2, LineAction.ACCEPT), answer(3, LineAction.REJECT)],
    )
    [document] = documents_for_response(answer_of(endpoints, sent, response))
    assert (document.transaction, document.document_id) == (Transaction.T76, f"{sent.number}-R")
    root = assert_valid(document.xml, "OrderResponse")
    assert ids(root, "cac:OrderReference/cbc:ID") == [sent.number]
    assert ids(root, "cac:OrderLine/cac:OrderLineReference/cbc:LineID") == ["1", "1", "2", "3"]
    assert root.xpath("//cac:PartyName", namespaces=NS) == []  # T76-B01502, B02402


def test_a_later_version_is_an_order_change_and_its_answer_an_order_response_advanced(endpoints, sent, advanced):
    resend(endpoints, sent)
    [change] = documents_for_version_sent(version(endpoints, sent, 2))
    assert (change.transaction, change.document_id) == (Transaction.T114, f"{sent.number}-2")
    root = assert_valid(change.xml, "OrderChange")
    assert ids(root, "cbc:SequenceNumberID") == ["1"]
    assert ids(root, "cac:OrderReference/cbc:ID") == [sent.number]

    response = response_submit(
        actor=endpoints.vendor_a_user, purchase_order=sent, version=2, kind=ResponseKind.ACCEPTED
    )
    [document] = documents_for_response(answer_of(endpoints, sent, response))
    assert document.transaction == Transaction.T116
    root = assert_valid(document.xml, "OrderResponse")
    assert ids(root, "cbc:ProfileID") == ["urn:fdc:peppol.eu:poacc:bis:advanced_ordering:3"]
    assert ids(root, "cac:OrderReference/cbc:ID") == [sent.number]


def test_without_the_advanced_profile_a_later_version_is_an_order_that_replaces_the_first(endpoints, sent):
    complete_master_data(endpoints)
    resend(endpoints, sent)
    [order] = documents_for_version_sent(version(endpoints, sent, 2))
    assert (order.transaction, order.document_id) == (Transaction.T01, f"{sent.number}-2")
    root = assert_valid(order.xml, "Order")
    assert ids(root, "cac:OrderDocumentReference/cbc:ID") == [sent.number]
    assert peppol_fatal(order.xml, "T01") == set()

    response = response_submit(
        actor=endpoints.vendor_a_user, purchase_order=sent, version=2, kind=ResponseKind.ACCEPTED
    )
    [document] = documents_for_response(answer_of(endpoints, sent, response))
    assert document.transaction == Transaction.T76
    assert ids(assert_valid(document.xml, "OrderResponse"), "cac:OrderReference/cbc:ID") == [f"{sent.number}-2"]
    assert peppol_fatal(document.xml, "T76") == set()

    # and a cancel has no PEPPOL document on the ordering profile: the vendor sees it in the portal
    po_cancel(actor=endpoints.agent, purchase_order=fresh(sent))
    assert documents_for_cancellation(fresh(sent)) == []


def test_a_cancellation_is_written_for_a_sent_po_only(endpoints, sent, advanced):
    draft = po_create(
        actor=endpoints.agent, company=endpoints.company, vendor=endpoints.vendor_a, lines=[line(endpoints.items[0])]
    )
    po_cancel(actor=endpoints.agent, purchase_order=draft)
    assert documents_for_cancellation(fresh(draft)) == []
    assert documents_for_cancellation(fresh(sent)) == []  # not cancelled

    po_cancel(actor=endpoints.agent, purchase_order=fresh(sent), reason="Budget withdrawn")
    [document] = documents_for_cancellation(fresh(sent))
    assert (document.transaction, document.document_id) == (Transaction.T115, f"{sent.number}-C")
    root = assert_valid(document.xml, "OrderCancellation")
    assert ids(root, "cbc:CancellationNote") == ["Budget withdrawn"]
    assert ids(root, "cac:OrderReference/cbc:ID") == [sent.number]


def test_a_confirmation_version_is_sent_as_nothing(endpoints, sent, advanced):
    response_submit(
        actor=endpoints.vendor_a_user,
        purchase_order=sent,
        version=1,
        kind=ResponseKind.ACCEPTED_WITH_CHANGES,
        lines=[answer(1, LineAction.REJECT), answer(2, LineAction.ACCEPT), answer(3, LineAction.ACCEPT)],
    )
    po_confirm(actor=endpoints.agent, purchase_order=fresh(sent), apply_vendor_changes=True)
    assert documents_for_version_sent(version(endpoints, sent, 2)) == []


def test_an_order_only_po_gets_no_response_document(endpoints, sent):
    response = response_submit(
        actor=endpoints.vendor_a_user, purchase_order=sent, version=1, kind=ResponseKind.ACCEPTED
    )
    answered = answer_of(endpoints, sent, response)
    assert len(documents_for_response(answered)) == 1
    answered.version.response_expected = False  # PEPPOL order_only, as the buyer's Order said
    assert documents_for_response(answered) == []


@pytest.mark.parametrize("lines", [1, 25])
def test_writing_queries_nothing_whatever_the_number_of_lines(endpoints, django_assert_num_queries, lines):
    items = [*endpoints.items, *ItemFactory.create_batch(lines, company=endpoints.company)][:lines]
    po = make_po(actor=endpoints.agent, vendor=endpoints.vendor_a, items=items, send=True)
    response = response_submit(
        actor=endpoints.vendor_a_user,
        purchase_order=po,
        version=1,
        kind=ResponseKind.ACCEPTED_WITH_CHANGES,
        lines=[answer(number, LineAction.ACCEPT) for number in range(1, lines + 1)],
    )
    sent_version: PurchaseOrderVersion = version(endpoints, po, 1)
    answered = answer_of(endpoints, po, response)
    with django_assert_num_queries(0):
        documents_for_version_sent(sent_version)
        documents_for_response(answered)
