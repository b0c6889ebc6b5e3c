"""Invoices over the API: the vendor invoices what was received (draft, change, submit, credit), the buyer or its ERP
decides (approve, reject, record payment); every refusal with its code, the walls between vendors and sides, retries
with an Idempotency-Key, and lists whose query count does not grow with the rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from vendorcollab.accounts.models import Role
from vendorcollab.common.testing.factories import line, make_user
from vendorcollab.invoicing.inputs import InvoiceInput, InvoiceLineInput, LineChargeInput
from vendorcollab.invoicing.models import Invoice, InvoiceLineCharge, InvoiceStatus
from vendorcollab.invoicing.services import invoice_create, invoice_note_add
from vendorcollab.purchasing.models import PurchaseOrder, PurchaseOrderLine, Visibility
from vendorcollab.purchasing.services import ReceiptLineInput, po_confirm, po_create, po_send, receipt_post

from .helpers import API, error_of

TODAY = timezone.localdate


def received(cast: Any, *, vendor: Any = None, quantities: tuple[str, ...] = ("10", "20")) -> PurchaseOrder:
    """A PO of vendor A (or ``vendor``) sent, confirmed and received in full, at 2.50 and 21 % VAT a unit."""
    lines = [line(cast.items[index], quantity=q, tax_percent=Decimal(21)) for index, q in enumerate(quantities)]
    po = po_create(actor=cast.agent, company=cast.company, vendor=vendor or cast.vendor_a, lines=lines)
    po = po_send(actor=cast.agent, purchase_order=po)
    po = po_confirm(actor=cast.agent, purchase_order=po, without_response=True)
    receipt_post(
        actor=cast.clerk,
        purchase_order=po,
        lines=[ReceiptLineInput(number, Decimal(quantity)) for number, quantity in enumerate(quantities, start=1)],
    )
    po.refresh_from_db()
    return po


def body(po: PurchaseOrder, *quantities: tuple[int, str], number: str = "INV-1", **extra: Any) -> dict[str, Any]:
    """An invoice of ``po``: ``(line_number, quantity)`` pairs."""
    return {
        "vendor": po.vendor_id,
        "number": number,
        "issue_date": TODAY().isoformat(),
        "lines": [{"purchase_order": po.pk, "line_number": n, "quantity": q} for n, q in quantities],
        **extra,
    }


def patch(client: Any, path: str, data: Any) -> Any:
    return client.client.patch(API + path, data, content_type="application/json", headers=client.headers)


@pytest.fixture
def ap(cast):
    return make_user("paula", Role.ACCOUNTS_PAYABLE)


@pytest.fixture
def po(cast):
    return received(cast)


def invoiced(po: PurchaseOrder) -> list[Decimal]:
    lines = PurchaseOrderLine.objects.filter(purchase_order=po).order_by("line_number")
    return list(lines.values_list("invoiced_quantity", flat=True))


def one_line(po: PurchaseOrder, line_number: int = 1, quantity: str = "1", **changes: Any) -> dict[str, Any]:
    """A body's ``lines`` of one line of ``po``, with ``changes``."""
    return {"lines": [{"purchase_order": po.pk, "line_number": line_number, "quantity": quantity, **changes}]}


# --- the vendor invoices --------------------------------------------------------------------------------------------


def test_the_vendor_drafts_changes_and_submits_an_invoice_of_what_was_received(api, cast, po):
    vendor = api(cast.vendor_a_user)
    lines = vendor.get("/vendor/invoiceable-lines", {"purchase_order": po.pk})
    assert lines.status_code == 200
    rows = lines.json()["items"]
    assert [(row["purchase_order"], row["line_number"], row["quantity"], row["unit_price"]) for row in rows] == [
        (po.pk, 1, "10.0000", "2.5000"),
        (po.pk, 2, "20.0000", "2.5000"),
    ]
    assert (rows[0]["tax_category"], rows[0]["tax_percent"], rows[0]["vendor"]) == ("S", "21.00", cast.vendor_a.pk)
    assert rows[0]["id"] == po.lines.get(line_number=1).pk

    created = vendor.post("/vendor/invoices", body(po, (1, "10"), (2, "20"), note="Thanks"))
    assert created.status_code == 201, created.json()
    invoice = created.json()
    assert (invoice["status"], invoice["kind"], invoice["origin"], invoice["number"]) == (
        "draft",
        "invoice",
        "api",
        "INV-1",
    )
    # Due from the vendor account's payment terms (30 days), amounts as strings, what may be done now.
    assert invoice["due_date"] == (TODAY() + dt.timedelta(days=30)).isoformat()
    assert (invoice["line_total"], invoice["tax_total"], invoice["payable_amount"]) == ("75.00", "15.75", "90.75")
    assert invoice["tax_breakdown"] == [
        {
            "category": "S",
            "percent": "21.00",
            "taxable_amount": "75.00",
            "tax_amount": "15.75",
            "exemption_reason": "",
            "exemption_reason_code": "",
        }
    ]
    assert set(invoice["actions"]) >= {"edit", "submit", "delete"}
    assert invoice["purchase_orders"] == [po.pk]
    assert invoiced(po) == [0, 0], "a draft reserves nothing"

    # GET, edit, PATCH back whole: what is output-only is ignored when unchanged.
    url = f"/vendor/invoices/{invoice['id']}"
    read = vendor.get(url).json()
    assert read == invoice
    read["lines"][1]["quantity"] = "5"
    read["lines"][1]["unit_price"] = "2.75"
    changed = patch(vendor, url, read)
    assert changed.status_code == 200, changed.json()
    assert (changed.json()["line_total"], changed.json()["lines"][1]["net_amount"]) == ("38.75", "13.75")
    assert patch(vendor, url, {"note": "Second thoughts"}).json()["note"] == "Second thoughts"
    # The due date the payment terms gave moves with the issue date; one the vendor chose stays.
    earlier = TODAY() - dt.timedelta(days=2)
    moved = patch(vendor, url, {"issue_date": earlier.isoformat()}).json()
    assert moved["due_date"] == (earlier + dt.timedelta(days=30)).isoformat()
    chosen = (TODAY() + dt.timedelta(days=10)).isoformat()
    assert patch(vendor, url, {"due_date": chosen}).json()["due_date"] == chosen
    assert patch(vendor, url, {"issue_date": TODAY().isoformat()}).json()["due_date"] == chosen
    assert patch(vendor, url, {}).json()["lines"] == changed.json()["lines"]

    submitted = vendor.post(f"{url}/submit")
    assert submitted.status_code == 200, submitted.json()
    # The price is changed beyond the company's tolerances (0 % and 0.00): on hold, the line and the total flagged.
    assert submitted.json()["status"] == "on_hold"
    assert submitted.json()["exceptions"] == [
        {"line_number": 2, "kind": "price", "expected": "2.5", "actual": "2.75"},
        {"line_number": None, "kind": "total", "expected": "37.50", "actual": "38.75"},
    ]
    assert invoiced(po) == [10, 5]
    assert "submit" not in submitted.json()["actions"]
    left = vendor.get("/vendor/invoiceable-lines", {"purchase_order": po.pk}).json()["items"]
    assert [(row["line_number"], row["quantity"]) for row in left] == [(2, "15.0000")]


def test_create_and_submit_in_one_call_and_never_more_than_remains(api, cast, po):
    vendor = api(cast.vendor_a_user)
    first = vendor.post("/vendor/invoices", body(po, (1, "6"), submit=True))
    assert first.status_code == 201, first.json()
    assert (first.json()["status"], first.json()["exceptions"]) == ("matched", [])
    assert invoiced(po) == [6, 0]

    # Only 4 remain on line 1: refused whole, nothing kept (as entered, 422; taken by another since, 409: below).
    second = vendor.post("/vendor/invoices", body(po, (2, "1"), (1, "5"), number="INV-2", submit=True))
    assert second.status_code == 422
    error = error_of(second)
    assert (error["code"], list(error["fields"])) == ("over_invoiced", ["lines.1.quantity"])
    assert not Invoice.objects.filter(number="INV-2").exists()
    assert invoiced(po) == [6, 0]


def test_two_drafts_for_one_received_quantity_one_submits_the_other_is_refused(api, cast, po):
    vendor = api(cast.vendor_a_user)
    one = vendor.post("/vendor/invoices", body(po, (1, "10"), number="A")).json()
    two = vendor.post("/vendor/invoices", body(po, (1, "10"), number="B")).json()
    assert vendor.post(f"/vendor/invoices/{one['id']}/submit").status_code == 200
    refused = vendor.post(f"/vendor/invoices/{two['id']}/submit")
    assert refused.status_code == 409
    assert (error_of(refused)["code"], list(error_of(refused)["fields"])) == ("over_invoiced", ["lines.0.quantity"])
    assert vendor.get(f"/vendor/invoices/{two['id']}").json()["status"] == "draft"
    # Once submitted, a draft's actions are gone: changing or submitting again is a conflict.
    assert error_of(vendor.post(f"/vendor/invoices/{one['id']}/submit"))["code"] == "invalid_transition"
    response = patch(vendor, f"/vendor/invoices/{one['id']}", {"note": "late"})
    assert (response.status_code, error_of(response)["code"]) == (409, "invalid_transition")


def test_a_credit_note_gives_quantities_back(api, cast, po):
    vendor = api(cast.vendor_a_user)
    invoice = vendor.post("/vendor/invoices", body(po, (1, "10"), (2, "20"), submit=True)).json()
    credit = vendor.post(
        "/vendor/invoices",
        body(po, (2, "5"), number="CN-1", kind="credit_note", credited_invoice=invoice["id"], submit=True),
    )
    assert credit.status_code == 201, credit.json()
    assert (credit.json()["kind"], credit.json()["credited_invoice"], credit.json()["payable_amount"]) == (
        "credit_note",
        invoice["id"],
        "15.13",
    )
    assert invoiced(po) == [10, 15]
    too_much = vendor.post(
        "/vendor/invoices",
        body(po, (2, "16"), number="CN-2", kind="credit_note", credited_invoice=invoice["id"], submit=True),
    )
    assert error_of(too_much)["code"] == "credit_exceeds_invoice"
    assert invoiced(po) == [10, 15]


def test_the_vendor_lists_filter_and_page(api, cast, po):
    vendor = api(cast.vendor_a_user)
    vendor.post("/vendor/invoices", body(po, (1, "1"), number="D-1"))
    matched = vendor.post("/vendor/invoices", body(po, (1, "1"), number="M-1", submit=True)).json()
    credit = {"kind": "credit_note", "credited_invoice": matched["id"], "submit": True}
    vendor.post("/vendor/invoices", body(po, (1, "1"), number="CN-9", **credit))

    def numbers(**params):
        response = vendor.get("/vendor/invoices", params)
        assert response.status_code == 200, response.json()
        return [row["number"] for row in response.json()["items"]]

    assert sorted(numbers()) == ["CN-9", "D-1", "M-1"]
    assert numbers(status="draft") == ["D-1"]
    assert numbers(kind="credit_note") == ["CN-9"]
    assert numbers(q="m-") == ["M-1"]
    assert numbers(company=cast.company.pk, status="matched", kind="invoice") == ["M-1"]
    page = vendor.get("/vendor/invoices", {"page_size": 2}).json()
    assert (page["count"], len(page["items"])) == (3, 2) and "page=2" in page["next"]
    assert vendor.get("/vendor/invoices", {"status": "sent"}).status_code == 422
    assert api(cast.vendor_b_user).get("/vendor/invoices").json() == {"items": [], "count": 0, "next": None}
    assert api(cast.vendor_b_user).get("/vendor/invoiceable-lines").json()["count"] == 0


# --- the buyer decides ----------------------------------------------------------------------------------------------


def test_the_buyer_reads_on_hold_first_approves_rejects_and_records_payment(api, cast, ap):
    vendor = api(cast.vendor_a_user)
    po = received(cast, quantities=("10", "10", "10"))
    matched = vendor.post("/vendor/invoices", body(po, (1, "10"), number="M", submit=True)).json()
    held = vendor.post("/vendor/invoices", body(po, (2, "10"), number="H", submit=True, lines=[
        {"purchase_order": po.pk, "line_number": 2, "quantity": "10", "unit_price": "3.00"}
    ])).json()  # fmt: skip
    draft = vendor.post("/vendor/invoices", body(po, (3, "10"), number="D")).json()
    assert held["status"] == "on_hold"

    buyer = api(ap)
    listed = buyer.get("/invoices").json()
    assert [row["number"] for row in listed["items"]] == ["H", "M"], "on hold first, never a draft"
    assert [row["number"] for row in buyer.get("/invoices", {"status": "matched"}).json()["items"]] == ["M"]
    assert buyer.get("/invoices", {"vendor": cast.vendor_b.pk}).json()["count"] == 0
    assert buyer.get(f"/invoices/{draft['id']}").status_code == 404
    one = buyer.get(f"/invoices/{held['id']}").json()
    assert set(one["actions"]) >= {"approve", "reject"} and "record_payment" not in one["actions"]

    rejected = buyer.post(f"/invoices/{held['id']}/reject", {"reason": "Price not agreed"})
    assert rejected.status_code == 200, rejected.json()
    assert (rejected.json()["status"], rejected.json()["reject_reason"]) == ("rejected", "Price not agreed")
    assert invoiced(po) == [10, 0, 0], "a rejected invoice releases its quantities"
    assert vendor.get(f"/vendor/invoices/{held['id']}").json()["reject_reason"] == "Price not agreed"

    approved = buyer.post(f"/invoices/{matched['id']}/approve")
    assert (approved.status_code, approved.json()["status"]) == (200, "approved")
    assert "record_payment" in approved.json()["actions"]
    paid = buyer.post(f"/invoices/{matched['id']}/paid", {"payment_date": TODAY().isoformat(), "reference": "BANK-1"})
    assert paid.status_code == 200, paid.json()
    assert (paid.json()["status"], paid.json()["payment_date"], paid.json()["payment_reference"]) == (
        "paid",
        TODAY().isoformat(),
        "BANK-1",
    )
    assert vendor.get(f"/vendor/invoices/{matched['id']}").json()["status"] == "paid"
    again = buyer.post(f"/invoices/{matched['id']}/approve")
    assert (again.status_code, error_of(again)["code"]) == (409, "invalid_transition")


def test_the_purchasing_agent_reads_invoices_but_does_not_decide(api, cast, po):
    invoice = api(cast.vendor_a_user).post("/vendor/invoices", body(po, (1, "1"), submit=True)).json()
    agent = api(cast.agent)
    assert agent.get(f"/invoices/{invoice['id']}").status_code == 200
    assert agent.get("/invoices").json()["count"] == 1
    assert agent.get(f"/invoices/{invoice['id']}").json()["actions"] == ["add_note"]
    for path, data in [("approve", {}), ("reject", {"reason": "No"}), ("paid", {"payment_date": TODAY().isoformat()})]:
        response = agent.post(f"/invoices/{invoice['id']}/{path}", data)
        assert (response.status_code, error_of(response)["code"]) == (403, "permission_denied"), path
    assert Invoice.objects.get(pk=invoice["id"]).status == InvoiceStatus.MATCHED
    assert api(cast.admin).post(f"/invoices/{invoice['id']}/approve").status_code == 200


def test_the_buyers_internal_notes_never_reach_the_vendor_api(api, cast, po):
    created = api(cast.vendor_a_user).post("/vendor/invoices", body(po, (1, "1"), submit=True)).json()
    invoice = Invoice.objects.get(pk=created["id"])
    invoice_note_add(actor=cast.admin, invoice=invoice, text="Check with Bob first", visibility=Visibility.INTERNAL)
    invoice_note_add(actor=cast.admin, invoice=invoice, text="We pay on Friday", visibility=Visibility.EXTERNAL)

    buyer_notes = api(cast.agent).get(f"/invoices/{invoice.pk}").json()["notes"]
    assert [(note["text"], note["visibility"]) for note in buyer_notes] == [
        ("Check with Bob first", "internal"),
        ("We pay on Friday", "external"),
    ]
    vendor = api(cast.vendor_a_user)
    for response in (vendor.get(f"/vendor/invoices/{invoice.pk}"), vendor.get("/vendor/invoices")):
        assert "Check with Bob" not in response.content.decode()
        assert "We pay on Friday" in response.content.decode()


# --- refusals, walls, retries ----------------------------------------------------------------------------------------


def test_another_vendor_gets_404_on_every_vendor_invoice_path_and_vendors_get_404_on_the_buyers(api, cast, po):
    invoice = api(cast.vendor_a_user).post("/vendor/invoices", body(po, (1, "1"))).json()
    other = api(cast.vendor_b_user)
    for method, path in [
        ("get", f"/vendor/invoices/{invoice['id']}"),
        ("patch", f"/vendor/invoices/{invoice['id']}"),
        ("post", f"/vendor/invoices/{invoice['id']}/submit"),
        ("get", f"/vendor/invoices/{invoice['id']}/pdf"),
        ("get", f"/vendor/invoices/{invoice['id']}/ubl"),
    ]:
        response = patch(other, path, {"note": "x"}) if method == "patch" else getattr(other, method)(path)
        assert (response.status_code, error_of(response)["code"]) == (404, "not_found"), path
    # Vendor B cannot invoice vendor A's purchase order either: neither the account nor the PO exist for it.
    stolen = other.post("/vendor/invoices", body(po, (1, "1"), number="X"))
    assert (stolen.status_code, error_of(stolen)["code"]) == (422, "unknown_vendor")
    stolen = other.post("/vendor/invoices", {**body(po, (1, "1"), number="X"), "vendor": cast.vendor_b.pk})
    assert (stolen.status_code, error_of(stolen)["code"], list(error_of(stolen)["fields"])) == (
        422,
        "unknown_line",
        ["lines.0"],
    )
    assert Invoice.objects.get(pk=invoice["id"]).status == InvoiceStatus.DRAFT

    Invoice.objects.filter(pk=invoice["id"]).update(status=InvoiceStatus.MATCHED)  # so that buyers see it
    for user in (cast.vendor_a_user, cast.vendor_a_admin):
        for path in ("/invoices", f"/invoices/{invoice['id']}", f"/invoices/{invoice['id']}/pdf"):
            assert api(user).get(path).status_code == 404, path
        assert api(user).post(f"/invoices/{invoice['id']}/approve").status_code == 404
    # And buyers do not have the vendor's paths.
    assert api(cast.admin).get(f"/vendor/invoices/{invoice['id']}").status_code == 404
    assert api(cast.admin).get("/vendor/invoiceable-lines").status_code == 404
    assert api().get("/invoices").status_code == 401


@pytest.fixture
def refusals(api, cast, po):
    """A user of both vendor accounts (one invoice covers the purchase orders of one of them), vendor A's received
    PO with 1 of line 1 invoiced as INV-1, and the purchase orders a refusal needs."""
    vendor = api(make_user("vera", Role.VENDOR_USER, vendors=(cast.vendor_a, cast.vendor_b)))
    first = vendor.post("/vendor/invoices", body(po, (1, "1"), submit=True))
    assert first.status_code == 201
    lines = [line(cast.items[0], tax_percent=Decimal(21))]
    unreceived = po_create(actor=cast.agent, company=cast.company, vendor=cast.vendor_a, lines=lines)
    unreceived = po_confirm(
        actor=cast.agent, purchase_order=po_send(actor=cast.agent, purchase_order=unreceived), without_response=True
    )
    usd = received(cast)
    PurchaseOrder.objects.filter(pk=usd.pk).update(currency="USD")
    world = {
        "po": po,
        "other": received(cast, vendor=cast.vendor_b),
        "unreceived": unreceived,
        "usd": usd,
        "invoice": first.json()["id"],
        "draft": vendor.post("/vendor/invoices", body(po, (2, "1"), number="D-1")).json()["id"],
    }
    return vendor, world


def both(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    """The lines of two bodies in one."""
    return {"lines": first["lines"] + second["lines"]}


@pytest.mark.parametrize(
    ("change", "status", "code", "field"),
    [
        (lambda w: {"number": "INV-1"}, 422, "number_taken", "number"),
        (lambda w: {"lines": []}, 422, "no_lines", "lines"),
        (lambda w: {"vendor": 987654}, 422, "unknown_vendor", "vendor"),
        (lambda w: one_line(w["po"], 9), 422, "unknown_line", "lines.0"),
        (lambda w: one_line(w["other"]), 422, "wrong_vendor", "lines.0.purchase_order"),
        (lambda w: one_line(w["unreceived"]), 422, "not_invoiceable", "lines.0"),
        (lambda w: both(one_line(w["po"]), one_line(w["po"])), 422, "duplicate_line", "lines.1"),
        (lambda w: both(one_line(w["po"]), one_line(w["usd"])), 422, "currency_mismatch", "lines.1.purchase_order"),
        (lambda w: {"currency": "USD"}, 422, "currency_mismatch", "currency"),
        (lambda w: one_line(w["po"], quantity="0"), 422, "quantity_not_positive", "lines.0.quantity"),
        (lambda w: one_line(w["po"], unit_price="-1"), 422, "price_negative", "lines.0.unit_price"),
        (lambda w: one_line(w["po"], tax_category="X"), 422, "tax_category_invalid", "lines.0.tax_category"),
        (lambda w: one_line(w["po"], tax_percent="0"), 422, "tax_percent_invalid", "lines.0.tax_percent"),
        (lambda w: both(one_line(w["po"], tax_category="O", tax_percent="0"), one_line(w["po"], 2)), 422,
         "tax_categories_mixed", "lines"),
        (lambda w: {"due_date": (TODAY() - dt.timedelta(days=1)).isoformat()}, 422, "due_before_issue", "due_date"),
        (lambda w: {"kind": "credit_note"}, 422, "credited_invoice_required", "credited_invoice"),
        (lambda w: {"kind": "credit_note", "credited_invoice": w["draft"]}, 422, "not_creditable", "credited_invoice"),
        (lambda w: {"kind": "credit_note", "credited_invoice": w["invoice"], **one_line(w["po"], quantity="2")}, 422,
         "credit_exceeds_invoice", "lines.0.quantity"),
        (lambda w: {"charges": [{"reason": "Freight", "amount": "0"}]}, 422, "amount_not_positive", "charges.0.amount"),
        (lambda w: {**one_line(w["po"], quantity="10"), "submit": True}, 422, "over_invoiced", "lines.0.quantity"),
        (lambda w: {"number": "x" * 31}, 422, "invalid_input", "number"),
        (lambda w: {"kind": "debit_note"}, 422, "invalid_input", "kind"),
        (lambda w: {"colour": "red"}, 422, "invalid_input", "colour"),
    ],
)  # fmt: skip
def test_every_refusal_of_an_invoice_has_its_code_and_names_its_field(refusals, change, status, code, field):
    vendor, world = refusals
    before = Invoice.objects.count()
    response = vendor.post("/vendor/invoices", {**body(world["po"], (1, "1"), number="INV-2"), **change(world)})
    assert response.status_code == status, response.json()
    error = error_of(response)
    assert (error["code"], field in error["fields"]) == (code, True), error
    assert Invoice.objects.count() == before


def test_a_credited_invoice_is_not_rejected_twice_over(api, cast, po, ap):
    vendor = api(cast.vendor_a_user)
    invoice = vendor.post("/vendor/invoices", body(po, (1, "5"), submit=True)).json()
    credit = {"kind": "credit_note", "credited_invoice": invoice["id"], "submit": True}
    assert vendor.post("/vendor/invoices", body(po, (1, "2"), number="CN-1", **credit)).status_code == 201
    refused = api(ap).post(f"/invoices/{invoice['id']}/reject", {"reason": "Wrong"})
    assert (refused.status_code, error_of(refused)["code"]) == (409, "invoice_credited")
    assert "reject" not in api(ap).get(f"/invoices/{invoice['id']}").json()["actions"]
    assert invoiced(po) == [3, 0]


def test_the_buyers_decisions_refuse_what_is_missing(api, cast, po, ap):
    invoice = api(cast.vendor_a_user).post("/vendor/invoices", body(po, (1, "1"), submit=True)).json()
    buyer = api(ap)
    url = f"/invoices/{invoice['id']}"
    for path, data, code, field in [
        ("reject", {}, "reason_required", "reason"),
        ("reject", {"reason": "  "}, "reason_required", "reason"),
        ("paid", {"payment_date": TODAY().isoformat()}, "invalid_transition", None),  # not approved yet
    ]:
        response = buyer.post(f"{url}/{path}", data)
        assert error_of(response)["code"] == code, (path, data)
        assert field is None or field in error_of(response)["fields"]
    assert buyer.post(f"{url}/approve").status_code == 200
    for data, code in [
        ({}, "payment_date_required"),
        ({"payment_date": (TODAY() + dt.timedelta(days=1)).isoformat()}, "payment_date_in_future"),
        ({"payment_date": "yesterday"}, "invalid_input"),
    ]:
        response = buyer.post(f"{url}/paid", data)
        assert (response.status_code, error_of(response)["code"]) == (422, code), data
        assert "payment_date" in error_of(response)["fields"]
    assert Invoice.objects.get(pk=invoice["id"]).status == InvoiceStatus.APPROVED


def test_a_patch_refuses_a_changed_output_only_field_and_unknown_fields(api, cast, po):
    vendor = api(cast.vendor_a_user)
    invoice = vendor.post("/vendor/invoices", body(po, (1, "2"))).json()
    url = f"/vendor/invoices/{invoice['id']}"
    for data, field in [
        ({"payable_amount": "1.00"}, "payable_amount"),
        ({"status": "approved"}, "status"),
        ({"company": cast.company.pk + 1}, "company"),
    ]:
        response = patch(vendor, url, data)
        assert (response.status_code, error_of(response)["code"]) == (422, "read_only_field"), data
        assert list(error_of(response)["fields"]) == [field]
    response = patch(vendor, url, {"lines": [{**invoice["lines"][0], "margin": "1"}]})
    assert response.status_code == 422 and "lines.0.margin" in error_of(response)["fields"]
    # Unchanged output-only fields and the ones that move on their own are ignored.
    same = patch(vendor, url, {"payable_amount": invoice["payable_amount"], "updated_at": "2000-01-01T00:00:00Z"})
    assert same.status_code == 200, same.json()
    assert vendor.get(url).json()["payable_amount"] == invoice["payable_amount"]


def test_a_retried_create_or_submit_with_an_idempotency_key_happens_once(api, cast, po):
    vendor = api(cast.vendor_a_user)
    first = vendor.post("/vendor/invoices", body(po, (1, "4")), **{"Idempotency-Key": "erp-inv-1"})
    retry = vendor.post("/vendor/invoices", body(po, (1, "4")), **{"Idempotency-Key": "erp-inv-1"})
    assert first.status_code == 201 and (retry.status_code, retry.content) == (201, first.content)
    assert retry["Idempotent-Replayed"] == "true"
    assert Invoice.objects.count() == 1
    url = f"/vendor/invoices/{first.json()['id']}/submit"
    assert vendor.post(url, **{"Idempotency-Key": "erp-sub-1"}).status_code == 200
    again = vendor.post(url, **{"Idempotency-Key": "erp-sub-1"})
    assert (again.status_code, again["Idempotent-Replayed"]) == (200, "true")
    assert invoiced(po) == [4, 0]


# --- lists cost the same for few and many rows -----------------------------------------------------------------------


@pytest.mark.parametrize("side", ["vendor", "buyer", "lines"])
def test_each_invoice_list_costs_the_same_queries_for_few_and_many_rows(api, cast, ap, side):
    vendor = api(cast.vendor_a_user)
    client, path = {
        "vendor": (vendor, "/vendor/invoices"),
        "buyer": (api(ap), "/invoices"),
        "lines": (vendor, "/vendor/invoiceable-lines"),
    }[side]

    def grow(count: int) -> None:
        for _ in range(count):
            po = received(cast, quantities=("5", "5", "5"))
            number = f"G-{po.pk}"
            created = vendor.post("/vendor/invoices", body(po, (1, "1"), (2, "1"), number=number, submit=True))
            assert created.status_code == 201, created.json()

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code == 200, response.json()
        return len(captured), response.json()["count"]

    grow(1)
    client.get(path)  # stamps the token's first use
    few, count = queries()
    grow(4)
    many, more = queries()
    assert more > count
    assert many == few, (few, many)


# --- documents and the OpenAPI document ---------------------------------------------------------------------------


def test_the_openapi_document_lists_the_invoice_paths_and_their_codes(api):
    document = api().get("/openapi.json").json()
    paths = document["paths"]
    expected = {
        "/api/v1/vendor/invoiceable-lines": {"get"},
        "/api/v1/vendor/invoices": {"get", "post"},
        "/api/v1/vendor/invoices/{id}": {"get", "patch"},
        "/api/v1/vendor/invoices/{id}/submit": {"post"},
        "/api/v1/vendor/invoices/{id}/pdf": {"get"},
        "/api/v1/vendor/invoices/{id}/ubl": {"get"},
        "/api/v1/invoices": {"get"},
        "/api/v1/invoices/{id}": {"get"},
        "/api/v1/invoices/{id}/approve": {"post"},
        "/api/v1/invoices/{id}/reject": {"post"},
        "/api/v1/invoices/{id}/paid": {"post"},
        "/api/v1/invoices/{id}/pdf": {"get"},
        "/api/v1/invoices/{id}/ubl": {"get"},
    }
    for path, methods in expected.items():
        assert set(paths[path]) == methods, path

    def codes(path: str, method: str) -> set[str]:
        schema = document["components"]["schemas"][f"{paths[path][method]['operationId']}_error"]
        return set(schema["properties"]["error"]["properties"]["code"]["enum"])

    assert {"over_invoiced", "number_taken", "wrong_vendor", "credit_exceeds_invoice"} <= codes(
        "/api/v1/vendor/invoices", "post"
    )
    assert {"over_invoiced", "invalid_transition"} <= codes("/api/v1/vendor/invoices/{id}/submit", "post")
    assert {"read_only_field", "invalid_transition"} <= codes("/api/v1/vendor/invoices/{id}", "patch")
    assert "reason_required" in codes("/api/v1/invoices/{id}/reject", "post")
    assert {"payment_date_required", "payment_date_in_future"} <= codes("/api/v1/invoices/{id}/paid", "post")
    assert "reason_required" not in codes("/api/v1/invoices/{id}/approve", "post")
    assert "over_invoiced" not in codes("/api/v1/invoices/{id}", "get")
    assert "409" in paths["/api/v1/vendor/invoices/{id}/submit"]["post"]["responses"]
    assert "application/pdf" in paths["/api/v1/invoices/{id}/pdf"]["get"]["responses"]["200"]["content"]
    invoice = document["components"]["schemas"]["InvoiceOut"]["properties"]
    assert {"id", "actions", "lines", "tax_breakdown", "exceptions", "notes"} <= set(invoice)


@pytest.fixture
def invoice_and_credit_note(api, cast, po):
    vendor = api(cast.vendor_a_user)
    invoice = vendor.post("/vendor/invoices", body(po, (1, "3"), submit=True)).json()
    credit = {"kind": "credit_note", "credited_invoice": invoice["id"], "submit": True}
    credit_note = vendor.post("/vendor/invoices", body(po, (1, "1"), number="CN-1", **credit)).json()
    return invoice, credit_note


def test_the_invoice_and_the_credit_note_as_ubl_for_both_sides(api, cast, invoice_and_credit_note):
    invoice, credit_note = invoice_and_credit_note
    for client, prefix in ((api(cast.vendor_a_user), "/vendor/invoices"), (api(cast.agent), "/invoices")):
        ubl = client.get(f"{prefix}/{invoice['id']}/ubl")
        assert ubl.status_code == 200 and ubl["Content-Type"].startswith("application/xml")
        assert "invoice-INV-1.xml" in ubl["Content-Disposition"]
        assert b"<Invoice" in ubl.content and b"<cbc:ID>INV-1</cbc:ID>" in ubl.content
        note = client.get(f"{prefix}/{credit_note['id']}/ubl")
        assert note.status_code == 200 and b"<CreditNote" in note.content and b"CN-1" in note.content


def test_the_invoice_as_pdf_for_both_sides(api, cast, invoice_and_credit_note):
    invoice, _credit_note = invoice_and_credit_note
    for client, prefix in ((api(cast.vendor_a_user), "/vendor/invoices"), (api(cast.agent), "/invoices")):
        pdf = client.get(f"{prefix}/{invoice['id']}/pdf")
        assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")
        assert pdf.content.startswith(b"%PDF") and "INV-1" in pdf["Content-Disposition"]


def test_a_patch_of_a_draft_keeps_what_the_api_does_not_show(api, cast, po):
    """A draft made elsewhere (a page, a service) with a line allowance and a prepaid amount keeps both when the
    API changes only its note: the edit starts from the whole stored draft (``InvoiceInput.of``)."""
    draft = invoice_create(
        actor=cast.vendor_a_user,
        data=InvoiceInput(
            vendor_id=cast.vendor_a.pk,
            number="INV-KEEP",
            issue_date=TODAY(),
            lines=[
                InvoiceLineInput(
                    purchase_order_id=po.pk,
                    line_number=1,
                    quantity=Decimal(4),
                    charges=[LineChargeInput(is_charge=False, reason="Early order", amount=Decimal("1.00"))],
                )
            ],
            prepaid_amount=Decimal("5.00"),
        ),
    )
    answer = patch(api(cast.vendor_a_user), f"/vendor/invoices/{draft.pk}", {"note": "Delivered in two parts"})
    assert answer.status_code == 200, answer.json()
    draft.refresh_from_db()
    assert draft.note == "Delivered in two parts"
    assert [(c.reason, c.amount) for c in draft.lines.get().charges.all()] == [("Early order", Decimal("1.00"))]
    # 4 x 2.50 - 1.00 = 9.00 net, 1.89 VAT, 10.89 in all, of which 5.00 was paid before.
    assert (draft.line_total, draft.prepaid_amount, draft.payable_amount) == (
        Decimal("9.00"),
        Decimal("5.00"),
        Decimal("5.89"),
    )


def test_the_ubl_of_an_invoice_costs_the_same_queries_for_1_line_as_for_20(api, cast):
    """Each line carries an allowance: the document reads every line's allowances and charges, fetched with the
    invoice rather than one query per line."""
    vendor = api(cast.vendor_a_user)
    clients = ((vendor, "/vendor/invoices"), (api(cast.agent), "/invoices"))

    def invoice_of(count: int, number: str) -> int:
        lines = [line(cast.items[index % 3], quantity="4", tax_percent=Decimal(21)) for index in range(count)]
        po = po_create(actor=cast.agent, company=cast.company, vendor=cast.vendor_a, lines=lines)
        po = po_confirm(
            actor=cast.agent, purchase_order=po_send(actor=cast.agent, purchase_order=po), without_response=True
        )
        receipt_post(
            actor=cast.clerk,
            purchase_order=po,
            lines=[ReceiptLineInput(number, Decimal(4)) for number in range(1, count + 1)],
        )
        quantities = [(number, "2") for number in range(1, count + 1)]
        created = vendor.post("/vendor/invoices", body(po, *quantities, number=number, submit=True))
        assert created.status_code == 201, created.json()
        invoice = Invoice.objects.get(pk=created.json()["id"])
        InvoiceLineCharge.objects.bulk_create(
            InvoiceLineCharge(line=row, reason="Discount", reason_code="95", amount=Decimal("0.10"))
            for row in invoice.lines.all()
        )
        return invoice.pk

    def queries(client: Any, path: str) -> tuple[int, bytes]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code == 200
        return len(captured), response.content

    small, large = invoice_of(1, "UBL-1"), invoice_of(20, "UBL-20")
    for client, prefix in clients:
        client.get(f"{prefix}/{small}/ubl")  # stamps the token's first use
        few, _document = queries(client, f"{prefix}/{small}/ubl")
        many, document = queries(client, f"{prefix}/{large}/ubl")
        assert document.count(b"<cac:AllowanceCharge>") == 20
        assert many == few, (prefix, few, many)
