"""Every transaction the portal writes, for every kind of answer and for POs entered in the portal and through the
API, held against the UBL 2.1 schema and the official PEPPOL rules of its transaction (``../shared/peppol-rules``):
0 fatal assertions."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from vendorcollab.api.tests.helpers import ApiClient
from vendorcollab.common.testing.factories import in_days, line, make_po
from vendorcollab.interop.outbound import (
    Transaction,
    documents_for_cancellation,
    documents_for_response,
    documents_for_version_sent,
)
from vendorcollab.interop.selectors import response_for_export, version_for_export
from vendorcollab.partners.models import OrderingProfile
from vendorcollab.purchasing.models import LineAction, PurchaseOrder, ResponseKind
from vendorcollab.purchasing.services import po_cancel, po_request_change, po_send, po_update, response_submit
from vendorcollab.purchasing.tests.helpers import answer, split

from .conftest import assert_valid, peppol_fatal


def complete_master_data(cast, *, profile: OrderingProfile = OrderingProfile.ORDERING):
    """The cast's company and vendor A (with endpoints, from the ``endpoints`` fixture) given what a conformant
    document takes from master data: postal addresses, VAT identifiers and contacts; and vendor A's profile."""
    company, vendor = cast.company, cast.vendor_a
    company.street_name, company.city_name, company.postal_zone, company.country_code = (
        "Keizersgracht 1",
        "Amsterdam",
        "1015 CJ",
        "NL",
    )
    company.vat_id, company.contact_name, company.contact_email = "NL123456789B01", "Inkoop", "inkoop@example.nl"
    company.save()
    vendor.street_name, vendor.city_name, vendor.postal_zone, vendor.country_code = (
        "Karl Johans gate 1",
        "Oslo",
        "0154",
        "NO",
    )
    vendor.vat_id, vendor.contact_phone = "NO987654325MVA", "+4722000000"
    vendor.ordering_profile = profile
    vendor.save()
    return cast


KIND = {
    Transaction.T01: "Order",
    Transaction.T114: "OrderChange",
    Transaction.T115: "OrderCancellation",
    Transaction.T76: "OrderResponse",
    Transaction.T116: "OrderResponse",
}

# Every kind of answer to a three-line PO: (response kind, line answers).
ANSWERS = {
    "accept": (ResponseKind.ACCEPTED, []),
    "reject": (ResponseKind.REJECTED, []),
    "change quantity": (
        ResponseKind.ACCEPTED_WITH_CHANGES,
        [
            answer(1, LineAction.CHANGE, quantity=Decimal("7")),
            answer(2, LineAction.ACCEPT),
            answer(3, LineAction.ACCEPT),
        ],
    ),
    "change date": (
        ResponseKind.ACCEPTED_WITH_CHANGES,
        [
            answer(1, LineAction.ACCEPT),
            answer(2, LineAction.CHANGE, delivery_date=in_days(60)),
            answer(3, LineAction.ACCEPT),
        ],
    ),
    "split": (
        ResponseKind.ACCEPTED_WITH_CHANGES,
        [split(1, ("4", 20), ("6", 35)), answer(2, LineAction.ACCEPT), answer(3, LineAction.ACCEPT)],
    ),
    "substitute": (
        ResponseKind.ACCEPTED_WITH_CHANGES,
        [
            answer(1, LineAction.ACCEPT),
            answer(2, LineAction.SUBSTITUTE, external_item_number="ALT-2", external_description="Blue variant"),
            answer(3, LineAction.ACCEPT),
        ],
    ),
    "mixed per line": (
        ResponseKind.ACCEPTED_WITH_CHANGES,
        [
            split(1, ("4", 20), ("6", 35)),
            answer(2, LineAction.SUBSTITUTE, external_item_number="ALT-2", external_description="Blue variant"),
            answer(3, LineAction.REJECT, note="Discontinued"),
        ],
    ),
}


def conformant(documents, transaction: Transaction) -> None:
    """One document of ``transaction``, valid against its UBL 2.1 schema and failing no official fatal rule."""
    assert [document.transaction for document in documents] == [transaction]
    [document] = documents
    assert_valid(document.xml, KIND[transaction])
    assert peppol_fatal(document.xml, transaction) == set(), document.xml.decode()


def through_the_api(cast) -> PurchaseOrder:
    agent = ApiClient(Client(), cast.agent)
    body = {
        "vendor": cast.vendor_a.pk,
        "lines": [
            {
                "item": item.pk,
                "quantity": str(10 * index),
                "unit_price": "2.50",
                "delivery_date": in_days(14).isoformat(),
            }
            for index, item in enumerate(cast.items, 1)
        ],
        "charges": [{"code": "FRT", "amount": "12.50", "description": "Freight"}],
    }
    created = agent.post("/purchase-orders", body)
    assert created.status_code == 201, created.json()
    sent = agent.post(f"/purchase-orders/{created.json()['id']}/send")
    assert sent.status_code == 200, sent.json()
    return PurchaseOrder.objects.get(pk=created.json()["id"])


@pytest.fixture(params=["portal", "api"])
def po(request, endpoints):
    complete_master_data(endpoints)
    if request.param == "api":
        return through_the_api(endpoints)
    return make_po(actor=endpoints.agent, vendor=endpoints.vendor_a, items=endpoints.items, send=True)


def _version(cast, po, number):
    return version_for_export(actor=cast.agent, purchase_order_id=po.pk, number=number)


def _response(cast, po, response):
    return response_for_export(actor=cast.agent, purchase_order_id=po.pk, response_id=response.pk)


@pytest.mark.parametrize("kind", list(ANSWERS))
def test_the_order_and_every_answer_to_it_conform(endpoints, po, kind):
    # Given the Order of a sent PO
    conformant(documents_for_version_sent(_version(endpoints, po, 1)), Transaction.T01)

    # When the vendor answers it, then its Order Response conforms
    response_kind, lines = ANSWERS[kind]
    response = response_submit(
        actor=endpoints.vendor_a_user, purchase_order=po, version=1, kind=response_kind, lines=lines, note="As agreed"
    )
    conformant(documents_for_response(_response(endpoints, po, response)), Transaction.T76)


@pytest.mark.parametrize("kind", list(ANSWERS))
def test_a_change_every_answer_to_it_and_the_cancellation_conform(endpoints, po, kind):
    complete_master_data(endpoints, profile=OrderingProfile.ADVANCED)
    # Given a PO sent to a vendor on the advanced ordering profile, whose buyer changes the last line and sends
    # version 2: an Order Change
    po_request_change(actor=endpoints.agent, purchase_order=po, reason="More of the last")
    po_update(
        actor=endpoints.agent,
        purchase_order=PurchaseOrder.objects.get(pk=po.pk),
        lines=[
            line(item, quantity=str(10 * index + 5 * (index == 3)), line_number=index)
            for index, item in enumerate(endpoints.items, 1)
        ],
    )
    po_send(actor=endpoints.agent, purchase_order=PurchaseOrder.objects.get(pk=po.pk))
    conformant(documents_for_version_sent(_version(endpoints, po, 2)), Transaction.T114)

    # When the vendor answers version 2, then its answer is an Order Response Advanced that conforms
    response_kind, lines = ANSWERS[kind]
    response = response_submit(
        actor=endpoints.vendor_a_user, purchase_order=po, version=2, kind=response_kind, lines=lines, note="As agreed"
    )
    conformant(documents_for_response(_response(endpoints, po, response)), Transaction.T116)

    # And when the buyer cancels the PO, the Order Cancellation conforms
    po_cancel(actor=endpoints.agent, purchase_order=PurchaseOrder.objects.get(pk=po.pk), reason="Not needed")
    conformant(documents_for_cancellation(PurchaseOrder.objects.get(pk=po.pk)), Transaction.T115)
