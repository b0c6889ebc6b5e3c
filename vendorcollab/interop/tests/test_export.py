"""Exports: a PO version as a UBL Order (T01) and every kind of vendor response as an Order Response (T76), each
valid against the UBL 2.1 schema and carrying the right codes; and an exported Order imports back as the same PO."""

from __future__ import annotations

from decimal import Decimal

import pytest

from vendorcollab.common.errors import NotFound
from vendorcollab.common.testing.factories import in_days, line
from vendorcollab.interop.selectors import response_for_export, version_for_export
from vendorcollab.interop.services import ubl_order_import
from vendorcollab.interop.ubl_reader import NS
from vendorcollab.interop.writers import ubl_order, ubl_order_response
from vendorcollab.purchasing.models import LineAction, PurchaseOrder, ResponseKind, Visibility
from vendorcollab.purchasing.services import ChargeInput, note_add, po_confirm, po_create, po_send, response_submit
from vendorcollab.purchasing.tests.helpers import answer, split

from .conftest import assert_valid


def texts(root, path):
    return [element.text for element in root.xpath(path, namespaces=NS)]


def text(root, path):
    [value] = texts(root, path)
    return value


@pytest.fixture
def rich(endpoints):
    """A PO sent as version 1 with what an Order can say: a discount, dimensions, header and line charges, external
    and internal notes."""
    cast = endpoints
    po = po_create(
        actor=cast.agent,
        company=cast.company,
        vendor=cast.vendor_a,
        lines=[
            line(cast.items[0], quantity="12", price="3.25", days=20, discount_percent=Decimal("10"), color="Red"),
            line(cast.items[1], quantity="4.5", price="100", days=30, size="XL", style="Slim"),
            line(cast.items[2], quantity="1", price="7", days=40),
        ],
        charges=[
            ChargeInput(code="FREIGHT", amount=Decimal("25.00"), description="Freight"),
            ChargeInput(code="95", amount=Decimal("-5.00"), description="Early order"),
            ChargeInput(code="PACK", amount=Decimal("3.50"), description="Packaging", line_number=2),
        ],
        currency="EUR",
    )
    note_add(actor=cast.agent, purchase_order=po, text="Deliver at gate 4", visibility=Visibility.EXTERNAL)
    note_add(actor=cast.agent, purchase_order=po, text="Fragile", visibility=Visibility.EXTERNAL, line_number=2)
    note_add(actor=cast.agent, purchase_order=po, text="Budget is tight", visibility=Visibility.INTERNAL)
    return po_send(actor=cast.agent, purchase_order=po)


def exported_order(cast, po, number=1):
    return ubl_order(version_for_export(actor=cast.agent, purchase_order_id=po.pk, number=number))


def test_a_version_exports_as_a_valid_peppol_order(endpoints, rich):
    root = assert_valid(exported_order(endpoints, rich), "Order")

    assert text(root, "cbc:CustomizationID") == "urn:fdc:peppol.eu:poacc:trns:order:3"
    assert text(root, "cbc:ProfileID") == "urn:fdc:peppol.eu:poacc:bis:ordering:3"
    assert text(root, "cbc:ID") == rich.number  # the buyer's Order ID, never the version label
    assert text(root, "cbc:DocumentCurrencyCode") == "EUR"
    assert text(root, "cbc:Note") == "Deliver at gate 4"  # the internal note stays home
    buyer = root.find("cac:BuyerCustomerParty/cac:Party/cbc:EndpointID", NS)
    assert (buyer.get("schemeID"), buyer.text) == ("0088", "7300010000001")
    seller = root.find("cac:SellerSupplierParty/cac:Party/cbc:EndpointID", NS)
    assert (seller.get("schemeID"), seller.text) == ("0192", "987654325")
    assert texts(root, "cac:AllowanceCharge/cbc:ChargeIndicator") == ["true", "false"]
    assert texts(root, "cac:AllowanceCharge/cbc:Amount") == ["25.00", "5.00"]
    assert texts(root, "cac:AllowanceCharge/cbc:AllowanceChargeReasonCode") == ["95"]  # FREIGHT is no UNCL code

    lines = root.findall("cac:OrderLine", NS)
    assert [text(item, "cac:LineItem/cbc:ID") for item in lines] == ["1", "2", "3"]
    first, second, _third = lines
    assert text(first, "cac:LineItem/cbc:Quantity") == "12"
    # The UN/ECE Rec 20 code of the item (the unit's name, "ea", is for screens)
    assert first.find("cac:LineItem/cbc:Quantity", NS).get("unitCode") == endpoints.items[0].unit_code == "H87"
    assert text(first, "cac:LineItem/cac:Price/cbc:PriceAmount") == "3.25"
    assert text(first, "cac:LineItem/cac:Delivery/cac:RequestedDeliveryPeriod/cbc:EndDate") == in_days(20).isoformat()
    # 12 x 3.25 = 39.00, less 10 %: 35.10.
    assert text(first, "cac:LineItem/cbc:LineExtensionAmount") == "35.10"
    assert text(first, "cac:LineItem/cac:AllowanceCharge/cbc:MultiplierFactorNumeric") == "10"
    assert text(first, "cac:LineItem/cac:AllowanceCharge/cbc:Amount") == "3.90"
    assert text(first, "cac:LineItem/cac:Item/cac:BuyersItemIdentification/cbc:ID") == endpoints.items[0].number
    assert texts(first, "cac:LineItem/cac:Item/cac:AdditionalItemProperty/cbc:Name") == ["Color"]
    assert text(second, "cbc:Note") == "Fragile"
    assert text(second, "cac:LineItem/cbc:LineExtensionAmount") == "453.50"  # 450 and the line's packaging
    assert texts(second, "cac:LineItem/cac:Item/cac:AdditionalItemProperty/cbc:Value") == ["XL", "Slim"]
    # 35.10 + 453.50 + 7.00 + 25.00 - 5.00
    assert text(root, "cac:AnticipatedMonetaryTotal/cbc:PayableAmount") == "515.60"
    assert Decimal("515.60") == rich.latest_version.total_amount


def test_a_confirmation_version_with_a_split_a_substitute_and_a_rejected_line_exports_too(endpoints, sent):
    response_submit(
        actor=endpoints.vendor_a_user,
        purchase_order=sent,
        version=1,
        kind=ResponseKind.ACCEPTED_WITH_CHANGES,
        lines=[
            split(1, ("4", 20), ("6", 35)),
            answer(2, LineAction.SUBSTITUTE, external_item_number="ALT-2", external_description="Blue variant"),
            answer(3, LineAction.REJECT),
        ],
    )
    po_confirm(actor=endpoints.agent, purchase_order=sent, apply_vendor_changes=True)

    root = assert_valid(exported_order(endpoints, sent, number=2), "Order")

    lines = root.findall("cac:OrderLine/cac:LineItem", NS)
    assert [text(item, "cbc:ID") for item in lines] == ["1", "2"]  # line 3 is cancelled: not ordered
    first, second = lines
    # An Order has no quantity per delivery (T01-B24702): the schedule is the requested period from its first to
    # its last date, and spelt out in the line's note.
    assert texts(first, "cac:Delivery/cbc:Quantity") == []
    assert texts(first, "cac:Delivery/cac:RequestedDeliveryPeriod/cbc:StartDate") == [in_days(20).isoformat()]
    assert texts(first, "cac:Delivery/cac:RequestedDeliveryPeriod/cbc:EndDate") == [in_days(35).isoformat()]
    assert texts(first, "../cbc:Note") == [
        f"Delivery schedule: 4 on {in_days(20).isoformat()}; 6 on {in_days(35).isoformat()}"
    ]
    assert text(second, "cac:Item/cac:SellersItemIdentification/cbc:ID") == "ALT-2"
    assert text(second, "cac:Item/cbc:Description") == "Blue variant"


def test_vendor_users_export_nothing_even_of_their_own_orders(endpoints, sent):
    with pytest.raises(NotFound):
        version_for_export(actor=endpoints.vendor_a_user, purchase_order_id=sent.pk, number=1)


def respond(cast, po, kind, lines=(), note=""):
    response = response_submit(
        actor=cast.vendor_a_user,
        purchase_order=po,
        version=1,
        kind=kind,
        lines=lines,
        note=note,
        vendor_reference="SO-77",
    )
    exported = ubl_order_response(
        response_for_export(actor=cast.agent, purchase_order_id=po.pk, response_id=response.pk)
    )
    root = assert_valid(exported, "OrderResponse")
    assert text(root, "cbc:CustomizationID") == "urn:fdc:peppol.eu:poacc:trns:order_response:3"
    assert text(root, "cbc:ProfileID") == "urn:fdc:peppol.eu:poacc:bis:ordering:3"
    assert text(root, "cac:OrderReference/cbc:ID") == po.number  # the buyer's Order ID, not the version label
    assert text(root, "cbc:SalesOrderID") == "SO-77"
    assert text(root, "cac:SellerSupplierParty/cac:Party/cbc:EndpointID") == "987654325"
    assert text(root, "cac:BuyerCustomerParty/cac:Party/cbc:EndpointID") == "7300010000001"
    return root


def line_answers(root):
    """(response line ID, LineStatusCode, Quantity, promised date, order line referred to) per response line."""
    return [
        (
            text(order_line, "cac:LineItem/cbc:ID"),
            text(order_line, "cac:LineItem/cbc:LineStatusCode"),
            (texts(order_line, "cac:LineItem/cbc:Quantity") or [None])[0],
            (texts(order_line, "cac:LineItem/cac:Delivery/cac:PromisedDeliveryPeriod/cbc:EndDate") or [None])[0],
            text(order_line, "cac:OrderLineReference/cbc:LineID"),
        )
        for order_line in root.findall("cac:OrderLine", NS)
    ]


def test_an_acceptance_is_ap_without_lines(endpoints, sent):
    root = respond(endpoints, sent, ResponseKind.ACCEPTED)
    assert text(root, "cbc:OrderResponseCode") == "AP"
    assert root.findall("cac:OrderLine", NS) == []


def test_a_rejection_is_re_with_its_reason(endpoints, sent):
    root = respond(endpoints, sent, ResponseKind.REJECTED, note="Out of stock until spring")
    assert text(root, "cbc:OrderResponseCode") == "RE"
    assert text(root, "cbc:Note") == "Out of stock until spring"
    assert root.findall("cac:OrderLine", NS) == []


def test_accepted_with_changes_is_ca_with_every_line_accepted_changed_or_not_accepted(endpoints, sent):
    root = respond(
        endpoints,
        sent,
        ResponseKind.ACCEPTED_WITH_CHANGES,
        [
            answer(2, LineAction.CHANGE, quantity=Decimal("15"), delivery_date=in_days(30), note="Half now"),
            answer(3, LineAction.REJECT, note="Discontinued"),
        ],
    )
    assert text(root, "cbc:OrderResponseCode") == "CA"
    assert line_answers(root) == [
        ("1", "5", "10", in_days(14).isoformat(), "1"),
        ("2", "3", "15", in_days(30).isoformat(), "2"),
        ("3", "7", None, None, "3"),
    ]
    assert texts(root, "cac:OrderLine/cac:LineItem/cbc:Note") == ["Half now", "Discontinued"]


def test_a_split_is_one_response_line_per_schedule_line_for_one_order_line(endpoints, sent):
    root = respond(endpoints, sent, ResponseKind.ACCEPTED_WITH_CHANGES, [split(2, ("12", 20), ("8", 35))])
    assert text(root, "cbc:OrderResponseCode") == "CA"
    assert line_answers(root) == [
        ("1", "5", "10", in_days(14).isoformat(), "1"),
        ("2.1", "3", "12", in_days(20).isoformat(), "2"),
        ("2.2", "3", "8", in_days(35).isoformat(), "2"),
        ("3", "5", "30", in_days(14).isoformat(), "3"),
    ]


def test_a_substitute_is_a_seller_substituted_line_item(endpoints, sent):
    root = respond(
        endpoints,
        sent,
        ResponseKind.ACCEPTED_WITH_CHANGES,
        [answer(1, LineAction.SUBSTITUTE, external_item_number="ALT-1", external_description="Green variant")],
    )
    assert line_answers(root)[0] == ("1", "3", "10", in_days(14).isoformat(), "1")
    [substitute] = root.findall("cac:OrderLine/cac:SellerSubstitutedLineItem", NS)
    assert text(substitute, "cac:Item/cac:SellersItemIdentification/cbc:ID") == "ALT-1"
    assert text(substitute, "cac:Item/cbc:Name") == "Green variant"
    # The ordered item stays in the line item, as ordered.
    assert text(root, "cac:OrderLine[1]/cac:LineItem/cac:Item/cac:BuyersItemIdentification/cbc:ID") == (
        endpoints.items[0].number
    )


def test_an_exported_order_imports_back_as_the_same_purchase_order(endpoints, rich):
    document = exported_order(endpoints, rich)
    number = rich.number
    # The Order's ID is the PO's number: the original makes room for its copy, which takes that number.
    PurchaseOrder.objects.filter(pk=rich.pk).update(number=f"{number}-original")
    copy = ubl_order_import(actor=endpoints.agent, document=document)

    assert copy.number == number
    assert (copy.company, copy.vendor, copy.currency) == (rich.company, rich.vendor, rich.currency)

    def lines(po):
        # The unit travels as its Rec 20 code; which name the reader gives it is the reader's business.
        fields = ("line_number", "item_id", "quantity", "unit_price", "discount_percent", "delivery_date")
        dimensions = ("color", "size", "style", "configuration")
        return [tuple(getattr(line, name) for name in fields + dimensions) for line in po.lines.order_by("line_number")]

    def charges(po):
        return sorted((c.line_number or 0, c.amount, c.description) for c in po.charges.all())

    def notes(po):
        return sorted((n.line_number or 0, n.text) for n in po.notes.filter(visibility=Visibility.EXTERNAL))

    assert lines(copy) == lines(rich)
    assert charges(copy) == charges(rich)
    assert notes(copy) == notes(rich)
