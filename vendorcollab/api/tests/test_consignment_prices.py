"""Consignment prices in the API (issue 13 point 8, DESIGN.md section 8): list, add, read, change; the price an
ownership change takes, by date or from its own line."""

from decimal import Decimal

from vendorcollab.common.testing.factories import ItemFactory, in_days
from vendorcollab.consignment.models import ConsignmentPrice, OwnershipChangeLine
from vendorcollab.consignment.tests.helpers import stocked

from .helpers import API, error_of


def patch(client, path, body):
    return client.client.patch(API + path, body, content_type="application/json", headers=client.headers)


def price_body(cast, **extra):
    return {
        "vendor": cast.vendor_a.pk,
        "item": cast.items[0].pk,
        "unit_price": "2.50",
        "currency": "EUR",
        "valid_from": "2024-01-01",
        **extra,
    }


def test_add_read_list_and_change_a_price(api, cast):
    agent = api(cast.agent)
    created = agent.post("/consignment/prices", price_body(cast), **{"Idempotency-Key": "price-1"})
    assert created.status_code == 201, created.json()
    price = created.json()
    assert (price["unit_price"], price["currency"], price["valid_from"]) == ("2.5000", "EUR", "2024-01-01")
    assert (price["vendor"], price["item"], price["company"]) == (cast.vendor_a.pk, cast.items[0].pk, cast.company.pk)
    # A retry with the same key replays the first answer and adds nothing.
    again = agent.post("/consignment/prices", price_body(cast), **{"Idempotency-Key": "price-1"})
    assert again.status_code == 201 and again.json()["id"] == price["id"]
    assert ConsignmentPrice.objects.count() == 1
    # The same vendor, item and start once more: a conflict.
    twice = agent.post("/consignment/prices", price_body(cast))
    assert twice.status_code == 409 and error_of(twice)["code"] == "price_exists"
    later = agent.post("/consignment/prices", price_body(cast, unit_price="3", valid_from="2025-01-01")).json()

    assert api(cast.clerk).get(f"/consignment/prices/{price['id']}").json() == price
    listed = agent.get("/consignment/prices", {"vendor": cast.vendor_a.pk}).json()
    assert listed["count"] == 2 and [row["id"] for row in listed["items"]] == [later["id"], price["id"]]
    valid = agent.get("/consignment/prices", {"valid_on": "2024-06-30"}).json()
    assert [row["id"] for row in valid["items"]] == [price["id"]]
    assert agent.get("/consignment/prices", {"valid_on": "2023-12-31"}).json()["count"] == 0

    # GET → edit → PATCH: the fields the price keeps come back unchanged and are ignored.
    read = agent.get(f"/consignment/prices/{price['id']}").json()
    changed = patch(agent, f"/consignment/prices/{price['id']}", {**read, "unit_price": "2.75", "currency": "USD"})
    assert changed.status_code == 200, changed.json()
    assert (changed.json()["unit_price"], changed.json()["currency"]) == ("2.7500", "USD")
    moved = patch(agent, f"/consignment/prices/{price['id']}", {**read, "item": cast.items[1].pk})
    assert moved.status_code == 422 and set(error_of(moved)["fields"]) == {"item"}
    onto = patch(agent, f"/consignment/prices/{price['id']}", {"valid_from": "2025-01-01"})
    assert onto.status_code == 409 and error_of(onto)["code"] == "price_exists"


def test_bad_prices_are_refused_on_their_field(api, cast):
    agent = api(cast.agent)
    for field, value in [
        ("unit_price", "0"),
        ("unit_price", "-1"),
        ("unit_price", "1234567890123.5"),
        ("currency", "eur"),
        ("currency", "EURO"),
        ("valid_from", "1899-01-01"),
        ("item", ItemFactory().pk),
        ("vendor", 999999),
    ]:
        response = agent.post("/consignment/prices", price_body(cast, **{field: value}))
        assert response.status_code == 422, (field, value, response.json())
        assert field in error_of(response)["fields"], (field, value)
    assert patch(agent, "/consignment/prices/1", {"unit_price": "1"}).status_code == 404
    assert not ConsignmentPrice.objects.exists()


def test_who_may_keep_prices(api, cast):
    assert api(cast.clerk).post("/consignment/prices", price_body(cast)).status_code == 403
    assert api(cast.vendor_a_user).post("/consignment/prices", price_body(cast)).status_code == 404
    assert api(cast.vendor_a_user).get("/consignment/prices").status_code == 404
    assert api().get("/consignment/prices").status_code == 401
    assert api(cast.admin).post("/consignment/prices", price_body(cast)).status_code == 201
    price = ConsignmentPrice.objects.get()
    assert api(cast.vendor_a_user).get(f"/consignment/prices/{price.pk}").status_code == 404
    assert patch(api(cast.clerk), f"/consignment/prices/{price.pk}", {"unit_price": "1"}).status_code == 403


def test_an_ownership_change_takes_the_price_valid_on_its_date_or_its_own(api, cast):
    stocked(cast, quantity="10")
    agent = api(cast.agent)
    line = {"item": cast.items[0].pk, "quantity": "1", "warehouse": cast.warehouse.pk}
    body = {"vendor": cast.vendor_a.pk, "date": in_days(0).isoformat(), "lines": [line]}
    none = agent.post("/consignment/ownership-changes", body)
    assert none.status_code == 422 and error_of(none)["code"] == "no_consignment_price"
    for start, price in [(in_days(-30), "2.00"), (in_days(-5), "3.00"), (in_days(30), "9.00")]:
        assert (
            agent.post(
                "/consignment/prices", price_body(cast, unit_price=price, valid_from=start.isoformat())
            ).status_code
            == 201
        )
    posted = agent.post("/consignment/ownership-changes", body)
    assert posted.status_code == 201, posted.json()
    assert posted.json()["lines"][0]["unit_price"] == "3.0000"
    earlier = agent.post("/consignment/ownership-changes", {**body, "date": in_days(-10).isoformat()})
    assert earlier.json()["lines"][0]["unit_price"] == "2.0000"
    own = agent.post("/consignment/ownership-changes", {**body, "lines": [{**line, "unit_price": "4.25"}]})
    assert own.status_code == 201 and own.json()["lines"][0]["unit_price"] == "4.2500"
    assert OwnershipChangeLine.objects.order_by("pk").last().amount == Decimal("4.25")
    bad = agent.post("/consignment/ownership-changes", {**body, "lines": [{**line, "unit_price": "0"}]})
    assert bad.status_code == 422 and "lines.0.unit_price" in error_of(bad)["fields"]
