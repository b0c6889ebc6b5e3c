"""Small UBL Orders written for a test: one valid order of the cast's company and vendor A, with what a test changes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

NAMESPACES = (
    'xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2" '
    'xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" '
    'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"'
)


@dataclass(frozen=True)
class OrderLine:
    item: str
    quantity: str = "10"
    price: str = "2.50"
    delivery: str = "2030-06-30"
    # Where the item's number goes: BuyersItemIdentification, SellersItemIdentification or StandardItemIdentification.
    identification: str = "SellersItemIdentification"
    extra_item: str = ""


def party(endpoint: tuple[str, str]) -> str:
    scheme, value = endpoint
    return f'<cac:Party><cbc:EndpointID schemeID="{scheme}">{value}</cbc:EndpointID></cac:Party>'


def order_xml(
    lines: Sequence[OrderLine],
    *,
    number: str = "ERP-1001",
    buyer: tuple[str, str] = ("0088", "7300010000001"),
    seller: tuple[str, str] = ("0192", "987654325"),
    issue_date: str = "2030-01-15",
    currency: str = "EUR",
) -> bytes:
    """A UBL 2.1 Order for the ``endpoints`` fixture's company (buyer) and vendor A (seller)."""
    body = "".join(
        f"""
  <cac:OrderLine>
    <cac:LineItem>
      <cbc:ID>{index}</cbc:ID>
      <cbc:Quantity unitCode="EA">{line.quantity}</cbc:Quantity>
      <cac:Delivery><cac:RequestedDeliveryPeriod><cbc:EndDate>{line.delivery}</cbc:EndDate></cac:RequestedDeliveryPeriod></cac:Delivery>
      <cac:Price><cbc:PriceAmount currencyID="{currency}">{line.price}</cbc:PriceAmount></cac:Price>
      <cac:Item>
        <cbc:Name>Ordered item {index}</cbc:Name>
        {line.extra_item}
        <cac:{line.identification}><cbc:ID>{line.item}</cbc:ID></cac:{line.identification}>
      </cac:Item>
    </cac:LineItem>
  </cac:OrderLine>"""
        for index, line in enumerate(lines, 1)
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Order {NAMESPACES}>
  <cbc:CustomizationID>urn:fdc:peppol.eu:poacc:trns:order:3</cbc:CustomizationID>
  <cbc:ProfileID>urn:fdc:peppol.eu:poacc:bis:ordering:3</cbc:ProfileID>
  <cbc:ID>{number}</cbc:ID>
  <cbc:IssueDate>{issue_date}</cbc:IssueDate>
  <cbc:DocumentCurrencyCode>{currency}</cbc:DocumentCurrencyCode>
  <cac:BuyerCustomerParty>{party(buyer)}</cac:BuyerCustomerParty>
  <cac:SellerSupplierParty>{party(seller)}</cac:SellerSupplierParty>{body}
</Order>
""".encode()
