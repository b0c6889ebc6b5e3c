"""The Despatch Advice the portal writes for a ship notice (PEPPOL BIS Despatch Advice 3, T16), held against the UBL
2.1 schema and the official T16 rules (``../shared/peppol-rules``): 0 fatal assertions for one PO and several, with
and without carrier, tracking and packages, a free-text line, a site with an address and without; and what the
buyer's ERP matches on (order and line references, quantities and units) as written."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from lxml import etree

from vendorcollab.common.testing.factories import ItemFactory, in_days, line
from vendorcollab.interop.selectors import ship_notice_for_document, ship_notice_for_export
from vendorcollab.interop.ubl_reader import NS
from vendorcollab.interop.writers.despatch import despatch_document_id, ubl_despatch_advice
from vendorcollab.purchasing.services import LineInput
from vendorcollab.shipping.models import ShipNotice

from .conftest import assert_valid
from .despatch import confirmed_po, ship, t16_fatal
from .test_export_conformance import complete_master_data


@pytest.fixture
def world(endpoints):
    cast = complete_master_data(endpoints)
    site = cast.site
    site.name, site.street_name, site.city_name, site.postal_zone, site.country_code = (
        "Amsterdam dock",
        "Havenstraat 5",
        "Amsterdam",
        "1013 AB",
        "NL",
    )
    site.save()
    return cast


def _written(notice: ShipNotice) -> bytes:
    return ubl_despatch_advice(ship_notice_for_document(ship_notice_id=notice.pk))


def _text(root, path: str):  # type: ignore[no-untyped-def]
    return root.findtext(path, None, NS)


def _lines_at(cast, site, *, items=None):  # type: ignore[no-untyped-def]
    return [
        line(item, quantity=str(10 * index), unit_code="EA", site=site)
        for index, item in enumerate(items or cast.items, 1)
    ]


def _one_po_with_everything(cast):  # type: ignore[no-untyped-def]
    po = confirmed_po(cast, _lines_at(cast, cast.site))
    return ship(
        cast,
        [(po, 1, "4"), (po, 2, "20"), (po, 3, "0.5")],
        number="DA-1",
        carrier="PostNL",
        tracking_number="3SABCD1234567",
        packages=3,
        note="Leave at the dock",
    )


def _several_pos(cast):  # type: ignore[no-untyped-def]
    first = confirmed_po(cast, _lines_at(cast, cast.site, items=cast.items[:2]))
    second = confirmed_po(cast, _lines_at(cast, cast.site, items=cast.items[2:]))
    return ship(cast, [(first, 2, "5"), (second, 1, "10"), (first, 1, "1")], carrier="DHL")


def _without_shipment_details(cast):  # type: ignore[no-untyped-def]
    po = confirmed_po(cast, _lines_at(cast, cast.site))
    return ship(cast, [(po, 1, "10")])


def _free_text_line(cast):  # type: ignore[no-untyped-def]
    free = LineInput(
        item=None,
        description="Hand-made oak shelf, 80 cm",
        quantity=Decimal(2),
        unit_price=Decimal("120"),
        delivery_date=in_days(14),
        unit_code="H87",
        site=cast.site,
    )
    po = confirmed_po(cast, [free, *_lines_at(cast, cast.site, items=cast.items[:1])])
    return ship(cast, [(po, 1, "2"), (po, 2, "10")], tracking_number="TRACK-9")


def _site_without_address(cast):  # type: ignore[no-untyped-def]
    bare = type(cast.site).objects.create(company=cast.company, code="RTM", name="Rotterdam")
    po = confirmed_po(cast, _lines_at(cast, bare, items=cast.items[:1]))
    return ship(cast, [(po, 1, "10")], carrier="Own truck", packages=1)


def _no_site(cast):  # type: ignore[no-untyped-def]
    po = confirmed_po(cast)
    return ship(cast, [(po, 1, "10")])


NOTICES = {
    "one PO, carrier, tracking, packages, site with address": _one_po_with_everything,
    "several POs": _several_pos,
    "no carrier, tracking or packages": _without_shipment_details,
    "a free-text line": _free_text_line,
    "a site without an address": _site_without_address,
    "no site": _no_site,
}


@pytest.mark.parametrize("build", NOTICES.values(), ids=NOTICES.keys())
def test_every_despatch_advice_passes_the_schema_and_the_official_rules(world, build):
    notice = build(world)

    written = _written(notice)

    root = assert_valid(written, "DespatchAdvice")
    assert t16_fatal(written) == set()
    assert _text(root, "cbc:ID") == despatch_document_id(notice) == notice.number
    assert len(root.findall("cac:DespatchLine", NS)) == notice.lines.count()


def test_the_rule_runner_catches_a_despatch_advice_whose_item_is_not_identified(world):
    """The check above can fail: a line whose item has neither the seller's nor a standard identifier breaks
    PEPPOL-T16-R003, and a negative quantity PEPPOL-T16-R006."""
    written = _written(_without_shipment_details(world))
    root = etree.fromstring(written)
    item = root.find("cac:DespatchLine/cac:Item", NS)
    for name in ("cac:SellersItemIdentification", "cac:StandardItemIdentification"):
        for element in item.findall(name, NS):
            item.remove(element)
    root.find("cac:DespatchLine/cbc:DeliveredQuantity", NS).text = "-1"
    broken = etree.tostring(root, xml_declaration=True, encoding="UTF-8")

    assert {"PEPPOL-T16-R003", "PEPPOL-T16-R006"} <= t16_fatal(broken)


def test_a_notice_of_one_po_names_the_order_once_and_the_shipment_as_the_spec_places_it(world):
    notice = _one_po_with_everything(world)
    po = notice.lines.first().purchase_order

    root = assert_valid(_written(notice), "DespatchAdvice")

    assert _text(root, "cbc:CustomizationID") == "urn:fdc:peppol.eu:poacc:trns:despatch_advice:3"
    assert _text(root, "cbc:ProfileID") == "urn:fdc:peppol.eu:poacc:bis:despatch_advice:3"
    assert _text(root, "cbc:IssueDate") == timezone.localtime(notice.created_at).date().isoformat()
    assert _text(root, "cbc:Note") == "Leave at the dock"
    assert [element.text for element in root.iterfind("cac:OrderReference/cbc:ID", NS)] == [po.order_id]
    assert root.find("cac:DespatchLine/cac:OrderLineReference/cac:OrderReference", NS) is None
    assert _text(root, "cac:DespatchSupplierParty/cac:Party/cbc:EndpointID") == "987654325"
    assert _text(root, "cac:DeliveryCustomerParty/cac:Party/cbc:EndpointID") == "7300010000001"
    # The consignee at the site's address, which is where the goods go
    consignee = root.find("cac:DeliveryCustomerParty/cac:Party/cac:PostalAddress", NS)
    assert (_text(consignee, "cbc:StreetName"), _text(consignee, "cbc:CityName")) == ("Havenstraat 5", "Amsterdam")
    shipment = root.find("cac:Shipment", NS)
    assert _text(shipment, "cbc:ID") == "NA"
    assert _text(shipment, "cbc:TotalTransportHandlingUnitQuantity") == "3"
    assert _text(shipment, "cac:Consignment/cbc:ID") == "3SABCD1234567"
    assert _text(shipment, "cac:Consignment/cac:CarrierParty/cac:PartyName/cbc:Name") == "PostNL"
    assert _text(shipment, "cac:Delivery/cbc:TrackingID") == "3SABCD1234567"
    period = shipment.find("cac:Delivery/cac:EstimatedDeliveryPeriod", NS)
    expected = notice.expected_delivery_date.isoformat()
    assert (_text(period, "cbc:StartDate"), _text(period, "cbc:EndDate")) == (expected, expected)
    assert _text(shipment, "cac:Delivery/cac:DeliveryParty/cac:PartyName/cbc:Name") == "Amsterdam dock"
    assert _text(shipment, "cac:Delivery/cac:Despatch/cbc:ActualDespatchDate") == notice.despatch_date.isoformat()
    lines = root.findall("cac:DespatchLine", NS)
    assert [
        (
            _text(element, "cbc:ID"),
            _text(element, "cbc:DeliveredQuantity"),
            element.find("cbc:DeliveredQuantity", NS).get("unitCode"),
            _text(element, "cac:OrderLineReference/cbc:LineID"),
            _text(element, "cac:Item/cac:BuyersItemIdentification/cbc:ID"),
        )
        for element in lines
    ] == [
        ("1", "4", "EA", "1", world.items[0].number),
        ("2", "20", "EA", "2", world.items[1].number),
        ("3", "0.5", "EA", "3", world.items[2].number),
    ]


def test_a_notice_of_several_pos_names_each_lines_order_and_none_in_the_header(world):
    notice = _several_pos(world)
    by_line = {row.line_number: row.purchase_order.order_id for row in notice.lines.select_related("purchase_order")}

    root = assert_valid(_written(notice), "DespatchAdvice")

    assert root.find("cac:OrderReference", NS) is None
    assert [
        (
            _text(element, "cac:OrderLineReference/cac:OrderReference/cbc:ID"),
            _text(element, "cac:OrderLineReference/cbc:LineID"),
        )
        for element in root.iterfind("cac:DespatchLine", NS)
    ] == [(by_line[1], "2"), (by_line[2], "1"), (by_line[3], "1")]
    assert len(set(by_line.values())) == 2


def test_a_free_text_line_keeps_its_description_and_is_identified_as_the_rules_require(world):
    notice = _free_text_line(world)
    po = notice.lines.first().purchase_order

    root = assert_valid(_written(notice), "DespatchAdvice")

    free, item_line = root.findall("cac:DespatchLine", NS)
    assert _text(free, "cac:Item/cbc:Name") == "Hand-made oak shelf, 80 cm"
    assert free.find("cbc:DeliveredQuantity", NS).get("unitCode") == "H87"
    # No identifier of its own: the line's reference in the buyer's Order stands for the seller's (PEPPOL-T16-R003)
    assert _text(free, "cac:Item/cac:SellersItemIdentification/cbc:ID") == f"{po.order_id}/1"
    assert free.find("cac:Item/cac:BuyersItemIdentification", NS) is None
    assert _text(item_line, "cac:Item/cac:SellersItemIdentification/cbc:ID") == world.items[0].number


def test_the_identifiers_a_po_line_has_are_written_as_they_are(world):
    item = ItemFactory(company=world.company, standard_item_id="07311104114566")
    po = confirmed_po(
        world, [line(item, quantity="5", unit_code="KGM", sellers_item_id="SELL-1", buyers_item_id="BUY-1")]
    )
    notice = ship(world, [(po, 1, "4.25")])

    root = assert_valid(_written(notice), "DespatchAdvice")

    item_element = root.find("cac:DespatchLine/cac:Item", NS)
    assert _text(item_element, "cac:BuyersItemIdentification/cbc:ID") == "BUY-1"
    assert _text(item_element, "cac:SellersItemIdentification/cbc:ID") == "SELL-1"
    standard = item_element.find("cac:StandardItemIdentification/cbc:ID", NS)
    assert (standard.text, standard.get("schemeID")) == ("07311104114566", "0160")
    quantity = root.find("cac:DespatchLine/cbc:DeliveredQuantity", NS)
    assert (quantity.text, quantity.get("unitCode")) == ("4.25", "KGM")


def test_a_site_without_an_address_leaves_the_company_address_for_the_consignee(world):
    root = assert_valid(_written(_site_without_address(world)), "DespatchAdvice")

    address = root.find("cac:DeliveryCustomerParty/cac:Party/cac:PostalAddress", NS)
    assert _text(address, "cbc:StreetName") == "Keizersgracht 1"
    delivery_party = root.find("cac:Shipment/cac:Delivery/cac:DeliveryParty", NS)
    assert _text(delivery_party, "cac:PartyName/cbc:Name") == "Rotterdam"
    assert delivery_party.find("cac:PostalAddress", NS) is None


def test_writing_a_notice_takes_the_same_queries_however_many_lines_and_pos_it_has(world):
    small = _without_shipment_details(world)
    large = _several_pos(world)

    def queries(notice: ShipNotice) -> int:
        with CaptureQueriesContext(connection) as captured:
            ubl_despatch_advice(ship_notice_for_export(actor=world.vendor_a_user, pk=notice.pk))
        return len(captured)

    assert queries(small) == queries(large) <= 5
