"""The buyer's purchase order endpoints: the whole life cycle through the API with roles switching along the way, each
refusal of the services, the filters an ERP synchronises with, and query counts that do not grow with the data."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from vendorcollab.common.testing.factories import CompanyFactory, ItemFactory, VendorFactory, in_days, make_po
from vendorcollab.partners.models import Collaboration
from vendorcollab.purchasing.models import EventKind, POStatus, PurchaseOrder, ResponseKind
from vendorcollab.purchasing.services import po_confirm, receipt_post, response_submit
from vendorcollab.purchasing.services.inputs import ReceiptLineInput

from .helpers import API, error_of


def po_body(cast, **extra):
    return {
        "vendor": cast.vendor_a.pk,
        "lines": [
            {
                "item": cast.items[0].pk,
                "quantity": "10",
                "unit_price": 2.5,
                "delivery_date": in_days(14).isoformat(),
                "site": cast.site.pk,
                "warehouse": cast.warehouse.pk,
                "color": "Red",
                "size": "L",
                "style": "Slim",
                "configuration": "EU",
            },
            {"item": cast.items[1].pk, "quantity": 4, "unit_price": "10.00", "delivery_date": in_days(20).isoformat()},
        ],
        "charges": [{"code": "FRT", "amount": "12.50", "description": "Freight"}],
        **extra,
    }


def patch(client, path, body):
    return client.client.patch(API + path, body, content_type="application/json", headers=client.headers)


def line_of(body, number):
    return next(line for line in body["lines"] if line["line_number"] == number)


def test_a_purchase_order_from_entry_to_receipt(api, cast):
    """Given an agent, a vendor user and a clerk, when the PO goes through its whole life through the API, then every
    step answers with the PO as it now is, and the history keeps every version and response."""
    agent, vendor, clerk = api(cast.agent), api(cast.vendor_a_user), api(cast.clerk)

    # The agent enters a PO with dimensions and a charge; the number is assigned.
    created = agent.post("/purchase-orders", po_body(cast))
    assert created.status_code == 201, created.json()
    po = created.json()
    assert po["number"].startswith("PO-") and (po["status"], po["origin"]) == ("draft", "api")
    assert (po["company"], po["vendor"], po["currency"]) == (cast.company.pk, cast.vendor_a.pk, "EUR")
    assert (po["version"], po["version_label"], po["confirmed_version"]) == (None, None, None)
    first = line_of(po, 1)
    assert (
        first["site"],
        first["warehouse"],
        first["color"],
        first["size"],
        first["style"],
        first["configuration"],
    ) == (
        cast.site.pk,
        cast.warehouse.pk,
        "Red",
        "L",
        "Slim",
        "EU",
    )
    assert (first["quantity"], first["unit_price"], first["amount"], first["received_quantity"]) == (
        "10.0000",
        "2.5000",
        "25.00",
        "0.0000",
    )
    assert first["description"] == cast.items[0].name and first["unit"] == cast.items[0].unit
    assert po["charges"] == [{"line_number": None, "code": "FRT", "description": "Freight", "amount": "12.50"}]
    assert po["total"] == "77.50"
    url = f"/purchase-orders/{po['id']}"

    # ... changes it while it is a draft: a third line, another quantity, no charges.
    def entry(item, quantity, price, days, **extra):
        return {
            "item": item.pk,
            "quantity": quantity,
            "unit_price": price,
            "delivery_date": in_days(days).isoformat(),
            **extra,
        }

    lines = [
        entry(cast.items[0], 12, "2.5", 14, line_number=1),
        entry(cast.items[1], 4, "10", 20, line_number=2),
        entry(cast.items[2], "1.5", "100", 30),
    ]
    patched = patch(agent, url, {"lines": lines, "charges": []})
    assert patched.status_code == 200, patched.json()
    po = patched.json()
    assert [(line["line_number"], line["quantity"]) for line in po["lines"]] == [
        (1, "12.0000"),
        (2, "4.0000"),
        (3, "1.5000"),
    ]
    assert po["charges"] == [] and po["total"] == "220.00"

    # ... and sends it: version 1.
    sent = agent.post(f"{url}/send")
    assert sent.status_code == 200, sent.json()
    assert (sent.json()["status"], sent.json()["version"]) == ("in_external_review", 1)
    assert sent.json()["version_label"] == f"{po['number']}-1"
    refused = agent.client.patch(
        "/api/v1" + url, {"currency": "USD"}, content_type="application/json", headers=agent.headers
    )
    assert refused.status_code == 409 and error_of(refused)["code"] == "invalid_transition"

    # The vendor answers through its own endpoint: a change, a split, a rejection.
    answer = vendor.post(
        f"/vendor{url}/responses",
        {
            "version": 1,
            "action": "accept_with_changes",
            "lines": [
                {"line_number": 1, "action": "change", "quantity": 11, "delivery_date": in_days(21).isoformat()},
                {
                    "line_number": 2,
                    "action": "split",
                    "schedule": [
                        {"quantity": 1, "delivery_date": in_days(20).isoformat()},
                        {"quantity": 3, "delivery_date": in_days(40).isoformat()},
                    ],
                },
                {"line_number": 3, "action": "reject"},
            ],
        },
    )
    assert answer.status_code == 201, answer.json()
    responses = agent.get(f"{url}/responses").json()
    assert responses["count"] == 1
    assert (responses["items"][0]["id"], responses["items"][0]["version"]) == (answer.json()["id"], 1)
    assert responses["items"][0]["kind"] == "accepted_with_changes"

    # The agent applies the changes and confirms: version 2, confirmed.
    confirmed = agent.post(f"{url}/confirm", {"apply_vendor_changes": True})
    assert confirmed.status_code == 200, confirmed.json()
    po = confirmed.json()
    assert (po["status"], po["version"], po["confirmed_version"]) == ("confirmed", 2, 2)
    assert (line_of(po, 1)["quantity"], line_of(po, 1)["delivery_date"]) == ("11.0000", in_days(21).isoformat())
    assert [part["quantity"] for part in line_of(po, 2)["schedule"]] == ["1", "3"]
    assert line_of(po, 3)["is_cancelled"] is True and line_of(po, 3)["remaining_quantity"] == "0.0000"

    # The clerk receives part, then the rest.
    partial = clerk.post(f"{url}/receipts", {"lines": [{"line_number": 1, "quantity": "5"}]})
    assert partial.status_code == 201, partial.json()
    assert partial.json()["status"] == "confirmed"
    assert partial.json()["lines"] == [{"line_number": 1, "quantity": "5.0000"}]
    assert line_of(agent.get(url).json(), 1)["received_quantity"] == "5.0000"
    rest = clerk.post(
        f"{url}/receipts",
        {
            "lines": [{"line_number": 1, "quantity": 6}, {"line_number": 2, "quantity": 4}],
            "received_date": in_days(0).isoformat(),
        },
    )
    assert rest.status_code == 201, rest.json()
    assert rest.json()["status"] == "received"
    assert agent.get(url).json()["status"] == "received"

    # The history: the version sent and the version confirmed with the vendor's changes.
    versions = agent.get(f"{url}/versions").json()
    assert versions["count"] == 2
    assert [(v["version"], v["kind"], v["response"], v["applies_response"]) for v in versions["items"]] == [
        (1, "sent", answer.json()["id"], None),
        (2, "confirmation", None, answer.json()["id"]),
    ]
    assert versions["items"][0]["total"] == "220.00"


def test_creating_refuses_unknown_and_foreign_references_per_field(api, cast):
    client = api(cast.agent)
    body = po_body(cast)
    body["lines"][0]["item"] = 999_999
    body["lines"][1]["warehouse"] = 999_998
    response = client.post("/purchase-orders", body)
    assert response.status_code == 422
    assert set(error_of(response)["fields"]) == {"lines.0.item", "lines.1.warehouse"}
    assert client.post("/purchase-orders", {**po_body(cast), "vendor": 999_999}).status_code == 422

    other = CompanyFactory()
    body = po_body(cast)
    body["lines"][1]["item"] = ItemFactory(company=other).pk
    response = client.post("/purchase-orders", body)
    assert response.status_code == 422
    assert error_of(response)["code"] == "wrong_company"
    assert set(error_of(response)["fields"]) == {"lines.1.item"}
    response = client.post("/purchase-orders", {**po_body(cast), "company": other.pk})
    assert error_of(response)["fields"]["vendor"] == "This vendor account belongs to another company."
    assert not PurchaseOrder.objects.exists()


def test_a_given_number_is_used_once_per_company(api, cast):
    client = api(cast.agent)
    assert client.post("/purchase-orders", po_body(cast, number="ERP-1")).json()["number"] == "ERP-1"
    response = client.post("/purchase-orders", po_body(cast, number="ERP-1"))
    assert response.status_code == 422 and error_of(response)["code"] == "number_taken"
    assert client.post("/purchase-orders", po_body(cast, number="ERP-2", company=cast.company.pk)).status_code == 201


def test_the_services_refusals_arrive_in_the_error_shape(api, cast):
    client = api(cast.agent)
    past = po_body(cast)
    past["lines"][0]["delivery_date"] = in_days(-1).isoformat()
    response = client.post("/purchase-orders", past)
    assert response.status_code == 422 and set(error_of(response)["fields"]) == {"lines.0.delivery_date"}
    for value in ("0", "-1"):
        body = po_body(cast)
        body["lines"][0]["quantity"] = value
        assert error_of(client.post("/purchase-orders", body))["code"] == "quantity_not_positive"
    for field, value in (("quantity", "1.00001"), ("unit_price", "NaN"), ("quantity", "abc")):
        body = po_body(cast)
        body["lines"][0][field] = value
        response = client.post("/purchase-orders", body)
        assert response.status_code == 422 and f"lines.0.{field}" in error_of(response)["fields"], (field, value)
    assert client.post("/purchase-orders", po_body(cast, currency="eur")).status_code == 422
    # PostgreSQL can neither store nor compare text with a NUL character.
    assert client.post("/purchase-orders", po_body(cast, number="PO\u0000")).status_code == 422
    assert client.get("/purchase-orders", {"number": "PO\u0000"}).status_code == 422
    assert client.post("/purchase-orders", po_body(cast, surprise=1)).status_code == 422

    cast.vendor_a.collaboration = Collaboration.DISABLED
    cast.vendor_a.save()
    po = client.post("/purchase-orders", po_body(cast)).json()
    response = client.post(f"/purchase-orders/{po['id']}/send")
    assert response.status_code == 409 and error_of(response)["code"] == "vendor_not_collaborating"


def test_confirming_without_a_response_must_be_explicit(api, cast, sent):
    client = api(cast.agent)
    url = f"/purchase-orders/{sent.pk}/confirm"
    response = client.post(url)
    assert response.status_code == 409 and error_of(response)["code"] == "no_response"
    assert client.post(url, {"apply_vendor_changes": True}).status_code == 409
    response = client.post(url, {"without_response": True})
    assert response.status_code == 200 and response.json()["status"] == "confirmed"
    event = sent.events.get(kind=EventKind.CONFIRMED)
    assert event.data == {"without_response": True}


def test_confirming_an_acceptance_and_overruling_or_refusing_changes(api, cast):
    client = api(cast.agent)
    accepted = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    response_submit(actor=cast.vendor_a_user, purchase_order=accepted, version=1, kind=ResponseKind.ACCEPTED)
    assert client.post(f"/purchase-orders/{accepted.pk}/confirm", None).json()["confirmed_version"] == 1

    rejected = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    response_submit(actor=cast.vendor_a_user, purchase_order=rejected, version=1, kind=ResponseKind.REJECTED)
    response = client.post(f"/purchase-orders/{rejected.pk}/confirm", {})
    assert response.status_code == 409 and error_of(response)["code"] == "response_rejected"

    changed = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    response_submit(
        actor=cast.vendor_a_user, purchase_order=changed, version=1, kind=ResponseKind.ACCEPTED_WITH_CHANGES
    )
    body = client.post(f"/purchase-orders/{changed.pk}/confirm", {"apply_vendor_changes": False}).json()
    assert (body["status"], body["version"], body["confirmed_version"]) == ("confirmed", 1, 1)


def test_request_change_and_resend_make_the_next_version(api, cast, sent):
    client = api(cast.agent)
    url = f"/purchase-orders/{sent.pk}"
    po_confirm(actor=cast.agent, purchase_order=sent, without_response=True)
    back = client.post(f"{url}/request-change", {"reason": "More needed"})
    assert back.status_code == 200 and back.json()["status"] == "draft"
    assert sent.events.get(kind=EventKind.CHANGE_REQUESTED).data == {"reason": "More needed"}
    again = client.post(f"{url}/send").json()
    assert (again["version"], again["confirmed_version"], again["status"]) == (2, 1, "in_external_review")
    assert client.post(f"{url}/request-change").json()["status"] == "draft"


def test_cancel_with_and_without_a_reason(api, cast, sent):
    client = api(cast.agent)
    response = client.post(f"/purchase-orders/{sent.pk}/cancel", {"reason": "Not needed"})
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert sent.events.get(kind=EventKind.CANCELLED).data == {"reason": "Not needed"}
    response = client.post(f"/purchase-orders/{sent.pk}/cancel")
    assert response.status_code == 409 and error_of(response)["code"] == "invalid_transition"
    # No body at all, or an empty one, is no reason.
    for content_type in ("application/json", None):
        draft = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1])
        headers = {**client.headers, **({"Content-Type": content_type} if content_type else {})}
        response = client.client.generic("POST", f"/api/v1/purchase-orders/{draft.pk}/cancel", b"", headers=headers)
        assert response.status_code == 200, response.json()
        assert response.json()["status"] == "cancelled"


def test_receipts_are_refused_whole_when_a_line_is_wrong(api, cast, sent):
    po_confirm(actor=cast.agent, purchase_order=sent, without_response=True)
    client = api(cast.clerk)
    url = f"/purchase-orders/{sent.pk}/receipts"
    response = client.post(url, {"lines": [{"line_number": 1, "quantity": 5}, {"line_number": 2, "quantity": 21}]})
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "over_receipt" and set(error["fields"]) == {"lines.1.quantity"}
    response = client.post(url, {"lines": [{"line_number": 9, "quantity": 1}]})
    assert error_of(response)["fields"] == {"lines.0.line_number": "This purchase order has no line 9."}
    response = client.post(url, {"lines": [{"line_number": 1, "quantity": 1}], "received_date": in_days(1).isoformat()})
    assert error_of(response)["code"] == "receipt_in_future"
    assert client.post(url, {"lines": []}).status_code == 422
    assert not sent.receipts.exists()
    draft = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1])
    response = client.post(f"/purchase-orders/{draft.pk}/receipts", {"lines": [{"line_number": 1, "quantity": 1}]})
    assert response.status_code == 409


def test_unknown_ids_are_404_and_non_numeric_ones_are_not_purchase_orders(api, cast):
    client = api(cast.agent)
    for path in ("/purchase-orders/999999", "/purchase-orders/999999/versions", "/purchase-orders/999999/responses"):
        response = client.get(path)
        assert response.status_code == 404 and error_of(response)["code"] == "not_found", path
    assert client.post("/purchase-orders/999999/send").status_code == 404
    assert client.get("/purchase-orders/abc").status_code == 404
    assert client.get("/purchase-orders/0").status_code == 422


# --- lists and synchronisation ---------------------------------------------------------------------------------------


def test_the_list_filters(api, cast):
    client = api(cast.admin)
    other_company = CompanyFactory()
    foreign_vendor = VendorFactory(company=other_company)
    draft = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1])
    sent = make_po(actor=cast.agent, vendor=cast.vendor_b, items=cast.items[:1], send=True)
    foreign = make_po(actor=cast.agent, vendor=foreign_vendor, items=[ItemFactory(company=other_company)])

    def ids(**params):
        body = client.get("/purchase-orders", params).json()
        assert body["count"] == len(body["items"])
        return {row["id"] for row in body["items"]}

    assert ids() == {draft.pk, sent.pk, foreign.pk}
    assert ids(status="draft") == {draft.pk, foreign.pk}
    assert ids(status="in_external_review") == {sent.pk}
    assert ids(vendor=cast.vendor_b.pk) == {sent.pk}
    assert ids(company=other_company.pk) == {foreign.pk}
    assert ids(company=cast.company.pk, status="draft") == {draft.pk}
    assert ids(number=sent.number) == {sent.pk}
    assert client.get("/purchase-orders", {"status": "lost"}).status_code == 422


def test_updated_since_finds_every_change_including_the_vendors_answer(api, cast, sent):
    """Every operation that changes a PO moves its ``updated_at``, so a synchronising client misses none."""
    client = api(cast.agent)
    untouched = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1])
    long_ago = timezone.now() - timedelta(days=1)
    PurchaseOrder.objects.update(updated_at=long_ago)
    since = (long_ago + timedelta(seconds=1)).isoformat()

    def changed():
        return [row["id"] for row in client.get("/purchase-orders", {"updated_since": since}).json()["items"]]

    assert changed() == []
    url = f"/purchase-orders/{sent.pk}"
    steps = [
        lambda: api(cast.vendor_a_user).post(f"/vendor{url}/responses", {"version": 1, "action": "accept"}),
        lambda: client.post(f"{url}/confirm"),
        lambda: api(cast.clerk).post(f"{url}/receipts", {"lines": [{"line_number": 1, "quantity": 1}]}),
        lambda: client.post(f"{url}/request-change"),
        lambda: patch(client, url, {"currency": "USD"}),
        lambda: client.post(f"{url}/send"),
        lambda: client.post(f"{url}/cancel"),
    ]  # fmt: skip
    for step in steps:
        PurchaseOrder.objects.update(updated_at=long_ago)
        response = step()
        assert response.status_code in (200, 201), response.json()
        assert changed() == [sent.pk], response.request["PATH_INFO"]
    assert untouched.pk not in changed()
    # A naive moment is in the installation's time zone; rows come oldest change first.
    naive = timezone.localtime(long_ago).replace(tzinfo=None).isoformat()
    rows = client.get("/purchase-orders", {"updated_since": naive}).json()["items"]
    assert [row["id"] for row in rows] == [untouched.pk, sent.pk]
    assert client.get("/purchase-orders", {"updated_since": "yesterday"}).status_code == 422
    assert client.get("/purchase-orders", {"updated_since": "0001-01-01T00:00:00+05:00"}).status_code == 422


def test_decimals_are_strings_out_and_strings_or_numbers_in(api, cast):
    client = api(cast.agent)
    body = po_body(cast)
    body["lines"][0]["quantity"] = 7.25
    body["lines"][1]["quantity"] = "0.5"
    body["charges"][0]["amount"] = 3
    po = client.post("/purchase-orders", body).json()
    assert [line["quantity"] for line in po["lines"]] == ["7.2500", "0.5000"]
    assert po["charges"][0]["amount"] == "3.00"
    assert po["order_date"] == timezone.localdate().isoformat()
    stored = PurchaseOrder.objects.get(pk=po["id"])
    assert [line.quantity for line in stored.lines.all()] == [Decimal("7.25"), Decimal("0.5")]


def make_pos(cast, count):
    return [make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items) for _ in range(count)]


@pytest.mark.parametrize("path", ["/purchase-orders", "/purchase-orders?status=draft&updated_since=2000-01-01T00:00Z"])
def test_the_list_costs_the_same_queries_for_3_and_30_purchase_orders(api, cast, path):
    client = api(cast.clerk)
    client.get(path)  # stamps the token's first use

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code == 200
        return len(captured), response.json()["count"]

    make_pos(cast, 3)
    few, count = queries()
    assert count == 3
    make_pos(cast, 27)
    many, count = queries()
    assert (count, few) == (30, many)


def test_the_history_lists_cost_the_same_queries_for_1_and_6_versions(api, cast, sent):
    from vendorcollab.purchasing.services import po_request_change, po_send

    client = api(cast.agent)
    url = f"/purchase-orders/{sent.pk}"
    client.get(url)

    def queries(path):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code == 200
        return len(captured)

    response_submit(actor=cast.vendor_a_user, purchase_order=sent, version=1, kind=ResponseKind.REJECTED)
    few = queries(f"{url}/versions"), queries(f"{url}/responses")
    for version in range(2, 7):
        po_request_change(actor=cast.agent, purchase_order=sent)
        po_send(actor=cast.agent, purchase_order=sent)
        response_submit(actor=cast.vendor_a_user, purchase_order=sent, version=version, kind=ResponseKind.REJECTED)
    many = queries(f"{url}/versions"), queries(f"{url}/responses")
    assert few == many
    assert client.get(f"{url}/versions").json()["count"] == 6
    assert client.get(f"{url}/responses").json()["count"] == 6


def test_consignment_purchase_orders_are_listed_with_their_origin(api, cast):
    from vendorcollab.consignment.services import ownership_change_post
    from vendorcollab.consignment.tests.helpers import priced, stock_line, stocked

    priced(cast)
    stocked(cast, quantity="10")
    journal = ownership_change_post(actor=cast.agent, vendor=cast.vendor_a, lines=[stock_line(cast, quantity="3")])
    [row] = api(cast.agent).get("/purchase-orders").json()["items"]
    assert (row["id"], row["origin"], row["status"]) == (journal.purchase_order_id, "consignment", "received")


def test_a_receipt_moves_received_quantity_and_status(api, cast, sent):
    po_confirm(actor=cast.agent, purchase_order=sent, without_response=True)
    receipt_post(actor=cast.clerk, purchase_order=sent, lines=[ReceiptLineInput(1, Decimal(10))])
    body = api(cast.clerk).get(f"/purchase-orders/{sent.pk}").json()
    assert (line_of(body, 1)["received_quantity"], line_of(body, 1)["remaining_quantity"]) == ("10.0000", "0.0000")
    assert body["status"] == POStatus.CONFIRMED


def test_the_largest_numbers_round_trip_and_larger_totals_are_refused(api, cast):
    """Decimals as long as SQLite keeps exactly (15 digits), and a total that a version can store."""
    client = api(cast.agent)
    body = po_body(cast, charges=[{"code": "FRT", "amount": "9999999999999.99"}])
    body["lines"] = [{**body["lines"][0], "quantity": "99999999999.9999", "unit_price": "1000"}]
    created = client.post("/purchase-orders", body)
    assert created.status_code == 201, created.json()
    po = created.json()
    assert (po["lines"][0]["quantity"], po["charges"][0]["amount"]) == ("99999999999.9999", "9999999999999.99")
    assert po["total"] == "109999999999999.89"
    assert client.post(f"/purchase-orders/{po['id']}/send").status_code == 200

    body["lines"][0]["unit_price"] = "99999999999.9999"
    response = client.post("/purchase-orders", body)
    assert response.status_code == 422 and error_of(response)["code"] == "total_too_large"
    body["lines"][0]["quantity"] = "999999999999.9999"
    response = client.post("/purchase-orders", body)
    assert response.status_code == 422 and set(error_of(response)["fields"]) == {"lines.0.quantity"}
    draft = client.post("/purchase-orders", po_body(cast)).json()
    lines = [{**line, "quantity": "10000000", "unit_price": "99999999999"} for line in po_body(cast)["lines"]]
    response = patch(client, f"/purchase-orders/{draft['id']}", {"lines": lines})
    assert response.status_code == 422 and error_of(response)["code"] == "total_too_large"
    assert PurchaseOrder.objects.count() == 2


def test_the_openapi_document_describes_the_buyer_operations(db):
    document = Client().get(API + "/openapi.json").json()
    paths = {path.removeprefix(API): methods for path, methods in document["paths"].items()}
    listing = paths["/purchase-orders"]["get"]
    assert {"status", "vendor", "company", "number", "updated_since", "page", "page_size"} <= {
        parameter["name"] for parameter in listing["parameters"]
    }
    assert {"201", "403", "422"} <= set(paths["/purchase-orders"]["post"]["responses"])
    assert "409" in paths["/purchase-orders/{id}"]["patch"]["responses"]
    assert "409" in paths["/purchase-orders/{id}/send"]["post"]["responses"]
    assert "201" in paths["/purchase-orders/{id}/receipts"]["post"]["responses"]
    confirm = paths["/purchase-orders/{id}/confirm"]["post"]["requestBody"]
    assert confirm["required"] is False
    schemas = document["components"]["schemas"]
    [reference] = [
        option["$ref"] for option in confirm["content"]["application/json"]["schema"]["anyOf"] if "$ref" in option
    ]
    assert set(schemas[reference.rsplit("/", 1)[1]]["properties"]) == {"apply_vendor_changes", "without_response"}
    po = schemas["PurchaseOrderOut"]["properties"]
    assert {"status", "version", "version_label", "origin", "updated_at", "lines"} <= set(po)
    assert "received_quantity" in schemas["PurchaseOrderLineOut"]["properties"]
