"""Property-based tests of the whole API against its own OpenAPI document (schemathesis, through WSGI).

Every operation is called with generated requests, valid and invalid: no answer may be a server error, and every
answer must be one the document describes (status, content type, body schema). Buyer operations are called as a
procurement admin, the vendor's as vendor A's user. Ids in paths and bodies that hypothesis draws as valid numbers
are mapped onto real objects (or one that does not exist), so that requests reach the services instead of stopping
at a 404 or an "unknown reference". Deterministic (derandomized, no example database), about a minute.
"""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from ninja.responses import NinjaJSONEncoder
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from vendorcollab.api.api import api as ninja_api
from vendorcollab.api.services import token_issue
from vendorcollab.common.testing.factories import in_days, make_po
from vendorcollab.consignment.services import StockLineInput, replenishment_create
from vendorcollab.invoicing.inputs import InvoiceInput, InvoiceLineInput
from vendorcollab.invoicing.services import invoice_create, invoice_create_and_submit
from vendorcollab.purchasing.models import ResponseKind
from vendorcollab.purchasing.services import ReceiptLineInput, po_confirm, receipt_post, response_submit
from vendorcollab.shipping.inputs import ShipNoticeInput, ShipNoticeLineInput
from vendorcollab.shipping.services import ship_notice_create
from vendorcollab.wsgi import application

from .helpers import API

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# One id that exists nowhere, so that the 404 of every path stays in play.
MISSING = 2**31 - 1
# Body fields that name another object, and which kind of object.
REFERENCES = {
    "company": "company",
    "vendor": "vendor",
    "vendors": "vendor",
    "item": "item",
    "site": "site",
    "warehouse": "warehouse",
}


@pytest.fixture
def world(cast):
    """Objects in every state the operations tell apart, and a token for each side."""
    draft = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items)
    sent = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items, send=True)
    answered = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:2], send=True)
    response = response_submit(
        actor=cast.vendor_a_user, purchase_order=answered, version=1, kind=ResponseKind.ACCEPTED_WITH_CHANGES
    )
    confirmed = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    po_confirm(actor=cast.agent, purchase_order=confirmed, without_response=True)
    order = replenishment_create(
        actor=cast.agent,
        vendor=cast.vendor_a,
        lines=[
            StockLineInput(item=cast.items[0], quantity=Decimal(5), warehouse=cast.warehouse, expected_date=in_days(2))
        ],
    )
    receipt_post(actor=cast.clerk, purchase_order=confirmed, lines=[ReceiptLineInput(1, Decimal(4))])
    invoice_lines = [
        InvoiceLineInput(purchase_order_id=confirmed.pk, line_number=1, quantity=Decimal(1), tax_percent=Decimal(21))
    ]
    draft_invoice = invoice_create(
        actor=cast.vendor_a_user,
        data=InvoiceInput(vendor_id=cast.vendor_a.pk, number="D-1", issue_date=in_days(0), lines=invoice_lines),
    )
    matched_invoice = invoice_create_and_submit(
        actor=cast.vendor_a_user,
        data=InvoiceInput(vendor_id=cast.vendor_a.pk, number="M-1", issue_date=in_days(0), lines=invoice_lines),
    )
    shipped = ship_notice_create(
        actor=cast.vendor_a_user,
        data=ShipNoticeInput(
            lines=(ShipNoticeLineInput(purchase_order_id=confirmed.pk, line_number=1, quantity=Decimal(2)),),
            expected_delivery_date=in_days(1),
        ),
    )
    return {
        "paths": {
            "/purchase-orders/": [draft.pk, sent.pk, answered.pk, confirmed.pk, MISSING],
            "/ship-notices/": [shipped.pk, MISSING],
            "/invoices/": [draft_invoice.pk, matched_invoice.pk, MISSING],
            "/vendors/": [cast.vendor_a.pk, cast.vendor_b.pk, MISSING],
            "/consignment/replenishment-orders/": [order.pk, MISSING],
        },
        "response_id": [response.pk, MISSING],
        "n": [1, 2],
        "references": {
            "company": [cast.company.pk, MISSING],
            "vendor": [cast.vendor_a.pk, cast.vendor_b.pk, MISSING],
            "item": [item.pk for item in cast.items] + [MISSING],
            "site": [cast.site.pk, MISSING],
            "warehouse": [cast.warehouse.pk, MISSING],
        },
        "buyer": {"Authorization": "Bearer " + token_issue(actor=cast.admin)[1]},
        "vendor": {"Authorization": "Bearer " + token_issue(actor=cast.vendor_a_user)[1]},
    }


@pytest.fixture(autouse=True)
def _connection_kept_open():
    """The WSGI handler closes the database connection after each request, as in production; here it would close
    the test's transaction. Django's own test client disconnects the same receivers."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# The document as the API serves it, loaded when the tests are collected; requests go to the WSGI application.
# (Not ``schemathesis.pytest.from_fixture``: schemathesis 4.32 sets a node attribute that pytest 9.2 no longer has.)
schema = schemathesis.openapi.from_dict(
    json.loads(json.dumps(ninja_api.get_openapi_schema(path_prefix=API + "/"), cls=NinjaJSONEncoder))
)
schema.app = application


def _pick(choices: list[int], value: Any) -> Any:
    """A drawn id onto a real one; anything that is not a valid id stays as drawn (the 422 cases)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        return value
    return choices[value % len(choices)]


def _map_references(value: Any, references: dict[str, list[int]]) -> Any:
    if isinstance(value, dict):
        mapped = {}
        for key, item in value.items():
            kind = REFERENCES.get(key)
            if kind and isinstance(item, list):
                mapped[key] = [_pick(references[kind], element) for element in item]
            elif kind:
                mapped[key] = _pick(references[kind], item)
            else:
                mapped[key] = _map_references(item, references)
        return mapped
    if isinstance(value, list):
        return [_map_references(item, references) for item in value]
    return value


def aim(case: Any, world: dict[str, Any]) -> None:
    path = case.path.removeprefix(API).removeprefix("/vendor")
    ids = next((ids for prefix, ids in world["paths"].items() if path.startswith(prefix)), None)
    parameters = case.path_parameters or {}
    if ids and "id" in parameters:
        parameters["id"] = _pick(ids, parameters["id"])
    for name in ("n", "response_id"):
        if name in parameters:
            parameters[name] = _pick(world[name], parameters[name])
    if isinstance(case.body, dict | list):
        case.body = _map_references(case.body, world["references"])
    query = case.query or {}
    if "updated_since" not in query and "vendor" in query:
        query["vendor"] = _pick(world["references"]["vendor"], query["vendor"])


@schema.parametrize()
@settings(
    max_examples=10,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_to_its_document(case, world):
    aim(case, world)
    side = "vendor" if case.path.startswith(API + "/vendor/") else "buyer"
    headers = world[side] if case.operation.definition.raw.get("security") else {}
    # allauth's sign-in rate limit needs the client's address, which a WSGI server always gives.
    case.call_and_validate(headers=headers, checks=CHECKS, environ_base={"REMOTE_ADDR": "192.0.2.1"})


def test_every_test_of_the_suite_has_an_id_of_its_own(request):
    # pytest-xdist runs and reports tests by id: of several tests sharing one it runs a single one, silently.
    ids = Counter(item.nodeid for item in request.session.items)
    assert [nodeid for nodeid, count in ids.items() if count > 1] == []
