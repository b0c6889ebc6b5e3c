"""The buyer's list of POs is written as JSON text PO by PO (``api.purchase_order_output.purchase_orders_json``),
from text kept per change of each PO, with the caller's actions and the items' numbers put in for each answer. It
must answer exactly what the declared ``Page[PurchaseOrderOut]`` answers one PO at a time (the detail, written by
ninja), whatever was kept before."""

from __future__ import annotations

from django.core.cache import caches

from vendorcollab.common.testing.factories import in_days

from .test_order_fields_api import body as order_body


def _listed(client) -> dict[int, dict]:
    answer = client.get("/purchase-orders?page_size=200")
    assert answer.status_code == 200, answer.content
    assert answer["Content-Type"] == "application/json; charset=utf-8"
    return {row["id"]: row for row in answer.json()["items"]}


def test_each_listed_po_is_its_detail_free_text_lines_charges_and_names_outside_ascii_included(api, cast):
    agent = api(cast.agent)
    item = cast.items[0]
    item.number = 'Ø-ring «é» "quoted"'
    item.save()
    created = agent.post(
        "/purchase-orders",
        order_body(cast, charges=[{"code": "FC", "description": "Fracht für Köln", "amount": "12.50"}]),
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    agent.post(f"/purchase-orders/{pk}/send")

    for kept in (False, True):  # written from the database, then from the kept text
        if not kept:
            caches["api"].clear()
        listed = _listed(agent)[pk]
        assert listed == agent.get(f"/purchase-orders/{pk}").json()
    assert [line["item_number"] for line in listed["lines"]] == ["", item.number]
    assert listed["charges"][0]["description"] == "Fracht für Köln"
    assert listed["updated_at"].endswith("Z") and len(listed["updated_at"]) == len("2026-01-01T00:00:00.000Z")


def test_items_numbers_and_actions_are_the_callers_and_todays_not_the_kept_ones(api, cast):
    agent, clerk = api(cast.agent), api(cast.clerk)
    created = agent.post(
        "/purchase-orders",
        {
            "vendor": cast.vendor_a.pk,
            "lines": [
                {"item": cast.items[1].pk, "quantity": "2", "unit_price": "3", "delivery_date": in_days(9).isoformat()}
            ],
        },
    )
    pk = created.json()["id"]
    assert "send" in _listed(agent)[pk]["actions"]

    # The same kept text answers the clerk, who may not send, and then shows the item's new number.
    assert "send" not in _listed(clerk)[pk]["actions"]
    cast.items[1].number = "RENUMBERED-1"
    cast.items[1].save()  # master data: the PO itself does not change
    listed = _listed(agent)[pk]
    assert listed["lines"][0]["item_number"] == "RENUMBERED-1"
    assert "send" in listed["actions"]
