"""The permission matrix of every buyer operation of the API, built from the API's own OpenAPI document so that a new
buyer endpoint cannot escape it: anonymous 401, vendor user 404, a buyer without the role 403, with the role neither.
"""

import re
from decimal import Decimal

import pytest
from django.test import Client

from vendorcollab.accounts.models import INVOICE_ROLES, Role
from vendorcollab.common.testing.factories import in_days, make_po
from vendorcollab.consignment.models import ConsignmentPrice
from vendorcollab.consignment.services import StockLineInput, replenishment_create
from vendorcollab.interop.models import Direction, Document
from vendorcollab.interop.outbound import Transaction
from vendorcollab.invoicing.inputs import InvoiceInput, InvoiceLineInput
from vendorcollab.invoicing.services import invoice_create_and_submit
from vendorcollab.purchasing.models import PurchaseOrder, ResponseKind
from vendorcollab.purchasing.services import ReceiptLineInput, po_confirm, receipt_post, response_submit
from vendorcollab.shipping.inputs import ShipNoticeInput, ShipNoticeLineInput
from vendorcollab.shipping.services import ship_notice_create

from .helpers import API, error_of

ANY_BUYER = frozenset({Role.PROCUREMENT_ADMIN, Role.PURCHASING_AGENT, Role.RECEIVING_CLERK})
PURCHASING = frozenset({Role.PROCUREMENT_ADMIN, Role.PURCHASING_AGENT})
RECEIVING = frozenset({Role.PROCUREMENT_ADMIN, Role.RECEIVING_CLERK})
ADMIN = frozenset({Role.PROCUREMENT_ADMIN})
# Of the roles below, who decides on invoices (accounts payable as well: test_invoice_api).
INVOICING = INVOICE_ROLES & ANY_BUYER

# Every buyer operation and the roles allowed to use it (DESIGN.md section 8; README "The buyer's side").
MATRIX = {
    ("get", "/companies"): ANY_BUYER,
    ("post", "/companies"): ADMIN,
    ("get", "/vendors"): ANY_BUYER,
    ("post", "/vendors"): ADMIN,
    ("get", "/vendors/{id}"): ANY_BUYER,
    ("patch", "/vendors/{id}"): ADMIN,
    ("get", "/users"): ANY_BUYER,
    ("post", "/users"): ADMIN,
    ("get", "/items"): ANY_BUYER,
    ("post", "/items"): ADMIN,
    ("get", "/sites"): ANY_BUYER,
    ("post", "/sites"): ADMIN,
    ("get", "/warehouses"): ANY_BUYER,
    ("post", "/warehouses"): ADMIN,
    ("get", "/purchase-orders"): ANY_BUYER,
    ("post", "/purchase-orders"): PURCHASING,
    ("get", "/purchase-orders/{id}"): ANY_BUYER,
    ("patch", "/purchase-orders/{id}"): PURCHASING,
    ("post", "/purchase-orders/{id}/send"): PURCHASING,
    ("post", "/purchase-orders/{id}/confirm"): PURCHASING,
    ("post", "/purchase-orders/{id}/request-change"): PURCHASING,
    ("post", "/purchase-orders/{id}/cancel"): PURCHASING,
    ("post", "/purchase-orders/{id}/receipts"): RECEIVING,
    ("get", "/purchase-orders/{id}/versions"): ANY_BUYER,
    ("get", "/purchase-orders/{id}/responses"): ANY_BUYER,
    ("post", "/purchase-orders/import-ubl"): PURCHASING,
    ("get", "/purchase-orders/{id}/versions/{n}/ubl"): ANY_BUYER,
    ("get", "/purchase-orders/{id}/responses/{response_id}/ubl"): ANY_BUYER,
    ("post", "/consignment/replenishment-orders"): PURCHASING,
    ("post", "/consignment/replenishment-orders/{id}/receipts"): RECEIVING,
    ("post", "/consignment/ownership-changes"): PURCHASING,
    ("get", "/consignment/prices"): ANY_BUYER,
    ("post", "/consignment/prices"): PURCHASING,
    ("get", "/consignment/prices/{id}"): ANY_BUYER,
    ("patch", "/consignment/prices/{id}"): PURCHASING,
    ("get", "/documents"): ANY_BUYER,
    ("post", "/documents"): PURCHASING,
    ("get", "/documents/{id}"): ANY_BUYER,
    ("get", "/documents/{id}/xml"): ANY_BUYER,
    ("get", "/invoices"): ANY_BUYER,
    ("get", "/invoices/{id}"): ANY_BUYER,
    ("post", "/invoices/{id}/approve"): INVOICING,
    ("post", "/invoices/{id}/reject"): INVOICING,
    ("post", "/invoices/{id}/paid"): INVOICING,
    ("get", "/invoices/{id}/pdf"): ANY_BUYER,
    ("get", "/invoices/{id}/ubl"): ANY_BUYER,
    ("get", "/ship-notices"): ANY_BUYER,
    ("get", "/ship-notices/{id}"): ANY_BUYER,
    ("post", "/ship-notices/{id}/receive"): RECEIVING,
    ("get", "/ship-notices/{id}/ubl"): ANY_BUYER,
    ("get", "/vendor-performance"): ANY_BUYER,
}

# Not the buyer's: the vendor's side has its own scoping tests, and a token is issued to anyone.
NOT_BUYER = re.compile(r"^/(vendor|auth)/")
USERS = {Role.PROCUREMENT_ADMIN: "admin", Role.PURCHASING_AGENT: "agent", Role.RECEIVING_CLERK: "clerk"}


@pytest.fixture(scope="module")
def operations():
    document = Client().get(API + "/openapi.json").json()
    return {
        (method, path.removeprefix(API))
        for path, methods in document["paths"].items()
        for method in methods
        if not NOT_BUYER.match(path.removeprefix(API))
    }


def test_every_buyer_operation_is_in_the_matrix(operations):
    """A new buyer endpoint must be added to ``MATRIX``, or this fails."""
    assert operations == set(MATRIX)


@pytest.fixture
def objects(cast):
    """Something real behind every id of the matrix: a PO sent and answered, a replenishment order."""
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    response = response_submit(actor=cast.vendor_a_user, purchase_order=po, version=1, kind=ResponseKind.ACCEPTED)
    order = replenishment_create(
        actor=cast.agent,
        vendor=cast.vendor_a,
        lines=[
            StockLineInput(item=cast.items[0], quantity=Decimal(1), warehouse=cast.warehouse, expected_date=in_days(1))
        ],
    )
    price = ConsignmentPrice.objects.create(vendor=cast.vendor_a, item=cast.items[0], unit_price=Decimal(2))
    document = Document.objects.create(
        direction=Direction.OUTBOUND,
        transaction=Transaction.T01,
        document_id=po.number,
        company=po.company,
        vendor=po.vendor,
        purchase_order=po,
        xml=b"<Order/>",
    )
    received = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    received = po_confirm(actor=cast.agent, purchase_order=received, without_response=True)
    receipt_post(actor=cast.clerk, purchase_order=received, lines=[ReceiptLineInput(1, Decimal(2))])
    line = InvoiceLineInput(purchase_order_id=received.pk, line_number=1, quantity=Decimal(2), tax_percent=Decimal(21))
    invoice = invoice_create_and_submit(
        actor=cast.vendor_a_user,
        data=InvoiceInput(vendor_id=cast.vendor_a.pk, number="INV-1", issue_date=in_days(0), lines=[line]),
    )
    shipped = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    shipped = po_confirm(actor=cast.agent, purchase_order=shipped, without_response=True)
    notice = ship_notice_create(
        actor=cast.vendor_a_user,
        data=ShipNoticeInput(
            lines=(ShipNoticeLineInput(purchase_order_id=shipped.pk, line_number=1, quantity=Decimal(1)),),
            expected_delivery_date=in_days(2),
        ),
    )
    return {
        "/ship-notices/": {"id": notice.pk},
        "/invoices/": {"id": invoice.pk},
        "/documents/": {"id": document.pk},
        "/consignment/prices/": {"id": price.pk},
        "/purchase-orders/": {"id": po.pk, "n": 1, "response_id": response.pk},
        "/vendors/": {"id": cast.vendor_a.pk},
        "/consignment/replenishment-orders/": {"id": order.pk},
    }


def concrete(path, objects):
    values = next((values for prefix, values in objects.items() if path.startswith(prefix)), {})
    return re.sub(r"{(\w+)}", lambda match: str(values[match.group(1)]), path)


def call(client, method, path):
    if method == "get":
        return client.get(path)
    return client.client.generic(
        method.upper(), API + path, b"{}", content_type="application/json", headers=client.headers
    )


def state():
    return list(PurchaseOrder.objects.order_by("pk").values_list("pk", "status", "updated_at"))


@pytest.mark.parametrize(("method", "path"), sorted(MATRIX))
def test_the_role_matrix(api, cast, objects, operations, method, path):
    assert (method, path) in operations, "the matrix names an operation the API does not have"
    target = concrete(path, objects)
    before = state()

    response = call(api(), method, target)
    assert response.status_code == 401 and error_of(response)["code"] == "not_authenticated"
    for vendor_user in (cast.vendor_a_user, cast.vendor_a_admin):
        response = call(api(vendor_user), method, target)
        assert response.status_code == 404 and error_of(response)["code"] == "not_found", vendor_user
    for role in ANY_BUYER - MATRIX[method, path]:
        response = call(api(getattr(cast, USERS[role])), method, target)
        assert response.status_code == 403 and error_of(response)["code"] == "permission_denied", role
    assert state() == before, "a refused request changed nothing"

    for role in MATRIX[method, path]:
        response = call(api(getattr(cast, USERS[role])), method, target)
        assert response.status_code < 500, (role, response.content)
        assert response.status_code not in (401, 403, 404), (role, response.content)
