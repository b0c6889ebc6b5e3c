"""Every transaction the portal writes, for every kind of answer and for POs entered in the portal and through the
API, held against the UBL 2.1 schema and the official PEPPOL rules of its transaction (``../shared/peppol-rules``):
0 fatal assertions."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from lxml import etree

from vendorcollab.api.tests.helpers import ApiClient
from vendorcollab.common.testing.factories import in_days, line, make_po
from vendorcollab.interop.outbound import (
    Transaction,
    documents_for_cancellation,
    documents_for_response,
    documents_for_version_sent,
)
from vendorcollab.interop.selectors import response_for_export, version_for_export
from vendorcollab.interop.ubl_reader import NS
from vendorcollab.partners.models import OrderingProfile
from vendorcollab.purchasing.models import LineAction, PurchaseOrder, ResponseKind
from vendorcollab.purchasing.services import (
    po_cancel,
    po_create,
    po_request_change,
    po_send,
    po_update,
    response_submit,
)
from vendorcollab.purchasing.services.inputs import LineInput, OrderTermsInput, PartyInput
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


def test_an_order_with_all_it_can_carry_conforms_and_every_answer_refers_to_the_buyers_ids(endpoints):
    """The buyer's own Order ID and line IDs (A, B, C), a free-text line with a GTIN, tax, references, terms, the
    delivery place and the parties as the Order named them: written in every transaction, answered by the IDs."""
    complete_master_data(endpoints, profile=OrderingProfile.ADVANCED)
    terms = OrderTermsInput(
        order_document_id="ERP-4711",
        payment_terms="30 days net",
        delivery_terms_code="DAP",
        delivery_terms="Delivered at the dock",
        contract_reference="C-2026-01",
        quotation_reference="Q-77",
        originator_reference="REQ-9",
        delivery_party_name="Receiving, dock 4",
        delivery_location_id="7300010000018",
        delivery_location_scheme="0088",
        delivery_street_name="Havenweg 4",
        delivery_city_name="Rotterdam",
        delivery_postal_zone="3089 JB",
        delivery_country_code="NL",
        buyer_party=PartyInput(name="Contoso Purchasing", city_name="Utrecht", country_code="NL"),
    )
    free_text = LineInput(
        item=None,
        description="Pallet wrap, 500 mm",
        unit_code="MTR",
        unit="metre",
        sellers_item_id="PW-500",
        standard_item_id="4006381333931",
        quantity=Decimal("6"),
        unit_price=Decimal("12.00"),
        delivery_date=in_days(21),
        buyer_line_id="C",
        tax_percent=Decimal("21"),
        requested_start=in_days(20),
        requested_end=in_days(22),
    )
    po = po_create(
        actor=endpoints.agent,
        company=endpoints.company,
        vendor=endpoints.vendor_a,
        lines=[
            line(endpoints.items[0], quantity="10", buyer_line_id="A", tax_percent=Decimal("21")),
            line(endpoints.items[1], quantity="20", buyer_line_id="B", tax_category="E", tax_percent=Decimal("0")),
            free_text,
        ],
        terms=terms,
    )
    po = po_send(actor=endpoints.agent, purchase_order=po)
    [order] = documents_for_version_sent(_version(endpoints, po, 1))
    conformant([order], Transaction.T01)
    root = etree.fromstring(order.xml)
    assert root.findtext("cbc:ID", namespaces=NS) == "ERP-4711"
    assert [e.text for e in root.iterfind("cac:OrderLine/cac:LineItem/cbc:ID", NS)] == ["A", "B", "C"]
    assert root.findtext("cac:BuyerCustomerParty/cac:Party/cac:PartyName/cbc:Name", namespaces=NS) == (
        "Contoso Purchasing"
    )
    assert root.findtext("cac:Delivery/cac:DeliveryLocation/cac:Address/cbc:CityName", namespaces=NS) == "Rotterdam"
    assert root.findtext("cac:OrderLine[3]/cac:LineItem/cbc:Quantity", namespaces=NS) == "6"
    assert root.find("cac:OrderLine[3]/cac:LineItem/cbc:Quantity", NS).get("unitCode") == "MTR"

    response = response_submit(
        actor=endpoints.vendor_a_user,
        purchase_order=po,
        version=1,
        kind=ResponseKind.ACCEPTED_WITH_CHANGES,
        lines=ANSWERS["mixed per line"][1],
    )
    [answer_document] = documents_for_response(_response(endpoints, po, response))
    conformant([answer_document], Transaction.T76)
    root = etree.fromstring(answer_document.xml)
    assert root.findtext("cac:OrderReference/cbc:ID", namespaces=NS) == "ERP-4711"
    assert [e.text for e in root.iterfind("cac:OrderLine/cac:LineItem/cbc:ID", NS)] == ["A.1", "A.2", "B", "C"]
    assert [e.text for e in root.iterfind("cac:OrderLine/cac:OrderLineReference/cbc:LineID", NS)] == [
        "A",
        "A",
        "B",
        "C",
    ]

    # The change and the cancellation carry the same IDs
    po_request_change(actor=endpoints.agent, purchase_order=PurchaseOrder.objects.get(pk=po.pk))
    po_send(actor=endpoints.agent, purchase_order=PurchaseOrder.objects.get(pk=po.pk))
    [change] = documents_for_version_sent(_version(endpoints, po, 2))
    conformant([change], Transaction.T114)
    assert etree.fromstring(change.xml).findtext("cac:OrderReference/cbc:ID", namespaces=NS) == "ERP-4711"
    po_cancel(actor=endpoints.agent, purchase_order=PurchaseOrder.objects.get(pk=po.pk))
    [cancellation] = documents_for_cancellation(PurchaseOrder.objects.get(pk=po.pk))
    conformant([cancellation], Transaction.T115)
    assert etree.fromstring(cancellation.xml).findtext("cac:OrderReference/cbc:ID", namespaces=NS) == "ERP-4711"
