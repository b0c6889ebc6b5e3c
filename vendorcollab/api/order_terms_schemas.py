"""What a PEPPOL Order carries beyond the portal's own fields, in the purchase order API: each line's identifiers,
unit code, tax and requested period, and the header's references, terms, delivery place and parties."""

from __future__ import annotations

from datetime import date
from typing import Any

from ninja import Field, Schema

from vendorcollab.purchasing.models import LineFields, OrderTerms
from vendorcollab.purchasing.services import OrderTermsInput, PartyInput

from .schemas import InputSchema, NoNullCharacters, OutSchema, Percent, Text

UNIT_CODE = (
    "The UN/ECE Recommendation 20 unit code, e.g. H87 (piece); the item's when left out. Required on a free-text line."
)
TAX_CATEGORY = "UNCL5305 (PEPPOL subset): S standard rate, Z zero rated, E exempt, AE reverse charge, …"
COUNTRY = "ISO 3166-1 alpha-2, e.g. NL."
LINE_FIELDS = (
    "buyer_line_id",
    "buyers_item_id",
    "sellers_item_id",
    "standard_item_id",
    "standard_item_scheme",
    "unit_code",
    "tax_category",
    "tax_percent",
    "requested_start",
    "requested_end",
)


class LineFieldsIn(Schema):
    buyer_line_id: Text = Field(
        "", max_length=100, description="The line's ID in the buyer's own Order; the line number when left out."
    )
    buyers_item_id: Text = Field("", max_length=100, description="The buyer's own item identifier.")
    sellers_item_id: Text = Field("", max_length=100, description="The vendor's item identifier.")
    standard_item_id: Text = Field("", max_length=100, description="A GTIN; the item's when left out.")
    standard_item_scheme: Text = Field("0160", max_length=10, description="The scheme of the standard id: 0160 GTIN.")
    unit_code: Text = Field("", max_length=3, description=UNIT_CODE)
    tax_category: Text = Field("", max_length=2, description=TAX_CATEGORY + " The item's, else the company's.")
    tax_percent: Percent | None = Field(None, description="The item's, else the company's, for the same category.")
    requested_start: date | None = Field(None, description="Start of the requested delivery period.")
    requested_end: date | None = Field(None, description="End of the requested delivery period.")

    def line_fields(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in LINE_FIELDS}


class LineFieldsOut(OutSchema):
    buyer_line_id: str
    buyers_item_id: str
    sellers_item_id: str
    standard_item_id: str
    standard_item_scheme: str
    unit_code: str = Field(description="UN/ECE Recommendation 20.")
    tax_category: str = Field(description=TAX_CATEGORY)
    tax_percent: Percent | None
    requested_start: date | None
    requested_end: date | None


def line_fields_of(line: LineFields) -> dict[str, Any]:
    return {name: getattr(line, name) for name in LINE_FIELDS}


class PartyIn(NoNullCharacters, InputSchema):
    name: Text = Field("", max_length=200)
    street_name: Text = Field("", max_length=200)
    additional_street_name: Text = Field("", max_length=200)
    city_name: Text = Field("", max_length=100)
    postal_zone: Text = Field("", max_length=20)
    country_subentity: Text = Field("", max_length=100)
    country_code: Text = Field("", max_length=2, description=COUNTRY)
    vat_id: Text = Field("", max_length=50)
    contact_name: Text = Field("", max_length=200)
    contact_phone: Text = Field("", max_length=50)
    contact_email: Text = Field("", max_length=254)
    endpoint_scheme: Text = Field("", max_length=10)
    endpoint_id: Text = Field("", max_length=100)


class PartiesIn(NoNullCharacters, InputSchema):
    buyer: PartyIn | None = None
    seller: PartyIn | None = None


TERM_FIELDS = [field.name for field in OrderTerms._meta.fields if field.name != "parties"]


class OrderTermsFieldsIn(Schema):
    """The header fields of a buyer's Order (all optional)."""

    order_document_id: Text = Field(
        "", max_length=100, description="The ID of the buyer's own Order document; the PO number when left out."
    )
    response_expected: bool = Field(True, description="False for a PEPPOL `order_only` Order: no answer is sent.")
    payment_terms: Text = Field("", max_length=4000)
    delivery_terms_code: Text = Field("", max_length=3, description="An Incoterms code, e.g. DAP.")
    delivery_terms: Text = Field("", max_length=4000)
    contract_reference: Text = Field("", max_length=100)
    quotation_reference: Text = Field("", max_length=100)
    originator_reference: Text = Field("", max_length=100)
    delivery_party_name: Text = Field("", max_length=200)
    delivery_location_id: Text = Field("", max_length=100, description="e.g. a GLN.")
    delivery_location_scheme: Text = Field("", max_length=10, description="EAS, e.g. 0088.")
    delivery_street_name: Text = Field("", max_length=200)
    delivery_additional_street_name: Text = Field("", max_length=200)
    delivery_city_name: Text = Field("", max_length=100)
    delivery_postal_zone: Text = Field("", max_length=20)
    delivery_country_subentity: Text = Field("", max_length=100)
    delivery_country_code: Text = Field("", max_length=2, description=COUNTRY)
    parties: PartiesIn | None = Field(None, description="The buyer's and the seller's party as the Order names them.")


class OrderTermsFieldsPatch(Schema):
    """The same, each left as it is when not sent."""

    order_document_id: str | None = Field(None, max_length=100)
    response_expected: bool | None = None
    payment_terms: str | None = Field(None, max_length=4000)
    delivery_terms_code: str | None = Field(None, max_length=3)
    delivery_terms: str | None = Field(None, max_length=4000)
    contract_reference: str | None = Field(None, max_length=100)
    quotation_reference: str | None = Field(None, max_length=100)
    originator_reference: str | None = Field(None, max_length=100)
    delivery_party_name: str | None = Field(None, max_length=200)
    delivery_location_id: str | None = Field(None, max_length=100)
    delivery_location_scheme: str | None = Field(None, max_length=10)
    delivery_street_name: str | None = Field(None, max_length=200)
    delivery_additional_street_name: str | None = Field(None, max_length=200)
    delivery_city_name: str | None = Field(None, max_length=100)
    delivery_postal_zone: str | None = Field(None, max_length=20)
    delivery_country_subentity: str | None = Field(None, max_length=100)
    delivery_country_code: str | None = Field(None, max_length=2)
    parties: PartiesIn | None = None


class OrderTermsFieldsOut(OutSchema):
    order_document_id: str
    response_expected: bool
    payment_terms: str
    delivery_terms_code: str
    delivery_terms: str
    contract_reference: str
    quotation_reference: str
    originator_reference: str
    delivery_party_name: str
    delivery_location_id: str
    delivery_location_scheme: str
    delivery_street_name: str
    delivery_additional_street_name: str
    delivery_city_name: str
    delivery_postal_zone: str
    delivery_country_subentity: str
    delivery_country_code: str
    parties: dict[str, dict[str, str]]


def terms_of(row: OrderTerms) -> dict[str, Any]:
    return {name: getattr(row, name) for name in [*TERM_FIELDS, "parties"]}


def _party(party: PartyIn | dict[str, str] | None) -> PartyInput | None:
    if party is None:
        return None
    values = party.model_dump() if isinstance(party, PartyIn) else party
    return PartyInput(**{name: value for name, value in values.items() if name in PartyInput.__dataclass_fields__})


def terms_input(body: Schema, current: OrderTerms | None = None) -> OrderTermsInput | None:
    """The service's terms from a create body (``current`` None) or a patch (None when it sends no term)."""
    sent = {name: getattr(body, name) for name in [*TERM_FIELDS, "parties"] if getattr(body, name) is not None}
    if current is not None and not sent:
        return None
    values = {name: getattr(current, name) for name in TERM_FIELDS} if current is not None else {}
    values.update({name: value for name, value in sent.items() if name != "parties"})
    parties: PartiesIn | None = sent.get("parties")
    held = current.parties if current is not None else {}
    buyer = parties.buyer if parties is not None and "buyer" in parties.model_fields_set else held.get("buyer")
    seller = parties.seller if parties is not None and "seller" in parties.model_fields_set else held.get("seller")
    return OrderTermsInput(**values, buyer_party=_party(buyer), seller_party=_party(seller))
