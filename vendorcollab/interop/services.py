"""Importing a UBL Order (PEPPOL T01) as a purchase order: parties and items matched, then ``po_create``.

Decisions, each visible in a refusal's message:

- The buyer is the company whose endpoint (``endpoint_scheme``, ``endpoint_id``) is the document's
  ``BuyerCustomerParty/Party/EndpointID`` and its ``schemeID``; the seller is the vendor account with the seller's
  endpoint in that company. Both must match exactly once.
- An item is matched by the first of its ``BuyersItemIdentification``, ``SellersItemIdentification`` and
  ``StandardItemIdentification`` IDs that is an item number of the company, else by its standard ID (GTIN) as an
  item's ``standard_item_id``; an item the document identifies by ``cbc:Name`` alone is matched on the item's name
  when exactly one item has it. Otherwise the line is a free-text line (description, identifiers, unit code): a
  conformant document is never refused for an item the portal does not know, and items are never created.
- A line's delivery date is its requested delivery period's end (else start), else the header's, else today (the
  document asks for none: as soon as possible). A date in the past is kept: the document says what was agreed
  (only a person entering a new PO is held to future dates).
- Everything else the Order carries is kept: the line IDs (``buyer_line_id``, never renumbered), identifiers, unit
  code, tax per line, requested periods; the Order ID, ``order_only`` (no response expected), references, payment
  and delivery terms, delivery place, the parties as named; embedded attachments become external attachments.
- The order number is ``cbc:ID``; one the company already uses is a 409 ``number_taken``, so importing a document
  twice creates one purchase order.
- Notes (``cbc:Note`` of the order and of its lines) become external notes, sent to the vendor with the PO.
"""

from __future__ import annotations

from dataclasses import asdict

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from vendorcollab.accounts.models import PURCHASING_ROLES, User
from vendorcollab.common import text
from vendorcollab.common.errors import ValidationFailed
from vendorcollab.interop.errors import InteropErrorCode
from vendorcollab.partners.models import Company, Item, Vendor
from vendorcollab.purchasing.errors import refused
from vendorcollab.purchasing.models import Origin, PurchaseOrder, PurchaseOrderLine, Visibility
from vendorcollab.purchasing.services import (
    ChargeInput,
    LineInput,
    OrderTermsInput,
    PartyInput,
    attachments_add,
    note_add,
    po_create,
)
from vendorcollab.purchasing.services.attachments import UploadInput

from .errors import PARTY_KINDS, DocumentErrors, number_taken, shown
from .ubl_reader import LineDoc, OrderDoc, PartyDoc, PartyRef, read_order


def ubl_order_import(*, actor: User, document: bytes) -> PurchaseOrder:
    """Create a draft purchase order (origin ``ubl``) from a UBL 2.1 Order, or refuse it whole, changing nothing."""
    if not actor.has_role(*PURCHASING_ROLES):
        raise refused()
    order, errors = read_order(document)
    return order_import(actor=actor, order=order, errors=errors)


def order_import(*, actor: User, order: OrderDoc, errors: DocumentErrors) -> PurchaseOrder:
    """``ubl_order_import`` of a document already read (``inbound.import_document`` reads it to dispatch)."""
    if not actor.has_role(*PURCHASING_ROLES):
        raise refused()
    company = company_of(order.buyer, errors)
    vendor = vendor_of(order.seller, company, errors) if company else None
    if company and order.number.text and _number_used(company, order.number.text):
        raise number_taken(order.number.path, number=order.number.text, company=company.code)
    items = match_items(order.lines, company, errors) if company else {}
    _check_notes(order, errors)
    errors.raise_if_any()
    assert company is not None and vendor is not None
    numbers = _line_numbers(order.lines)
    lines = [
        line_input(line, items.get(index), number, order)
        for index, (line, number) in enumerate(zip(order.lines, numbers, strict=True))
    ]
    charges = [ChargeInput(code=c.code, amount=c.amount, description=c.description) for c in order.charges] + [
        ChargeInput(code=c.code, amount=c.amount, description=c.description, line_number=number)
        for line, number in zip(order.lines, numbers, strict=True)
        for c in line.charges
    ]
    with transaction.atomic():
        try:
            po = po_create(
                actor=actor,
                company=company,
                vendor=vendor,
                lines=lines,
                charges=charges,
                number=order.number.text,
                currency=order.currency,
                order_date=order.issue_date,
                origin=Origin.UBL,
                terms=order_terms(order),
            )
        except ValidationFailed as error:
            if error.field_codes.get("number") == "number_taken":
                # A concurrent import of the same document won the number after our check above.
                raise number_taken(order.number.path, number=order.number.text, company=company.code) from None
            raise on_elements(error, order) from None
        if order.note:
            note_add(actor=actor, purchase_order=po, text=order.note, visibility=Visibility.EXTERNAL)
        attachments_import(actor=actor, po=po, order=order)
        for line, number in zip(order.lines, numbers, strict=True):
            if line.note:
                note_add(
                    actor=actor, purchase_order=po, text=line.note, visibility=Visibility.EXTERNAL, line_number=number
                )
    return po


def _number_used(company: Company, number: str) -> bool:
    return PurchaseOrder.objects.filter(company=company, number=number).exists()


def line_input(
    line: LineDoc, item: Item | None, number: int, order: OrderDoc, *, fallback: PurchaseOrderLine | None = None
) -> LineInput:
    """A document's line as the purchasing services take it: a free-text line when ``item`` is None. ``fallback``
    is the PO's line an Order Change changes: what the change leaves out (the item of a line it names by its ID
    only, the dimensions, site and warehouse) stays as it was."""
    if item is None and fallback is not None and not line.identifiers:
        item = fallback.item

    def kept(name: str, value: object) -> object:
        return value if value or fallback is None else getattr(fallback, name)

    return LineInput(
        item=item,
        quantity=line.quantity,
        unit_price=line.unit_price,
        delivery_date=line.delivery_date or order.delivery_date or timezone.localdate(),
        line_number=number,
        description=line.description,
        unit=_unit(line.unit, item),
        discount_percent=line.discount_percent,
        site=fallback.site if fallback else None,
        warehouse=fallback.warehouse if fallback else None,
        color=line.dimensions.get("color", fallback.color if fallback else ""),
        size=line.dimensions.get("size", fallback.size if fallback else ""),
        style=line.dimensions.get("style", fallback.style if fallback else ""),
        configuration=line.dimensions.get("configuration", fallback.configuration if fallback else ""),
        buyer_line_id=line.line_id,
        buyers_item_id=str(kept("buyers_item_id", line.buyers_item_id)),
        sellers_item_id=str(kept("sellers_item_id", line.sellers_item_id)),
        standard_item_id=str(kept("standard_item_id", line.standard_item_id)),
        standard_item_scheme=line.standard_item_scheme or (fallback.standard_item_scheme if fallback else "0160"),
        unit_code=line.unit.upper(),
        # Left out of the document (and of the line it changes): the item's rate, else the company's.
        tax_category=line.tax_category or (fallback.tax_category if fallback else ""),
        tax_percent=line.tax_percent if line.tax_percent is not None else (fallback.tax_percent if fallback else None),
        requested_start=line.requested_start,
        requested_end=line.requested_end,
    )


def order_terms(order: OrderDoc, *, held: PurchaseOrder | None = None) -> OrderTermsInput:
    """The Order's header beyond lines and charges. For an Order Change (``held`` the PO it changes), what the
    change leaves out stays as the PO holds it; the Order ID and whether a response is expected never change."""
    address = order.delivery_address
    given = {
        "payment_terms": order.payment_terms,
        "delivery_terms_code": order.delivery_terms_code,
        "delivery_terms": order.delivery_terms,
        "contract_reference": order.contract_reference,
        "quotation_reference": order.quotation_reference,
        "originator_reference": order.originator_reference,
        "delivery_party_name": order.delivery_party_name,
        "delivery_location_id": order.delivery_location_id,
        "delivery_location_scheme": order.delivery_location_scheme,
        **{f"delivery_{name}": value for name, value in asdict(address).items()},
    }
    if held is not None:
        given = {name: value or getattr(held, name) for name, value in given.items()}
        parties = held.parties or {}
        return OrderTermsInput(
            order_document_id=held.order_document_id,
            response_expected=held.response_expected,
            buyer_party=_party_input(order.buyer_party) or _stored_party(parties.get("buyer")),
            seller_party=_party_input(order.seller_party) or _stored_party(parties.get("seller")),
            **given,
        )
    return OrderTermsInput(
        order_document_id=order.number.text,
        response_expected=order.response_expected,
        buyer_party=_party_input(order.buyer_party),
        seller_party=_party_input(order.seller_party),
        **given,
    )


def _party_input(party: PartyDoc) -> PartyInput | None:
    values = party.as_json()
    return PartyInput(**values) if values else None


def _stored_party(values: dict[str, str] | None) -> PartyInput | None:
    return PartyInput(**values) if values else None


def attachments_import(*, actor: User, po: PurchaseOrder, order: OrderDoc) -> None:
    """The Order's embedded documents as the PO's external attachments, each checked as an upload is; a refused
    one is an error on its element. Referred documents (a URI, nothing embedded) are kept as one external note."""
    for attachment in order.attachments:
        upload = SimpleUploadedFile(attachment.filename, attachment.content, attachment.mime_code or "")
        try:
            attachments_add(
                actor=actor, purchase_order=po, uploads=[UploadInput(file=upload)], visibility=Visibility.EXTERNAL
            )
        except ValidationFailed as error:
            errors = DocumentErrors()
            for message in error.fields.values():
                errors.add_text(attachment.path, error.code, str(message))
            errors.raise_if_any()
            raise
    if order.external_documents:
        note_add(
            actor=actor,
            purchase_order=po,
            text="\n".join(order.external_documents),
            visibility=Visibility.EXTERNAL,
        )


def company_of(party: PartyRef | None, errors: DocumentErrors) -> Company | None:
    if party is None:
        return None
    found = list(Company.objects.filter(endpoint_scheme=party.scheme, endpoint_id=party.endpoint_id)[:2])
    if len(found) == 1:
        return found[0]
    if found:
        errors.add(
            party.path, InteropErrorCode.UBL_AMBIGUOUS_PARTY, **_party_params(party), kind=PARTY_KINDS["company"]
        )
    else:
        errors.add(party.path, InteropErrorCode.UBL_UNKNOWN_BUYER, **_party_params(party))
    return None


def vendor_of(party: PartyRef | None, company: Company, errors: DocumentErrors) -> Vendor | None:
    if party is None:
        return None
    found = list(
        Vendor.objects.filter(company=company, endpoint_scheme=party.scheme, endpoint_id=party.endpoint_id)[:2]
    )
    if len(found) == 1:
        return found[0]
    if found:
        errors.add(party.path, InteropErrorCode.UBL_AMBIGUOUS_PARTY, **_party_params(party), kind=PARTY_KINDS["vendor"])
    else:
        errors.add(party.path, InteropErrorCode.UBL_UNKNOWN_SELLER, **_party_params(party), company=company.code)
    return None


def _party_params(party: PartyRef) -> dict[str, str]:
    return {"scheme": shown(party.scheme), "value": shown(party.endpoint_id)}


def match_items(lines: list[LineDoc], company: Company, errors: DocumentErrors) -> dict[int, Item]:
    """The item of every line that names one of the company's items, by the line's position; the others are
    free-text lines. Two queries whatever the number of lines (and one per line named by its name alone)."""
    numbers = {value.text for line in lines for value in line.identifiers}
    gtins = {line.standard_item_id for line in lines if line.standard_item_id}
    by_number = {item.number: item for item in Item.objects.filter(company=company, number__in=numbers)}
    by_gtin: dict[str, Item] = {}
    if gtins:
        for item in Item.objects.filter(company=company, standard_item_id__in=gtins).order_by("pk"):
            by_gtin.setdefault(item.standard_item_id, item)
    found: dict[int, Item] = {}
    for index, line in enumerate(lines):
        match: Item | None = None
        if line.identifiers:
            match = next((by_number[v.text] for v in line.identifiers if v.text in by_number), None)
            match = match or by_gtin.get(line.standard_item_id)
        elif line.name is not None:
            named = list(Item.objects.filter(company=company, name__iexact=line.name.text)[:2])
            match = named[0] if len(named) == 1 else None
        else:
            errors.add(f"{line.paths['item']}/Name", InteropErrorCode.UBL_MISSING)
        if match is not None:
            found[index] = match
    return found


def _unit(code: str, item: Item | None) -> str:
    """The unit's name shown on screens: the item's own when the document's code is the item's unit ("EA" for an
    item in "ea"), else the code as sent (a free-text line shows its code)."""
    if item is not None and code.lower() in (item.unit.lower(), item.unit_code.lower()):
        return item.unit
    return code


def _check_notes(order: OrderDoc, errors: DocumentErrors) -> None:
    """Notes are stored as the buyer's notes: the same text rules, on the document's elements."""
    notes = [("Order/Note", order.note), *((f"{line.path}/Note", line.note) for line in order.lines)]
    for element, note in notes:
        problem = text.text_problem(note, text.Kind.MULTILINE, text.Limit.NOTE)
        if problem is not None:
            code, params = problem
            message = str(text.MESSAGES[code])
            errors.add_text(element, code, message % params if params else message)


def _line_numbers(lines: list[LineDoc]) -> list[int]:
    """The document's line IDs when they are all distinct positive whole numbers, else 1, 2, 3… in document order
    (UBL line IDs are any text; ours are numbers)."""
    ids = [line.line_id for line in lines]
    if all(text.isdigit() and 0 < int(text) < 2**31 for text in ids) and len({int(text) for text in ids}) == len(ids):
        return [int(text) for text in ids]
    return list(range(1, len(lines) + 1))


def on_elements(error: ValidationFailed, order: OrderDoc) -> ValidationFailed:
    """A refusal of ``po_create`` with its fields (``lines.0.quantity``) moved onto the document's elements."""
    root = order.number.path.split("/")[0]
    location = f"{root}/Delivery/DeliveryLocation"
    places = {
        "number": order.number.path,
        "currency": f"{root}/DocumentCurrencyCode",
        "order_date": f"{root}/IssueDate",
        "lines": f"{root}/OrderLine",
        "charges": f"{root}/AllowanceCharge",
        "order_document_id": order.number.path,
        "payment_terms": f"{root}/PaymentTerms/Note",
        "delivery_terms_code": f"{root}/DeliveryTerms/ID",
        "delivery_terms": f"{root}/DeliveryTerms/SpecialTerms",
        "contract_reference": f"{root}/Contract/ID",
        "quotation_reference": f"{root}/QuotationDocumentReference/ID",
        "originator_reference": f"{root}/OriginatorDocumentReference/ID",
        "delivery_party_name": f"{root}/Delivery/DeliveryParty/PartyName/Name",
        "delivery_location_id": f"{location}/ID",
        "delivery_location_scheme": f"{location}/ID/@schemeID",
        "delivery_street_name": f"{location}/Address/StreetName",
        "delivery_additional_street_name": f"{location}/Address/AdditionalStreetName",
        "delivery_city_name": f"{location}/Address/CityName",
        "delivery_postal_zone": f"{location}/Address/PostalZone",
        "delivery_country_subentity": f"{location}/Address/CountrySubentity",
        "delivery_country_code": f"{location}/Address/Country/IdentificationCode",
        "buyer_party": f"{root}/BuyerCustomerParty/Party",
        "seller_party": f"{root}/SellerSupplierParty/Party",
    }
    if order.seller is not None:
        places["vendor"] = order.seller.path
    for index, line in enumerate(order.lines):
        # What the line's item carries (description, dimensions, unit) is refused on its Item element.
        places[f"lines.{index}"] = line.paths.get("item", line.path)
        for name, path in line.paths.items():
            places[f"lines.{index}.{name}"] = path
    charge_paths = [charge.path for charge in order.charges] + [c.path for line in order.lines for c in line.charges]
    for index, path in enumerate(charge_paths):
        places[f"charges.{index}"] = places[f"charges.{index}.code"] = places[f"charges.{index}.line_number"] = path
    errors = DocumentErrors()
    for key, message in error.fields.items():
        element = places.get(key) or places.get(key.rsplit(".", 1)[0]) or root
        errors.add_text(element, error.field_codes.get(key, error.code), str(message))
    return errors.error() or error
