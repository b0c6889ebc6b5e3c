"""The document log: outbound documents written after the commit of a send, a cancellation and an answer (never
inside it), stored once; inbound ones logged taken or refused; who sees which; the webhook that carries one."""

from __future__ import annotations

import pytest
from django.db import transaction

from vendorcollab.common.errors import ValidationFailed
from vendorcollab.common.testing.factories import make_po
from vendorcollab.interop import documents, tasks
from vendorcollab.interop.models import Direction, Document, InboundStatus
from vendorcollab.interop.outbound import Transaction
from vendorcollab.notifications.models import WebhookDelivery, WebhookEndpoint
from vendorcollab.purchasing.models import ResponseKind
from vendorcollab.purchasing.services import po_cancel, po_send, response_submit


def test_a_send_writes_the_order_after_the_commit_never_inside_it(endpoints, django_capture_on_commit_callbacks):
    po = make_po(actor=endpoints.agent, vendor=endpoints.vendor_a, items=endpoints.items)

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        po_send(actor=endpoints.agent, purchase_order=po)
        assert not Document.objects.exists()  # inside the send's transaction (and its row lock): nothing yet

    document = Document.objects.get()
    po.refresh_from_db()
    assert (document.direction, document.transaction, document.status) == (Direction.OUTBOUND, Transaction.T01, "")
    assert (document.company, document.vendor, document.purchase_order, document.version) == (
        endpoints.company,
        endpoints.vendor_a,
        po,
        po.latest_version,
    )
    assert document.document_id == po.number  # the buyer's Order ID (blank order_document_id: the PO number)
    assert b"<cbc:ID>" + po.number.encode() + b"</cbc:ID>" in bytes(document.xml)


def test_a_rolled_back_send_writes_nothing(endpoints, django_capture_on_commit_callbacks):
    po = make_po(actor=endpoints.agent, vendor=endpoints.vendor_a, items=endpoints.items)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        po_send(actor=endpoints.agent, purchase_order=po)
        raise RuntimeError("rolled back")

    assert not Document.objects.exists()


def test_an_answer_writes_the_order_response_and_a_cancellation_asks_for_its_documents(
    endpoints, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = response_submit(
            actor=endpoints.vendor_a_user, purchase_order=sent, version=1, kind=ResponseKind.ACCEPTED
        )

    document = Document.objects.get(response=response)
    assert (document.transaction, document.purchase_order, document.vendor) == (
        Transaction.T76,
        sent,
        endpoints.vendor_a,
    )
    assert b"OrderResponse" in bytes(document.xml)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        po_cancel(actor=endpoints.agent, purchase_order=sent, reason="Not needed")
    assert callbacks  # the cancellation's documents are asked for after its commit (T115 where the writer has one)


def test_a_task_that_runs_twice_stores_its_documents_once(endpoints, sent):
    first = tasks.write_outbound_documents.call(kind="sent", purchase_order=sent.pk, version=1)
    again = tasks.write_outbound_documents.call(kind="sent", purchase_order=sent.pk, version=1)

    assert len(first) == 1 and again == []
    assert Document.objects.filter(version__number=1, transaction=Transaction.T01).count() == 1


def test_an_inbound_document_is_logged_taken_or_refused_with_its_reasons(endpoints, sent):
    error = ValidationFailed(
        "ubl_unknown_order",
        "No purchase order %(number)s.",
        params={"number": "X-9"},
        fields={"OrderReference/ID": "Unknown"},
    )

    refused = documents.document_log_inbound(
        actor=endpoints.vendor_a_user,
        transaction_code=Transaction.T76,
        document_id="R-1",
        xml=b"<OrderResponse/>",
        status=InboundStatus.REFUSED,
        reasons=documents.reasons_from_error(error),
        vendor=endpoints.vendor_a,
    )
    taken = documents.document_log_inbound(
        actor=endpoints.agent,
        transaction_code=Transaction.T01,
        document_id="ERP-1",
        xml=b"<Order/>",
        status=InboundStatus.TAKEN,
        reasons=[{"code": "ignored", "message": "a taken document keeps no reasons"}],
        purchase_order=sent,
    )

    refused.refresh_from_db()
    assert (refused.direction, refused.status, refused.is_refused) == (Direction.INBOUND, "refused", True)
    assert refused.reasons == [
        {"code": "ubl_unknown_order", "message": "No purchase order X-9."},
        {"code": "ubl_unknown_order", "message": "Unknown", "field": "OrderReference/ID"},
    ]
    assert (taken.status, taken.reasons, taken.company, taken.vendor) == (
        "taken",
        [],
        endpoints.company,
        endpoints.vendor_a,
    )


def test_a_vendor_sees_its_own_documents_and_never_the_buyer_erps(endpoints, sent):
    tasks.write_outbound_documents.call(kind="sent", purchase_order=sent.pk, version=1)
    order = Document.objects.get()
    from_vendor_erp = documents.document_log_inbound(
        actor=endpoints.vendor_a_user,
        transaction_code=Transaction.T76,
        document_id="R-1",
        xml=b"<OrderResponse/>",
        status=InboundStatus.REFUSED,
        vendor=endpoints.vendor_a,
    )
    documents.document_log_inbound(
        actor=endpoints.agent,
        transaction_code=Transaction.T01,
        document_id="ERP-1",
        xml=b"<Order/>",
        status=InboundStatus.TAKEN,
        purchase_order=sent,
    )

    def ids(actor):
        return set(documents.document_list(actor=actor).values_list("pk", flat=True))

    assert ids(endpoints.vendor_a_user) == {order.pk, from_vendor_erp.pk}
    assert ids(endpoints.vendor_b_user) == set()
    assert len(ids(endpoints.agent)) == 3
    assert len(ids(endpoints.clerk)) == 3


def test_the_feed_filters_by_since_type_and_direction(endpoints, sent):
    tasks.write_outbound_documents.call(kind="sent", purchase_order=sent.pk, version=1)
    order = Document.objects.get()
    later = documents.document_log_inbound(
        actor=endpoints.agent,
        transaction_code=Transaction.T01,
        document_id="ERP-1",
        xml=b"<Order/>",
        status=InboundStatus.TAKEN,
    )

    def ids(**filters):
        return list(documents.document_list(actor=endpoints.agent, **filters).values_list("pk", flat=True))

    assert ids() == [order.pk, later.pk]
    assert ids(since=later.created_at) == [later.pk]
    assert ids(direction="outbound") == [order.pk]
    assert ids(transaction_code="T76") == []
    assert ids(newest_first=True) == [later.pk, order.pk]


def test_a_webhook_of_a_new_document_carries_its_xml(endpoints, django_capture_on_commit_callbacks, settings):
    settings.SITE_URL = "https://portal.example"
    WebhookEndpoint.objects.create(
        name="ERP",
        url="https://erp.invalid/hook",
        secret="s" * 32,
        events=["document.created"],
        created_by=endpoints.admin,
    )
    po = make_po(actor=endpoints.agent, vendor=endpoints.vendor_a, items=endpoints.items)

    with django_capture_on_commit_callbacks(execute=True):
        po_send(actor=endpoints.agent, purchase_order=po)

    document = Document.objects.get()
    delivery = WebhookDelivery.objects.get()
    assert delivery.event == "document.created"
    assert delivery.payload["id"] == document.pk
    assert (delivery.payload["transaction"], delivery.payload["direction"]) == ("T01", "outbound")
    assert delivery.payload["xml"] == bytes(document.xml).decode()
    assert delivery.payload["xml_url"] == f"https://portal.example/api/v1/documents/{document.pk}/xml"
