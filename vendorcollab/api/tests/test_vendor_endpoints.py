"""The vendor's endpoints: the same lists as the selectors, scoping (404 for other vendors and for buyers), every
answer through the API, the service's refusals, prices only where shown, history and the PDF."""

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver

from vendorcollab.api.api import api as ninja_api
from vendorcollab.common.testing.factories import ItemFactory, in_days, make_po
from vendorcollab.common.testing.factories import line as order_line
from vendorcollab.purchasing import selectors
from vendorcollab.purchasing.models import (
    Attachment,
    LineAction,
    Note,
    POStatus,
    PurchaseOrder,
    ResponseKind,
    ResponseLine,
    VendorResponse,
    Visibility,
)
from vendorcollab.purchasing.selectors import VendorList
from vendorcollab.purchasing.services import (
    ChargeInput,
    po_confirm,
    po_create,
    po_request_change,
    po_send,
    receipt_post,
    response_submit,
)
from vendorcollab.purchasing.services.inputs import ReceiptLineInput

from .helpers import error_of


def vendor_endpoints(po):
    """Every vendor endpoint about ``po``: (method, path, body)."""
    base = f"/vendor/purchase-orders/{po.pk}"
    return [
        ("get", base, None),
        ("get", f"{base}/history", None),
        ("get", f"{base}/pdf", None),
        ("post", f"{base}/responses", {"version": 1, "action": "accept"}),
    ]


LIST_ENDPOINTS = [
    ("get", "/vendor/purchase-orders?list=for_review", None),
    ("get", "/vendor/consignment/purchase-orders", None),
    ("get", "/vendor/consignment/receipts", None),
    ("get", "/vendor/consignment/on-hand", None),
    ("post", "/vendor/purchase-orders/bulk-accept", {"items": [{"purchase_order": 1, "version": 1}]}),
    # An Order Response by document (interop.inbound); its own scoping tests are in interop/tests/test_inbound.py.
    ("post", "/vendor/documents/inbound", None),
    # The document feed (interop.documents); its scoping tests are in interop/tests/test_document_feed.py.
    ("get", "/vendor/documents", None),
    ("get", "/vendor/documents/1", None),
    ("get", "/vendor/documents/1/xml", None),
    # Invoicing (invoicing.selectors); vendor B's 404 on each of vendor A's invoices is in test_invoice_api.py.
    ("get", "/vendor/invoiceable-lines", None),
    ("get", "/vendor/invoices", None),
    ("post", "/vendor/invoices", None),
    ("get", "/vendor/invoices/1", None),
    ("patch", "/vendor/invoices/1", None),
    ("post", "/vendor/invoices/1/submit", None),
    ("get", "/vendor/invoices/1/pdf", None),
    ("get", "/vendor/invoices/1/ubl", None),
    # Ship notices (shipping.selectors); vendor B's 404 on each of vendor A's notices is in test_ship_notice_api.py.
    ("get", "/vendor/ship-notices", None),
    ("post", "/vendor/ship-notices", None),
    ("get", "/vendor/ship-notices/1", None),
    ("post", "/vendor/ship-notices/1/cancel", None),
    ("get", "/vendor/ship-notices/1/ubl", None),
    # Vendor performance (performance.selectors); vendor B's 404 on vendor A's account is in performance's test_api.py.
    ("get", "/vendor/performance", None),
]


def route_of(path):
    return re.sub(r"/\d+(?=/|$)", "/{id}", path.split("?")[0])


def test_every_vendor_endpoint_is_in_the_scoping_tests():
    """A new vendor endpoint must be added to ``vendor_endpoints`` or ``LIST_ENDPOINTS``, or this fails."""
    _, resolver = get_resolver().namespace_dict[ninja_api.urls_namespace]
    routes = {
        "/" + str(pattern.pattern).replace("<id>", "{id}").replace("<int:id>", "{id}")
        for pattern in resolver.url_patterns
        if str(pattern.pattern).startswith("vendor/")
    }
    tested = {route_of(path) for _, path, _ in vendor_endpoints(PurchaseOrder(pk=1)) + LIST_ENDPOINTS}
    assert routes == tested


def test_vendor_b_gets_404_on_every_endpoint_of_vendor_as_po(api, cast, sent):
    client = api(cast.vendor_b_user)
    for method, path, body in vendor_endpoints(sent):
        response = client.request(method, path, body)
        assert response.status_code == 404, path
        assert error_of(response)["code"] == "not_found"
    assert client.get("/vendor/purchase-orders", {"list": "for_review"}).json()["count"] == 0
    assert not VendorResponse.objects.exists()
    # ... while vendor A's user reaches every one of them.
    client = api(cast.vendor_a_user)
    for method, path, body in vendor_endpoints(sent):
        assert client.request(method, path, body).status_code in (200, 201), path


@pytest.mark.parametrize("buyer", ["admin", "agent", "clerk"])
def test_buyers_get_404_on_every_vendor_endpoint(api, cast, sent, buyer):
    client = api(getattr(cast, buyer))
    # Before any input is read: a buyer without ?list= is told "not found", not "list is required".
    for method, path, body in [*vendor_endpoints(sent), *LIST_ENDPOINTS, ("get", "/vendor/purchase-orders", None)]:
        response = client.request(method, path, body)
        assert response.status_code == 404, path
        assert error_of(response)["code"] == "not_found"
    assert not VendorResponse.objects.exists()


def test_vendor_admins_use_the_vendor_endpoints_too(api, cast, sent):
    response = api(cast.vendor_a_admin).get(f"/vendor/purchase-orders/{sent.pk}")
    assert response.status_code == 200


@pytest.fixture
def every_list(cast):
    """A PO in every state the lists tell apart, and one of vendor B."""
    agent, vendor = cast.agent, cast.vendor_a
    for_review = make_po(actor=agent, vendor=vendor, items=cast.items[:1], send=True)
    awaiting = make_po(actor=agent, vendor=vendor, items=cast.items[:1], send=True)
    response_submit(actor=cast.vendor_a_user, purchase_order=awaiting, version=1, kind=ResponseKind.ACCEPTED)
    confirmed = make_po(actor=agent, vendor=vendor, items=cast.items[:1], send=True)
    response_submit(actor=cast.vendor_a_user, purchase_order=confirmed, version=1, kind=ResponseKind.ACCEPTED)
    po_confirm(actor=agent, purchase_order=confirmed)
    # Confirmed at version 1, changed and sent again as version 2: for review as 2, confirmed as 1.
    changed = make_po(actor=agent, vendor=vendor, items=cast.items[:2], send=True)
    response_submit(actor=cast.vendor_a_user, purchase_order=changed, version=1, kind=ResponseKind.ACCEPTED)
    po_confirm(actor=agent, purchase_order=changed)
    po_request_change(actor=agent, purchase_order=changed)
    po_send(actor=agent, purchase_order=changed)
    received = make_po(actor=agent, vendor=vendor, items=cast.items[:1], send=True)
    response_submit(actor=cast.vendor_a_user, purchase_order=received, version=1, kind=ResponseKind.ACCEPTED)
    po_confirm(actor=agent, purchase_order=received)
    receipt_post(
        actor=cast.clerk,
        purchase_order=received,
        lines=[ReceiptLineInput(line_number=1, quantity=Decimal(10))],
        received_date=in_days(0),
    )
    make_po(actor=agent, vendor=cast.vendor_b, items=cast.items[:1], send=True)
    return {"for_review": for_review, "awaiting": awaiting, "changed": changed, "received": received}


@pytest.mark.parametrize("which", list(VendorList))
def test_each_list_returns_exactly_what_the_selector_does(api, cast, every_list, which):
    expected = [
        (po.pk, po.number, po.list_version, po.status)
        for po in selectors.po_page_for_vendor(actor=cast.vendor_a_user, which=which)
    ]
    assert expected, "the fixture puts a PO in every list"
    body = api(cast.vendor_a_user).get("/vendor/purchase-orders", {"list": which.value}).json()
    assert body["count"] == len(expected)
    assert [(row["id"], row["number"], row["version"], row["status"]) for row in body["items"]] == expected
    for row in body["items"]:
        assert row["version_label"] == f"{row['number']}-{row['version']}"
        assert row["company"] == cast.company.pk and row["vendor"] == cast.vendor_a.pk


def test_a_changed_confirmed_po_is_its_last_confirmed_version_in_the_confirmed_lists(api, cast, every_list):
    client = api(cast.vendor_a_user)
    changed = every_list["changed"].pk

    def row(which):
        rows = client.get("/vendor/purchase-orders", {"list": which}).json()["items"]
        return next(row for row in rows if row["id"] == changed)

    assert row("for_review")["version"] == 2
    assert row("open_confirmed")["version"] == 1
    assert row("all_confirmed")["version"] == 1
    received = every_list["received"].pk
    all_confirmed = client.get("/vendor/purchase-orders", {"list": "all_confirmed"}).json()["items"]
    assert received in {row["id"] for row in all_confirmed}


def test_list_rows_carry_the_dates_total_and_response(api, cast, every_list):
    client = api(cast.vendor_a_user)
    [row] = [
        row
        for row in client.get("/vendor/purchase-orders", {"list": "awaiting_customer"}).json()["items"]
        if row["id"] == every_list["awaiting"].pk
    ]
    assert row["response"] == "accepted"
    assert row["total"] == "25.00" and row["currency"] == "EUR"
    assert row["first_delivery_date"] == in_days(14).isoformat()
    assert row["sent_at"] and row["order_date"]


def test_the_list_filter_is_required_and_checked(api, cast):
    client = api(cast.vendor_a_user)
    for params in [{}, {"list": "everything"}]:
        response = client.get("/vendor/purchase-orders", params)
        assert response.status_code == 422
        assert set(error_of(response)["fields"]) == {"list"}


def test_the_lists_search_and_filter_like_the_pages(api, cast, sent):
    other = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    client = api(cast.vendor_a_user)
    rows = client.get("/vendor/purchase-orders", {"list": "for_review", "q": sent.number}).json()["items"]
    assert [row["id"] for row in rows] == [sent.pk]
    rows = client.get("/vendor/purchase-orders", {"list": "for_review", "sort": "number"}).json()["items"]
    assert [row["id"] for row in rows] == sorted(
        [sent.pk, other.pk], key=lambda pk: PurchaseOrder.objects.get(pk=pk).number
    )
    assert client.get("/vendor/purchase-orders", {"list": "for_review", "company": 999}).json()["count"] == 0


# --- one PO -----------------------------------------------------------------------------------------------------


def test_a_po_shows_the_latest_version_with_external_notes_and_files_only(api, cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:2])
    for visibility in Visibility:
        Note.objects.create(purchase_order=po, visibility=visibility, text=f"{visibility} note", author=cast.agent)
        file = Attachment(purchase_order=po, visibility=visibility, name=f"{visibility}.txt", line_number=1)
        file.uploaded_by = cast.agent
        file.file.save(f"{visibility}.txt", SimpleUploadedFile("x.txt", b"x"), save=False)
        file.save()
    po_send(actor=cast.agent, purchase_order=po)
    po_request_change(actor=cast.agent, purchase_order=po)
    po_send(actor=cast.agent, purchase_order=po)

    body = api(cast.vendor_a_user).get(f"/vendor/purchase-orders/{po.pk}").json()
    assert (body["id"], body["number"], body["version"]) == (po.pk, po.number, 2)
    assert body["version_label"] == f"{po.number}-2"
    assert (body["status"], body["kind"], body["response"]) == ("in_external_review", "sent", None)
    assert body["notes"] == [{"text": "external note", "line_number": None}]
    assert [(a["name"], a["line_number"]) for a in body["attachments"]] == [("external.txt", 1)]
    line = body["lines"][0]
    assert line["item"] == cast.items[0].pk and line["item_number"] == cast.items[0].number
    assert (line["quantity"], line["unit_price"], line["amount"]) == ("10.0000", "2.5000", "25.00")
    assert line["schedule"] == [] and line["is_cancelled"] is False
    assert set(line) == {
        "line_number", "item", "item_number", "description", "quantity", "unit", "unit_price", "discount_percent",
        "amount", "delivery_date", "site", "warehouse", "color", "size", "style", "configuration",
        "external_item_number", "external_description", "schedule", "is_cancelled",
        # What a PEPPOL Order line carries (issue 15).
        "buyer_line_id", "buyers_item_id", "sellers_item_id", "standard_item_id", "standard_item_scheme",
        "unit_code", "tax_category", "tax_percent", "requested_start", "requested_end",
    }  # fmt: skip


def test_prices_are_absent_where_the_vendor_account_hides_them(api, cast):
    po = po_create(
        actor=cast.agent,
        company=cast.company,
        vendor=cast.vendor_a,
        lines=[order_line(cast.items[0])],
        charges=[ChargeInput(code="FRT", amount=Decimal("12.50"), description="Freight")],
    )
    po_send(actor=cast.agent, purchase_order=po)
    client = api(cast.vendor_a_user)
    shown = client.get(f"/vendor/purchase-orders/{po.pk}").json()
    assert shown["total"] == "37.50"
    assert shown["charges"] == [{"line_number": None, "code": "FRT", "description": "Freight", "amount": "12.50"}]
    assert shown["lines"][0]["unit_price"] == "2.5000"

    cast.vendor_a.show_prices = False
    cast.vendor_a.save()
    hidden = client.get(f"/vendor/purchase-orders/{po.pk}").json()
    assert hidden["total"] is None and hidden["charges"] is None
    assert {(line["unit_price"], line["discount_percent"], line["amount"]) for line in hidden["lines"]} == {
        (None, None, None)
    }
    assert client.get("/vendor/purchase-orders", {"list": "for_review"}).json()["items"][0]["total"] is None
    history = client.get(f"/vendor/purchase-orders/{po.pk}/history").json()
    assert history["versions"][0]["total"] is None and history["versions"][0]["charges"] is None
    assert history["versions"][0]["lines"][0]["unit_price"] is None


def test_the_history_lists_every_version_and_the_response_to_each(api, cast, sent):
    response_submit(
        actor=cast.vendor_a_user, purchase_order=sent, version=1, kind=ResponseKind.REJECTED, note="Too early"
    )
    po_request_change(actor=cast.agent, purchase_order=sent)
    po_send(actor=cast.agent, purchase_order=sent)
    body = api(cast.vendor_a_user).get(f"/vendor/purchase-orders/{sent.pk}/history").json()
    assert [version["version"] for version in body["versions"]] == [1, 2]
    [answer] = body["responses"]
    assert (answer["version"], answer["kind"], answer["note"]) == (1, "rejected", "Too early")
    assert [line["action"] for line in answer["lines"]] == ["reject"] * 3


def test_the_pdf(api, cast, sent):
    response = api(cast.vendor_a_user).get(f"/vendor/purchase-orders/{sent.pk}/pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f"{sent.number}-1.pdf" in response["Content-Disposition"]


# --- answering ------------------------------------------------------------------------------------------------------


def test_every_line_action_through_the_api(api, cast):
    items = [*cast.items, ItemFactory(company=cast.company), ItemFactory(company=cast.company)]
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=items, send=True)
    response = api(cast.vendor_a_user).post(
        f"/vendor/purchase-orders/{po.pk}/responses",
        {
            "version": 1,
            "action": "accept_with_changes",
            "vendor_reference": "SO-4711",
            "note": "See line notes",
            "lines": [
                {"line_number": 1, "action": "accept", "note": "fine"},
                {"line_number": 2, "action": "reject", "note": "discontinued"},
                {"line_number": 3, "action": "change", "quantity": 25.5, "delivery_date": in_days(30).isoformat()},
                {
                    "line_number": 4,
                    "action": "split",
                    "schedule": [
                        {"quantity": "15", "delivery_date": in_days(20).isoformat()},
                        {"quantity": 25, "delivery_date": in_days(40).isoformat()},
                    ],
                },
                {
                    "line_number": 5,
                    "action": "substitute",
                    "external_item_number": "ALT-9",
                    "external_description": "Equivalent part",
                    "quantity": "50",
                },
            ],
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    stored = VendorResponse.objects.get()
    assert (body["id"], body["version"], body["kind"]) == (stored.pk, 1, "accepted_with_changes")
    assert (body["vendor_reference"], body["note"]) == ("SO-4711", "See line notes")
    lines = {line["line_number"]: line for line in body["lines"]}
    assert [lines[n]["action"] for n in range(1, 6)] == ["accept", "reject", "change", "split", "substitute"]
    assert lines[1]["note"] == "fine" and lines[2]["quantity"] is None
    assert (Decimal(lines[3]["quantity"]), lines[3]["delivery_date"]) == (Decimal("25.5"), in_days(30).isoformat())
    assert [(Decimal(p["quantity"]), p["delivery_date"]) for p in lines[4]["schedule"]] == [
        (Decimal(15), in_days(20).isoformat()),
        (Decimal(25), in_days(40).isoformat()),
    ]
    assert Decimal(lines[4]["quantity"]) == 40
    assert (lines[5]["external_item_number"], lines[5]["external_description"]) == ("ALT-9", "Equivalent part")
    rows = {row.line_number: row for row in ResponseLine.objects.filter(response=stored)}
    assert [rows[n].action for n in range(1, 6)] == list(LineAction)
    assert rows[3].quantity == Decimal("25.5") and rows[5].external_item_number == "ALT-9"


@pytest.mark.parametrize(
    ("action", "kind"),
    [("accept", ResponseKind.ACCEPTED), ("reject", ResponseKind.REJECTED)],
)
def test_whole_order_answers(api, cast, sent, action, kind):
    response = api(cast.vendor_a_user).post(
        f"/vendor/purchase-orders/{sent.pk}/responses", {"version": 1, "action": action, "note": None}
    )
    assert response.status_code == 201
    assert VendorResponse.objects.get().kind == kind


def test_an_accepted_answer_of_an_auto_confirm_vendor_confirms(api, cast, sent):
    cast.vendor_a.collaboration = "auto_confirm"
    cast.vendor_a.save()
    response = api(cast.vendor_a_user).post(
        f"/vendor/purchase-orders/{sent.pk}/responses", {"version": 1, "action": "accept"}
    )
    assert response.status_code == 201
    sent.refresh_from_db()
    assert sent.status == POStatus.CONFIRMED


def test_answering_an_older_version_is_409_version_outdated(api, cast, sent):
    po_request_change(actor=cast.agent, purchase_order=sent)
    po_send(actor=cast.agent, purchase_order=sent)
    response = api(cast.vendor_a_user).post(
        f"/vendor/purchase-orders/{sent.pk}/responses", {"version": 1, "action": "accept"}
    )
    assert response.status_code == 409
    assert error_of(response)["code"] == "version_outdated"
    assert not VendorResponse.objects.exists()


def test_a_second_answer_is_409_already_answered(api, cast, sent):
    client = api(cast.vendor_a_user)
    url = f"/vendor/purchase-orders/{sent.pk}/responses"
    assert client.post(url, {"version": 1, "action": "reject"}).status_code == 201
    response = api(cast.vendor_a_admin).post(url, {"version": 1, "action": "accept"})
    assert response.status_code == 409
    assert error_of(response)["code"] == "already_answered"
    assert VendorResponse.objects.get().kind == ResponseKind.REJECTED


def test_a_price_change_is_refused_by_the_service_not_dropped(api, cast, sent):
    client = api(cast.vendor_a_user)
    url = f"/vendor/purchase-orders/{sent.pk}/responses"
    line = {"line_number": 1, "action": "accept", "unit_price": "2.40"}
    response = client.post(url, {"version": 1, "action": "accept_with_changes", "lines": [line]})
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "price_change_not_allowed"
    assert set(error["fields"]) == {"lines.0.unit_price"}
    line = {"line_number": 1, "action": "accept", "discount_percent": 5}
    response = client.post(url, {"version": 1, "action": "accept_with_changes", "lines": [line]})
    assert error_of(response)["code"] == "price_change_not_allowed"
    response = client.post(url, {"version": 1, "action": "accept", "charges": [{"code": "FRT", "amount": "10.00"}]})
    assert response.status_code == 422
    assert error_of(response)["code"] == "charge_change_not_allowed"
    assert not VendorResponse.objects.exists()
    # The same price, written differently, is no change.
    line = {"line_number": 1, "action": "accept", "unit_price": 2.5, "discount_percent": "0"}
    response = client.post(url, {"version": 1, "action": "accept_with_changes", "lines": [line], "charges": []})
    assert response.status_code == 201


def test_line_answers_other_than_accept_need_accept_with_changes(api, cast, sent):
    response = api(cast.vendor_a_user).post(
        f"/vendor/purchase-orders/{sent.pk}/responses",
        {"version": 1, "action": "accept", "lines": [{"line_number": 1, "action": "change", "quantity": 5}]},
    )
    assert response.status_code == 422
    assert error_of(response)["code"] == "answer_lines_not_allowed"
