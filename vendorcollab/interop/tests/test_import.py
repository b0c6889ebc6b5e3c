"""Importing UBL Orders: what is matched how, and every refusal, each naming the element at fault and changing
nothing."""

from __future__ import annotations

from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from vendorcollab.common.errors import Conflict, PermissionRefused, ValidationFailed
from vendorcollab.common.testing.factories import ItemFactory, VendorFactory, in_days
from vendorcollab.interop.errors import UnreadableDocument
from vendorcollab.interop.services import ubl_order_import
from vendorcollab.purchasing.models import PurchaseOrder
from vendorcollab.purchasing.tests.helpers import database_fingerprint

from .conftest import example
from .documents import OrderLine, order_xml


def refusal(endpoints, document, error=ValidationFailed, actor=None):
    """The error importing ``document`` raises, having checked that nothing changed."""
    before = database_fingerprint()
    with pytest.raises(error) as raised:
        ubl_order_import(actor=actor or endpoints.agent, document=document)
    assert database_fingerprint() == before
    return raised.value


def the_lines(endpoints, count=2):
    return [OrderLine(item.number) for item in endpoints.items[:count]]


def test_a_small_order_imports_with_its_own_line_numbers_and_prices(endpoints):
    lines = [OrderLine(endpoints.items[0].number, quantity="2.5", price="10.125", delivery=in_days(3).isoformat())]
    po = ubl_order_import(actor=endpoints.agent, document=order_xml(lines))
    [line] = po.lines.all()
    assert (line.item, line.quantity, line.unit_price, line.delivery_date) == (
        endpoints.items[0],
        Decimal("2.5"),
        Decimal("10.125"),
        in_days(3),
    )
    assert (po.company, po.vendor, po.number) == (endpoints.company, endpoints.vendor_a, "ERP-1001")


def test_the_buyers_item_identification_goes_before_the_sellers(endpoints):
    ours, theirs = endpoints.items[:2]
    line = OrderLine(
        ours.number,
        identification="BuyersItemIdentification",
        extra_item=f"<cac:SellersItemIdentification><cbc:ID>{theirs.number}</cbc:ID></cac:SellersItemIdentification>",
    )
    assert ubl_order_import(actor=endpoints.agent, document=order_xml([line])).lines.get().item == ours


def test_an_unknown_item_is_a_free_text_line_that_keeps_its_identifiers(endpoints):
    lines = [
        *the_lines(endpoints, 1),
        OrderLine(
            "NO-SUCH-ITEM",
            extra_item='<cac:StandardItemIdentification><cbc:ID schemeID="0160">05704066204093</cbc:ID>'
            "</cac:StandardItemIdentification>",
        ),
    ]
    po = ubl_order_import(actor=endpoints.agent, document=order_xml(lines))
    known, free = po.lines.order_by("line_number")
    assert known.item == endpoints.items[0]
    assert (free.item, free.description, free.sellers_item_id, free.standard_item_id, free.unit_code) == (
        None,
        "Ordered item 2",
        "NO-SUCH-ITEM",
        "05704066204093",
        "EA",
    )


def test_an_item_identified_by_a_name_shared_by_two_items_is_a_free_text_line(endpoints):
    ItemFactory(company=endpoints.company, name="Translation")
    ItemFactory(company=endpoints.company, name="translation")
    # UC3 identifies its only item by the name "Translation".
    endpoints.company.endpoint_scheme, endpoints.company.endpoint_id = "0088", "7300010000001"
    endpoints.company.save()
    po = ubl_order_import(actor=endpoints.agent, document=example("UC3_Order.xml"))
    assert (po.lines.get().item, po.lines.get().description) == (None, "Translation")


def test_an_unknown_buyer_or_seller_is_refused(endpoints):
    # Vendor B has the seller's endpoint, but in another company than the buyer's.
    VendorFactory(endpoint_scheme="0192", endpoint_id="111111111")
    error = refusal(endpoints, order_xml(the_lines(endpoints), seller=("0192", "111111111")))
    assert error.code == "ubl_unknown_seller"
    assert set(error.fields) == {"Order/SellerSupplierParty/Party/EndpointID"}
    error = refusal(endpoints, order_xml(the_lines(endpoints), buyer=("0088", "7300010000002")))
    assert error.code == "ubl_unknown_buyer"
    assert "0088:7300010000002" in error.rendered_message()
    # The scheme is part of the endpoint.
    error = refusal(endpoints, order_xml(the_lines(endpoints), buyer=("0192", "7300010000001")))
    assert error.code == "ubl_unknown_buyer"


def test_two_vendor_accounts_with_the_sellers_endpoint_are_ambiguous(endpoints):
    VendorFactory(company=endpoints.company, endpoint_scheme="0192", endpoint_id="987654325")
    error = refusal(endpoints, order_xml(the_lines(endpoints)))
    assert error.code == "ubl_ambiguous_party"


def test_a_delivery_date_in_the_past_is_kept_as_the_document_says(endpoints):
    # A document describes what was agreed; only a person entering a new PO is held to future dates.
    lines = [OrderLine(endpoints.items[0].number, delivery=in_days(-1).isoformat())]
    po = ubl_order_import(actor=endpoints.agent, document=order_xml(lines))
    assert po.lines.get().delivery_date == in_days(-1)


def test_an_order_number_the_company_uses_is_a_conflict_so_a_document_imports_once(endpoints):
    document = order_xml(the_lines(endpoints))
    ubl_order_import(actor=endpoints.agent, document=document)
    error = refusal(endpoints, document, Conflict)
    assert (error.code, error.status) == ("number_taken", 409)
    assert set(error.fields) == {"Order/ID"}
    assert error.rendered_message().startswith("Order/ID: ")
    assert PurchaseOrder.objects.count() == 1


def test_an_import_that_loses_the_race_for_its_number_is_the_same_conflict(endpoints):
    document = order_xml(the_lines(endpoints))
    ubl_order_import(actor=endpoints.agent, document=document)
    # As if a concurrent import had taken the number between the check and the insert.
    with mock.patch("vendorcollab.interop.services._number_used", return_value=False):
        error = refusal(endpoints, document, Conflict)
    assert (error.code, set(error.fields)) == ("number_taken", {"Order/ID"})


def test_every_problem_is_reported_at_once_each_on_its_element(endpoints):
    lines = [
        OrderLine(endpoints.items[0].number, quantity="ten"),
        OrderLine(endpoints.items[1].number, price="1.23456"),
    ]
    error = refusal(endpoints, order_xml(lines, issue_date="15-01-2030", currency="euro"))
    assert error.code == "invalid_input"
    assert error.field_codes == {
        "Order/IssueDate": "ubl_invalid_date",
        "Order/DocumentCurrencyCode": "ubl_invalid_currency",
        "Order/OrderLine[1]/LineItem/Quantity": "ubl_invalid_number",
        "Order/OrderLine[2]/LineItem/Price/PriceAmount": "ubl_number_too_precise",
    }
    assert error.rendered_message().startswith("The document has 4 problems. The first: Order/IssueDate: ")


def test_the_purchasing_rules_are_reported_on_the_documents_elements(endpoints):
    error = refusal(endpoints, order_xml([OrderLine(endpoints.items[0].number, quantity="0")]))
    assert error.code == "quantity_not_positive"
    assert set(error.fields) == {"Order/OrderLine[1]/LineItem/Quantity"}
    assert error.rendered_message() == "Order/OrderLine[1]/LineItem/Quantity: The quantity must be greater than zero."


def test_missing_elements_are_named(endpoints):
    document = order_xml(the_lines(endpoints)).replace(b"<cbc:IssueDate>2030-01-15</cbc:IssueDate>", b"")
    document = document.replace(b'<cbc:Quantity unitCode="EA">10</cbc:Quantity>', b"", 1)
    error = refusal(endpoints, document)
    assert set(error.fields) == {"Order/IssueDate", "Order/OrderLine[1]/LineItem/Quantity"}
    assert set(error.field_codes.values()) == {"ubl_missing"}


def test_another_document_than_an_order_is_refused(endpoints):
    error = refusal(endpoints, example("UC1_Order_response.xml"))
    assert error.code == "ubl_not_an_order"
    assert "OrderResponse" in error.rendered_message()


def test_a_document_that_is_not_xml_is_refused(endpoints):
    for document, code in [
        (b"<Order><cbc:ID>1</Order>", "ubl_malformed"),
        (b"  ", "ubl_empty"),
        (b"PDF-1.4", "ubl_malformed"),
    ]:
        error = refusal(endpoints, document, UnreadableDocument)
        assert (error.code, error.status) == (code, 400)


def test_only_a_purchasing_role_imports(endpoints):
    error = refusal(endpoints, order_xml(the_lines(endpoints)), PermissionRefused, actor=endpoints.clerk)
    assert error.status == 403


def test_the_queries_of_an_import_do_not_grow_with_its_lines(endpoints):
    """Items are matched in one query for all lines, lines stored in one insert, known or free-text alike."""

    def queries(count, number):
        lines = [
            OrderLine(endpoints.items[index % 3].number if index % 2 else f"FREE-{index}") for index in range(count)
        ]
        with CaptureQueriesContext(connection) as captured:
            ubl_order_import(actor=endpoints.agent, document=order_xml(lines, number=number))
        return len(captured)

    queries(1, "ERP-WARM")  # the first import of a process fills caches
    assert queries(12, "ERP-12") == queries(3, "ERP-3")
