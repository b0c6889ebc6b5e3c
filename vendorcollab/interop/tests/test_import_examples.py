"""Every example Order of PEPPOL BIS Ordering 3 (UC1 to UC6 and Order_Example.xml) imports into the purchase order it
describes: parties, lines, quantities, units, prices, discounts, dates, dimensions, charges and notes.

The expectations are written out by hand from the documents, not computed by the code under test. The examples'
delivery dates lie in 2010-2023, all in the past, and are imported as they are: a document says what was agreed
(only a person entering a new PO is held to future dates). Our items are in "ea" (the factory's unit): a line in
"EA" takes the item's spelling of that unit, any other unit code ("NAR", "DAY") stays as sent.

Twice over: with the items registered (matched on an identifier or the name), and with none (every line a
free-text line that keeps its identifiers); and everything else the Order carries (point 2 of issue 15).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from vendorcollab.common.testing.factories import CompanyFactory, ItemFactory, VendorFactory
from vendorcollab.interop.services import ubl_order_import
from vendorcollab.purchasing.models import Origin, POStatus, Visibility
from vendorcollab.purchasing.services.versions import po_total

from . import conftest
from .conftest import example


@dataclass(frozen=True)
class Line:
    number: int
    item: str
    quantity: str
    unit: str
    price: str
    delivery: str
    description: str
    discount: str = "0"
    dimensions: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Expected:
    number: str
    order_date: str
    currency: str
    buyer: tuple[str, str]
    seller: tuple[str, str]
    # Our items (number: name) the example needs; matched on an identifier of the document, or on the name.
    items: dict[str, str]
    lines: list[Line]
    total: str
    # (line number or None, code, description, amount), in the order of the document.
    charges: list[tuple[int | None, str, str, str]] = field(default_factory=list)
    notes: list[tuple[int | None, str]] = field(default_factory=list)


CITY_HOSPITAL = ("0088", "7300010000001")
SUPPLIER_NO = ("0192", "987654325")
REGION_WEST = ("0007", "5541277710")

EXAMPLES = {
    "Order_Example.xml": Expected(
        number="34",
        order_date="2018-09-01",
        currency="NOK",
        buyer=("0192", "987654325"),
        seller=("0192", "123456785"),
        # Line 1 names our item in BuyersItemIdentification (123456); line 2 only by the seller's number.
        items={"123456": "Needle", "SItemNo011": "Wet tissues"},
        lines=[
            Line(1, "123456", "120", "ea", "50", "2010-02-25", "Needle 4mm", discount="5"),
            Line(2, "SItemNo011", "15", "ea", "15", "2012-10-31", "Wet tissues"),
        ],
        charges=[
            (None, "ABK", "Miscellaneous services", "400.00"),
            (None, "95", "Discount", "-652.50"),
            (1, "ABK", "Miscellaneous services", "600.00"),
        ],
        notes=[
            (None, "Information text for the whole order"),
            # A referred document (a URI, nothing embedded) is kept as a note.
            (None, "Doc1: http://www.suppliersite.eu/sheet001.html"),
            (1, "Freetext note on line 1"),
            (2, "Freetext note on line 2"),
        ],
        # The document's TaxExclusiveAmount: 5700 + 600 + 225 + 400 - 652.50.
        total="6272.50",
    ),
    "UC1_Order.xml": Expected(
        number="1",
        order_date="2013-07-01",
        currency="EUR",
        buyer=CITY_HOSPITAL,
        seller=SUPPLIER_NO,
        items={"SN-33": "Brown sauce", "SN-34": "White sauce", "SN-35": "Pepper sauce"},
        lines=[
            Line(1, "SN-33", "10", "NAR", "4", "2013-07-16", "Brown sauce"),
            Line(2, "SN-34", "5", "NAR", "6", "2013-07-16", "White sauce"),
            Line(3, "SN-35", "15", "NAR", "3", "2013-07-16", "Pepper sauce"),
        ],
        total="115.00",
    ),
    "UC2_Order.xml": Expected(
        number="1",
        order_date="2013-07-01",
        currency="EUR",
        buyer=CITY_HOSPITAL,
        seller=CITY_HOSPITAL,
        # No item identification at all: matched on the name.
        items={"ITEM-1": "Item 1", "ITEM-2": "Item 2"},
        lines=[
            Line(1, "ITEM-1", "10", "NAR", "40", "2013-07-16", "Item 1", dimensions={"color": "Red", "size": "43"}),
            Line(2, "ITEM-2", "50", "NAR", "6", "2013-07-16", "Item 2", dimensions={"color": "Yellow", "size": "36"}),
        ],
        total="700.00",
    ),
    "UC3_Order.xml": Expected(
        number="5",
        order_date="2013-07-01",
        currency="EUR",
        buyer=CITY_HOSPITAL,
        seller=SUPPLIER_NO,
        items={"TRANSLATION": "Translation"},
        lines=[Line(1, "TRANSLATION", "1", "DAY", "400", "2013-07-16", "Translation")],
        total="400.00",
    ),
    "UC4_Order.xml": Expected(
        number="5",
        order_date="2013-07-01",
        currency="EUR",
        buyer=REGION_WEST,
        seller=SUPPLIER_NO,
        items={"SN-33": "Snow shovel"},
        lines=[Line(1, "SN-33", "50", "NAR", "1", "2013-07-16", "Snow shovel")],
        # Reasons without a reason code: the code says which kind it is.
        charges=[(None, "CHARGE", "Freight cost", "10.00"), (None, "ALLOWANCE", "Agreed discount", "-10.00")],
        notes=[
            (None, "Notes regarding the order"),
            (None, "100: http://upload.wikimedia.org/wikipedia/commons/1/10/LaBelle_Blueprint.jpg"),
            (1, "This free text note can be used...."),
        ],
        total="50.00",
    ),
    "UC5_Order.xml": Expected(
        number="5",
        order_date="2019-09-30",
        currency="SEK",
        buyer=REGION_WEST,
        seller=("0007", "5546577791"),
        items={"11111": "Waste bags 1 l", "111125": "Waste bags 2.5 l", "11135": "Black bags 25 l"},
        lines=[
            Line(1, "11111", "10", "ea", "4", "2019-10-16", "1x12 pack waste bags 1 lit"),
            Line(2, "111125", "5", "ea", "6", "2019-10-16", "Waste bags 2,5 lit"),
            Line(3, "11135", "15", "ea", "3", "2019-10-16", "Black Plastic bags 25 lit"),
        ],
        total="115.00",
    ),
    "UC6_Order.xml": Expected(
        number="1",
        order_date="2024-08-28",
        currency="EUR",
        buyer=CITY_HOSPITAL,
        seller=SUPPLIER_NO,
        # Only a GTIN (StandardItemIdentification); no delivery date anywhere: due today.
        items={"05704066204093": "Surgical gloves"},
        lines=[Line(1, "05704066204093", "10", "NAR", "40", "today", "Surgical gloves, box of 100 pairs")],
        total="400.00",
    ),
}


def master_data(expected: Expected):
    company = CompanyFactory(code="EX", endpoint_scheme=expected.buyer[0], endpoint_id=expected.buyer[1])
    vendor = VendorFactory(company=company, endpoint_scheme=expected.seller[0], endpoint_id=expected.seller[1])
    # A vendor of another company with the same endpoint: the seller is looked for in the buyer's company only.
    VendorFactory(endpoint_scheme=expected.seller[0], endpoint_id=expected.seller[1])
    items = {number: ItemFactory(company=company, number=number, name=name) for number, name in expected.items.items()}
    # The same item numbers in another company must not be taken.
    for number, name in expected.items.items():
        ItemFactory(number=number, name=name)
    return company, vendor, items


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_every_example_order_imports_as_the_purchase_order_it_describes(cast, name):
    expected = EXAMPLES[name]
    company, vendor, items = master_data(expected)

    po = ubl_order_import(actor=cast.agent, document=example(name))

    assert (po.company, po.vendor) == (company, vendor)
    assert (po.number, po.order_date.isoformat(), po.currency) == (
        expected.number,
        expected.order_date,
        expected.currency,
    )
    assert (po.status, po.origin, po.created_by) == (POStatus.DRAFT, Origin.UBL, cast.agent)
    lines = list(po.lines.order_by("line_number"))
    assert [
        (
            line.line_number,
            line.item,
            line.quantity,
            line.unit,
            line.unit_price,
            line.discount_percent,
            line.delivery_date.isoformat(),
            line.description,
            {name: getattr(line, name) for name in ("color", "size", "style", "configuration") if getattr(line, name)},
        )
        for line in lines
    ] == [
        (
            line.number,
            items[line.item],
            Decimal(line.quantity),
            line.unit,
            Decimal(line.price),
            Decimal(line.discount),
            timezone.localdate().isoformat() if line.delivery == "today" else line.delivery,
            line.description,
            line.dimensions,
        )
        for line in expected.lines
    ]
    charges = [(c.line_number, c.code, c.description, c.amount) for c in po.charges.order_by("pk")]
    assert charges == [(n, code, text, Decimal(amount)) for n, code, text, amount in expected.charges]
    notes = po.notes.order_by("pk")
    assert [(note.line_number, note.text) for note in notes] == expected.notes
    assert all(note.visibility == Visibility.EXTERNAL for note in notes)
    assert po_total(po) == Decimal(expected.total)


def test_without_the_shared_folder_these_tests_skip_but_fail_under_ci(monkeypatch, tmp_path):
    monkeypatch.setattr(conftest, "SHARED", tmp_path / "absent")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="is absent"):
        conftest.example("UC1_Order.xml")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must provide it"):
        conftest.example("UC1_Order.xml")


@dataclass(frozen=True)
class Kept:
    """What a line keeps of the document: its ID, the buyer's, seller's and standard identifiers, unit code, tax
    and requested delivery period."""

    line_id: str
    description: str
    quantity: str
    unit_code: str
    buyers: str = ""
    sellers: str = ""
    standard: str = ""
    tax: tuple[str, str | None] = ("S", "25")
    period: tuple[str | None, str | None] = (None, None)


# Per example: the header the PO keeps, the parties as named, and every line, as free-text lines (no item known).
CITY_HOSPITAL_PARTY = {
    "name": "City Hospital",
    "contact_name": "Martin Foggerty",
    "contact_phone": "+46555785488",
    "contact_email": "martin.foggerty@cityhospital.se",
    "endpoint_scheme": "0088",
    "endpoint_id": "7300010000001",
}
LOWER_STREET = {
    "delivery_street_name": "Lower street 5",
    "delivery_additional_street_name": "Reception",
    "delivery_city_name": "Stockholm",
    "delivery_postal_zone": "11120",
    "delivery_country_code": "SE",
    "delivery_party_name": "Hospital Tourist Department",
}
KEPT: dict[str, tuple[dict[str, object], list[Kept]]] = {
    "Order_Example.xml": (
        {
            "order_document_id": "34",
            "response_expected": False,
            "payment_terms": "Payment terms description",
            "delivery_terms_code": "FOB",
            "delivery_terms": "CAD",
            "contract_reference": "34322",
            "quotation_reference": "QuoteID123",
            "originator_reference": "MAFO",
            "delivery_party_name": "Helseavdeling",
            "delivery_location_id": "7300010000001",
            "delivery_location_scheme": "0088",
            "delivery_street_name": "Solheimsveien 10",
            "delivery_additional_street_name": "Add",
            "delivery_city_name": "Lørenskog",
            "delivery_postal_zone": "1473",
            "delivery_country_subentity": "Region",
            "delivery_country_code": "NO",
            "parties": {
                "buyer": {
                    "name": "Helseforetak",
                    "street_name": "Sinsenveien 40",
                    "additional_street_name": "Oppgang B",
                    "city_name": "Oslo",
                    "postal_zone": "0501",
                    "country_subentity": "Region",
                    "country_code": "NO",
                    "vat_id": "NO9311867455MVA",
                    "contact_name": "Ole Olsen",
                    "contact_phone": "23055000",
                    "contact_email": "post@helseforetak.no",
                    "endpoint_scheme": "0192",
                    "endpoint_id": "987654325",
                },
                "seller": {
                    "name": "Medical",
                    "street_name": "Storgt. 12",
                    "additional_street_name": "4. etasje",
                    "city_name": "Oslo",
                    "postal_zone": "0585",
                    "country_subentity": "Region",
                    "country_code": "NO",
                    "contact_name": "Nils Nilsen",
                    "contact_phone": "22150510",
                    "contact_email": "post@medical.no",
                    "endpoint_scheme": "0192",
                    "endpoint_id": "123456785",
                },
            },
        },
        [
            Kept(
                "1",
                "Needle 4mm",
                "120",
                "EA",
                buyers="123456",
                sellers="121212",
                standard="7560000012345",
                period=("2010-02-10", "2010-02-25"),
            ),
            Kept("2", "Wet tissues", "15", "EA", sellers="SItemNo011", period=("2012-10-15", "2012-10-31")),
        ],
    ),
    "UC1_Order.xml": (
        {"order_document_id": "1", "response_expected": False, "contract_reference": "C1", **LOWER_STREET},
        [
            Kept("1", "Brown sauce", "10", "NAR", sellers="SN-33", standard="05704066204093"),
            Kept("2", "White sauce", "5", "NAR", sellers="SN-34", standard="08722700575887"),
            Kept("3", "Pepper sauce", "15", "NAR", sellers="SN-35", standard="08722700577584"),
        ],
    ),
    "UC2_Order.xml": (
        {"order_document_id": "1", "response_expected": False, "contract_reference": "C1", **LOWER_STREET},
        [Kept("1", "Item 1", "10", "NAR"), Kept("2", "Item 2", "50", "NAR")],
    ),
    "UC3_Order.xml": (
        {
            "order_document_id": "5",
            "response_expected": False,
            "contract_reference": "C1",
            **LOWER_STREET,
            "delivery_city_name": "Oslo",
            "delivery_country_code": "NO",
        },
        # No ClassifiedTaxCategory: the default category, no percent.
        [Kept("1", "Translation", "1", "DAY", tax=("S", None))],
    ),
    "UC4_Order.xml": (
        {
            "order_document_id": "5",
            "response_expected": False,
            "contract_reference": "C1",
            "quotation_reference": "55",
            "originator_reference": "REQ-1",
            "delivery_terms_code": "DAP",
            "delivery_terms": "These special terms applies to the delivery...",
            **LOWER_STREET,
            "delivery_additional_street_name": "Docking gate 5",
            "delivery_party_name": "Hospital Stock management",
        },
        [
            Kept(
                "1",
                "Snow shovel",
                "50",
                "NAR",
                sellers="SN-33",
                standard="09876543211234",
                tax=("S", "10"),
                period=("2013-07-15", "2013-07-16"),
            )
        ],
    ),
    "UC5_Order.xml": (
        {
            "order_document_id": "5",
            "response_expected": True,
            "contract_reference": "C1",
            "delivery_location_id": "73512333000108",
            "delivery_location_scheme": "0088",
            "delivery_street_name": "Sjukhusgatan 14",
            "delivery_additional_street_name": "Godsmottagningen",
            "delivery_city_name": "Borås",
            "delivery_postal_zone": "40355",
            "delivery_country_code": "SE",
            "delivery_party_name": "Southern Hospital",
        },
        [
            Kept("1", "1x12 pack waste bags 1 lit", "10", "EA", sellers="11111"),
            Kept("2", "Waste bags 2,5 lit", "5", "EA", sellers="111125"),
            Kept("3", "Black Plastic bags 25 lit", "15", "EA", sellers="11135"),
        ],
    ),
    "UC6_Order.xml": (
        {"order_document_id": "1", "response_expected": False, "contract_reference": "C1", "parties": None},
        [Kept("1", "Surgical gloves, box of 100 pairs", "10", "NAR", standard="05704066204093")],
    ),
}


@pytest.mark.parametrize("name", sorted(KEPT))
def test_every_example_order_imports_without_known_items_and_keeps_what_it_carries(cast, name):
    """No item registered and every date in the past: nothing is refused, every line is a free-text line, and
    the PO keeps the data of point 2."""
    expected = EXAMPLES[name]
    header, kept = KEPT[name]
    company = CompanyFactory(code="EX", endpoint_scheme=expected.buyer[0], endpoint_id=expected.buyer[1])
    VendorFactory(company=company, endpoint_scheme=expected.seller[0], endpoint_id=expected.seller[1])

    po = ubl_order_import(actor=cast.agent, document=example(name))

    parties = header.get("parties")
    for field_name, value in header.items():
        if field_name != "parties":
            assert getattr(po, field_name) == value, field_name
    if parties is not None:
        assert po.parties == parties
    elif name == "UC6_Order.xml":
        assert po.parties["buyer"] == CITY_HOSPITAL_PARTY
    lines = list(po.lines.order_by("line_number"))
    assert [
        (
            line.buyer_line_id,
            line.item,
            line.description,
            line.quantity,
            line.unit_code,
            line.buyers_item_id,
            line.sellers_item_id,
            line.standard_item_id,
            (line.tax_category, line.tax_percent),
            (line.requested_start, line.requested_end),
        )
        for line in lines
    ] == [
        (
            k.line_id,
            None,
            k.description,
            Decimal(k.quantity),
            k.unit_code,
            k.buyers,
            k.sellers,
            k.standard,
            (k.tax[0], None if k.tax[1] is None else Decimal(k.tax[1])),
            tuple(None if day is None else date.fromisoformat(day) for day in k.period),
        )
        for k in kept
    ]
    assert po_total(po) == Decimal(expected.total)


def test_the_embedded_attachment_becomes_an_external_attachment_and_a_referred_one_a_note(cast):
    company = CompanyFactory(code="EX", endpoint_scheme="0192", endpoint_id="987654325")
    VendorFactory(company=company, endpoint_scheme="0192", endpoint_id="123456785")

    po = ubl_order_import(actor=cast.agent, document=example("Order_Example.xml"))

    [attachment] = po.attachments.all()
    assert (attachment.name, attachment.visibility) == ("Hours-spend.csv", Visibility.EXTERNAL)
    assert attachment.file.read() == b"R0lGODlhcgGSALMAAAQCAEMmCZtuMFQxDS8b"
    assert po.notes.filter(text="Doc1: http://www.suppliersite.eu/sheet001.html").exists()


def test_a_line_whose_identifier_is_an_items_gtin_is_that_item(cast):
    company = CompanyFactory(code="EX", endpoint_scheme="0088", endpoint_id="7300010000001")
    VendorFactory(company=company, endpoint_scheme="0192", endpoint_id="987654325")
    gloves = ItemFactory(company=company, number="GLOVES", name="Gloves", standard_item_id="05704066204093")

    po = ubl_order_import(actor=cast.agent, document=example("UC6_Order.xml"))

    assert po.lines.get().item == gloves
