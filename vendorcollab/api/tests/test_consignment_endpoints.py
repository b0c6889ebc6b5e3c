"""Consignment in the API: the vendor's three lists, scoped; the buyer's replenishment, receipt and ownership change."""

from decimal import Decimal

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
