"""Master data for PEPPOL conformance: endpoint schemes, countries and unit codes are checked against the official
code lists in the service (so the pages, the API and documents refuse the same), and the old free-text address
migrates into the structured one without losing anything."""

from importlib import import_module

import pytest

from vendorcollab.common.codelists import EAS_SCHEMES, INCOTERMS, ISO_COUNTRIES, REC20_UNITS, UNCL5305_TAX_CATEGORIES
from vendorcollab.common.errors import ValidationFailed
from vendorcollab.partners import services
from vendorcollab.partners.models import OrderingProfile

split_address = import_module(
    "vendorcollab.partners.migrations.0005_structured_address_contact_and_codes"
).split_address


def test_the_code_lists_hold_what_documents_use_and_nothing_they_refuse():
    assert {"0088", "0106", "0192", "0208", "9925"} <= EAS_SCHEMES.keys()
    assert "9999" not in EAS_SCHEMES and "0037" not in EAS_SCHEMES  # withdrawn: the 2026.5 rules refuse it
    assert {"H87", "C62", "KGM", "LTR", "XBX", "XPK"} <= REC20_UNITS.keys()  # Rec 21 codes with their X
    assert "PCS" not in REC20_UNITS and "EA" in REC20_UNITS
    assert {"NL", "BE", "DE"} <= ISO_COUNTRIES.keys() and "XX" not in ISO_COUNTRIES
    assert {"S", "Z", "E", "AE"} <= UNCL5305_TAX_CATEGORIES.keys()
    assert {"EXW", "DAP", "DDP"} <= INCOTERMS.keys()


@pytest.mark.parametrize(
    ("call", "field", "code"),
    [
        (
            lambda c: services.company_create(
                actor=c.admin, code="X", name="X", endpoint_scheme="9999", endpoint_id="1"
            ),
            "endpoint_scheme",
            "unknown_endpoint_scheme",
        ),
        (
            lambda c: services.company_create(actor=c.admin, code="X", name="X", country_code="XX"),
            "country_code",
            "unknown_country",
        ),
        (
            lambda c: services.vendor_create(
                actor=c.admin, company=c.company, number="N", name="N", endpoint_scheme="9999", endpoint_id="1"
            ),
            "endpoint_scheme",
            "unknown_endpoint_scheme",
        ),
        (
            lambda c: services.vendor_create(actor=c.admin, company=c.company, number="N", name="N", endpoint_id="1"),
            "endpoint_scheme",
            "endpoint_incomplete",
        ),
        (
            lambda c: services.vendor_update(actor=c.admin, vendor=c.vendor_a, country_code="Nederland"),
            "country_code",
            "text_too_long",
        ),
        (
            lambda c: services.vendor_update(actor=c.admin, vendor=c.vendor_a, country_code="QQ"),
            "country_code",
            "unknown_country",
        ),
        (
            lambda c: services.vendor_update(actor=c.admin, vendor=c.vendor_a, ordering_profile="both"),
            "ordering_profile",
            "unknown_ordering_profile",
        ),
        (
            lambda c: services.vendor_update(actor=c.admin, vendor=c.vendor_a, contact_email="nobody"),
            "contact_email",
            "invalid_email",
        ),
        (
            lambda c: services.site_create(
                actor=c.admin, company=c.company, code="S", name="S", location_scheme="9999"
            ),
            "location_scheme",
            "unknown_endpoint_scheme",
        ),
        (
            lambda c: services.item_create(actor=c.admin, company=c.company, number="I", name="I", unit_code="PCS"),
            "unit_code",
            "invalid_unit_code",
        ),
    ],
)
def test_codes_outside_their_lists_are_refused_with_the_field_named(cast, call, field, code):
    with pytest.raises(ValidationFailed) as refused:
        call(cast)
    assert refused.value.field_codes == {field: code}


def test_master_data_keeps_the_structured_address_contact_and_codes(cast):
    vendor = services.vendor_update(
        actor=cast.admin,
        vendor=cast.vendor_a,
        street_name=" Industrieweg 4 ",
        postal_zone="3044 AS",
        city_name="Rotterdam",
        country_code="nl",
        vat_id="NL123456789B01",
        contact_name="Anna",
        contact_email="anna@alpha.example",
        endpoint_scheme="0088",
        endpoint_id="8712345000103",
        ordering_profile=OrderingProfile.ADVANCED,
    )
    vendor.refresh_from_db()
    assert vendor.address_lines == ["Industrieweg 4", "3044 AS Rotterdam", "Netherlands"]
    assert (vendor.country_code, vendor.vat_id, vendor.ordering_profile) == (
        "NL",
        "NL123456789B01",
        "advanced_ordering",
    )
    item = services.item_create(
        actor=cast.admin,
        company=cast.company,
        number="GTIN-1",
        name="Bolt",
        unit="box",
        unit_code="xbx",
        standard_item_id="08712345678906",
    )
    assert (item.unit, item.unit_code, item.standard_item_id) == ("box", "XBX", "08712345678906")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Waalhaven Oostzijde 1\n3087 BM Rotterdam\nNederland",
            {
                "street_name": "Waalhaven Oostzijde 1",
                "postal_zone": "3087 BM",
                "city_name": "Rotterdam",
                "country_code": "NL",
                "additional_street_name": "",
            },
        ),
        (
            "Magazijn 4, Haven 1120\n2030 Antwerpen\nBelgië",
            {
                "street_name": "Magazijn 4, Haven 1120",
                "postal_zone": "2030",
                "city_name": "Antwerpen",
                "country_code": "BE",
                "additional_street_name": "",
            },
        ),
        (
            "Attn. goods in\nDock 7\nSomewhere",
            {
                "street_name": "Attn. goods in",
                "additional_street_name": "Dock 7, Somewhere",
                "postal_zone": "",
                "city_name": "",
                "country_code": "",
            },
        ),
    ],
)
def test_the_old_free_text_address_is_split_and_nothing_is_lost(text, expected):
    assert split_address(text) == expected


def test_the_back_office_refuses_codes_outside_their_lists_next_to_the_field(client, cast):
    from django.urls import reverse

    cast.admin.is_staff = cast.admin.is_superuser = True
    cast.admin.save()
    client.force_login(cast.admin)
    url = reverse("admin:partners_company_change", args=[cast.company.pk])
    data = {"code": cast.company.code, "name": cast.company.name, "endpoint_scheme": "9999", "endpoint_id": "1"}
    data["default_tax_category"] = "S"  # as the page offers it
    page = client.post(url, {**data, "country_code": "xx"}).content.decode()
    assert "9999 is not a PEPPOL endpoint scheme" in page and "XX is not an ISO 3166-1 country code" in page
    response = client.post(url, {**data, "endpoint_scheme": "0088", "country_code": "nl"})
    assert response.status_code == 302
    cast.company.refresh_from_db()
    assert (cast.company.endpoint_scheme, cast.company.country_code) == ("0088", "NL")
