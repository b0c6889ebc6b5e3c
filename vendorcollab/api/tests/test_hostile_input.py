"""Hostile input against every write of the API: each JSON write operation of the OpenAPI document gets, one field
at a time from a valid request, every value of the hostile catalogue (control characters, NUL, 100 kB strings, huge
and negative numbers, extreme dates).

Each answer must be a 4xx (never a 5xx); a 422 names the field. What was accepted is stored as a client would leave
it, and every page, PDF and UBL export of the purchase order it touched must still answer 200. Each attempt runs in
a savepoint rolled back afterwards, so that one valid request can be tried again and again (an answer, a send).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client

from vendorcollab.api.api import api as ninja_api
from vendorcollab.api.services import token_issue
from vendorcollab.common.testing import hostile
from vendorcollab.common.testing.factories import in_days, make_po
from vendorcollab.consignment.models import ConsignmentPrice
from vendorcollab.consignment.services import ReceiveInput, StockLineInput, replenishment_create, replenishment_receive
from vendorcollab.invoicing.inputs import InvoiceInput, InvoiceLineInput
from vendorcollab.invoicing.services import invoice_approve, invoice_create, invoice_create_and_submit
from vendorcollab.purchasing.models import PurchaseOrder, ResponseKind
from vendorcollab.purchasing.services import ReceiptLineInput, po_confirm, receipt_post, response_submit
from vendorcollab.shipping.inputs import ShipNoticeInput, ShipNoticeLineInput
from vendorcollab.shipping.services import ship_notice_create

API = "/api/v1"
METHODS = ("post", "put", "patch")


def _write_operations() -> set[str]:
    """Every operation of the document with a JSON body: the ones this test must cover."""
    document = ninja_api.get_openapi_schema(path_prefix=API + "/")
    return {
        operation["operationId"]
        for operations in document["paths"].values()
        for method, operation in operations.items()
        if method in METHODS and "application/json" in operation.get("requestBody", {}).get("content", {})
    }


def _stock_line(cast: Any, **extra: Any) -> dict[str, Any]:
    return {
        "item": cast.items[0].pk,
        "quantity": 2,
        "site": cast.site.pk,
        "warehouse": cast.warehouse.pk,
        "color": "red",
        "size": "M",
        "style": "plain",
        "configuration": "std",
        **extra,
    }


def _po_line(cast: Any, number: int = 1) -> dict[str, Any]:
    return {
        "line_number": number,
        "item": cast.items[0].pk,
        "description": "Chair",
        "quantity": 3,
        "unit": "ea",
        "unit_price": 2.5,
        "discount_percent": 5,
        "delivery_date": in_days(20).isoformat(),
        "site": cast.site.pk,
        "warehouse": cast.warehouse.pk,
        "color": "red",
        "size": "M",
        "style": "plain",
        "configuration": "std",
    }


def _charge(line_number: int | None = 1) -> dict[str, Any]:
    return {"code": "FRT", "amount": 12.5, "description": "Freight", "line_number": line_number}


def _invoice_body(w: dict[str, Any]) -> dict[str, Any]:
    """Every field of an invoice a vendor's ERP sends: a line of the received PO, a charge."""
    line = {
        "purchase_order": w["received"].pk,
        "line_number": 2,
        "quantity": 3,
        "unit_price": 2.5,
        "tax_category": "S",
        "tax_percent": 21,
        "tax_exemption_reason": "",
        "note": "Delivered in two boxes.",
    }
    charge = {"is_charge": True, "reason": "Freight", "reason_code": "FC", "amount": 12.5, "tax_category": "S"}
    return {
        "issue_date": in_days(0).isoformat(),
        "due_date": in_days(30).isoformat(),
        "currency": "EUR",
        "buyer_reference": "REF-1",
        "note": "Thank you.",
        "lines": [line],
        "charges": [charge],
    }


# Per operation: who calls it (buyer, vendor or anonymous), and the method, path and valid body from the world.
Request = tuple[str, str, str, dict[str, Any]]
OPERATIONS: dict[str, Callable[[Any, dict[str, Any]], Request]] = {
    "auth_token_create": lambda cast, w: (
        "anonymous",
        "post",
        "/auth/token",
        {"username": cast.agent.username, "password": "pw-" + cast.agent.username, "name": "ERP", "otp": ""},
    ),
    "vendor_bulk_accept": lambda cast, w: (
        "vendor",
        "post",
        "/vendor/purchase-orders/bulk-accept",
        {"items": [{"purchase_order": w["sent"].pk, "version": 1}]},
    ),
    "vendor_response_create": lambda cast, w: (
        "vendor",
        "post",
        f"/vendor/purchase-orders/{w['sent'].pk}/responses",
        {
            "version": 1,
            "action": "accept_with_changes",
            "vendor_reference": "SO-1",
            "note": "Partly from stock.",
            "lines": [
                {
                    "line_number": 1,
                    "action": "substitute",
                    "quantity": 4,
                    "delivery_date": in_days(25).isoformat(),
                    "external_item_number": "FAB-1",
                    "external_description": "Chair, blue",
                    "note": "Blue instead.",
                    "unit_price": 2.5,
                    "discount_percent": 0,
                },
                {
                    "line_number": 2,
                    "action": "split",
                    "schedule": [
                        {"quantity": 5, "delivery_date": in_days(10).isoformat()},
                        {"quantity": 15, "delivery_date": in_days(30).isoformat()},
                    ],
                },
            ],
            "charges": [],
        },
    ),
    "consignment_replenishment_create": lambda cast, w: (
        "buyer",
        "post",
        "/consignment/replenishment-orders",
        {
            "vendor": cast.vendor_a.pk,
            "note": "Week 12",
            "lines": [_stock_line(cast, expected_date=in_days(5).isoformat())],
        },
    ),
    "consignment_replenishment_receive": lambda cast, w: (
        "buyer",
        "post",
        f"/consignment/replenishment-orders/{w['replenishment'].pk}/receipts",
        {"lines": [{"line_number": 1, "quantity": 1}]},
    ),
    "consignment_ownership_change_post": lambda cast, w: (
        "buyer",
        "post",
        "/consignment/ownership-changes",
        {"vendor": cast.vendor_a.pk, "date": in_days(0).isoformat(), "lines": [_stock_line(cast, quantity=1)]},
    ),
    "consignment_price_create": lambda cast, w: (
        "buyer",
        "post",
        "/consignment/prices",
        {
            "vendor": cast.vendor_a.pk,
            "item": cast.items[0].pk,
            "unit_price": "3.50",
            "currency": "EUR",
            "valid_from": in_days(0).isoformat(),
        },
    ),
    "consignment_price_update": lambda cast, w: (
        "buyer",
        "patch",
        f"/consignment/prices/{w['price'].pk}",
        {"unit_price": "5", "currency": "USD", "valid_from": in_days(-1).isoformat()},
    ),
    "company_create": lambda cast, w: (
        "buyer",
        "post",
        "/companies",
        {"code": "C2", "name": "Second", "endpoint_scheme": "0088", "endpoint_id": "5790000", "street_name": "Main 1"},
    ),
    "vendor_create": lambda cast, w: (
        "buyer",
        "post",
        "/vendors",
        {
            "company": cast.company.pk,
            "number": "V-900",
            "name": "New vendor",
            "collaboration": "manual_confirm",
            "show_prices": True,
            "language": "en",
            "email": "sales@example.com",
            "street_name": "Road 2",
            "endpoint_scheme": "0088",
            "endpoint_id": "5790001",
        },
    ),
    "vendor_update": lambda cast, w: (
        "buyer",
        "patch",
        f"/vendors/{cast.vendor_a.pk}",
        {
            "number": cast.vendor_a.number,
            "name": "Vendor A renamed",
            "email": "a@example.com",
            "street_name": "Street 3",
            "language": "en",
            "endpoint_scheme": "0088",
            "endpoint_id": "5790002",
        },
    ),
    "user_create": lambda cast, w: (
        "buyer",
        "post",
        "/users",
        {
            "username": "newbie",
            "email": "newbie@example.com",
            "password": "a-long-password-1",
            "first_name": "New",
            "last_name": "Bie",
            "language": "en",
            "roles": ["vendor_user"],
            "vendors": [cast.vendor_a.pk],
        },
    ),
    "item_create": lambda cast, w: (
        "buyer",
        "post",
        "/items",
        {"company": cast.company.pk, "number": "IT-900", "name": "Desk", "unit": "ea"},
    ),
    "site_create": lambda cast, w: (
        "buyer",
        "post",
        "/sites",
        {"company": cast.company.pk, "code": "S9", "name": "Depot"},
    ),
    "warehouse_create": lambda cast, w: (
        "buyer",
        "post",
        "/warehouses",
        {"site": cast.site.pk, "code": "W9", "name": "Hall 9"},
    ),
    "buyer_purchase_order_create": lambda cast, w: (
        "buyer",
        "post",
        "/purchase-orders",
        {
            "company": cast.company.pk,
            "vendor": cast.vendor_a.pk,
            "number": "PO-H-1",
            "currency": "EUR",
            "order_date": in_days(0).isoformat(),
            "lines": [_po_line(cast)],
            "charges": [_charge()],
        },
    ),
    "buyer_purchase_order_update": lambda cast, w: (
        "buyer",
        "patch",
        f"/purchase-orders/{w['draft'].pk}",
        {"currency": "EUR", "lines": [_po_line(cast)], "charges": [_charge()]},
    ),
    "buyer_purchase_order_confirm": lambda cast, w: (
        "buyer",
        "post",
        f"/purchase-orders/{w['sent'].pk}/confirm",
        {"apply_vendor_changes": False, "without_response": True},
    ),
    "buyer_purchase_order_request_change": lambda cast, w: (
        "buyer",
        "post",
        f"/purchase-orders/{w['sent'].pk}/request-change",
        {"reason": "Prices changed."},
    ),
    "buyer_purchase_order_cancel": lambda cast, w: (
        "buyer",
        "post",
        f"/purchase-orders/{w['sent'].pk}/cancel",
        {"reason": "No longer needed."},
    ),
    "buyer_purchase_order_receive": lambda cast, w: (
        "buyer",
        "post",
        f"/purchase-orders/{w['confirmed'].pk}/receipts",
        {"lines": [{"line_number": 1, "quantity": 1}], "received_date": in_days(0).isoformat()},
    ),
    "vendor_invoice_create": lambda cast, w: (
        "vendor",
        "post",
        "/vendor/invoices",
        {"vendor": cast.vendor_a.pk, "kind": "invoice", "number": "INV-H-1", **_invoice_body(w), "submit": True},
    ),
    "vendor_invoice_update": lambda cast, w: (
        "vendor",
        "patch",
        f"/vendor/invoices/{w['invoices']['draft'].pk}",
        {"number": "INV-H-2", **_invoice_body(w)},
    ),
    "buyer_invoice_reject": lambda cast, w: (
        "buyer",
        "post",
        f"/invoices/{w['invoices']['matched'].pk}/reject",
        {"reason": "The price is not the one agreed."},
    ),
    "buyer_invoice_pay": lambda cast, w: (
        "buyer",
        "post",
        f"/invoices/{w['invoices']['approved'].pk}/paid",
        {"payment_date": in_days(0).isoformat(), "reference": "BANK-2026-001"},
    ),
    "vendor_ship_notice_create": lambda cast, w: (
        "vendor",
        "post",
        "/vendor/ship-notices",
        {
            "purchase_order": w["to_ship"].pk,
            "number": "ASN-H-1",
            "despatch_date": in_days(0).isoformat(),
            "expected_delivery_date": in_days(3).isoformat(),
            "carrier": "DHL Freight",
            "tracking_number": "JJD0001",
            "packages": 2,
            "note": "Two pallets.",
            "lines": [{"line_number": 2, "quantity": 5}],
        },
    ),
    "vendor_ship_notice_cancel": lambda cast, w: (
        "vendor",
        "post",
        f"/vendor/ship-notices/{w['notice'].pk}/cancel",
        {"reason": "The truck broke down."},
    ),
    "buyer_ship_notice_receive": lambda cast, w: (
        "buyer",
        "post",
        f"/ship-notices/{w['notice'].pk}/receive",
        {"received_date": in_days(0).isoformat(), "lines": [{"line_number": 1, "quantity": 3}]},
    ),
}


def test_every_json_write_of_the_document_is_in_the_hostile_test():
    """A new write operation cannot escape: it must be given a valid request above."""
    assert _write_operations() == set(OPERATIONS)


@pytest.fixture
def world(cast):
    draft = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items)
    sent = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:2], send=True)
    confirmed = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    po_confirm(actor=cast.agent, purchase_order=confirmed, without_response=True)
    for item in cast.items:
        ConsignmentPrice.objects.create(vendor=cast.vendor_a, item=item, unit_price=Decimal(4))
    stock = StockLineInput(
        item=cast.items[0], quantity=Decimal(10), warehouse=cast.warehouse, site=cast.site, expected_date=in_days(2)
    )
    stocked = replenishment_create(
        actor=cast.agent,
        vendor=cast.vendor_a,
        lines=[
            StockLineInput(**{**stock.__dict__, "color": "red", "size": "M", "style": "plain", "configuration": "std"})
        ],
    )
    replenishment_receive(actor=cast.clerk, order=stocked, lines=[ReceiveInput(1, Decimal(10))])
    replenishment = replenishment_create(actor=cast.agent, vendor=cast.vendor_a, lines=[stock])
    answered = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    response_submit(actor=cast.vendor_a_user, purchase_order=answered, version=1, kind=ResponseKind.ACCEPTED)
    received = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:2], send=True)
    po_confirm(actor=cast.agent, purchase_order=received, without_response=True)
    receipt_post(
        actor=cast.clerk,
        purchase_order=received,
        lines=[ReceiptLineInput(1, Decimal(10)), ReceiptLineInput(2, Decimal(20))],
    )
    invoices = {}
    for number, make in (
        ("draft", invoice_create),
        ("matched", invoice_create_and_submit),
        ("approved", invoice_create_and_submit),
    ):
        line = InvoiceLineInput(
            purchase_order_id=received.pk, line_number=1, quantity=Decimal(1), tax_percent=Decimal(21)
        )
        data = InvoiceInput(vendor_id=cast.vendor_a.pk, number=number, issue_date=in_days(0), lines=[line])
        invoices[number] = make(actor=cast.vendor_a_user, data=data)
    invoice_approve(actor=cast.admin, invoice=invoices["approved"])
    to_ship = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:2], send=True)
    po_confirm(actor=cast.agent, purchase_order=to_ship, without_response=True)
    notice = ship_notice_create(
        actor=cast.vendor_a_user,
        data=ShipNoticeInput(
            lines=(ShipNoticeLineInput(purchase_order_id=to_ship.pk, line_number=1, quantity=Decimal(4)),),
            expected_delivery_date=in_days(2),
        ),
    )
    buyer_token = token_issue(actor=cast.admin)[1]
    vendor_token = token_issue(actor=cast.vendor_a_user)[1]
    buyer_page, vendor_page = Client(raise_request_exception=False), Client(raise_request_exception=False)
    buyer_page.force_login(cast.admin)
    vendor_page.force_login(cast.vendor_a_user)
    return {
        "draft": draft,
        "sent": sent,
        "confirmed": confirmed,
        "answered": answered,
        "replenishment": replenishment,
        "received": received,
        "invoices": invoices,
        "to_ship": to_ship,
        "notice": notice,
        "price": ConsignmentPrice.objects.filter(vendor=cast.vendor_a).order_by("pk").first(),
        "headers": {
            "buyer": {"Authorization": f"Bearer {buyer_token}"},
            "vendor": {"Authorization": f"Bearer {vendor_token}"},
            "anonymous": {},
        },
        "buyer_page": buyer_page,
        "vendor_page": vendor_page,
    }


def _touched(world: dict[str, Any], path: str, answer: Any) -> list[PurchaseOrder]:
    """The purchase orders whose documents an accepted request may have changed."""
    ids = {world["answered"].pk}  # carries the vendor's and the company's names and addresses
    for part in path.split("/"):
        if part.isdigit() and "purchase-orders" in path:
            ids.add(int(part))
    body = answer.json() if answer.get("Content-Type", "").startswith("application/json") else {}
    if "purchase-orders" in path and isinstance(body, dict) and isinstance(body.get("id"), int):
        ids.add(body["id"])
    return list(PurchaseOrder.objects.filter(pk__in=ids))


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_hostile_values_are_refused_with_the_field_named_and_break_nothing(cast, world, operation):
    side, method, path, base = OPERATIONS[operation](cast, world)
    client = Client(raise_request_exception=False)
    headers = world["headers"][side]
    problems: list[str] = []

    # The valid request itself must be accepted, or the hostile ones below would prove nothing.
    with transaction.atomic():
        answer = getattr(client, method)(API + path, json.dumps(base), content_type="application/json", headers=headers)
        transaction.set_rollback(True)
    assert 200 <= answer.status_code < 300, (operation, answer.status_code, answer.content[:500])

    for field, value in hostile.leaves(base):
        for bad in hostile.variants(value):
            body = hostile.replaced(base, field.split("."), bad)
            cache.clear()  # failed sign-ins are counted; each attempt starts from zero
            with transaction.atomic():
                answer = getattr(client, method)(
                    API + path, json.dumps(body), content_type="application/json", headers=headers
                )
                shown = f"{operation} {field}={bad!r:.40}: {answer.status_code}"
                if answer.status_code >= 500:
                    problems.append(shown)
                elif answer.status_code == 422:
                    fields = answer.json()["error"]["fields"]
                    if not hostile.names_field(fields, field):
                        problems.append(f"{shown} names {sorted(fields)} instead")
                elif answer.status_code < 300:
                    for po in _touched(world, path, answer):
                        problems += [
                            f"{shown}, then {failure}"
                            for failure in hostile.render_everything(
                                po,
                                buyer=world["buyer_page"],
                                vendor=world["vendor_page"],
                                api_headers=world["headers"]["buyer"],
                            )
                        ]
                transaction.set_rollback(True)
    assert not problems, "\n".join(problems)
