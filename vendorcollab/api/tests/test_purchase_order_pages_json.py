"""The buyer's list of POs is written as JSON text PO by PO (``api.purchase_order_output.purchase_orders_json``),
from text kept per change of each PO, with the caller's actions and the items' numbers put in for each answer. It
must answer exactly what the declared ``Page[PurchaseOrderOut]`` answers one PO at a time (the detail, written by
ninja), whatever was kept before."""

from __future__ import annotations

from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from vendorcollab.common.testing.factories import in_days, make_po
from vendorcollab.purchasing.models import ResponseKind
from vendorcollab.purchasing.services import po_confirm, response_submit

from .test_order_fields_api import body as order_body


def _listed(client) -> dict[int, dict]:
    answer = client.get("/purchase-orders?page_size=200")
    assert answer.status_code == 200, answer.content
    assert answer["Content-Type"] == "application/json; charset=utf-8"
    return {row["id"]: row for row in answer.json()["items"]}


def test_each_listed_po_is_its_detail_free_text_lines_charges_and_names_outside_ascii_included(api, cast):
    agent = api(cast.agent)
    item = cast.items[0]
    item.number = 'Ø-ring «é» "quoted" back\\slash'
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


def _po_in_each_state(cast) -> list:
    """A PO of each state a buyer's actions depend on: draft, sent, accepted, rejected, confirmed."""
    draft = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1])
    sent, accepted, rejected, confirmed = (
        make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:2], send=True) for _ in range(4)
    )
    response_submit(actor=cast.vendor_a_user, purchase_order=accepted, version=1, kind=ResponseKind.ACCEPTED)
    response_submit(actor=cast.vendor_a_user, purchase_order=rejected, version=1, kind=ResponseKind.REJECTED)
    po_confirm(actor=cast.agent, purchase_order=confirmed, without_response=True)
    return [draft, sent, accepted, rejected, confirmed]


def test_pos_in_every_state_list_as_their_detail_in_the_same_queries_for_5_and_15(api, cast):
    """The page reads only a few fields of each row (``ROW_FIELDS``): what the actions' guards read of a PO in any
    state must be among them, or each row would cost a query of its own."""
    agent = api(cast.agent)
    _po_in_each_state(cast)
    agent.get("/purchase-orders?page_size=200")  # the token's first use, and each PO's text kept

    def kept_page() -> tuple[int, dict[int, dict]]:
        with CaptureQueriesContext(connection) as captured:
            listed = _listed(agent)
        return len(captured), listed

    few, listed = kept_page()
    for pk, row in listed.items():
        assert row == agent.get(f"/purchase-orders/{pk}").json()
    assert {"send", "confirm", "request_change", "cancel"} <= {
        action for row in listed.values() for action in row["actions"]
    }

    _po_in_each_state(cast)
    _po_in_each_state(cast)
    agent.get("/purchase-orders?page_size=200")
    many, listed = kept_page()
    assert (len(listed), many) == (15, few)


def test_a_draft_deleted_between_the_pages_two_reads_is_left_out(cast):
    from vendorcollab.api.purchase_order_output import purchase_orders_json
    from vendorcollab.purchasing.selectors import po_rows_for_buyer

    kept, gone = (make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1]) for _ in range(2))
    rows = list(po_rows_for_buyer(actor=cast.agent).filter(pk__in=[kept.pk, gone.pk]).order_by("pk"))
    caches["api"].clear()
    gone.delete()

    written = purchase_orders_json(rows, actor=cast.agent)

    assert [text.split('"id":')[1].split(",")[0] for text in written] == [str(kept.pk)]
