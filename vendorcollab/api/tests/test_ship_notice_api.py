"""Ship notices over the API: the vendor (or its ERP) announces shipments against open confirmed purchase orders and
cancels them until received; the buyer sees what is coming and receives from a notice; every refusal with its code,
the walls between vendors and sides, retries with an Idempotency-Key, and lists whose query count does not grow with
the notices or their lines."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from vendorcollab.accounts.models import Role
from vendorcollab.common.testing.factories import line, make_po, make_user
from vendorcollab.interop.models import Direction, Document
from vendorcollab.purchasing.models import PurchaseOrder, PurchaseOrderLine, Receipt
from vendorcollab.purchasing.services import po_confirm, po_create, po_send
from vendorcollab.shipping.models import ShipNotice, ShipNoticeStatus

from .helpers import error_of

TODAY = timezone.localdate


def confirmed(cast: Any, *, vendor: Any = None, quantities: tuple[str, ...] = ("10", "20"), **fields: Any) -> Any:
    """A PO of vendor A (or ``vendor``), sent and confirmed: open to ship. ``fields`` go on every line (a site)."""
    lines = [line(cast.items[index % 3], quantity=q, **fields) for index, q in enumerate(quantities)]
    po = po_create(actor=cast.agent, company=cast.company, vendor=vendor or cast.vendor_a, lines=lines)
    po = po_send(actor=cast.agent, purchase_order=po)
    return po_confirm(actor=cast.agent, purchase_order=po, without_response=True)


def body(po: PurchaseOrder, *quantities: tuple[int, str], **extra: Any) -> dict[str, Any]:
    """A notice of ``po``: ``(PO line number, quantity)`` pairs, expected in three days."""
    return {
        "purchase_order": po.pk,
        "expected_delivery_date": (TODAY() + dt.timedelta(days=3)).isoformat(),
        "lines": [{"line_number": n, "quantity": q} for n, q in quantities],
        **extra,
    }


def in_transit(po: PurchaseOrder) -> list[Decimal]:
    lines = PurchaseOrderLine.objects.filter(purchase_order=po).order_by("line_number")
    return list(lines.values_list("in_transit_quantity", flat=True))


def received(po: PurchaseOrder) -> list[Decimal]:
    lines = PurchaseOrderLine.objects.filter(purchase_order=po).order_by("line_number")
    return list(lines.values_list("received_quantity", flat=True))


@pytest.fixture
def po(cast):
    return confirmed(cast)


@pytest.fixture
def vendor(api, cast):
    return api(cast.vendor_a_user)


@pytest.fixture
def clerk(api, cast):
    return api(cast.clerk)


def created(vendor: Any, data: dict[str, Any]) -> dict[str, Any]:
    response = vendor.post("/vendor/ship-notices", data)
    assert response.status_code == 201, response.json()
    return response.json()


# --- the vendor announces ------------------------------------------------------------------------------------------


def test_the_vendor_announces_part_of_a_po_and_reads_it_back(vendor, cast, po):
    notice = created(vendor, body(po, (1, "4"), (2, "20"), carrier="DHL", tracking_number="JD0001", packages=2))
    assert (notice["status"], notice["origin"], notice["vendor"], notice["company"]) == (
        "shipped",
        "api",
        cast.vendor_a.pk,
        cast.company.pk,
    )
    # Left out: the number is assigned per vendor account, the despatch date is today.
    assert notice["number"] == "SN-000001"
    assert notice["despatch_date"] == TODAY().isoformat()
    assert (notice["carrier"], notice["tracking_number"], notice["packages"]) == ("DHL", "JD0001", 2)
    assert notice["purchase_orders"] == [po.pk]
    assert [
        (row["line_number"], row["purchase_order"], row["po_line_number"], row["quantity"], row["received_quantity"])
        for row in notice["lines"]
    ] == [(1, po.pk, 1, "4.0000", None), (2, po.pk, 2, "20.0000", None)]
    assert notice["lines"][0]["difference"] is None
    assert notice["lines"][0]["purchase_order_number"] == po.number
    assert notice["actions"] == ["cancel"]
    assert notice["has_difference"] is False and notice["received_date"] is None
    assert in_transit(po) == [4, 20]

    read = vendor.get(f"/vendor/ship-notices/{notice['id']}")
    assert read.status_code == 200
    assert read.json() == notice
    listed = vendor.get("/vendor/ship-notices").json()
    assert (listed["count"], listed["next"], [row["id"] for row in listed["items"]]) == (1, None, [notice["id"]])


def test_one_notice_ships_lines_of_several_purchase_orders_and_lists_once_per_filter(vendor, cast, po):
    other = confirmed(cast, quantities=("5",))
    data = body(po, (1, "1"), (2, "2"), number="ASN-7")
    data["lines"].append({"purchase_order": other.pk, "line_number": 1, "quantity": "5"})
    notice = created(vendor, data)
    assert notice["number"] == "ASN-7"
    assert notice["purchase_orders"] == sorted([po.pk, other.pk])
    assert [(row["purchase_order"], row["po_line_number"]) for row in notice["lines"]] == [
        (po.pk, 1),
        (po.pk, 2),
        (other.pk, 1),
    ]
    assert (in_transit(po), in_transit(other)) == ([1, 2], [5])
    single = created(vendor, body(po, (1, "1")))
    # Two lines of ``po`` on the first notice: it is listed once, not once per line.
    of_po = vendor.get("/vendor/ship-notices", {"purchase_order": po.pk}).json()
    assert sorted(row["id"] for row in of_po["items"]) == sorted([notice["id"], single["id"]])
    of_other = vendor.get("/vendor/ship-notices", {"purchase_order": other.pk}).json()
    assert [row["id"] for row in of_other["items"]] == [notice["id"]]
    shipped = vendor.get("/vendor/ship-notices", {"status": "shipped", "q": "asn-7"}).json()
    assert [row["id"] for row in shipped["items"]] == [notice["id"]]
    assert vendor.get("/vendor/ship-notices", {"status": "cancelled"}).json()["count"] == 0


def test_a_notice_read_with_get_can_be_posted_again_as_a_new_one(vendor, cast, po):
    """AIP-203: the output-only fields of what `GET` returned are ignored; the lines' `po_line_number` names the PO
    line and their `line_number` is the notice's own. Unknown fields are still refused."""
    first = created(vendor, body(po, (2, "3"), number="N-1"))
    again = {**first, "number": "N-2", "status": "received", "id": 1, "actions": ["receive"]}
    second = created(vendor, again)
    assert (second["number"], second["status"], second["actions"]) == ("N-2", "shipped", ["cancel"])
    assert [(row["po_line_number"], row["quantity"]) for row in second["lines"]] == [(2, "3.0000")]
    assert in_transit(po) == [0, 6]
    refused = vendor.post("/vendor/ship-notices", {**body(po, (1, "1"), number="N-3"), "colour": "red"})
    assert (refused.status_code, error_of(refused)["code"]) == (422, "invalid_input")
    assert "colour" in error_of(refused)["fields"]
    assert not ShipNotice.objects.filter(number="N-3").exists()


@pytest.fixture
def refusals(cast, po, vendor):
    """Vendor A's open PO with 8 of line 1 already announced as N-1, and the purchase orders a refusal needs."""
    created(vendor, body(po, (1, "8"), number="N-1"))
    return {
        "po": po,
        "other_vendor": confirmed(cast, vendor=cast.vendor_b),
        "elsewhere": confirmed(cast, quantities=("5",), site=cast.site),
        "unconfirmed": make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True),
    }


def one_line(po: PurchaseOrder, line_number: int = 1, quantity: str = "1") -> dict[str, Any]:
    return {"purchase_order": po.pk, "line_number": line_number, "quantity": quantity}


@pytest.mark.parametrize(
    ("change", "status", "code", "field"),
    [
        (lambda w: {"lines": [one_line(w["po"], 1, "3")]}, 409, "over_announced", "lines.0.quantity"),
        (lambda w: {"number": "N-1"}, 422, "number_taken", "number"),
        (lambda w: {"lines": []}, 422, "no_lines", "lines"),
        (lambda w: {"expected_delivery_date": None}, 422, "required", "expected_delivery_date"),
        (lambda w: {"purchase_order": None}, 422, "required", "lines.0.purchase_order"),
        (lambda w: {"lines": [{"quantity": "1"}]}, 422, "required", "lines.0.line_number"),
        (lambda w: {"lines": [one_line(w["po"], 9)]}, 422, "unknown_line", "lines.0.line_number"),
        (lambda w: {"lines": [one_line(w["po"]), one_line(w["po"])]}, 422, "duplicate_line", "lines.1"),
        (lambda w: {"lines": [one_line(w["po"], 2, "0")]}, 422, "quantity_not_positive", "lines.0.quantity"),
        (lambda w: {"lines": [one_line(w["unconfirmed"])]}, 422, "not_shippable", "lines.0.purchase_order"),
        (lambda w: {"lines": [one_line(w["po"], 2), one_line(w["elsewhere"])]}, 422, "mixed_ship_to", "lines.1"),
        (lambda w: {"despatch_date": (TODAY() + dt.timedelta(days=1)).isoformat()}, 422, "despatch_in_future",
         "despatch_date"),
        (lambda w: {"expected_delivery_date": (TODAY() - dt.timedelta(days=1)).isoformat()}, 422,
         "delivery_before_despatch", "expected_delivery_date"),
        (lambda w: {"packages": 0}, 422, "packages_invalid", "packages"),
        (lambda w: {"carrier": "x" * 101}, 422, "invalid_input", "carrier"),
        (lambda w: {"lines": [{**one_line(w["po"], 2), "margin": 1}]}, 422, "invalid_input", "lines.0.margin"),
    ],
)  # fmt: skip
def test_every_refusal_of_a_notice_has_its_code_and_names_its_field(vendor, refusals, change, status, code, field):
    before = (ShipNotice.objects.count(), in_transit(refusals["po"]))
    response = vendor.post("/vendor/ship-notices", {**body(refusals["po"], (2, "1"), number="N-2"), **change(refusals)})
    assert response.status_code == status, response.json()
    error = error_of(response)
    assert (error["code"], field in error["fields"]) == (code, True), error
    assert (ShipNotice.objects.count(), in_transit(refusals["po"])) == before


def test_over_announcing_is_refused_whole_and_names_the_purchase_order_and_line(vendor, cast, po):
    created(vendor, body(po, (1, "6")))
    refused = vendor.post("/vendor/ship-notices", body(po, (2, "5"), (1, "5")))
    assert refused.status_code == 409
    error = error_of(refused)
    assert (error["code"], list(error["fields"])) == ("over_announced", ["lines.1.quantity"])
    assert ShipNotice.objects.count() == 1
    assert in_transit(po) == [6, 0], "nothing of the refused notice is in transit, not even its first line"
    # What is left can be announced.
    assert vendor.post("/vendor/ship-notices", body(po, (1, "4"))).status_code == 201


def test_another_vendors_purchase_order_cannot_be_shipped(api, cast, refusals):
    """Vendor B announcing vendor A's PO finds nothing to ship: to vendor B that PO line does not exist."""
    response = api(cast.vendor_b_user).post("/vendor/ship-notices", body(refusals["po"], (2, "1")))
    assert response.status_code == 422, response.json()
    assert (error_of(response)["code"], list(error_of(response)["fields"])) == ("unknown_line", ["lines.0.line_number"])
    assert in_transit(refusals["po"]) == [8, 0]


def test_a_user_of_two_vendor_accounts_ships_one_account_per_notice(api, cast, refusals):
    both = api(make_user("vera", Role.VENDOR_USER, vendors=(cast.vendor_a, cast.vendor_b)))
    data = body(refusals["po"], (2, "1"))
    data["lines"].append(one_line(refusals["other_vendor"]))
    response = both.post("/vendor/ship-notices", data)
    assert (response.status_code, error_of(response)["code"], list(error_of(response)["fields"])) == (
        422,
        "wrong_vendor",
        ["lines.1.purchase_order"],
    )
    # Each account's own notice is fine, and the list shows both accounts' notices, filtered by account on demand.
    mine = created(both, body(refusals["other_vendor"], (1, "1")))
    assert mine["vendor"] == cast.vendor_b.pk
    assert both.get("/vendor/ship-notices").json()["count"] == 2
    only_b = both.get("/vendor/ship-notices", {"vendor": cast.vendor_b.pk}).json()
    assert [row["id"] for row in only_b["items"]] == [mine["id"]]


# --- cancelling ---------------------------------------------------------------------------------------------------


def test_the_vendor_cancels_a_notice_and_its_quantities_are_open_again(vendor, po):
    notice = created(vendor, body(po, (1, "10"), (2, "5")))
    url = f"/vendor/ship-notices/{notice['id']}/cancel"
    cancelled = vendor.post(url, {"reason": "Truck broke down"})
    assert cancelled.status_code == 200, cancelled.json()
    assert (cancelled.json()["status"], cancelled.json()["cancel_reason"], cancelled.json()["actions"]) == (
        "cancelled",
        "Truck broke down",
        [],
    )
    assert cancelled.json()["cancelled_at"]
    assert in_transit(po) == [0, 0]
    again = vendor.post(url)
    assert (again.status_code, error_of(again)["code"]) == (409, "invalid_transition")
    unknown = vendor.post(url, {"reason": "x", "why": "y"})
    assert (unknown.status_code, error_of(unknown)["code"], list(error_of(unknown)["fields"])) == (
        422,
        "invalid_input",
        ["why"],
    )
    assert created(vendor, body(po, (1, "10")))["lines"][0]["quantity"] == "10.0000"


def test_a_notice_cannot_be_cancelled_once_received(vendor, clerk, po):
    notice = created(vendor, body(po, (1, "4")))
    receipt = {"lines": [{"line_number": 1, "quantity": "4"}]}
    assert clerk.post(f"/ship-notices/{notice['id']}/receive", receipt).status_code == 200
    refused = vendor.post(f"/vendor/ship-notices/{notice['id']}/cancel")
    assert (refused.status_code, error_of(refused)["code"]) == (409, "invalid_transition")
    assert ShipNotice.objects.get(pk=notice["id"]).status == ShipNoticeStatus.RECEIVED
    assert (in_transit(po), received(po)) == ([0, 0], [4, 0])


# --- the buyer receives ----------------------------------------------------------------------------------------------


def test_a_notice_received_through_the_api_with_one_line_short_shows_the_difference_to_both_sides(
    api, vendor, clerk, cast, po
):
    """The face of the issue's scenario: created through the API, received through the API, one line short."""
    notice = created(vendor, body(po, (1, "10"), (2, "8"), number="ASN-100"))
    url = f"/ship-notices/{notice['id']}"

    # The buyer sees it coming, with what may be done.
    incoming = clerk.get(url).json()
    assert (incoming["status"], incoming["actions"]) == ("shipped", ["receive"])
    assert [(row["line_number"], row["quantity"]) for row in incoming["lines"]] == [(1, "10.0000"), (2, "8.0000")]

    lines = [{"line_number": 1, "quantity": "10"}, {"line_number": 2, "quantity": "6"}]
    answer = clerk.post(f"{url}/receive", {"lines": lines})
    assert answer.status_code == 200, answer.json()
    for side in (answer.json(), clerk.get(url).json(), vendor.get(f"/vendor/ship-notices/{notice['id']}").json()):
        assert (side["status"], side["has_difference"], side["received_date"]) == (
            "received",
            True,
            TODAY().isoformat(),
        )
        assert [(row["quantity"], row["received_quantity"], row["difference"]) for row in side["lines"]] == [
            ("10.0000", "10.0000", "0.0000"),
            ("8.0000", "6.0000", "-2.0000"),
        ]
        assert side["actions"] == []
    # One receipt for the PO, naming the notice; nothing left in transit; the 2 short (and the 12 never shipped)
    # are open to announce again.
    receipt = Receipt.objects.get(purchase_order=po)
    assert receipt.ship_notice_id == notice["id"]
    assert (in_transit(po), received(po)) == ([0, 0], [10, 6])
    assert api(cast.agent).get(f"/purchase-orders/{po.pk}").json()["lines"][1]["received_quantity"] == "6.0000"

    # The rest ships and is received in full: the PO is received, and the first notice cannot be cancelled.
    rest = created(vendor, body(po, (2, "14")))
    assert rest["lines"][0]["quantity"] == "14.0000"
    full = clerk.post(f"/ship-notices/{rest['id']}/receive", {"lines": [{"line_number": 1, "quantity": "14"}]})
    assert (full.status_code, full.json()["has_difference"]) == (200, False)
    assert api(cast.agent).get(f"/purchase-orders/{po.pk}").json()["status"] == "received"
    late = vendor.post(f"/vendor/ship-notices/{notice['id']}/cancel")
    assert (late.status_code, error_of(late)["code"]) == (409, "invalid_transition")
    # A received PO is no longer open: nothing more of it ships.
    over = vendor.post("/vendor/ship-notices", body(po, (1, "1")))
    assert (over.status_code, error_of(over)["code"]) == (422, "not_shippable")


def test_more_than_shipped_may_be_received_up_to_what_is_open_and_shows_as_a_positive_difference(vendor, clerk, po):
    notice = created(vendor, body(po, (1, "4")))
    url = f"/ship-notices/{notice['id']}/receive"
    answer = clerk.post(url, {"lines": [{"line_number": 1, "quantity": "5"}]})
    assert answer.status_code == 200, answer.json()
    assert (answer.json()["has_difference"], answer.json()["lines"][0]["difference"]) == (True, "1.0000")
    assert (in_transit(po), received(po)) == ([0, 0], [5, 0])


def test_lines_left_out_stay_in_transit_and_are_received_later(vendor, clerk, po):
    notice = created(vendor, body(po, (1, "5"), (2, "5")))
    url = f"/ship-notices/{notice['id']}/receive"
    first = clerk.post(url, {"lines": [{"line_number": 2, "quantity": "5"}]})
    assert first.status_code == 200, first.json()
    assert (first.json()["status"], first.json()["actions"]) == ("shipped", ["receive"])
    assert [row["received_quantity"] for row in first.json()["lines"]] == [None, "5.0000"]
    assert (in_transit(po), received(po)) == ([5, 0], [0, 5])
    # Nothing of line 1 arrived: 0, and no receipt for it.
    second = clerk.post(url, {"lines": [{"line_number": 1, "quantity": "0"}]})
    assert second.status_code == 200, second.json()
    assert (second.json()["status"], second.json()["has_difference"]) == ("received", True)
    assert (in_transit(po), received(po)) == ([0, 0], [0, 5])
    assert Receipt.objects.filter(purchase_order=po).count() == 1


@pytest.mark.parametrize(
    ("lines", "status", "code", "field"),
    [
        ([{"line_number": 9, "quantity": "1"}], 422, "unknown_line", "lines.0"),
        ([{"line_number": 1, "quantity": "-1"}], 422, "quantity_negative", "lines.0.quantity"),
        ([{"line_number": 1, "quantity": "1"}, {"line_number": 1, "quantity": "1"}], 422, "duplicate_line", "lines.1"),
        ([{"line_number": 1, "quantity": "11"}], 422, "over_receipt", "lines.0.quantity"),
        ([], 422, "invalid_input", "lines"),
    ],
)
def test_every_refusal_of_a_receipt_from_a_notice_has_its_code(vendor, clerk, po, lines, status, code, field):
    notice = created(vendor, body(po, (1, "5")))
    response = clerk.post(f"/ship-notices/{notice['id']}/receive", {"lines": lines})
    assert response.status_code == status, response.json()
    error = error_of(response)
    assert (error["code"], any(key.startswith(field) for key in error["fields"])) == (code, True), error
    assert (in_transit(po), received(po), Receipt.objects.count()) == ([5, 0], [0, 0], 0)


def test_a_receipt_in_the_future_is_refused(vendor, clerk, po):
    notice = created(vendor, body(po, (1, "5")))
    tomorrow = (TODAY() + dt.timedelta(days=1)).isoformat()
    response = clerk.post(
        f"/ship-notices/{notice['id']}/receive",
        {"received_date": tomorrow, "lines": [{"line_number": 1, "quantity": "5"}]},
    )
    assert (response.status_code, error_of(response)["code"]) == (422, "receipt_in_future")
    assert ShipNotice.objects.get(pk=notice["id"]).status == ShipNoticeStatus.SHIPPED


def test_the_po_receipt_endpoint_receives_from_the_notice_it_names(api, vendor, clerk, cast, po):
    notice = created(vendor, body(po, (1, "4"), (2, "3")))
    url = f"/purchase-orders/{po.pk}/receipts"
    answer = clerk.post(url, {"ship_notice": notice["id"], "lines": [{"line_number": 2, "quantity": "2"}]})
    assert answer.status_code == 201, answer.json()
    assert (answer.json()["ship_notice"], answer.json()["lines"]) == (
        notice["id"],
        [{"line_number": 2, "quantity": "2.0000"}],
    )
    read = vendor.get(f"/vendor/ship-notices/{notice['id']}").json()
    assert [(row["received_quantity"], row["difference"]) for row in read["lines"]] == [
        (None, None),
        ("2.0000", "-1.0000"),
    ]
    assert (in_transit(po), received(po)) == ([4, 0], [0, 2])
    # A line of the PO that the notice does not ship, and a notice that does not exist.
    other = confirmed(cast, quantities=("3",))
    not_on = clerk.post(
        f"/purchase-orders/{other.pk}/receipts",
        {"ship_notice": notice["id"], "lines": [{"line_number": 1, "quantity": "1"}]},
    )
    assert (not_on.status_code, error_of(not_on)["code"]) == (422, "not_on_notice")
    unknown = clerk.post(url, {"ship_notice": 987654, "lines": [{"line_number": 1, "quantity": "1"}]})
    assert (unknown.status_code, error_of(unknown)["code"], list(error_of(unknown)["fields"])) == (
        422,
        "unknown",
        ["ship_notice"],
    )
    # Without a notice, a receipt names none.
    plain = clerk.post(url, {"lines": [{"line_number": 2, "quantity": "1"}]})
    assert (plain.status_code, plain.json()["ship_notice"]) == (201, None)
    assert received(po) == [0, 3]


def test_the_buyer_lists_incoming_shipments_by_expected_date_status_and_purchase_order(vendor, clerk, cast, po):
    def expected(days: int) -> str:
        return (TODAY() + dt.timedelta(days=days)).isoformat()

    late = created(vendor, body(po, (1, "1"), expected_delivery_date=TODAY().isoformat(), despatch_date=expected(-5)))
    ShipNotice.objects.filter(pk=late["id"]).update(expected_delivery_date=TODAY() - dt.timedelta(days=2))
    soon = created(vendor, body(po, (1, "1"), expected_delivery_date=expected(1)))
    later = created(vendor, body(confirmed(cast), (1, "1"), expected_delivery_date=expected(20)))
    done = created(vendor, body(po, (2, "1"), expected_delivery_date=expected(2)))
    clerk.post(f"/ship-notices/{done['id']}/receive", {"lines": [{"line_number": 1, "quantity": "1"}]})

    def ids(**params: Any) -> list[int]:
        response = clerk.get("/ship-notices", params)
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["items"]]

    # Soonest expected first.
    assert ids() == [late["id"], soon["id"], done["id"], later["id"]]
    assert ids(status="shipped", expected_to=expected(-1)) == [late["id"]]  # overdue
    assert ids(status="shipped", expected_from=TODAY().isoformat(), expected_to=expected(6)) == [soon["id"]]
    assert ids(status="received") == [done["id"]]
    assert ids(purchase_order=po.pk) == [late["id"], soon["id"], done["id"]]
    assert ids(vendor=cast.vendor_b.pk) == []
    refused = clerk.get("/ship-notices", {"expected_from": "next week"})
    assert (refused.status_code, error_of(refused)["code"]) == (422, "invalid_input")


def test_paging_gives_next_until_the_last_page(vendor, clerk, po):
    for _ in range(3):
        created(vendor, body(po, (1, "1")))
    first = clerk.get("/ship-notices", {"page_size": 2}).json()
    assert (first["count"], len(first["items"])) == (3, 2) and "page=2" in first["next"]
    last = clerk.get("/ship-notices", {"page_size": 2, "page": 2}).json()
    assert (len(last["items"]), last["next"]) == (1, None)


# --- walls and roles --------------------------------------------------------------------------------------------------


def test_vendor_b_sees_none_of_vendor_as_notices(api, vendor, cast, po):
    notice = created(vendor, body(po, (1, "2")))
    other = api(cast.vendor_b_user)
    for method, path in [
        ("get", f"/vendor/ship-notices/{notice['id']}"),
        ("post", f"/vendor/ship-notices/{notice['id']}/cancel"),
        ("get", f"/vendor/ship-notices/{notice['id']}/ubl"),
    ]:
        response = getattr(other, method)(path)
        assert (response.status_code, error_of(response)["code"]) == (404, "not_found"), path
    assert other.get("/vendor/ship-notices").json() == {"items": [], "count": 0, "next": None}
    assert other.get("/vendor/ship-notices", {"purchase_order": po.pk}).json()["count"] == 0
    assert ShipNotice.objects.get(pk=notice["id"]).status == ShipNoticeStatus.SHIPPED
    # Vendor A's user and admin see it; a vendor's user gets 404 on the buyer's paths, whoever's notice it is.
    assert api(cast.vendor_a_admin).get(f"/vendor/ship-notices/{notice['id']}").status_code == 200
    for user in (cast.vendor_a_user, cast.vendor_b_user):
        for method, path in [
            ("get", "/ship-notices"),
            ("get", f"/ship-notices/{notice['id']}"),
            ("post", f"/ship-notices/{notice['id']}/receive"),
            ("get", f"/ship-notices/{notice['id']}/ubl"),
        ]:
            response = getattr(api(user), method)(path)
            assert (response.status_code, error_of(response)["code"]) == (404, "not_found"), path


def test_buyers_do_not_have_the_vendor_paths_and_only_receiving_roles_receive(api, cast, vendor, po):
    notice = created(vendor, body(po, (1, "2")))
    for buyer in (cast.admin, cast.agent, cast.clerk):
        assert api(buyer).get(f"/vendor/ship-notices/{notice['id']}").status_code == 404
        assert api(buyer).post("/vendor/ship-notices", body(po, (1, "1"))).status_code == 404
        assert api(buyer).get(f"/ship-notices/{notice['id']}").status_code == 200
    receipt = {"lines": [{"line_number": 1, "quantity": "2"}]}
    refused = api(cast.agent).post(f"/ship-notices/{notice['id']}/receive", receipt)
    assert (refused.status_code, error_of(refused)["code"]) == (403, "permission_denied")
    # The purchasing agent reads the notice without the action it may not take.
    assert api(cast.agent).get(f"/ship-notices/{notice['id']}").json()["actions"] == []
    assert ShipNotice.objects.get(pk=notice["id"]).status == ShipNoticeStatus.SHIPPED
    assert api(cast.admin).post(f"/ship-notices/{notice['id']}/receive", receipt).status_code == 200
    assert api().get("/ship-notices").status_code == 401
    assert api().get("/vendor/ship-notices").status_code == 401


def test_a_retried_create_or_receive_with_an_idempotency_key_happens_once(vendor, clerk, po):
    key = {"Idempotency-Key": "erp-asn-1"}
    first = vendor.post("/vendor/ship-notices", body(po, (1, "4")), **key)
    retry = vendor.post("/vendor/ship-notices", body(po, (1, "4")), **key)
    assert first.status_code == 201 and (retry.status_code, retry.content) == (201, first.content)
    assert retry["Idempotent-Replayed"] == "true"
    assert (ShipNotice.objects.count(), in_transit(po)) == (1, [4, 0])
    url = f"/ship-notices/{first.json()['id']}/receive"
    receipt = {"lines": [{"line_number": 1, "quantity": "4"}]}
    assert clerk.post(url, receipt, **{"Idempotency-Key": "dock-1"}).status_code == 200
    again = clerk.post(url, receipt, **{"Idempotency-Key": "dock-1"})
    assert (again.status_code, again["Idempotent-Replayed"]) == (200, "true")
    assert (received(po), Receipt.objects.count()) == ([4, 0], 1)


# --- lists and reads cost the same for few and many rows --------------------------------------------------------------


@pytest.mark.parametrize("side", ["vendor", "buyer"])
def test_each_list_costs_the_same_queries_for_few_and_many_notices_and_lines(api, cast, vendor, side):
    client, path = {"vendor": (vendor, "/vendor/ship-notices"), "buyer": (api(cast.agent), "/ship-notices")}[side]

    def grow(count: int, lines: int) -> None:
        for _ in range(count):
            po = confirmed(cast, quantities=("5",) * lines)
            created(vendor, body(po, *[(number, "1") for number in range(1, lines + 1)]))

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code == 200, response.json()
        return len(captured), response.json()["count"]

    grow(1, 1)
    client.get(path)  # stamps the token's first use
    few, count = queries()
    grow(5, 4)
    many, more = queries()
    assert (count, more) == (1, 6)
    assert many == few, (few, many)


def test_reading_one_notice_costs_the_same_for_1_line_as_for_12(api, cast, vendor):
    def notice_of(lines: int) -> int:
        po = confirmed(cast, quantities=("5",) * lines)
        return created(vendor, body(po, *[(number, "1") for number in range(1, lines + 1)]))["id"]

    small, large = notice_of(1), notice_of(12)
    for client, prefix in ((vendor, "/vendor/ship-notices"), (api(cast.clerk), "/ship-notices")):
        client.get(f"{prefix}/{small}")  # stamps the token's first use
        counts = []
        for pk in (small, large):
            with CaptureQueriesContext(connection) as captured:
                assert client.get(f"{prefix}/{pk}").status_code == 200
            counts.append(len(captured))
        assert counts[0] == counts[1], (prefix, counts)


# --- documents and the OpenAPI document ---------------------------------------------------------------------------


def test_the_notice_as_ubl_from_the_document_log_or_written_when_not_there_yet(api, vendor, cast, po):
    notice = created(vendor, body(po, (1, "3"), number="ASN-9"))
    sides = ((vendor, "/vendor/ship-notices"), (api(cast.clerk), "/ship-notices"))
    # Before the task that writes the log has run: the document is written for the answer.
    Document.objects.filter(ship_notice_id=notice["id"]).delete()
    for client, prefix in sides:
        ubl = client.get(f"{prefix}/{notice['id']}/ubl")
        assert ubl.status_code == 200 and ubl["Content-Type"].startswith("application/xml")
        assert b"<DespatchAdvice" in ubl.content and b"<cbc:ID>ASN-9</cbc:ID>" in ubl.content
        assert f"<cbc:ID>{po.number}</cbc:ID>".encode() in ubl.content  # the order it ships
        assert "despatch-advice-ASN-9.xml" in ubl["Content-Disposition"]
    assert not Document.objects.filter(ship_notice_id=notice["id"]).exists(), "a read writes nothing to the log"
    # Once logged, the log's copy is the one served, so that both sides read what was sent.
    logged = b'<?xml version="1.0"?><DespatchAdvice><ID>ASN-9 as sent</ID></DespatchAdvice>'
    Document.objects.create(
        direction=Direction.OUTBOUND,
        transaction="T16",
        document_id="ASN-9",
        xml=logged,
        company=cast.company,
        vendor=cast.vendor_a,
        ship_notice_id=notice["id"],
    )
    for client, prefix in sides:
        assert client.get(f"{prefix}/{notice['id']}/ubl").content == logged


def test_the_openapi_document_lists_the_ship_notice_paths_and_their_codes(api):
    document = api().get("/openapi.json").json()
    paths = document["paths"]
    expected = {
        "/api/v1/vendor/ship-notices": {"get", "post"},
        "/api/v1/vendor/ship-notices/{id}": {"get"},
        "/api/v1/vendor/ship-notices/{id}/cancel": {"post"},
        "/api/v1/vendor/ship-notices/{id}/ubl": {"get"},
        "/api/v1/ship-notices": {"get"},
        "/api/v1/ship-notices/{id}": {"get"},
        "/api/v1/ship-notices/{id}/receive": {"post"},
        "/api/v1/ship-notices/{id}/ubl": {"get"},
    }
    for path, methods in expected.items():
        assert set(paths[path]) == methods, path

    def codes(path: str, method: str) -> set[str]:
        schema = document["components"]["schemas"][f"{paths[path][method]['operationId']}_error"]
        return set(schema["properties"]["error"]["properties"]["code"]["enum"])

    assert {"over_announced", "number_taken", "mixed_ship_to", "delivery_before_despatch"} <= codes(
        "/api/v1/vendor/ship-notices", "post"
    )
    assert "invalid_transition" in codes("/api/v1/vendor/ship-notices/{id}/cancel", "post")
    assert {"over_receipt", "quantity_negative", "invalid_transition"} <= codes(
        "/api/v1/ship-notices/{id}/receive", "post"
    )
    assert {"not_on_notice", "unknown"} <= codes("/api/v1/purchase-orders/{id}/receipts", "post")
    assert "over_announced" not in codes("/api/v1/ship-notices/{id}/receive", "post")
    assert "409" in paths["/api/v1/vendor/ship-notices"]["post"]["responses"]
    assert "application/xml" in paths["/api/v1/ship-notices/{id}/ubl"]["get"]["responses"]["200"]["content"]
    notice = document["components"]["schemas"]["ShipNoticeOut"]["properties"]
    assert {"id", "actions", "lines", "status", "has_difference"} <= set(notice)
    line_out = document["components"]["schemas"]["ShipNoticeLineOut"]["properties"]
    assert {"purchase_order", "po_line_number", "quantity", "received_quantity", "difference"} <= set(line_out)
    receipt = document["components"]["schemas"]["ReceiptIn"]["properties"]
    assert "ship_notice" in receipt
