"""A submitted invoice or credit note writes its Billing 3 document after the commit, into the document log with its
invoice (and its PO), announced to the webhooks; a writer that fails leaves a refused entry that says why instead
of nothing at all."""

from __future__ import annotations

import logging
from decimal import Decimal
from unittest import mock

from django.db import transaction
from django.test import Client

from vendorcollab.api.tests.helpers import ApiClient
from vendorcollab.common.testing.factories import make_po
from vendorcollab.interop import documents
from vendorcollab.interop.models import Direction, Document, InboundStatus
from vendorcollab.interop.outbound import Transaction
from vendorcollab.invoicing.services import invoice_submit
from vendorcollab.notifications.models import WebhookDelivery, WebhookEndpoint
from vendorcollab.purchasing.services import po_send

from .billing import make_invoice, received_po
from .test_export_conformance import complete_master_data


def test_a_submitted_invoice_writes_its_invoice_after_the_commit_with_a_webhook(
    endpoints, django_capture_on_commit_callbacks
):
    complete_master_data(endpoints)
    WebhookEndpoint.objects.create(
        name="ERP",
        url="https://erp.invalid/hook",
        secret="s" * 32,
        events=["document.created"],
        created_by=endpoints.admin,
    )
    po = received_po(endpoints)
    draft = make_invoice(endpoints, [po], submit=False)
    before = set(Document.objects.values_list("pk", flat=True))  # the PO's own Order

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        invoice = invoice_submit(actor=endpoints.vendor_a_user, invoice=draft)
        assert set(Document.objects.values_list("pk", flat=True)) == before  # nothing inside the transaction

    document = Document.objects.exclude(pk__in=before).get()
    assert (document.direction, document.transaction, document.document_id, document.status) == (
        Direction.OUTBOUND,
        Transaction.T10,
        "INV-1",
        "",
    )
    assert (document.invoice, document.purchase_order, document.vendor, document.company) == (
        invoice,
        po,
        endpoints.vendor_a,
        endpoints.company,
    )
    assert b"<Invoice " in bytes(document.xml)
    delivery = WebhookDelivery.objects.get(payload__id=document.pk)
    assert (delivery.event, delivery.payload["transaction"], delivery.payload["invoice"]) == (
        "document.created",
        "T10",
        invoice.pk,
    )


def test_a_credit_note_writes_a_credit_note_once_however_often_its_task_runs(endpoints):
    complete_master_data(endpoints)
    po = received_po(endpoints)
    invoice = make_invoice(endpoints, [po])
    credit = make_invoice(endpoints, [po], number="CN-1", credited=invoice, quantity=Decimal(1))

    [first] = documents.outbound_for_invoice(invoice_id=credit.pk)
    again = documents.outbound_for_invoice(invoice_id=credit.pk)

    assert (first.transaction, first.document_id, first.invoice) == (Transaction.T14, "CN-1", credit)
    assert b"<CreditNote " in bytes(first.xml)
    assert again == []
    assert Document.objects.filter(invoice=credit).count() == 1


def test_an_invoice_of_several_pos_is_filed_under_none_of_them(endpoints):
    complete_master_data(endpoints)
    pos = [received_po(endpoints, items=endpoints.items[:1]), received_po(endpoints, items=endpoints.items[1:2])]

    [document] = documents.outbound_for_invoice(invoice_id=make_invoice(endpoints, pos).pk)

    assert (document.purchase_order, document.vendor) == (None, endpoints.vendor_a)


def test_a_writer_that_fails_leaves_a_refused_entry_that_says_why_and_is_never_exported(endpoints, caplog, tmp_path):
    complete_master_data(endpoints)
    invoice = make_invoice(endpoints, [received_po(endpoints)])

    with (
        mock.patch("vendorcollab.interop.outbound.ubl_invoice", side_effect=ValueError("no unit code")),
        caplog.at_level(logging.ERROR, logger="vendorcollab.interop.documents"),
    ):
        assert documents.outbound_for_invoice(invoice_id=invoice.pk) == []
        documents.outbound_for_invoice(invoice_id=invoice.pk)  # the task run again, failing the same way

    refused = Document.objects.get(invoice=invoice)
    assert (refused.direction, refused.status, refused.transaction, refused.document_id) == (
        Direction.OUTBOUND,
        InboundStatus.REFUSED,
        "T10",
        "INV-1",
    )
    assert refused.reasons == [{"code": "writer_failed", "message": "ValueError: no unit code"}]
    assert bytes(refused.xml) == b""
    assert refused.status_label == "Refused"
    assert f"invoice:{invoice.pk}" in caplog.text
    exported = documents.documents_export(folder=tmp_path)
    assert all(f"-{refused.pk}-" not in path.name for path in exported)

    # Once the writer works again, the task writes the document beside the refusal
    [written] = documents.outbound_for_invoice(invoice_id=invoice.pk)
    assert written.status == "" and bytes(written.xml).startswith(b"<?xml")


def test_an_order_whose_writer_fails_is_logged_refused_too(endpoints, django_capture_on_commit_callbacks):
    po = make_po(actor=endpoints.agent, vendor=endpoints.vendor_a, items=endpoints.items)

    with (
        mock.patch("vendorcollab.interop.outbound.ubl_order", side_effect=KeyError("unit")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        po_send(actor=endpoints.agent, purchase_order=po)

    refused = Document.objects.get(purchase_order=po)
    assert (refused.direction, refused.status, refused.reasons[0]["code"]) == (
        Direction.OUTBOUND,
        InboundStatus.REFUSED,
        "writer_failed",
    )


def test_the_invoice_document_is_in_the_feed_of_its_vendor_and_the_buyer_and_nobody_elses(endpoints):
    complete_master_data(endpoints)
    invoice = make_invoice(endpoints, [received_po(endpoints)])
    [document] = documents.outbound_for_invoice(invoice_id=invoice.pk)

    def feed(user, path):  # type: ignore[no-untyped-def]
        return ApiClient(Client(), user).get(path, {"type": "T10"})

    for user, path in ((endpoints.vendor_a_user, "/vendor/documents"), (endpoints.agent, "/documents")):
        [row] = feed(user, path).json()["items"]
        assert (row["id"], row["invoice"], row["transaction"]) == (document.pk, invoice.pk, "T10")
        assert ApiClient(Client(), user).get(f"{path}/{document.pk}/xml").content == bytes(document.xml)
    assert feed(endpoints.vendor_b_user, "/vendor/documents").json()["count"] == 0
    assert ApiClient(Client(), endpoints.vendor_b_user).get(f"/vendor/documents/{document.pk}/xml").status_code == 404
