"""Inbound documents after the Order (``interop.inbound.import_document``): an Order Change from the buyer's ERP is
the next version for the vendor to review, an Order Cancellation cancels, an Order Response from the vendor's ERP
is the vendor's one answer to the latest version; each idempotent, each wrong one refused with a clear reason."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from vendorcollab.accounts.models import Role
from vendorcollab.api.tests.helpers import API, ApiClient, error_of
from vendorcollab.common.errors import Conflict, NotFound, ValidationFailed
from vendorcollab.common.testing.factories import (
    CompanyFactory,
    ItemFactory,
    VendorFactory,
    in_days,
    make_po,
    make_user,
)
from vendorcollab.interop.inbound import take_document as import_document
from vendorcollab.interop.models import Direction, InboundStatus
from vendorcollab.interop.models import Document as LoggedDocument
from vendorcollab.interop.ubl_writer import ubl_order_response
from vendorcollab.purchasing import selectors as purchasing_selectors
from vendorcollab.purchasing import transitions
from vendorcollab.purchasing.models import LineAction, POStatus, ResponseKind, VendorResponse
from vendorcollab.purchasing.services import LineAnswer, ScheduleInput, po_send, response_submit
from vendorcollab.purchasing.transitions import Action

from .conftest import example, orders_fingerprint
from .documents import OrderLine, order_xml

INBOUND = "/vendor/documents/inbound"
IMPORT = "/purchase-orders/import-ubl"
CITY_HOSPITAL = ("0088", "7300010000001")
THE_SUPPLIER = ("0088", "7302347231110")


def post(user, path, body):
    client = ApiClient(Client(), user)
    return client.client.post(API + path, body, content_type="application/xml", headers=client.headers)


def refused(actor, document, error=ValidationFailed, **options):
    """The error importing ``document`` raises, having checked that nothing but the log changed, and that the log
    has the refusal with its code."""
    before = orders_fingerprint()
    logged = LoggedDocument.objects.count()
    with pytest.raises(error) as raised:
        import_document(actor=actor, xml=document, **options)
    assert orders_fingerprint() == before
    [row] = LoggedDocument.objects.order_by("pk")[logged:]
    assert (row.status, row.reasons[0]["code"]) == (InboundStatus.REFUSED, raised.value.code)
    return raised.value


# --- Order Change and Order Cancellation, the official examples onto the Order they refer to ----------------------


@pytest.fixture
def order_1(cast, fixed_today):
    """The Order the official Order Change and Order Cancellation refer to ("Order-1" from City Hospital to The
    Supplier AB): UC2's Order under that ID and seller, imported and sent to the vendor."""
    company = CompanyFactory(
        code="CH",
        endpoint_scheme=CITY_HOSPITAL[0],
        endpoint_id=CITY_HOSPITAL[1],
        city_name="Eurocity",
        country_code="SE",
    )
    vendor = VendorFactory(
        company=company,
        endpoint_scheme=THE_SUPPLIER[0],
        endpoint_id=THE_SUPPLIER[1],
        city_name="Bergen",
        country_code="NO",
    )
    items = [ItemFactory(company=company, number=f"ITEM-{n}", name=f"Item {n}") for n in (1, 2)]
    document = (
        example("UC2_Order.xml")
        .replace(b"<cbc:ID>1</cbc:ID>", b"<cbc:ID>Order-1</cbc:ID>", 1)
        .replace(b"urn:fdc:peppol.eu:poacc:bis:order_only:3", b"urn:fdc:peppol.eu:poacc:bis:advanced_ordering:3")
        .replace(b'<cbc:EndpointID schemeID="0088">7300010000001</cbc:EndpointID>', b"@@BUYER@@", 1)
        .replace(
            b'<cbc:EndpointID schemeID="0088">7300010000001</cbc:EndpointID>',
            b'<cbc:EndpointID schemeID="0088">7302347231110</cbc:EndpointID>',
            1,
        )
        .replace(b"@@BUYER@@", b'<cbc:EndpointID schemeID="0088">7300010000001</cbc:EndpointID>')
    )
    taken = import_document(actor=cast.agent, xml=document)
    assert taken.created and taken.purchase_order.number == "Order-1"
    po = po_send(actor=cast.agent, purchase_order=taken.purchase_order)
    return po, vendor, items


def test_the_official_order_change_becomes_the_next_version_for_the_vendor_to_review(cast, order_1):
    po, _vendor, items = order_1

    taken = import_document(actor=cast.agent, xml=example("OrderChange_Example.xml"))

    po.refresh_from_db()
    assert taken.changed and taken.purchase_order == po
    assert (po.status, po.latest_version.number) == (POStatus.IN_EXTERNAL_REVIEW, 2)
    lines = {line.line_number: line for line in po.latest_version.lines.all()}
    # Line 1 goes from 10 to 5; line 2 stays 50; items, prices and dimensions stay as ordered.
    assert [(n, line.item, line.quantity, line.unit_price, line.color) for n, line in sorted(lines.items())] == [
        (1, items[0], Decimal("5"), Decimal("40"), "Red"),
        (2, items[1], Decimal("50"), Decimal("6"), "Yellow"),
    ]
    assert po.notes.filter(text="Changes according to Order reponse").exists()

    # Posted again (an access point retries): taken once.
    again = import_document(actor=cast.agent, xml=example("OrderChange_Example.xml"))
    po.refresh_from_db()
    assert (again.changed, po.latest_version.number) == (False, 2)


def test_the_vendor_sees_the_changed_order_for_review(cast, order_1):
    po, vendor, _items = order_1
    supplier = make_user("supplier", Role.VENDOR_USER, vendors=(vendor,))
    import_document(actor=cast.agent, xml=example("OrderChange_Example.xml"))

    seen = purchasing_selectors.po_get_for_vendor(actor=supplier, pk=po.pk)

    assert (seen.latest_version.number, seen.latest_response) == (2, None)
    assert transitions.allows(seen, supplier, Action.RESPOND)


def test_the_official_order_cancellation_cancels_once(cast, order_1):
    po, _vendor, _items = order_1

    taken = import_document(actor=cast.agent, xml=example("OrderCancellation_Example.xml"))

    po.refresh_from_db()
    assert (taken.changed, po.status) == (True, POStatus.CANCELLED)
    again = import_document(actor=cast.agent, xml=example("OrderCancellation_Example.xml"))
    assert again.changed is False


def test_a_change_or_cancellation_of_an_unknown_order_is_refused(cast, order_1):
    document = example("OrderCancellation_Example.xml").replace(b"Order-1", b"Order-404")
    error = refused(cast.agent, document, NotFound)
    assert error.code == "ubl_unknown_order"
    assert "Order-404" in error.rendered_message()


# --- Order Responses from the vendor's ERP ---------------------------------------------------------------------


@pytest.fixture
def two_orders(endpoints):
    """Two POs with the same three lines, both sent to vendor A."""
    first = make_po(actor=endpoints.agent, vendor=endpoints.vendor_a, items=endpoints.items, send=True)
    second = make_po(actor=endpoints.agent, vendor=endpoints.vendor_a, items=endpoints.items, send=True)
    return first, second


def mixed_answer(cast, po):
    """A response with every kind of line answer: change, split, substitute (line 3 rejected would make it
    smaller; a reject is in ``test_a_rejection``)."""
    return response_submit(
        actor=cast.vendor_a_user,
        purchase_order=po,
        version=1,
        kind=ResponseKind.ACCEPTED_WITH_CHANGES,
        vendor_reference="SO-77",
        lines=[
            LineAnswer(line_number=1, action=LineAction.CHANGE, quantity=Decimal("8"), delivery_date=in_days(30)),
            LineAnswer(
                line_number=2,
                action=LineAction.SPLIT,
                schedule=(
                    ScheduleInput(quantity=Decimal("5"), delivery_date=in_days(20)),
                    ScheduleInput(quantity=Decimal("15"), delivery_date=in_days(40)),
                ),
            ),
            LineAnswer(line_number=3, action=LineAction.SUBSTITUTE, external_item_number="ALT-3"),
        ],
    )


def for_the_second(document: bytes, first, second) -> bytes:
    """The first PO's Order Response, its order reference (and the ID made from it) changed to the second PO."""
    assert first.number.encode() in document
    return document.replace(first.number.encode(), second.number.encode())


def line_summary(response: VendorResponse):
    return [
        (
            line.line_number,
            line.action,
            line.quantity,
            line.delivery_date,
            [(part["quantity"], part["delivery_date"]) for part in line.schedule],
            line.external_item_number,
        )
        for line in response.lines.order_by("line_number")
    ]


def test_round_trip_a_portal_order_response_answers_a_second_order_the_same_way(cast, two_orders):
    first, second = two_orders
    written = ubl_order_response(mixed_answer(cast, first))

    response = post(cast.vendor_a_user, INBOUND, for_the_second(written, first, second))

    assert response.status_code == 201, response.content
    stored = VendorResponse.objects.get(purchase_order=second)
    original = VendorResponse.objects.get(purchase_order=first)
    assert (stored.kind, stored.vendor_reference) == (original.kind, original.vendor_reference)
    assert line_summary(stored) == line_summary(original)
    assert response.json()["id"] == stored.pk

    # The same document again: taken once, answered with the stored answer.
    again = post(cast.vendor_a_user, INBOUND, for_the_second(written, first, second))
    assert (again.status_code, VendorResponse.objects.filter(purchase_order=second).count()) == (200, 1)


def test_a_second_different_answer_is_refused_and_the_first_stays(cast, two_orders):
    first, second = two_orders
    written = ubl_order_response(mixed_answer(cast, first))
    response_submit(actor=cast.vendor_a_user, purchase_order=second, version=1, kind=ResponseKind.ACCEPTED)

    response = post(cast.vendor_a_user, INBOUND, for_the_second(written, first, second))

    assert response.status_code == 409
    assert error_of(response)["code"] == "ubl_already_answered"
    assert VendorResponse.objects.get(purchase_order=second).kind == ResponseKind.ACCEPTED


@pytest.mark.parametrize("kind", [ResponseKind.REJECTED, ResponseKind.ACCEPTED])
def test_a_rejection_and_an_acceptance_by_document(cast, two_orders, kind):
    first, second = two_orders
    written = ubl_order_response(response_submit(actor=cast.vendor_a_user, purchase_order=first, version=1, kind=kind))

    taken = import_document(actor=cast.vendor_a_user, xml=for_the_second(written, first, second))

    assert (taken.purchase_order, taken.response.kind, taken.changed) == (second, kind, True)
    assert line_summary(taken.response) == line_summary(VendorResponse.objects.get(purchase_order=first))


def test_an_answer_to_an_older_version_is_refused(cast, two_orders):
    first, second = two_orders
    written = ubl_order_response(mixed_answer(cast, first))
    from vendorcollab.purchasing.services import po_request_change

    po_request_change(actor=cast.agent, purchase_order=second)
    po_send(actor=cast.agent, purchase_order=second)

    error = refused(cast.vendor_a_user, for_the_second(written, first, second), Conflict)

    assert error.code == "ubl_outdated_version"
    assert "latest version is 2" in error.rendered_message()


def test_another_vendor_cannot_answer_by_document(cast, two_orders):
    first, second = two_orders
    written = ubl_order_response(mixed_answer(cast, first))
    error = refused(cast.vendor_b_user, for_the_second(written, first, second), NotFound)
    assert error.code == "ubl_unknown_order"


# --- wrong documents in the wrong place ------------------------------------------------------------------------


def test_another_transaction_is_refused_with_its_customization(cast, endpoints):
    error = refused(cast.agent, example("OrderAgreement_Example.xml"))
    assert error.code == "ubl_wrong_transaction"
    assert "order_agreement" in error.rendered_message()


def test_a_wrong_profile_is_refused(cast, endpoints):
    document = example("OrderChange_Example.xml").replace(
        b"bis:advanced_ordering:3</cbc:ProfileID>", b"bis:ordering:3</cbc:ProfileID>"
    )
    error = refused(cast.agent, document)
    assert (error.code, list(error.fields)) == ("ubl_wrong_profile", ["OrderChange/ProfileID"])


def test_a_buyer_cannot_post_a_response_and_a_vendor_cannot_post_an_order(cast, endpoints):
    # The other side's documents are a matter of role: a buyer does not answer, a vendor does not order.
    response = post(cast.agent, IMPORT, example("OrderResponse_Example.xml"))
    assert (response.status_code, error_of(response)["code"]) == (403, "role_not_allowed")
    assert post(cast.agent, INBOUND, example("OrderResponse_Example.xml")).status_code == 404  # the vendors' path
    response = post(cast.vendor_a_user, INBOUND, example("UC1_Order.xml"))
    assert (response.status_code, error_of(response)["code"]) == (403, "role_not_allowed")


def test_a_face_takes_only_its_own_transactions(cast, order_1):
    # The buyer's import endpoint narrows what the buyer's side sends to T01, T114 and T115: all three.
    assert post(cast.agent, IMPORT, example("OrderCancellation_Example.xml")).status_code == 200
    from vendorcollab.interop.inbound import FROM_BUYER, Transaction

    error = refused(cast.agent, example("OrderChange_Example.xml"), accept=frozenset({Transaction.ORDER}))
    assert (error.code, error.status) == ("ubl_not_for_this_endpoint", 422)
    assert {Transaction.ORDER, Transaction.ORDER_CHANGE, Transaction.ORDER_CANCELLATION} == FROM_BUYER


def test_malformed_identifiers_are_refused_on_their_element(cast, endpoints):
    gtin = "Order/OrderLine[1]/LineItem/Item/StandardItemIdentification/ID"
    document = example("Order_Example.xml").replace(b">7560000012345<", b">7560000 012345<")
    error = refused(cast.agent, document)
    assert error.field_codes[gtin] == "ubl_invalid_identifier"
    document = example("Order_Example.xml").replace(
        b'<cbc:ID schemeID="0160">7560000012345</cbc:ID>', b'<cbc:ID schemeID="GTIN">ABC</cbc:ID>'
    )
    error = refused(cast.agent, document)
    assert "Order/OrderLine[1]/LineItem/Item/StandardItemIdentification/ID/@schemeID" in error.fields


def test_a_response_with_an_unknown_code_is_refused(cast, two_orders):
    first, second = two_orders
    document = ubl_order_response(mixed_answer(cast, first))
    document = for_the_second(document, first, second).replace(b">CA</cbc:Order", b">ZZ</cbc:Order")
    error = refused(cast.vendor_a_user, document)
    assert error.code == "ubl_invalid_code"


def test_the_vendor_sees_the_answer_in_its_list(cast, two_orders):
    first, second = two_orders
    written = ubl_order_response(mixed_answer(cast, first))
    import_document(actor=cast.vendor_a_user, xml=for_the_second(written, first, second))
    po = purchasing_selectors.po_get_for_vendor(actor=cast.vendor_a_user, pk=second.pk)
    assert po.latest_response is not None
    assert po.latest_response.kind == ResponseKind.ACCEPTED_WITH_CHANGES
    assert isinstance(po.latest_response.version.lines.first().delivery_date, date)


# --- the document log ------------------------------------------------------------------------------------------


def test_every_inbound_document_is_logged_taken_or_refused_with_its_reasons(cast, two_orders):
    first, second = two_orders
    written = for_the_second(ubl_order_response(mixed_answer(cast, first)), first, second)
    refused_one = post(cast.vendor_a_user, INBOUND, written.replace(b">CA</cbc:Order", b">ZZ</cbc:Order"))
    assert refused_one.status_code == 422

    assert post(cast.vendor_a_user, INBOUND, written).status_code == 201

    refusal, taken = LoggedDocument.objects.filter(direction=Direction.INBOUND).order_by("pk")
    assert (refusal.status, refusal.transaction, refusal.purchase_order) == (InboundStatus.REFUSED, "T76", None)
    assert refusal.reasons[0]["code"] == "ubl_invalid_code"
    assert {"field": "OrderResponse/OrderResponseCode"}.items() <= refusal.reasons[1].items()
    stored = VendorResponse.objects.get(purchase_order=second)
    assert (taken.status, taken.purchase_order, taken.response, taken.document_id) == (
        InboundStatus.TAKEN,
        second,
        stored,
        f"{second.number}-R",  # the Order ID in the response's ID changed with the reference
    )
    assert bytes(taken.xml) == written


def test_a_document_id_taken_before_is_answered_from_the_log(cast, order_1):
    po, _vendor, _items = order_1
    import_document(actor=cast.agent, xml=example("OrderCancellation_Example.xml"))
    # Whatever happened since, the same cancellation again is the one taken: nothing changes, nothing is refused.
    po.refresh_from_db()
    po.status = POStatus.IN_EXTERNAL_REVIEW
    po.save()

    again = import_document(actor=cast.agent, xml=example("OrderCancellation_Example.xml"))

    po.refresh_from_db()
    assert (again.changed, again.purchase_order, po.status) == (False, po, POStatus.IN_EXTERNAL_REVIEW)


# --- answers refer to the buyer's Order ID and line IDs --------------------------------------------------------

RESPONSE = """<?xml version="1.0" encoding="UTF-8"?>
<OrderResponse xmlns="urn:oasis:names:specification:ubl:schema:xsd:OrderResponse-2"
  xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
  xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>urn:fdc:peppol.eu:poacc:trns:order_response:3</cbc:CustomizationID>
  <cbc:ProfileID>urn:fdc:peppol.eu:poacc:bis:ordering:3</cbc:ProfileID>
  <cbc:ID>R-1</cbc:ID>
  <cbc:IssueDate>2030-01-16</cbc:IssueDate>
  <cbc:OrderResponseCode>CA</cbc:OrderResponseCode>
  <cac:OrderReference><cbc:ID>{order_id}</cbc:ID></cac:OrderReference>
  <cac:SellerSupplierParty><cac:Party><cbc:EndpointID schemeID="0192">987654325</cbc:EndpointID></cac:Party>
  </cac:SellerSupplierParty>
  <cac:BuyerCustomerParty><cac:Party><cbc:EndpointID schemeID="0088">7300010000001</cbc:EndpointID></cac:Party>
  </cac:BuyerCustomerParty>
  <cac:OrderLine>
    <cac:LineItem><cbc:ID>1</cbc:ID><cbc:LineStatusCode>7</cbc:LineStatusCode><cac:Item><cbc:Name>x</cbc:Name></cac:Item>
    </cac:LineItem>
    <cac:OrderLineReference><cbc:LineID>{line_id}</cbc:LineID></cac:OrderLineReference>
  </cac:OrderLine>
</OrderResponse>
"""


def erp_order(endpoints, profile="ordering"):
    """A PO imported from the buyer's ERP with its own Order ID and line IDs "A" and "B", sent to vendor A."""
    document = (
        order_xml([OrderLine(item.number) for item in endpoints.items[:2]], number="ERP-77")
        .replace(b"<cbc:ID>1</cbc:ID>", b"<cbc:ID>A</cbc:ID>")
        .replace(b"<cbc:ID>2</cbc:ID>", b"<cbc:ID>B</cbc:ID>")
        .replace(b"bis:ordering:3", f"bis:{profile}:3".encode())
    )
    po = import_document(actor=endpoints.agent, xml=document).purchase_order
    return po_send(actor=endpoints.agent, purchase_order=po)


def test_a_response_names_the_order_by_the_buyers_order_id_and_its_lines_by_their_ids(endpoints):
    po = erp_order(endpoints)
    assert [line.buyer_line_id for line in po.lines.order_by("line_number")] == ["A", "B"]

    taken = import_document(actor=endpoints.vendor_a_user, xml=RESPONSE.format(order_id="ERP-77", line_id="B").encode())

    assert taken.purchase_order == po
    assert [(line.line_number, line.action) for line in taken.response.lines.order_by("line_number")] == [
        (1, LineAction.ACCEPT),
        (2, LineAction.REJECT),
    ]


def test_a_response_to_an_unknown_line_id_is_refused_on_its_element(endpoints):
    erp_order(endpoints)
    error = refused(endpoints.vendor_a_user, RESPONSE.format(order_id="ERP-77", line_id="C").encode())
    assert (error.code, list(error.fields)) == (
        "ubl_unknown_line",
        ["OrderResponse/OrderLine[1]/OrderLineReference/LineID"],
    )


def test_an_order_only_order_is_not_answered(endpoints):
    erp_order(endpoints, profile="order_only")
    error = refused(endpoints.vendor_a_user, RESPONSE.format(order_id="ERP-77", line_id="A").encode(), Conflict)
    assert error.code == "ubl_no_response_expected"


def test_an_acknowledgement_is_logged_and_changes_nothing(endpoints):
    po = erp_order(endpoints)
    document = (
        RESPONSE.format(order_id="ERP-77", line_id="A")
        .replace(">CA</cbc:OrderResponseCode>", ">AB</cbc:OrderResponseCode>")
        .encode()
    )

    response = post(endpoints.vendor_a_user, INBOUND, document)

    assert response.status_code == 202
    po.refresh_from_db()
    assert po.latest_response is None
    assert LoggedDocument.objects.get(direction=Direction.INBOUND, transaction="T76").status == InboundStatus.TAKEN
