"""Consignment in the API: the vendor's three lists, scoped; the buyer's replenishment, receipt and ownership change."""

from decimal import Decimal
from urllib.parse import quote

from django.urls import reverse

from vendorcollab.common.testing.factories import in_days
from vendorcollab.consignment.models import ConsignmentStock, OwnershipChange
from vendorcollab.consignment.services import ownership_change_post
from vendorcollab.consignment.tests.helpers import priced, stock_line, stocked
from vendorcollab.purchasing.models import Origin, POStatus, PurchaseOrder

from .helpers import error_of


def test_the_vendors_lists(api, cast):
    priced(cast, "2.00")
    stocked(cast, quantity="10", color="Red")
    journal = ownership_change_post(
        actor=cast.agent, vendor=cast.vendor_a, lines=[stock_line(cast, quantity="3", color="Red")]
    )
    client = api(cast.vendor_a_user)
    pos = client.get("/vendor/consignment/purchase-orders").json()
    assert [row["number"] for row in pos["items"]] == [journal.purchase_order.number]
    assert pos["items"][0]["status"] == "received"
    receipts = client.get("/vendor/consignment/receipts").json()["items"]
    assert [(r["quantity"], r["unit_price"], r["amount"], r["color"]) for r in receipts] == [
        ("3.0000", "2.0000", "6.00", "Red")
    ]
    on_hand = client.get("/vendor/consignment/on-hand").json()["items"]
    assert [(r["item"], r["physical_quantity"], r["expected_quantity"]) for r in on_hand] == [
        (cast.items[0].pk, "7.0000", "0.0000")
    ]
    cast.vendor_a.show_prices = False
    cast.vendor_a.save()
    receipts = client.get("/vendor/consignment/receipts").json()["items"]
    assert (receipts[0]["unit_price"], receipts[0]["amount"]) == (None, None)


def test_vendor_b_gets_nothing_and_buyers_have_no_vendor_lists(api, cast):
    priced(cast)
    stocked(cast, quantity="10")
    ownership_change_post(actor=cast.agent, vendor=cast.vendor_a, lines=[stock_line(cast, quantity="3")])
    client = api(cast.vendor_b_user)
    for path in ("/vendor/consignment/purchase-orders", "/vendor/consignment/receipts", "/vendor/consignment/on-hand"):
        body = client.get(path).json()
        assert (body["count"], body["items"]) == (0, []), path
        assert api(cast.agent).get(path).status_code == 404


def test_replenish_receive_and_take_over_through_the_api(api, cast):
    priced(cast, "1.50")
    agent, clerk = api(cast.agent), api(cast.clerk)
    created = agent.post(
        "/consignment/replenishment-orders",
        {
            "vendor": cast.vendor_a.pk,
            "lines": [
                {
                    "item": cast.items[0].pk,
                    "quantity": "8",
                    "warehouse": cast.warehouse.pk,
                    "expected_date": in_days(3).isoformat(),
                    "size": "L",
                }
            ],
        },
    )
    assert created.status_code == 201, created.json()
    order = created.json()
    assert (order["status"], order["lines"][0]["quantity"]) == ("open", "8.0000")
    received = clerk.post(
        f"/consignment/replenishment-orders/{order['id']}/receipts", {"lines": [{"line_number": 1, "quantity": 8}]}
    )
    assert received.status_code == 200 and received.json()["status"] == "received"
    too_much = agent.post(
        "/consignment/ownership-changes",
        {
            "vendor": cast.vendor_a.pk,
            "lines": [{"item": cast.items[0].pk, "quantity": "9", "warehouse": cast.warehouse.pk, "size": "L"}],
        },
    )
    assert too_much.status_code == 422
    assert error_of(too_much)["code"] == "more_than_owned"
    assert not OwnershipChange.objects.exists()
    posted = agent.post(
        "/consignment/ownership-changes",
        {
            "vendor": cast.vendor_a.pk,
            "lines": [{"item": cast.items[0].pk, "quantity": "5", "warehouse": cast.warehouse.pk, "size": "L"}],
        },
    )
    assert posted.status_code == 201, posted.json()
    po = PurchaseOrder.objects.get(pk=posted.json()["purchase_order"])
    assert (po.origin, po.status) == (Origin.CONSIGNMENT, POStatus.RECEIVED)
    assert ConsignmentStock.objects.get(size="L").physical_quantity == Decimal(3)


def test_buyer_roles_and_foreign_references(api, cast):
    body = {
        "vendor": cast.vendor_a.pk,
        "lines": [
            {
                "item": cast.items[0].pk,
                "quantity": 1,
                "warehouse": cast.warehouse.pk,
                "expected_date": in_days(1).isoformat(),
            }
        ],
    }
    assert api(cast.clerk).post("/consignment/replenishment-orders", body).status_code == 403
    assert api(cast.vendor_a_user).post("/consignment/replenishment-orders", body).status_code == 404
    from vendorcollab.common.testing.factories import ItemFactory

    foreign = {**body, "lines": [{**body["lines"][0], "item": ItemFactory().pk}]}
    response = api(cast.agent).post("/consignment/replenishment-orders", foreign)
    assert response.status_code == 422 and "lines.0.item" in error_of(response)["fields"]


def _two_transfers(cast):
    """Vendor A's stock of two items, each partly taken over: the first item three days ago, the second today."""
    priced(cast)
    for item in (0, 1):
        stocked(cast, quantity="10", item=item)
    older = ownership_change_post(
        actor=cast.agent, vendor=cast.vendor_a, lines=[stock_line(cast, 0, "2")], transfer_date=in_days(-3)
    )
    newer = ownership_change_post(actor=cast.agent, vendor=cast.vendor_a, lines=[stock_line(cast, 1, "3")])
    return older, newer


def test_the_vendors_lists_filter_as_their_pages_do(api, client, cast):
    """The same question to the page and to the endpoint gets the same rows: both go through the same selector."""
    older, newer = _two_transfers(cast)
    first, second = cast.items[0], cast.items[1]
    client.force_login(cast.vendor_a_user)
    api_client = api(cast.vendor_a_user)
    day, today = in_days(-3).isoformat(), in_days(0).isoformat()
    cases = [
        # (page, its query, endpoint, its query, what both must show)
        ("purchase_orders", f"q={older.purchase_order.number}", "purchase-orders",
         f"q={older.purchase_order.number}", {older.purchase_order.pk}),
        ("purchase_orders", f"company={cast.company.pk}", "purchase-orders", f"company={cast.company.pk}",
         {older.purchase_order.pk, newer.purchase_order.pk}),
        ("purchase_orders", "company=999999", "purchase-orders", "company=999999", set()),
        ("received", f"q={second.number}", "receipts", f"q={second.number}", {newer.lines.get().pk}),
        ("received", f"q={newer.purchase_order.number}", "receipts", f"q={newer.purchase_order.number}",
         {newer.lines.get().pk}),
        ("received", f"from={today}", "receipts", f"date_from={today}", {newer.lines.get().pk}),
        ("received", f"to={day}", "receipts", f"date_to={day}", {older.lines.get().pk}),
        ("received", f"from={day}&to={day}&company={cast.company.pk}", "receipts",
         f"date_from={day}&date_to={day}&company={cast.company.pk}", {older.lines.get().pk}),
        ("on_hand", f"q={first.name}", "on-hand", f"q={first.name}", {first.pk}),
        ("on_hand", f"q={second.number}", "on-hand", f"q={second.number}", {second.pk}),
        ("on_hand", "company=999999", "on-hand", "company=999999", set()),
    ]  # fmt: skip
    for page, page_query, endpoint, api_query, expected in cases:
        rows = client.get(f"{reverse('consignment_vendor:' + page)}?{quote(page_query, safe='=&')}").context["page"]
        rows = rows.object_list
        shown = {row.item_id if page == "on_hand" else row.pk for row in rows}
        items = api_client.get(f"/vendor/consignment/{endpoint}?{quote(api_query, safe='=&')}").json()["items"]
        answered = {row["item"] if endpoint == "on-hand" else row["id"] for row in items}
        assert shown == answered == expected, (page_query, api_query)


def test_filters_of_the_vendors_lists_are_checked_and_documented(api, cast):
    client = api(cast.vendor_a_user)
    response = client.get("/vendor/consignment/receipts?date_from=yesterday")
    assert response.status_code == 422
    assert "date_from" in str(response.json())
    assert client.get("/vendor/consignment/on-hand?q=a%00b").status_code == 422
    schema = api().get("/openapi.json").json()
    for path, names in (
        ("/api/v1/vendor/consignment/purchase-orders", {"company", "q"}),
        ("/api/v1/vendor/consignment/receipts", {"company", "q", "date_from", "date_to"}),
        ("/api/v1/vendor/consignment/on-hand", {"company", "q"}),
    ):
        parameters = {p["name"]: p for p in schema["paths"][path]["get"]["parameters"]}
        assert names <= parameters.keys(), path
        assert all(parameters[name].get("description") for name in names), path
