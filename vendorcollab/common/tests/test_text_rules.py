"""The input rules of ``common.text``: what they admit (the official PEPPOL examples' identifiers) and that every face
(service, API, imported document) refuses the same thing with the same code and the field named."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from lxml import etree

from vendorcollab.api.services import token_issue
from vendorcollab.common.errors import ValidationFailed
from vendorcollab.common.testing.factories import in_days, line, make_po
from vendorcollab.common.text import Kind, Limit, text_problem
from vendorcollab.interop.services import ubl_order_import
from vendorcollab.interop.tests.documents import OrderLine, order_xml
from vendorcollab.purchasing.models import PurchaseOrder
from vendorcollab.purchasing.services import note_add, po_create, po_send
from vendorcollab.purchasing.services.inputs import ChargeInput

EXAMPLES = Path(__file__).resolve().parents[3].parent / "shared" / "peppol-ordering" / "examples"
IDENTIFIERS = (
    "cbc:ID",
    "cbc:SalesOrderID",
    "cbc:CustomerReference",
    "cac:BuyersItemIdentification/cbc:ID",
    "cac:SellersItemIdentification/cbc:ID",
    "cac:StandardItemIdentification/cbc:ID",
)
NS = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
}


@pytest.mark.skipif(not EXAMPLES.is_dir(), reason="the PEPPOL examples are not next to the project")
def test_every_order_and_item_id_of_the_official_peppol_examples_is_an_identifier():
    found = set()
    for path in EXAMPLES.glob("*.xml"):
        root = etree.parse(str(path)).getroot()
        for name in IDENTIFIERS:
            found |= {element.text.strip() for element in root.iterfind(f".//{name}", NS) if element.text}
    assert len(found) > 30
    refused = {value for value in found if text_problem(value, Kind.IDENTIFIER, Limit.ITEM_NUMBER)}
    # UC4_Order.xml has an attribute typed into an element's text by mistake: markup, not an ID.
    assert refused == {'schemeID="GLN">7054673128432'}


@pytest.mark.parametrize(
    ("value", "kind", "code"),
    [
        ("PO\x00", Kind.IDENTIFIER, "control_character"),
        ("a\x85b", Kind.LINE, "control_character"),
        ("end\ufffe", Kind.MULTILINE, "control_character"),
        ("two\nlines", Kind.LINE, "control_character"),
        ("two\r\nlines\tand a tab", Kind.MULTILINE, None),
        ("PO;DROP", Kind.IDENTIFIER, "identifier_characters"),
        ("Bestelling-ÄÖ 12/3 #4 (a+b) & c:d_e.f", Kind.IDENTIFIER, None),
    ],
)
def test_text_rules(value, kind, code):
    problem = text_problem(value, kind, 100)
    assert (problem[0] if problem else None) == code


def test_a_note_is_capped_at_the_same_length_in_the_service_as_on_the_page(cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1])
    note_add(actor=cast.agent, purchase_order=po, text="x" * Limit.NOTE, visibility="external")
    with pytest.raises(ValidationFailed) as refused:
        note_add(actor=cast.agent, purchase_order=po, text="x" * (Limit.NOTE + 1), visibility="external")
    assert refused.value.field_codes == {"text": "text_too_long"}


def test_a_total_that_its_version_cannot_hold_is_refused_by_the_service_before_it_is_sent(cast):
    """Checked in the service, so the page and an imported document meet it as the API does (a 500 at
    ``version_freeze`` before)."""
    big = line(cast.items[0], quantity="99999999999", price="99999999999")
    with pytest.raises(ValidationFailed) as refused:
        po_create(actor=cast.agent, company=cast.company, vendor=cast.vendor_a, lines=[big])
    assert refused.value.field_codes == {"lines": "total_too_large"}
    # Charges count too, also when they bring a large total back under the limit.
    fine = po_create(
        actor=cast.agent,
        company=cast.company,
        vendor=cast.vendor_a,
        lines=[line(cast.items[0], quantity="1000000", price="999999")],
        charges=[ChargeInput(code="FRT", amount=Decimal("12.50"))],
    )
    assert po_send(actor=cast.agent, purchase_order=fine).latest_version is not None


def test_dates_at_the_ends_of_the_calendar_are_refused(cast):
    for day in ("0001-01-01", "9999-12-31"):
        odd = line(cast.items[0])
        odd = replace(odd, delivery_date=date.fromisoformat(day))
        with pytest.raises(ValidationFailed) as refused:
            po_create(actor=cast.agent, company=cast.company, vendor=cast.vendor_a, lines=[odd])
        assert refused.value.field_codes["lines.0.delivery_date"] in ("date_in_past", "date_out_of_range")


def test_the_api_takes_no_more_schedule_rows_than_the_page(cast):
    """A split of 40,000 rows was stored before, and the buyer's page of that PO weighed 1.6 MB."""
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    rows = [{"quantity": "0.0001", "delivery_date": in_days(3).isoformat()}] * (Limit.SCHEDULE_ROWS + 1)
    body = {
        "version": 1,
        "action": "accept_with_changes",
        "lines": [{"line_number": 1, "action": "split", "schedule": rows}],
    }
    client = Client()
    answer = client.post(
        f"/api/v1/vendor/purchase-orders/{po.pk}/responses",
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": "Bearer " + token_issue(actor=cast.vendor_a_user)[1]},
    )
    assert answer.status_code == 422, answer.content[:300]
    assert "lines.0.schedule" in answer.json()["error"]["fields"]


def test_an_imported_document_meets_the_same_rules_on_its_elements(cast):
    cast.company.endpoint_scheme, cast.company.endpoint_id = "0088", "7300010000001"
    cast.company.save()
    cast.vendor_a.endpoint_scheme, cast.vendor_a.endpoint_id = "0192", "987654325"
    cast.vendor_a.save()
    # XML 1.0 can carry C1 controls (U+009B here) and a PO number the identifiers do not admit.
    document = order_xml([OrderLine(cast.items[0].number)], number="ERP&#x9b;1001")
    with pytest.raises(ValidationFailed) as refused:
        ubl_order_import(actor=cast.agent, document=document)
    assert refused.value.field_codes == {"Order/ID": "control_character"}
    with pytest.raises(ValidationFailed) as refused:
        ubl_order_import(actor=cast.agent, document=order_xml([OrderLine(cast.items[0].number)], number="ERP;1"))
    assert refused.value.field_codes == {"Order/ID": "identifier_characters"}
    huge = order_xml([OrderLine(cast.items[0].number, quantity="99999999999", price="99999999999")])
    with pytest.raises(ValidationFailed) as refused:
        ubl_order_import(actor=cast.agent, document=huge)
    assert set(refused.value.field_codes.values()) == {"total_too_large"}
    assert not PurchaseOrder.objects.filter(origin="ubl").exists()
