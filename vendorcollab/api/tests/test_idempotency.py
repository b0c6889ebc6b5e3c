"""``Idempotency-Key`` on every POST: a retry returns the first result and creates nothing, another request with
the key is refused, a failed attempt leaves the key free, and two concurrent requests with one key execute once."""

import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from vendorcollab.api import buyer_endpoints
from vendorcollab.api.models import ApiToken, IdempotencyKey
from vendorcollab.common.testing.factories import in_days, make_po
from vendorcollab.consignment.models import ReplenishmentOrder
from vendorcollab.purchasing.models import PurchaseOrder, PurchaseOrderVersion, VendorResponse
from vendorcollab.purchasing.services import po_create
from vendorcollab.purchasing.tests.test_concurrency import race

from .helpers import API, ApiClient, error_of

KEY = "7f1c5a0e-order-4711"


def po_body(cast, **extra):
    line = {"item": cast.items[0].pk, "quantity": "5", "unit_price": "2.50", "delivery_date": in_days(7).isoformat()}
    return {"vendor": cast.vendor_a.pk, "lines": [line], **extra}


def keyed(key=KEY):
    return {"Idempotency-Key": key}


def test_a_retry_returns_the_first_result_and_creates_nothing(api, cast):
    client = api(cast.agent)
    first = client.post("/purchase-orders", po_body(cast), **keyed())
    assert first.status_code == 201
    assert "Idempotent-Replayed" not in first
    # The same request again, its JSON written differently: the same request.
    retry = client.post("/purchase-orders", {"lines": po_body(cast)["lines"], "vendor": cast.vendor_a.pk}, **keyed())
    assert (retry.status_code, retry.content) == (first.status_code, first.content)
    assert retry["Content-Type"] == first["Content-Type"] and retry["Idempotent-Replayed"] == "true"
    assert PurchaseOrder.objects.count() == 1
    # Without a key, or with another one, a POST is a new request.
    assert client.post("/purchase-orders", po_body(cast)).json()["id"] != first.json()["id"]
    assert client.post("/purchase-orders", po_body(cast), **keyed("another")).json()["id"] != first.json()["id"]
    assert PurchaseOrder.objects.count() == 3


def test_the_key_with_another_request_is_refused(api, cast):
    client = api(cast.agent)
    first = client.post("/purchase-orders", po_body(cast), **keyed())
    for path, body in [
        ("/purchase-orders", po_body(cast, currency="USD")),
        (f"/purchase-orders/{first.json()['id']}/send", {}),
    ]:
        response = client.post(path, body, **keyed())
        assert response.status_code == 422, path
        error = error_of(response)
        assert (error["code"], set(error["fields"])) == ("idempotency_key_reused", {"Idempotency-Key"})
    assert PurchaseOrder.objects.count() == 1
    assert not PurchaseOrderVersion.objects.exists()


def test_keys_are_per_user(api, cast):
    first = api(cast.agent).post("/purchase-orders", po_body(cast), **keyed())
    second = api(cast.admin).post("/purchase-orders", po_body(cast), **keyed())
    assert second.status_code == 201 and second.json()["id"] != first.json()["id"]
    assert IdempotencyKey.objects.count() == 2


def test_a_failed_attempt_leaves_the_key_free(api, cast):
    client = api(cast.agent)
    past = po_body(cast)
    past["lines"][0]["delivery_date"] = in_days(-1).isoformat()
    assert client.post("/purchase-orders", past, **keyed()).status_code == 422  # refused by the service
    assert client.post("/purchase-orders", {"lines": []}, **keyed()).status_code == 422  # refused by validation
    assert api(cast.clerk).post("/purchase-orders", po_body(cast), **keyed()).status_code == 403
    assert not IdempotencyKey.objects.exists()
    corrected = client.post("/purchase-orders", po_body(cast), **keyed())
    assert corrected.status_code == 201
    assert IdempotencyKey.objects.get().response_status == 201


def test_an_action_retried_is_not_a_conflict(api, cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1])
    client = api(cast.agent)
    url = f"/purchase-orders/{po.pk}/send"
    first = client.post(url, **keyed())
    retry = client.post(url, **keyed())
    assert (first.status_code, retry.status_code) == (200, 200)
    assert retry.content == first.content
    assert PurchaseOrderVersion.objects.filter(purchase_order=po).count() == 1
    assert client.post(url).status_code == 409  # without the key: a second send


def test_every_post_of_the_api_honours_it(api, cast):
    """The vendor's answer and the consignment endpoints too: the hook is on the API, not on an endpoint."""
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    vendor = api(cast.vendor_a_user)
    answers = [vendor.post(f"/vendor/purchase-orders/{po.pk}/responses", {"version": 1, "action": "accept"}, **keyed())]
    answers.append(
        vendor.post(f"/vendor/purchase-orders/{po.pk}/responses", {"version": 1, "action": "accept"}, **keyed())
    )
    assert [answer.status_code for answer in answers] == [201, 201]
    assert answers[0].content == answers[1].content
    assert VendorResponse.objects.count() == 1

    line = {
        "item": cast.items[0].pk,
        "quantity": 1,
        "warehouse": cast.warehouse.pk,
        "expected_date": in_days(3).isoformat(),
    }
    body = {"vendor": cast.vendor_a.pk, "lines": [line]}
    client = api(cast.agent)
    orders = [client.post("/consignment/replenishment-orders", body, **keyed()) for _ in range(2)]
    assert [order.status_code for order in orders] == [201, 201] and orders[0].content == orders[1].content
    assert ReplenishmentOrder.objects.count() == 1


def test_issuing_a_token_ignores_the_key(api, cast):
    """Its response holds a bearer key, which is never stored in clear; a retried sign-in simply issues another."""
    anonymous = api()
    credentials = {"username": "bob", "password": "pw-bob"}
    tokens = [anonymous.post("/auth/token", credentials, **keyed()) for _ in range(2)]
    assert [token.status_code for token in tokens] == [201, 201]
    assert tokens[0].json()["token"] != tokens[1].json()["token"]
    assert ApiToken.objects.filter(user=cast.agent).count() == 2
    assert not IdempotencyKey.objects.exists()


def test_other_methods_ignore_the_key(api, cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1])
    client = api(cast.agent)
    headers = {**client.headers, **keyed()}
    for currency in ("USD", "GBP"):
        response = client.client.patch(
            f"{API}/purchase-orders/{po.pk}", {"currency": currency}, content_type="application/json", headers=headers
        )
        assert response.json()["currency"] == currency
    assert client.get(f"/purchase-orders/{po.pk}", **keyed()).status_code == 200
    assert not IdempotencyKey.objects.exists()


@pytest.mark.parametrize(
    ("key", "message"), [("", "Enter at least 1 characters."), ("k" * 256, "Enter at most 255 characters.")]
)
def test_an_empty_overlong_or_strange_key_is_refused(api, cast, key, message):
    response = api(cast.agent).post("/purchase-orders", po_body(cast), **keyed(key))
    assert response.status_code == 422
    assert error_of(response)["fields"] == {"Idempotency-Key": message}
    assert not PurchaseOrder.objects.exists()


def test_keys_expire_after_a_day_and_are_purged(api, cast):
    client = api(cast.agent)
    client.post("/purchase-orders", po_body(cast), **keyed())
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=25))
    again = client.post("/purchase-orders", po_body(cast, currency="USD"), **keyed())
    assert again.status_code == 201 and "Idempotent-Replayed" not in again
    assert PurchaseOrder.objects.count() == 2
    client.post("/purchase-orders", po_body(cast), **keyed("fresh"))
    IdempotencyKey.objects.filter(key=KEY).update(created_at=timezone.now() - timedelta(hours=25))
    call_command("purge_idempotency_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["fresh"]


def test_the_openapi_document_offers_the_header_on_every_authenticated_post(db):
    document = Client().get(API + "/openapi.json").json()
    posts = {path: methods["post"] for path, methods in document["paths"].items() if "post" in methods}
    assert len(posts) > 10
    for path, operation in posts.items():
        headers = [p["name"] for p in operation.get("parameters", []) if p["in"] == "header"]
        assert headers == (["Idempotency-Key"] if operation.get("security") else []), path
    for methods in document["paths"].values():
        for method in set(methods) - {"post"}:
            assert "Idempotency-Key" not in str(methods[method].get("parameters", []))


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_requests_with_one_key_create_once(cast, monkeypatch):
    """Both get the one result: the second waits for the first (PostgreSQL: the unique index; SQLite: the write
    lock) and then replays it."""
    client = ApiClient(Client(), cast.agent)
    client.get("/purchase-orders")  # stamps the token's first use, so that neither request needs to

    def slow_create(**kwargs):
        # Whichever request runs first is still running when the other one arrives.
        po = po_create(**kwargs)
        time.sleep(0.3)
        return po

    monkeypatch.setattr(buyer_endpoints, "po_create", slow_create)

    def post():
        return ApiClient(Client(), None).client.post(
            API + "/purchase-orders",
            po_body(cast),
            content_type="application/json",
            headers={**client.headers, **keyed()},
        )

    results = race(post, post)
    assert all(not isinstance(result, Exception) for result in results), results
    assert [result.status_code for result in results] == [201, 201]
    assert results[0].content == results[1].content
    assert {result.get("Idempotent-Replayed") for result in results} == {None, "true"}
    assert PurchaseOrder.objects.count() == 1
    assert IdempotencyKey.objects.count() == 1


def test_a_keyed_body_too_large_is_a_clear_400_not_a_crash(api, cast, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    client = api(cast.agent)
    response = client.client.post(
        "/api/v1/purchase-orders/import-ubl",
        data=b"<Order>" + b" " * 4096 + b"</Order>",
        content_type="application/xml",
        HTTP_IDEMPOTENCY_KEY="big-1",
        HTTP_AUTHORIZATION=client.headers["Authorization"],
    )
    assert response.status_code in (400, 422)
    assert response.json()["error"]["code"] == "body_too_large"
