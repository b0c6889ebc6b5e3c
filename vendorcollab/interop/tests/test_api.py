"""The UBL endpoints: upload an Order, download a version as an Order and a response as an Order Response; who may
(buyer roles; a purchasing role to import), and what a bad body gets."""

from __future__ import annotations

import re
import time

import pytest
from django.test import Client
from django.urls import get_resolver

from vendorcollab.api.api import api as ninja_api
from vendorcollab.api.tests.helpers import API, ApiClient, error_of
from vendorcollab.common.testing.factories import make_po
from vendorcollab.purchasing.models import Origin, POStatus, PurchaseOrder, ResponseKind
from vendorcollab.purchasing.services import response_submit

from .conftest import assert_valid, orders_fingerprint
from .documents import OrderLine, order_xml
from .test_hostile_xml import BILLION_LAUGHS, EXTERNAL_ENTITY, QUICKLY

IMPORT = "/purchase-orders/import-ubl"


class XmlClient(ApiClient):
    def __init__(self, user=None):
        super().__init__(Client(), user)

    def upload(self, body, content_type="application/xml", **headers):
        return self.client.post(API + IMPORT, body, content_type=content_type, headers={**self.headers, **headers})


@pytest.fixture
def document(endpoints):
    return order_xml([OrderLine(item.number) for item in endpoints.items])


@pytest.fixture
def answered(sent, endpoints):
    response = response_submit(
        actor=endpoints.vendor_a_user, purchase_order=sent, version=1, kind=ResponseKind.REJECTED, note="No stock"
    )
    return sent, response


def test_an_agent_uploads_an_order_and_gets_the_purchase_order(endpoints, document):
    response = XmlClient(endpoints.agent).upload(document)

    assert response.status_code == 201, response.content
    body = response.json()
    po = PurchaseOrder.objects.get()
    assert (body["id"], body["number"], body["status"], body["origin"]) == (po.pk, "ERP-1001", "draft", "ubl")
    assert (body["company"], body["vendor"]) == (endpoints.company.pk, endpoints.vendor_a.pk)
    assert [(line["line_number"], line["item"], line["quantity"]) for line in body["lines"]] == [
        (1, endpoints.items[0].pk, "10.0000"),
        (2, endpoints.items[1].pk, "10.0000"),
        (3, endpoints.items[2].pk, "10.0000"),
    ]
    assert (po.origin, po.status, po.created_by) == (Origin.UBL, POStatus.DRAFT, endpoints.agent)
    # The same representation as the PO's own endpoint.
    assert XmlClient(endpoints.agent).get(f"/purchase-orders/{po.pk}").json() == body


def test_text_xml_and_an_admin_do_too(endpoints, document):
    assert XmlClient(endpoints.admin).upload(document, content_type="text/xml; charset=utf-8").status_code == 201


def test_a_refused_document_answers_in_the_error_shape_naming_the_element(endpoints):
    before = orders_fingerprint()
    response = XmlClient(endpoints.agent).upload(order_xml([OrderLine(endpoints.items[0].number, quantity="ten")]))
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "ubl_invalid_number"
    assert list(error["fields"]) == ["Order/OrderLine[1]/LineItem/Quantity"]
    assert error["message"].startswith("Order/OrderLine[1]/LineItem/Quantity: ")
    assert orders_fingerprint() == before


def test_the_same_document_twice_is_a_conflict(endpoints, document):
    client = XmlClient(endpoints.agent)
    assert client.upload(document).status_code == 201
    response = client.upload(document)
    assert response.status_code == 409
    assert error_of(response)["code"] == "number_taken"
    assert PurchaseOrder.objects.count() == 1


def test_a_retry_with_an_idempotency_key_replays_the_first_answer(endpoints, document):
    client = XmlClient(endpoints.agent)
    first = client.upload(document, **{"Idempotency-Key": "ubl-1"})
    second = client.upload(document, **{"Idempotency-Key": "ubl-1"})
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json() == first.json()
    assert PurchaseOrder.objects.count() == 1


@pytest.mark.parametrize("content_type", ["application/json", "text/plain", "multipart/form-data; boundary=x"])
def test_a_body_that_is_not_xml_is_415(endpoints, document, content_type):
    response = XmlClient(endpoints.agent).upload(document, content_type=content_type)
    assert response.status_code == 415
    assert error_of(response)["code"] == "unsupported_media_type"
    assert not PurchaseOrder.objects.exists()


@pytest.mark.parametrize("body", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["billion-laughs", "external-entity"])
def test_hostile_xml_is_400_and_creates_nothing(endpoints, body):
    before = orders_fingerprint()
    started = time.process_time()
    response = XmlClient(endpoints.agent).upload(body)
    assert time.process_time() - started < QUICKLY
    assert response.status_code == 400
    assert error_of(response)["code"] == "ubl_doctype"
    assert orders_fingerprint() == before


def test_a_50_mb_body_is_413_before_it_is_read(endpoints, document):
    body = document.replace(b"<cbc:ID>", b"<!--" + b"x" * (50 * 1024 * 1024) + b"--><cbc:ID>", 1)
    started = time.process_time()
    response = XmlClient(endpoints.agent).upload(body)
    assert time.process_time() - started < QUICKLY
    assert response.status_code == 413
    assert error_of(response)["code"] == "request_too_large"
    assert not PurchaseOrder.objects.exists()


# Every UBL endpoint, and what each kind of user gets from it: the permission matrix.
ENDPOINTS = [
    ("post", "/purchase-orders/import-ubl"),
    ("get", "/purchase-orders/{id}/versions/{n}/ubl"),
    ("get", "/purchase-orders/{id}/responses/{response_id}/ubl"),
]
ALLOWED = {"post": 201, "get": 200}


def test_every_ubl_endpoint_is_in_the_permission_matrix():
    _, resolver = get_resolver().namespace_dict[ninja_api.urls_namespace]
    routes = {
        "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(pattern.pattern))
        for pattern in resolver.url_patterns
        # An invoice's UBL is the invoice's, with the invoice endpoints' rows in the URL-built permission matrix
        # (common/tests/test_permission_matrix.py) and in api/tests/test_invoice_api.py.
        if "ubl" in str(pattern.pattern)
        and "invoices/" not in str(pattern.pattern)
        # A ship notice's Despatch Advice likewise is the notice's (api/tests/test_ship_notice_api.py).
        and "ship-notices/" not in str(pattern.pattern)
    }
    assert routes == {path for _method, path in ENDPOINTS}


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
@pytest.mark.parametrize(
    ("who", "status"),
    [
        (None, 401),
        ("vendor_a_user", 404),
        ("vendor_a_admin", 404),
        ("vendor_b_user", 404),
        ("clerk", {"post": 403, "get": 200}),
        ("agent", ALLOWED),
        ("admin", ALLOWED),
    ],
)
def test_permission_matrix(endpoints, answered, method, path, who, status):
    po, answer = answered
    client = XmlClient(getattr(endpoints, who) if who else None)
    url = path.format(id=po.pk, n=1, response_id=answer.pk)
    before = PurchaseOrder.objects.count()
    document = order_xml([OrderLine(endpoints.items[0].number)])
    response = client.upload(document) if method == "post" else client.get(url)
    expected = status[method] if isinstance(status, dict) else status
    assert response.status_code == expected, response.content
    if expected >= 400:
        assert (
            error_of(response)["code"]
            == {401: "not_authenticated", 403: "permission_denied", 404: "not_found"}[expected]
        )
        assert PurchaseOrder.objects.count() == before


def test_every_buyer_role_downloads_a_version_as_an_order(endpoints, sent):
    for user in (endpoints.admin, endpoints.agent, endpoints.clerk):
        response = XmlClient(user).get(f"/purchase-orders/{sent.pk}/versions/1/ubl")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/xml")
        assert f'filename="{sent.number}-1.xml"' in response["Content-Disposition"]
        root = assert_valid(response.content, "Order")
        assert root.findtext("{*}ID") == sent.number  # the buyer's Order ID, which every answer refers to


def test_a_response_downloads_as_an_order_response(endpoints, answered):
    po, answer = answered
    response = XmlClient(endpoints.clerk).get(f"/purchase-orders/{po.pk}/responses/{answer.pk}/ubl")
    assert response.status_code == 200
    root = assert_valid(response.content, "OrderResponse")
    assert root.findtext("{*}OrderResponseCode") == "RE"


def test_the_exports_are_404_for_vendor_users_and_for_what_does_not_exist(endpoints, answered):
    po, answer = answered
    other = make_po(actor=endpoints.agent, vendor=endpoints.vendor_b, items=endpoints.items[:1], send=True)
    paths = [f"/purchase-orders/{po.pk}/versions/1/ubl", f"/purchase-orders/{po.pk}/responses/{answer.pk}/ubl"]
    for user in (endpoints.vendor_a_user, endpoints.vendor_a_admin, endpoints.vendor_b_user):
        for path in paths:
            response = XmlClient(user).get(path)
            assert (response.status_code, error_of(response)["code"]) == (404, "not_found"), path
    agent = XmlClient(endpoints.agent)
    for path in [
        f"/purchase-orders/{po.pk}/versions/2/ubl",  # not sent yet
        f"/purchase-orders/{po.pk + 1000}/versions/1/ubl",
        f"/purchase-orders/{other.pk}/responses/{answer.pk}/ubl",  # a response of another PO
        f"/purchase-orders/{po.pk}/responses/{answer.pk + 1000}/ubl",
    ]:
        assert agent.get(path).status_code == 404, path
    assert agent.get(f"/purchase-orders/{po.pk}/versions/0/ubl").status_code == 422
