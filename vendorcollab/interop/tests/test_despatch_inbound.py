"""A vendor's ERP posts its Despatch Advice (T16) to ``POST /api/v1/vendor/documents``: it becomes a ship notice
through the same shipping service as the pages (origin ``ubl``), its lines matched to the vendor's own POs by
``OrderReference`` and to their lines by ``OrderLineReference/LineID``; a refusal is logged with its reasons.

The official examples (``../shared/peppol-despatch/examples``) are posted unchanged, each into a world built for it:
a company and vendor account with the example's endpoints, and a confirmed PO with the example's order ID and line
IDs, units and quantities (written out below, not read from the example). Every one of them imports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from lxml import etree

from vendorcollab.accounts.models import Role
from vendorcollab.api.tests.helpers import ApiClient, error_of
from vendorcollab.common.errors import Conflict
from vendorcollab.common.testing.factories import CompanyFactory, ItemFactory, VendorFactory, make_user
from vendorcollab.interop.inbound import take_document
from vendorcollab.interop.models import Direction, Document, InboundStatus
from vendorcollab.interop.selectors import ship_notice_for_document
from vendorcollab.interop.ubl_reader import NS
from vendorcollab.interop.writers.despatch import ubl_despatch_advice
from vendorcollab.purchasing.models import PurchaseOrder
from vendorcollab.purchasing.services import LineInput, ReceiptLineInput, po_confirm, po_create, po_send, receipt_post
from vendorcollab.purchasing.tests.test_concurrency import race, split_outcomes
from vendorcollab.shipping.models import ShipNotice, ShipNoticeOrigin
from vendorcollab.shipping.services import ship_notice_cancel

from .conftest import shared
from .despatch import confirmed_po, ship
from .test_export_conformance import complete_master_data

DESPATCH_EXAMPLES = ("peppol-despatch", "examples")


def _post(user, body: bytes):  # type: ignore[no-untyped-def]
    api = ApiClient(Client(), user)
    return api.client.post("/api/v1/vendor/documents", body, content_type="application/xml", headers=api.headers)


@pytest.fixture
def world(endpoints):
    return complete_master_data(endpoints)


def _portal_document(cast, shipped, *, number: str = "ERP-DA-1") -> bytes:  # type: ignore[no-untyped-def]
    """The Despatch Advice the portal writes for a notice of ``shipped``, numbered ``number``, that notice then
    cancelled (its quantities open again): what a vendor's ERP sends is exactly such a document."""
    notice = ship(cast, shipped, number="PORTAL-1", carrier="PostNL", tracking_number="3S-TRACK", packages=2)
    document = ubl_despatch_advice(ship_notice_for_document(ship_notice_id=notice.pk))
    ship_notice_cancel(actor=cast.vendor_a_user, notice=notice)
    numbered = document.replace(b"<cbc:ID>PORTAL-1</cbc:ID>", f"<cbc:ID>{number}</cbc:ID>".encode())
    assert numbered != document
    return numbered


def _notice(number: str) -> ShipNotice:
    return ShipNotice.objects.prefetch_related("lines__po_line").get(number=number)


def test_a_despatch_advice_from_the_vendors_erp_becomes_a_ship_notice_and_is_logged(
    world, django_capture_on_commit_callbacks
):
    po = confirmed_po(world)
    document = _portal_document(world, [(po, 1, "4"), (po, 3, "30")])

    with django_capture_on_commit_callbacks(execute=True):
        response = _post(world.vendor_a_user, document)

    assert response.status_code == 201, response.content
    notice = _notice("ERP-DA-1")
    assert (notice.origin, notice.status, notice.vendor, notice.created_by) == (
        ShipNoticeOrigin.UBL,
        "shipped",
        world.vendor_a,
        world.vendor_a_user,
    )
    assert (notice.carrier, notice.tracking_number, notice.packages) == ("PostNL", "3S-TRACK", 2)
    assert notice.despatch_date == timezone.localdate()
    assert [(line.po_line.line_number, line.quantity) for line in notice.lines.all()] == [
        (1, Decimal(4)),
        (3, Decimal(30)),
    ]
    line_1, line_3 = (po.lines.get(line_number=number) for number in (1, 3))
    assert (line_1.in_transit_quantity, line_3.in_transit_quantity) == (Decimal(4), Decimal(30))
    body = response.json()
    logged = Document.objects.get(pk=body["id"])
    assert (logged.direction, logged.transaction, logged.status) == (Direction.INBOUND, "T16", InboundStatus.TAKEN)
    assert (logged.ship_notice, logged.purchase_order, logged.vendor) == (notice, po, world.vendor_a)
    assert body["ship_notice"] == notice.pk
    # Like every notice, it is written out for the buyer's ERP as the portal holds it
    assert Document.objects.filter(ship_notice=notice, direction=Direction.OUTBOUND, transaction="T16").exists()


def test_a_despatch_advice_of_several_pos_names_each_lines_order(world):
    first, second = confirmed_po(world), confirmed_po(world)
    document = _portal_document(world, [(first, 2, "5"), (second, 1, "10")])

    response = _post(world.vendor_a_user, document)

    assert response.status_code == 201, response.content
    notice = _notice("ERP-DA-1")
    assert [(line.purchase_order_id, line.po_line.line_number, line.quantity) for line in notice.lines.all()] == [
        (first.pk, 2, Decimal(5)),
        (second.pk, 1, Decimal(10)),
    ]


def test_a_line_delivering_nothing_is_left_off_the_notice_and_the_log_files_it_under_what_ships(world):
    first, second = confirmed_po(world), confirmed_po(world)
    root = etree.fromstring(_portal_document(world, [(first, 1, "5"), (second, 2, "7")]))
    root.find("cac:DespatchLine/cbc:DeliveredQuantity", NS).text = "0"

    response = _post(world.vendor_a_user, etree.tostring(root, xml_declaration=True, encoding="UTF-8"))

    assert response.status_code == 201, response.content
    notice = _notice("ERP-DA-1")
    assert [(line.purchase_order_id, line.quantity) for line in notice.lines.all()] == [(second.pk, Decimal(7))]
    assert Document.objects.get(pk=response.json()["id"]).purchase_order == second
    assert first.lines.get(line_number=1).in_transit_quantity == 0


@pytest.mark.parametrize(
    ("change", "status", "code", "element"),
    [
        (
            (b"<cbc:ID>PO-000001</cbc:ID>", b"<cbc:ID>NOPE-1</cbc:ID>"),
            404,
            "ubl_unknown_order",
            "DespatchAdvice/OrderReference[1]/ID",
        ),
        (
            (b"<cbc:LineID>1</cbc:LineID>", b"<cbc:LineID>9</cbc:LineID>"),
            422,
            "ubl_unknown_line",
            "DespatchAdvice/DespatchLine[1]/OrderLineReference/LineID",
        ),
        (
            (b'unitCode="EA">4<', b'unitCode="KGM">4<'),
            422,
            "ubl_invalid_code",
            "DespatchAdvice/DespatchLine[1]/DeliveredQuantity/@unitCode",
        ),
        (
            (b'unitCode="EA">4<', b'unitCode="EA">11<'),
            409,
            "over_announced",
            "DespatchAdvice/DespatchLine[1]/DeliveredQuantity",
        ),
    ],
    ids=["unknown order", "unknown line", "another unit", "more than still open"],
)
def test_a_refused_despatch_advice_changes_nothing_and_is_logged_with_its_reason(world, change, status, code, element):
    po = confirmed_po(world)
    document = _portal_document(world, [(po, 1, "4")])
    changed = document.replace(*change)
    assert changed != document

    response = _post(world.vendor_a_user, changed)

    assert response.status_code == status, response.content
    error = error_of(response)
    assert error["code"] == code
    assert list(error["fields"]) == [element]
    assert not ShipNotice.objects.exclude(status="cancelled").exists()
    assert all(line.in_transit_quantity == 0 for line in po.lines.all())
    logged = Document.objects.get(direction=Direction.INBOUND)
    assert (logged.transaction, logged.status, logged.document_id) == ("T16", InboundStatus.REFUSED, "ERP-DA-1")
    assert logged.reasons[0]["code"] == code
    assert element in {reason.get("field") for reason in logged.reasons}
    # The refusal is filed under the vendor's own account: its ERP finds it in its feed
    assert logged.vendor == world.vendor_a
    feed = ApiClient(Client(), world.vendor_a_user).get("/vendor/documents", {"direction": "inbound"}).json()
    assert [row["id"] for row in feed["items"]] == [logged.pk]


def _without(element_path: str):  # type: ignore[no-untyped-def]
    def change(root) -> None:  # type: ignore[no-untyped-def]
        element = root.find(element_path, NS)
        element.getparent().remove(element)

    return change


def _despatched_in_days(days: int):  # type: ignore[no-untyped-def]
    def change(root) -> None:  # type: ignore[no-untyped-def]
        later = (timezone.localdate() + timedelta(days=days)).isoformat()
        root.find("cac:Shipment/cac:Delivery/cac:Despatch/cbc:ActualDespatchDate", NS).text = later
        for name in ("cbc:StartDate", "cbc:EndDate"):
            period = root.find("cac:Shipment/cac:Delivery/cac:EstimatedDeliveryPeriod", NS)
            period.find(name, NS).text = (timezone.localdate() + timedelta(days=days + 1)).isoformat()

    return change


@pytest.mark.parametrize(
    ("change", "code", "element"),
    [
        (
            _without("cac:Shipment/cac:Delivery/cac:EstimatedDeliveryPeriod"),
            "required",
            "DespatchAdvice/Shipment/Delivery/EstimatedDeliveryPeriod",
        ),
        (
            _despatched_in_days(2),
            "despatch_in_future",
            "DespatchAdvice/Shipment/Delivery/Despatch/ActualDespatchDate",
        ),
        (
            _without("cac:OrderReference"),
            "ubl_missing",
            "DespatchAdvice/DespatchLine[1]/OrderLineReference/OrderReference/ID",
        ),
    ],
    ids=["no expected delivery", "despatched in the future", "no order named"],
)
def test_the_shipping_rules_refuse_a_despatch_advice_on_the_element_at_fault(world, change, code, element):
    po = confirmed_po(world)
    root = etree.fromstring(_portal_document(world, [(po, 1, "4")]))
    change(root)

    response = _post(world.vendor_a_user, etree.tostring(root, xml_declaration=True, encoding="UTF-8"))

    assert response.status_code == 422, response.content
    error = error_of(response)
    assert (error["code"], list(error["fields"])) == (code, [element])
    assert element in error["message"]
    assert po.lines.get(line_number=1).in_transit_quantity == 0


def test_a_despatch_advice_whose_number_the_vendor_used_before_is_refused(world):
    po = confirmed_po(world)
    document = _portal_document(world, [(po, 1, "4")])
    assert _post(world.vendor_a_user, document).status_code == 201

    response = _post(world.vendor_a_user, document)

    assert response.status_code == 422
    error = error_of(response)
    assert (error["code"], list(error["fields"])) == ("number_taken", ["DespatchAdvice/ID"])
    assert po.lines.get(line_number=1).in_transit_quantity == Decimal(4)  # announced once


def test_a_despatch_advice_for_a_po_no_longer_open_is_refused_with_the_services_reason(world):
    po = confirmed_po(world)
    document = _portal_document(world, [(po, 1, "4")])
    everything = [ReceiptLineInput(line.line_number, line.quantity) for line in po.lines.all()]
    receipt_post(actor=world.clerk, purchase_order=po, lines=everything)  # received in full: closed

    response = _post(world.vendor_a_user, document)

    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "not_shippable"
    assert list(error["fields"]) == ["DespatchAdvice/OrderReference[1]/ID"]


def test_another_vendors_user_cannot_announce_for_vendor_a(world):
    document = _portal_document(world, [(confirmed_po(world), 1, "4")])

    response = _post(world.vendor_b_user, document)

    assert response.status_code == 404
    assert error_of(response)["code"] == "ubl_unknown_seller"
    assert not ShipNotice.objects.exclude(status="cancelled").exists()
    # Filed under no vendor account: vendor A's feed does not show another user's attempt, nor vendor B's
    logged = Document.objects.get(direction=Direction.INBOUND)
    assert logged.vendor is None


def test_a_buyer_cannot_post_a_despatch_advice(world):
    document = _portal_document(world, [(confirmed_po(world), 1, "4")])
    api = ApiClient(Client(), world.agent)

    response = api.client.post("/api/v1/documents", document, content_type="application/xml", headers=api.headers)

    assert response.status_code == 403
    assert not ShipNotice.objects.exclude(status="cancelled").exists()


@pytest.mark.django_db(transaction=True)
def test_two_despatch_advices_racing_for_the_same_open_quantity_announce_it_once(world):
    """Real transactions, one connection per thread (SQLite and PostgreSQL alike): the PO lines' row locks let one
    notice take what is open and refuse the other as over-announced, logged as refused."""
    po = confirmed_po(world)
    first = _portal_document(world, [(po, 1, "10")], number="ERP-A")
    second = first.replace(b"<cbc:ID>ERP-A</cbc:ID>", b"<cbc:ID>ERP-B</cbc:ID>")

    results = race(
        lambda: take_document(actor=world.vendor_a_user, xml=first),
        lambda: take_document(actor=world.vendor_a_admin, xml=second),
    )

    wins, losses = split_outcomes(results)
    assert len(wins) == 1 and len(losses) == 1
    assert isinstance(losses[0], Conflict) and losses[0].code == "over_announced"
    assert po.lines.get(line_number=1).in_transit_quantity == Decimal(10)
    assert ShipNotice.objects.filter(status="shipped").count() == 1
    statuses = set(Document.objects.filter(direction=Direction.INBOUND).values_list("status", flat=True))
    assert statuses == {InboundStatus.TAKEN, InboundStatus.REFUSED}


# --- the official examples --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ordered:
    """A line of the PO an example ships: its ID in the buyer's Order, unit and quantity ordered."""

    line_id: str
    unit_code: str
    quantity: str


@dataclass(frozen=True)
class Example:
    customer: tuple[str, str]  # DeliveryCustomerParty's endpoint: the company
    supplier: tuple[str, str]  # DespatchSupplierParty's endpoint: the vendor account
    order_id: str
    lines: tuple[Ordered, ...]


SWEDISH = (("0088", "7398000000124"), ("0088", "7385000000124"), "4321")
EXAMPLES = {
    "DespatchAdvice-BIS3_UseCase1.xml": Example(*SWEDISH, (Ordered("1", "EA", "10"), Ordered("2", "EA", "10"))),
    # Partial deliveries: ordered 10 of lines 2-4, 6 delivered of each (4, 0 and 3 still to come)
    "DespatchAdvice-BIS3_UseCase2.xml": Example(
        *SWEDISH,
        (
            Ordered("1", "EA", "10"),
            Ordered("2", "EA", "10"),
            Ordered("3", "EA", "10"),
            Ordered("4", "EA", "10"),
            Ordered("5", "EA", "12"),
        ),
    ),
    "DespatchAdvice-BIS3_UseCase3.xml": Example(
        *SWEDISH,
        (Ordered("1", "EA", "10"), Ordered("2", "EA", "23"), Ordered("3", "EA", "500"), Ordered("4", "EA", "12")),
    ),
    # Weighed articles, and an order without a line 4
    "DespatchAdvice-BIS3_UseCase4.xml": Example(
        *SWEDISH,
        (Ordered("1", "KGM", "5"), Ordered("2", "KGM", "6"), Ordered("3", "EA", "8"), Ordered("5", "EA", "3")),
    ),
    "DespatchAdvice-BIS3_UseCase5.xml": Example(
        *SWEDISH,
        (Ordered("1", "EA", "23"), Ordered("2", "EA", "6"), Ordered("3", "KGM", "4"), Ordered("5", "EA", "3")),
    ),
    "DespatchAdvice_Example.xml": Example(
        ("0088", "5798000000124"), ("0088", "7300010000001"), "AEG012345", (Ordered("1", "C62", "12"),)
    ),
}
# What each example's notice holds: (carrier, tracking number, packages, despatch date, expected delivery date,
# [(line ID, quantity)]).
EXPECTED = {
    "DespatchAdvice-BIS3_UseCase1.xml": (
        "CarrierPart",
        "12345",
        None,
        date(2019, 3, 13),
        date(2019, 3, 16),
        [("1", "10"), ("2", "10")],
    ),
    "DespatchAdvice-BIS3_UseCase2.xml": (
        "CarrierPart",
        "12345",
        None,
        date(2013, 3, 13),
        date(2013, 3, 16),
        [("1", "10"), ("2", "6"), ("3", "6"), ("4", "6"), ("5", "12")],
    ),
    "DespatchAdvice-BIS3_UseCase3.xml": (
        "Swift and Sure Freight Co Ltd",
        "570987698767654567898767876765",
        2,
        date(2019, 3, 13),
        date(2019, 3, 16),
        [("1", "10"), ("2", "23"), ("3", "500"), ("4", "12")],
    ),
    # No despatch date: the issue date; the estimated period has only a start
    "DespatchAdvice-BIS3_UseCase4.xml": (
        "",
        "",
        4,
        date(2019, 3, 15),
        date(2019, 3, 15),
        [("1", "4.25"), ("2", "5.97"), ("3", "8"), ("5", "3")],
    ),
    # Lines 3A and 3B (two lots of order line 3) are one notice line of 3.975 KGM
    "DespatchAdvice-BIS3_UseCase5.xml": (
        "Danske post",
        "1178298510DK",
        4,
        date(2019, 3, 15),
        date(2019, 3, 16),
        [("1", "23"), ("2", "6"), ("3", "3.975"), ("5", "3")],
    ),
    "DespatchAdvice_Example.xml": (
        "Name",
        "456789",
        3,
        date(2018, 9, 25),
        date(2018, 9, 27),
        [("1", "10")],
    ),
}


def _world_of(cast, example: Example):  # type: ignore[no-untyped-def]
    """The company, vendor account, vendor user and confirmed PO the example ships."""
    scheme, endpoint = example.customer
    company = CompanyFactory(code="EX", endpoint_scheme=scheme, endpoint_id=endpoint, city_name="Kstaden")
    company.country_code = "SE"
    company.save()
    scheme, endpoint = example.supplier
    vendor = VendorFactory(
        company=company,
        number="EX-V",
        endpoint_scheme=scheme,
        endpoint_id=endpoint,
        city_name="Sstaden",
        country_code="SE",
    )
    user = make_user("ex-vendor", Role.VENDOR_USER, vendors=(vendor,))
    item = ItemFactory(company=company)
    po = po_create(
        actor=cast.agent,
        company=company,
        vendor=vendor,
        lines=[
            LineInput(
                item=item,
                quantity=Decimal(ordered.quantity),
                unit_price=Decimal(1),
                delivery_date=timezone.localdate(),
                buyer_line_id=ordered.line_id,
                unit_code=ordered.unit_code,
            )
            for ordered in example.lines
        ],
    )
    PurchaseOrder.objects.filter(pk=po.pk).update(order_document_id=example.order_id)
    po = po_confirm(
        actor=cast.agent, purchase_order=po_send(actor=cast.agent, purchase_order=po), without_response=True
    )
    return user, po


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_official_examples_import_unchanged_where_they_match_a_po(cast, name):
    xml = shared(*DESPATCH_EXAMPLES, name).read_bytes()
    user, po = _world_of(cast, EXAMPLES[name])

    response = _post(user, xml)

    assert response.status_code == 201, response.content
    notice = ShipNotice.objects.prefetch_related("lines__po_line").get(vendor=po.vendor)
    carrier, tracking, packages, despatched, expected, lines = EXPECTED[name]
    assert (notice.origin, notice.carrier, notice.tracking_number, notice.packages) == (
        ShipNoticeOrigin.UBL,
        carrier,
        tracking,
        packages,
    )
    assert (notice.despatch_date, notice.expected_delivery_date) == (despatched, expected)
    assert [(line.po_line.order_line_id, line.quantity) for line in notice.lines.all()] == [
        (line_id, Decimal(quantity)) for line_id, quantity in lines
    ]
    in_transit = {line.order_line_id: line.in_transit_quantity for line in po.lines.all()}
    assert {line_id: in_transit[line_id] for line_id, _quantity in lines} == {
        line_id: Decimal(quantity) for line_id, quantity in lines
    }
    logged = Document.objects.get(direction=Direction.INBOUND)
    assert (logged.status, logged.ship_notice, bytes(logged.xml)) == (InboundStatus.TAKEN, notice, xml)


def test_an_official_example_posted_twice_is_refused_the_second_time_and_announces_once(cast):
    name = "DespatchAdvice-BIS3_UseCase2.xml"
    xml = shared(*DESPATCH_EXAMPLES, name).read_bytes()
    user, po = _world_of(cast, EXAMPLES[name])
    assert _post(user, xml).status_code == 201

    response = _post(user, xml)

    assert response.status_code == 422
    assert error_of(response)["code"] == "number_taken"
    assert po.lines.get(buyer_line_id="2").in_transit_quantity == Decimal(6)
