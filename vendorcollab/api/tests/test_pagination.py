"""Paging: count, next links that walk the whole list once, bounds, and a query count independent of the list."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from vendorcollab.common.testing.factories import make_po
from vendorcollab.purchasing import selectors
from vendorcollab.purchasing.selectors import VendorList

from .helpers import API, error_of


def send_pos(cast, count):
    return [make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True) for _ in range(count)]


def test_pages_walk_the_whole_list_once_in_the_selectors_order(api, cast):
    send_pos(cast, 7)
    client = api(cast.vendor_a_user)
    expected = [po.pk for po in selectors.po_page_for_vendor(actor=cast.vendor_a_user, which=VendorList.FOR_REVIEW)]
    seen = []
    response = client.get("/vendor/purchase-orders", {"list": "for_review", "page_size": 3})
    pages = 0
    while True:
        body = response.json()
        assert body["count"] == 7
        assert len(body["items"]) <= 3
        seen += [row["id"] for row in body["items"]]
        pages += 1
        if body["next"] is None:
            break
        assert body["next"].startswith("http://testserver" + API + "/vendor/purchase-orders?")
        assert "list=for_review" in body["next"] and "page_size=3" in body["next"]
        response = client.client.get(body["next"], headers=client.headers)
    assert pages == 3
    assert seen == expected


def test_the_default_page_is_50_rows_and_past_the_end_is_empty(api, cast):
    send_pos(cast, 2)
    client = api(cast.vendor_a_user)
    body = client.get("/vendor/purchase-orders", {"list": "for_review"}).json()
    assert (len(body["items"]), body["count"], body["next"]) == (2, 2, None)
    body = client.get("/vendor/purchase-orders", {"list": "for_review", "page": 5}).json()
    assert (body["items"], body["count"], body["next"]) == ([], 2, None)


def test_page_bounds_are_422(api, cast):
    client = api(cast.vendor_a_user)
    for params, field in [({"page": 0}, "page"), ({"page_size": 201}, "page_size"), ({"page_size": 0}, "page_size")]:
        response = client.get("/vendor/purchase-orders", {"list": "for_review", **params})
        assert response.status_code == 422, params
        assert set(error_of(response)["fields"]) == {field}
    assert client.get("/vendor/purchase-orders", {"list": "for_review", "page_size": 200}).status_code == 200


def test_a_list_costs_the_same_queries_for_5_and_50_purchase_orders(api, cast):
    client = api(cast.vendor_a_user)
    client.get("/vendor/purchase-orders", {"list": "for_review"})  # stamps the token's first use

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/vendor/purchase-orders", {"list": "for_review"})
        assert response.status_code == 200
        return len(captured), response.json()["count"]

    send_pos(cast, 5)
    few, count = queries()
    assert count == 5
    send_pos(cast, 45)
    many, count = queries()
    assert count == 50
    assert few == many
    assert many <= 6


def test_a_kept_count_follows_every_new_or_changed_po(api, cast):
    """The buyer's list keeps its count per change of the PO table: never a stale count after a change."""
    from vendorcollab.purchasing.services import po_cancel

    client = api(cast.agent)
    pos = send_pos(cast, 2)
    assert client.get("/purchase-orders").json()["count"] == 2
    assert client.get("/purchase-orders", {"status": "cancelled"}).json()["count"] == 0
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/purchase-orders").json()["count"] == 2
    assert not any("COUNT(" in query["sql"] for query in queries.captured_queries)  # kept, not counted again

    send_pos(cast, 1)
    assert client.get("/purchase-orders").json()["count"] == 3
    po_cancel(actor=cast.agent, purchase_order=pos[0], reason="Not needed")
    assert client.get("/purchase-orders", {"status": "cancelled"}).json()["count"] == 1
    assert client.get("/purchase-orders", {"status": "in_external_review"}).json()["count"] == 2
