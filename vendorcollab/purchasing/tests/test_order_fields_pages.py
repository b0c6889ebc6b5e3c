"""Issue 15 on the pages: the buyer enters a free-text line with its identifiers, unit code and tax on the entry
page (errors next to the field), an edit keeps what the buyer's Order gave, and the vendor's PO page shows the
delivery place, the requested period per line, references, terms and the buyer's item identifiers."""

from decimal import Decimal

from django.urls import reverse

from vendorcollab.common.testing.factories import in_days, line
from vendorcollab.purchasing.models import PurchaseOrder
from vendorcollab.purchasing.services import OrderTermsInput, po_create, po_send

from .test_buyer_pages import form_data, signed_in

FREE = {
    "item": "",
    "description": "Custom bracket",
    "unit_code": "h87",
    "sellers_item_id": "BR-1",
    "buyers_item_id": "OURS-7",
    "standard_item_id": "08712345678906",
    "tax_category": "Z",
    "tax_percent": "0",
    "requested_start": in_days(8).isoformat(),
    "requested_end": in_days(12).isoformat(),
}


def test_the_buyer_enters_a_free_text_line_with_identifiers_and_tax(client, cast):
    signed_in(client, cast.agent)
    response = client.post(reverse("buyer:po_create"), form_data(cast, [FREE, {"item": cast.items[0].number}]))
    assert response.status_code == 302, response.content.decode()[:2000]
    free, known = PurchaseOrder.objects.get().lines.all()
    assert (free.item, free.description, free.unit_code, free.sellers_item_id, free.buyers_item_id) == (
        None,
        "Custom bracket",
        "H87",
        "BR-1",
        "OURS-7",
    )
    assert (free.tax_category, free.tax_percent, free.requested_start) == ("Z", Decimal(0), in_days(8))
    assert (known.item, known.unit_code, known.tax_category) == (cast.items[0], "H87", "S")


def test_a_free_text_line_without_a_unit_code_is_refused_next_to_the_field(client, cast):
    signed_in(client, cast.agent)
    response = client.post(reverse("buyer:po_create"), form_data(cast, [{**FREE, "unit_code": ""}]))
    assert response.status_code == 422
    assert 'id="id_lines-0-unit_code-error">This field is required.' in response.content.decode()
    response = client.post(reverse("buyer:po_create"), form_data(cast, [{**FREE, "unit_code": "PCS"}]))
    assert (
        'id="id_lines-0-unit_code-error">PCS is not a UN/ECE Recommendation 20 unit code' in response.content.decode()
    )
    assert not PurchaseOrder.objects.exists()


def test_the_editor_keeps_the_buyers_line_ids_and_identifiers(client, cast):
    po = po_create(
        actor=cast.agent,
        company=cast.company,
        vendor=cast.vendor_a,
        lines=[line(None, description="Bracket", unit_code="H87", buyer_line_id="A-1", sellers_item_id="BR-1")],
    )
    signed_in(client, cast.agent)
    page = client.get(reverse("buyer:po_edit", args=[po.pk])).content.decode()
    assert 'value="A-1"' in page and 'value="BR-1"' in page


def test_the_vendor_sees_the_delivery_place_terms_references_and_identifiers(client, cast):
    terms = OrderTermsInput(
        order_document_id="ERP-4711",
        payment_terms="30 days net",
        delivery_terms_code="DAP",
        contract_reference="CT-9",
        delivery_party_name="Goods in",
        delivery_street_name="Havenstraat 7",
        delivery_city_name="Amsterdam",
        delivery_country_code="NL",
        delivery_location_id="8712345000011",
        delivery_location_scheme="0088",
    )
    free = line(
        None,
        description="Bracket",
        unit_code="H87",
        sellers_item_id="BR-1",
        buyers_item_id="OURS-7",
        requested_start=in_days(8),
        requested_end=in_days(12),
    )
    po = po_create(
        actor=cast.agent, company=cast.company, vendor=cast.vendor_a, terms=terms, lines=[free, line(cast.items[0])]
    )
    po_send(actor=cast.agent, purchase_order=po)
    signed_in(client, cast.vendor_a_user)
    page = client.get(reverse("vendor:po_detail", args=[po.pk])).content.decode()
    for text in ("ERP-4711", "30 days net", "DAP", "CT-9", "Goods in", "Havenstraat 7", "Netherlands", "8712345000011"):
        assert text in page, text
    assert "BR-1" in page and "OURS-7" in page and "Free text" in page
    assert in_days(12).strftime("%d") in page.split('class="requested-period"')[1][:200]
