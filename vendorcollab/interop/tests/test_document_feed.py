"""The document log's faces: the buyer's and the vendor's feed in the API (filters, paging, the XML), the pages
(list with status and reasons, detail with the XML), scoping, and query counts that do not grow with the rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from vendorcollab.api.tests.helpers import ApiClient, error_of
from vendorcollab.interop import documents, tasks
from vendorcollab.interop.models import Direction, Document, InboundStatus
from vendorcollab.purchasing.models import PurchaseOrder

from .documents import OrderLine, order_xml
from .test_command import ORDER_RESPONSE


@pytest.fixture
def log(endpoints, sent):
    """Vendor A's Order (outbound), a refused Order Response from its ERP, and an Order from the buyer's ERP."""
    tasks.write_outbound_documents.call(kind="sent", purchase_order=sent.pk, version=1)
    order = Document.objects.get()
    refused = documents.document_log_inbound(
        actor=endpoints.vendor_a_user,
        transaction_code="T76",
        document_id="SO-9",
        xml=b"<OrderResponse>refused</OrderResponse>",
        status=InboundStatus.REFUSED,
        reasons=[{"code": "ubl_unknown_order", "message": "No purchase order PO-X."}],
        vendor=endpoints.vendor_a,
    )
    from_buyer = documents.document_log_inbound(
        actor=endpoints.agent,
        transaction_code="T01",
        document_id="ERP-7",
        xml=b"<Order>erp</Order>",
        status=InboundStatus.TAKEN,
        purchase_order=sent,
    )
    return order, refused, from_buyer


def _more(endpoints, log, count):
    """More of vendor A's documents, each of the PO and version of the log's Order (what a row reads)."""
    for number in range(count):
        Document.objects.create(
            direction=Direction.OUTBOUND,
            transaction="T01",
            document_id=f"X-{number}",
            xml=b"<Order/>",
            company=endpoints.company,
            vendor=endpoints.vendor_a,
            purchase_order_id=log[0].purchase_order_id,
            version_id=log[0].version_id,
        )


def test_the_buyer_feed_lists_every_document_oldest_first_with_filters(endpoints, log):
    order, refused, from_buyer = log
    api = ApiClient(Client(), endpoints.clerk)

    body = api.get("/documents").json()
    assert [row["id"] for row in body["items"]] == [order.pk, refused.pk, from_buyer.pk]
    assert body["count"] == 3 and body["next"] is None
    first = body["items"][0]
    assert (first["direction"], first["transaction"], first["document_id"], first["version"]) == (
        "outbound",
        "T01",
        order.document_id,
        1,
    )
    assert first["status"] is None and first["xml_url"].endswith(f"/api/v1/documents/{order.pk}/xml")
    assert body["items"][1]["status"] == "refused"
    assert body["items"][1]["reasons"] == [
        {"code": "ubl_unknown_order", "message": "No purchase order PO-X.", "field": None}
    ]

    def ids(**params):
        return [row["id"] for row in api.get("/documents", params).json()["items"]]

    assert ids(type="T76") == [refused.pk]
    assert ids(direction="inbound") == [refused.pk, from_buyer.pk]
    assert ids(purchase_order=order.purchase_order_id) == [order.pk, from_buyer.pk]
    Document.objects.filter(pk=order.pk).update(created_at=order.created_at - timedelta(days=1))
    assert ids(since=(order.created_at - timedelta(hours=1)).isoformat()) == [refused.pk, from_buyer.pk]
    naive = timezone.localtime(order.created_at - timedelta(hours=12)).replace(tzinfo=None)
    assert ids(since=naive.isoformat()) == [refused.pk, from_buyer.pk]  # read in the portal's time zone
    assert ids(page_size=1, page=2) == [refused.pk]
    assert error_of(api.get("/documents", {"type": "T99"}))["code"] == "invalid_input"


def test_the_xml_comes_as_stored(endpoints, log):
    order, refused, _ = log

    response = ApiClient(Client(), endpoints.agent).get(f"/documents/{refused.pk}/xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    assert response.content == b"<OrderResponse>refused</OrderResponse>"
    detail = ApiClient(Client(), endpoints.agent).get(f"/documents/{order.pk}").json()
    assert detail["id"] == order.pk and "xml" not in detail


def test_the_vendor_feed_holds_its_own_documents_only(endpoints, log):
    order, refused, from_buyer = log
    vendor_a = ApiClient(Client(), endpoints.vendor_a_user)
    vendor_b = ApiClient(Client(), endpoints.vendor_b_user)

    assert [row["id"] for row in vendor_a.get("/vendor/documents").json()["items"]] == [order.pk, refused.pk]
    assert vendor_a.get(f"/vendor/documents/{order.pk}/xml").content == bytes(order.xml)
    assert vendor_a.get(f"/vendor/documents/{from_buyer.pk}/xml").status_code == 404  # the buyer ERP's own
    assert vendor_b.get("/vendor/documents").json()["count"] == 0
    assert vendor_b.get(f"/vendor/documents/{order.pk}").status_code == 404
    assert vendor_a.get("/documents").status_code == 404  # the buyer's feed
    assert ApiClient(Client(), endpoints.agent).get("/vendor/documents").status_code == 404


def test_the_feeds_cost_the_same_whatever_their_rows(endpoints, log):
    api, vendor = ApiClient(Client(), endpoints.agent), ApiClient(Client(), endpoints.vendor_a_user)

    def cost(client, path):
        client.get(path)  # the token's first use is recorded once
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    few = (cost(api, "/documents"), cost(vendor, "/vendor/documents"))
    _more(endpoints, log, 12)
    assert (cost(api, "/documents"), cost(vendor, "/vendor/documents")) == few


def _signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_buyer_page_lists_documents_with_status_and_the_reasons_of_a_refusal(endpoints, log):
    order, refused, _ = log

    page = _signed_in(endpoints.agent).get(reverse("documents_buyer:document_list"))
    html = page.content.decode()

    assert page.status_code == 200
    for document in log:
        assert f'data-document="{document.pk}"' in html
    assert "ubl_unknown_order" in html and "No purchase order PO-X." in html
    filtered = _signed_in(endpoints.agent).get(reverse("documents_buyer:document_list"), {"status": "refused"})
    assert f'data-document="{refused.pk}"' in filtered.content.decode()
    assert f'data-document="{order.pk}"' not in filtered.content.decode()


def test_the_vendor_page_shows_its_documents_and_a_document_with_its_xml(endpoints, log):
    order, refused, from_buyer = log
    client = _signed_in(endpoints.vendor_a_user)

    html = client.get(reverse("documents_vendor:document_list")).content.decode()
    assert f'data-document="{order.pk}"' in html and f'data-document="{refused.pk}"' in html
    assert f'data-document="{from_buyer.pk}"' not in html

    detail = client.get(reverse("documents_vendor:document_detail", args=[refused.pk]))
    assert detail.status_code == 200
    assert "&lt;OrderResponse&gt;refused&lt;/OrderResponse&gt;" in detail.content.decode()
    assert "No purchase order PO-X." in detail.content.decode()
    assert client.get(reverse("documents_vendor:document_detail", args=[from_buyer.pk])).status_code == 404
    other = _signed_in(endpoints.vendor_b_user)
    assert other.get(reverse("documents_vendor:document_detail", args=[order.pk])).status_code == 404


def test_the_pages_cost_the_same_whatever_their_rows(endpoints, log):
    def cost(user, name):
        client = _signed_in(user)
        client.get(reverse(name))  # the session and caches settle on the first request
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(name)).status_code == 200
        return len(queries)

    few = (
        cost(endpoints.agent, "documents_buyer:document_list"),
        cost(endpoints.vendor_a_user, "documents_vendor:document_list"),
    )
    _more(endpoints, log, 12)
    assert (
        cost(endpoints.agent, "documents_buyer:document_list"),
        cost(endpoints.vendor_a_user, "documents_vendor:document_list"),
    ) == few


def _post(user, path, body, content_type="application/xml"):
    api = ApiClient(Client(), user)
    return api.client.post("/api/v1" + path, body, content_type=content_type, headers=api.headers)


def test_a_buyer_erp_posts_an_order_and_it_is_taken_and_logged(endpoints):
    body = order_xml([OrderLine(item.number) for item in endpoints.items], number="ERP-55")

    response = _post(endpoints.agent, "/documents", body)

    assert response.status_code == 201, response.content
    entry = response.json()
    po = PurchaseOrder.objects.get(number="ERP-55")
    assert (entry["direction"], entry["transaction"], entry["status"], entry["purchase_order"]) == (
        "inbound",
        "T01",
        "taken",
        po.pk,
    )
    assert bytes(Document.objects.get(pk=entry["id"]).xml) == body


def test_a_refused_document_answers_the_error_shape_and_stays_in_the_log_with_its_reasons(endpoints):
    # (An unknown item is a free-text line, never refused: a quantity that is no number is.)
    body = order_xml([OrderLine(endpoints.items[0].number, quantity="ten")], number="ERP-56")

    response = _post(endpoints.agent, "/documents", body)

    assert response.status_code == 422
    assert error_of(response)["code"] == "ubl_invalid_number"
    logged = Document.objects.get(document_id="ERP-56")
    assert (logged.status, logged.reasons[0]["code"]) == ("refused", "ubl_invalid_number")
    assert not PurchaseOrder.objects.exists()
    assert _post(endpoints.agent, "/documents", b"{}", "application/json").status_code == 415
    assert _post(endpoints.clerk, "/documents", body).status_code == 403


def test_a_vendor_erp_posts_an_answer_to_an_unknown_order_and_it_is_refused_and_logged(endpoints):
    response = _post(endpoints.vendor_a_user, "/vendor/documents", ORDER_RESPONSE)

    assert 400 <= response.status_code < 500
    error_of(response)
    logged = Document.objects.get(document_id="SO-404")
    assert (logged.direction, logged.transaction, logged.status) == ("inbound", "T76", "refused")
    assert _post(endpoints.agent, "/vendor/documents", ORDER_RESPONSE).status_code == 404
