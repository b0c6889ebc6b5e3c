"""Issue 15 in the purchasing services: free-text lines, what a buyer's Order carries (identifiers, unit codes,
tax, requested periods, references, terms, delivery place, parties) stored and frozen into the version, and the
data an Order document needs refused before a send, with the field named."""

from decimal import Decimal

import pytest

from vendorcollab.common.errors import ValidationFailed
from vendorcollab.common.testing.factories import in_days, line
from vendorcollab.purchasing.services import OrderTermsInput, PartyInput, po_create, po_send, po_update

TERMS = OrderTermsInput(
    order_document_id="ERP-4711",
    response_expected=False,
    payment_terms="30 days net",
    delivery_terms_code="dap",
    delivery_terms="Delivered at the dock",
    contract_reference="CT-9",
    quotation_reference="Q-77",
    originator_reference="DEP-3",
    delivery_party_name="Goods in",
    delivery_location_id="8712345000011",
    delivery_location_scheme="0088",
    delivery_street_name="Havenstraat 7",
    delivery_postal_zone="1013 AA",
    delivery_city_name="Amsterdam",
    delivery_country_code="nl",
    buyer_party=PartyInput(name="Contoso", country_code="NL", vat_id="NL001"),
)


def free_text(**extra):
    values = {"description": "Custom bracket", "unit_code": "H87", "sellers_item_id": "BR-1", **extra}
    return line(None, **values)


def test_a_free_text_line_and_the_orders_terms_are_kept_and_frozen_into_the_version(cast, use_endpoints):
    po = po_create(
        actor=cast.agent,
        company=cast.company,
        vendor=cast.vendor_a,
        terms=TERMS,
        lines=[
            free_text(
                buyers_item_id="B-1",
                standard_item_id="08712345678906",
                buyer_line_id="A",
                tax_category="s",
                tax_percent=Decimal("21"),
                requested_start=in_days(10),
                requested_end=in_days(20),
            ),
            line(cast.items[0]),
        ],
    )
    first, second = po.lines.order_by("line_number")
    assert (first.item, first.description, first.unit, first.unit_code, first.order_line_id) == (
        None,
        "Custom bracket",
        "H87",
        "H87",
        "A",
    )
    assert (first.tax_category, first.tax_percent, first.requested_end) == ("S", Decimal("21"), in_days(20))
    assert (second.unit_code, second.order_line_id, second.tax_category) == ("H87", "2", "S")  # the item's code
    assert (po.order_id, po.delivery_terms_code, po.delivery_country_code) == ("ERP-4711", "DAP", "NL")
    assert po.parties == {"buyer": {"name": "Contoso", "country_code": "NL", "vat_id": "NL001"}}

    version = po_send(actor=cast.agent, purchase_order=po).latest_version
    assert (version.order_id, version.response_expected, version.payment_terms) == ("ERP-4711", False, "30 days net")
    assert version.delivery_address_lines == ["Havenstraat 7", "1013 AA Amsterdam", "Netherlands"]
    frozen = version.lines.get(line_number=1)
    assert (frozen.item, frozen.sellers_item_id, frozen.standard_item_id, frozen.requested_start) == (
        None,
        "BR-1",
        "08712345678906",
        in_days(10),
    )


@pytest.mark.parametrize(
    ("bad_line", "field", "code"),
    [
        (free_text(description=""), "lines.0.description", "required"),
        (free_text(unit_code=""), "lines.0.unit_code", "required"),
        (free_text(unit_code="PCS"), "lines.0.unit_code", "invalid_unit_code"),
        (free_text(tax_category="Q"), "lines.0.tax_category", "unknown_tax_category"),
        (free_text(tax_percent=Decimal("101")), "lines.0.tax_percent", "tax_percent_out_of_range"),
        (free_text(requested_start=in_days(5), requested_end=in_days(4)), "lines.0.requested_end", "period_reversed"),
    ],
)
def test_wrong_line_fields_are_refused_with_the_field_named(cast, bad_line, field, code):
    with pytest.raises(ValidationFailed) as refused:
        po_create(actor=cast.agent, company=cast.company, vendor=cast.vendor_a, lines=[bad_line])
    assert refused.value.field_codes == {field: code}


@pytest.mark.parametrize(
    ("terms", "field", "code"),
    [
        (OrderTermsInput(delivery_country_code="XX"), "delivery_country_code", "unknown_country"),
        (OrderTermsInput(delivery_location_scheme="9999"), "delivery_location_scheme", "unknown_endpoint_scheme"),
        (
            OrderTermsInput(seller_party=PartyInput(endpoint_scheme="9999")),
            "seller_party.endpoint_scheme",
            "unknown_endpoint_scheme",
        ),
    ],
)
def test_wrong_terms_are_refused_with_the_field_named(cast, terms, field, code):
    with pytest.raises(ValidationFailed) as refused:
        po_create(
            actor=cast.agent, company=cast.company, vendor=cast.vendor_a, terms=terms, lines=[line(cast.items[0])]
        )
    assert refused.value.field_codes == {field: code}


def test_an_edit_without_terms_keeps_them_and_an_edit_with_terms_replaces_them(cast):
    po = po_create(
        actor=cast.agent, company=cast.company, vendor=cast.vendor_a, terms=TERMS, lines=[line(cast.items[0])]
    )
    po = po_update(actor=cast.agent, purchase_order=po, lines=[line(cast.items[0], quantity="3")])
    assert po.payment_terms == "30 days net"
    po = po_update(actor=cast.agent, purchase_order=po, terms=OrderTermsInput(payment_terms="60 days"))
    po.refresh_from_db()
    assert (po.payment_terms, po.contract_reference, po.response_expected) == ("60 days", "", True)


@pytest.fixture
def use_endpoints(cast):
    """The company and vendor A as a document needs them: endpoints and postal addresses with a country."""
    for party, endpoint in ((cast.company, "8712345000011"), (cast.vendor_a, "8712345000103")):
        party.endpoint_scheme, party.endpoint_id = "0088", endpoint
        party.city_name, party.country_code = "Amsterdam", "NL"
        party.save()


def test_a_send_is_refused_while_the_document_lacks_data_with_each_field_named(cast):
    cast.vendor_a.endpoint_scheme, cast.vendor_a.endpoint_id = "0088", "8712345000103"
    cast.vendor_a.save()
    po = po_create(actor=cast.agent, company=cast.company, vendor=cast.vendor_a, lines=[line(cast.items[0])])
    po.lines.update(unit_code="PCS")  # stored before unit codes were checked
    with pytest.raises(ValidationFailed) as refused:
        po_send(actor=cast.agent, purchase_order=po)
    assert refused.value.field_codes == {
        "company.endpoint_scheme": "document_data_missing",
        "company.endpoint_id": "document_data_missing",
        "company.city_name": "document_data_missing",
        "company.country_code": "document_data_missing",
        "vendor.city_name": "document_data_missing",
        "vendor.country_code": "document_data_missing",
        "lines.1.unit_code": "document_data_missing",
    }
    assert "endpoint ID of Contoso Nederland" in refused.value.fields["company.endpoint_id"]
    po.refresh_from_db()
    assert po.latest_version is None  # nothing was sent


def test_a_complete_po_is_sent_and_a_vendor_without_an_endpoint_is_not_held_to_documents(cast, use_endpoints):
    po = po_create(actor=cast.agent, company=cast.company, vendor=cast.vendor_a, lines=[line(cast.items[0])])
    assert po_send(actor=cast.agent, purchase_order=po).latest_version is not None
    po = po_create(actor=cast.agent, company=cast.company, vendor=cast.vendor_b, lines=[line(cast.items[0])])
    assert po_send(actor=cast.agent, purchase_order=po).latest_version is not None  # vendor B: the portal alone
