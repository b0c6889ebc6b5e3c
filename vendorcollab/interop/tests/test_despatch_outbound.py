"""A created ship notice writes its Despatch Advice (T16) after the commit, into the document log with its notice and
its first PO, announced to the webhooks and offered in both sides' feeds; a writer that fails leaves a refused entry
that says why instead of nothing at all."""

from __future__ import annotations

import logging
from unittest import mock

from django.db import transaction
from django.test import Client
from django.urls import reverse

from vendorcollab.api.tests.helpers import ApiClient
from vendorcollab.interop import documents
from vendorcollab.interop.models import Direction, Document, InboundStatus
from vendorcollab.interop.outbound import Transaction
from vendorcollab.notifications.models import WebhookDelivery, WebhookEndpoint

from .despatch import confirmed_po, ship
from .test_export_conformance import complete_master_data


def test_a_created_notice_writes_its_despatch_advice_after_the_commit_with_a_webhook(
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
    first, second = confirmed_po(endpoints), confirmed_po(endpoints)
    before = set(Document.objects.values_list("pk", flat=True))  # the POs' own Orders

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        notice = ship(endpoints, [(first, 1, "4"), (second, 2, "5")], number="DA-7")
        assert set(Document.objects.values_list("pk", flat=True)) == before  # nothing inside the transaction

    document = Document.objects.exclude(pk__in=before).get()
    assert (document.direction, document.transaction, document.document_id, document.status) == (
        Direction.OUTBOUND,
        Transaction.T16,
        "DA-7",
        "",
    )
    # Filed under the notice and the first PO it ships (the notice names the others)
    assert (document.ship_notice, document.purchase_order, document.vendor, document.company) == (
        notice,
        first,
        endpoints.vendor_a,
        endpoints.company,
    )
    assert b"<DespatchAdvice " in bytes(document.xml)
    delivery = WebhookDelivery.objects.get(payload__id=document.pk)
    assert (delivery.event, delivery.payload["transaction"], delivery.payload["ship_notice"]) == (
        "document.created",
        "T16",
        notice.pk,
    )


def test_the_despatch_advice_is_written_once_however_often_its_task_runs(endpoints):
    complete_master_data(endpoints)
    notice = ship(endpoints, [(confirmed_po(endpoints), 1, "10")])  # its task not run: no commit in a test

    [first] = documents.outbound_for_ship_notice(ship_notice_id=notice.pk)
    again = documents.outbound_for_ship_notice(ship_notice_id=notice.pk)

    assert (first.transaction, first.document_id, first.ship_notice) == (Transaction.T16, notice.number, notice)
    assert again == []
    assert Document.objects.filter(ship_notice=notice).count() == 1


def test_both_sides_find_the_despatch_advice_in_their_feed_and_another_vendor_does_not(
    endpoints, django_capture_on_commit_callbacks
):
    complete_master_data(endpoints)
    po = confirmed_po(endpoints)
    with django_capture_on_commit_callbacks(execute=True):
        notice = ship(endpoints, [(po, 1, "10")])
    document = Document.objects.get(ship_notice=notice)

    for user, path in ((endpoints.agent, "/documents"), (endpoints.vendor_a_user, "/vendor/documents")):
        response = ApiClient(Client(), user).get(path, {"type": "T16"})
        assert response.status_code == 200, response.content
        [row] = response.json()["items"]
        assert (row["id"], row["ship_notice"], row["purchase_order"], row["document_id"]) == (
            document.pk,
            notice.pk,
            po.pk,
            notice.number,
        )
    outsider = ApiClient(Client(), endpoints.vendor_b_user)
    assert outsider.get("/vendor/documents", {"type": "T16"}).json()["items"] == []
    assert outsider.get(f"/vendor/documents/{document.pk}/xml").status_code == 404


def test_a_writer_that_fails_leaves_a_refused_entry_that_says_why_and_is_never_exported(
    endpoints, caplog, tmp_path, django_capture_on_commit_callbacks
):
    complete_master_data(endpoints)
    po = confirmed_po(endpoints)
    with (
        mock.patch("vendorcollab.interop.outbound.ubl_despatch_advice", side_effect=ValueError("no endpoint")),
        caplog.at_level(logging.ERROR, logger="vendorcollab.interop.documents"),
    ):
        with django_capture_on_commit_callbacks(execute=True):
            notice = ship(endpoints, [(po, 1, "10")], number="DA-9")  # the task runs after the commit
        documents.outbound_for_ship_notice(ship_notice_id=notice.pk)  # run again, failing the same way

    refused = Document.objects.get(ship_notice=notice)
    assert (refused.direction, refused.status, refused.transaction, refused.document_id) == (
        Direction.OUTBOUND,
        InboundStatus.REFUSED,
        "T16",
        "DA-9",
    )
    assert (refused.purchase_order, refused.vendor) == (po, endpoints.vendor_a)
    assert refused.reasons == [{"code": "writer_failed", "message": "ValueError: no endpoint"}]
    assert f"ship_notice:{notice.pk}" in caplog.text
    exported = documents.documents_export(folder=tmp_path)
    assert all(f"-{refused.pk}-" not in path.name for path in exported)
    notice.refresh_from_db()
    assert notice.is_in_transit  # the notice itself stands

    # Once the writer works again, the task writes the document beside the refusal
    [written] = documents.outbound_for_ship_notice(ship_notice_id=notice.pk)
    assert written.status == "" and bytes(written.xml).startswith(b"<?xml")


def test_the_document_page_of_a_despatch_advice_leads_to_its_notice_on_either_side(
    endpoints, django_capture_on_commit_callbacks
):
    complete_master_data(endpoints)
    with django_capture_on_commit_callbacks(execute=True):
        notice = ship(endpoints, [(confirmed_po(endpoints), 1, "10")], number="DA-3")
    document = Document.objects.get(ship_notice=notice)

    for user, side in ((endpoints.agent, "buyer"), (endpoints.vendor_a_user, "vendor")):
        client = Client()
        client.force_login(user)
        page = client.get(reverse(f"documents_{side}:document_detail", args=[document.pk]))
        assert page.status_code == 200
        link = f'href="{reverse(f"{side}:ship_notice", args=[notice.pk])}">DA-3</a>'
        assert link in page.content.decode()
    outsider = Client()
    outsider.force_login(endpoints.vendor_b_user)
    assert outsider.get(reverse("documents_vendor:document_detail", args=[document.pk])).status_code == 404
