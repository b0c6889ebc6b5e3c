"""Importing a UBL Order (PEPPOL T01) as a purchase order: parties and items matched, then ``po_create``.

Decisions, each visible in a refusal's message:

- The buyer is the company whose endpoint (``endpoint_scheme``, ``endpoint_id``) is the document's
  ``BuyerCustomerParty/Party/EndpointID`` and its ``schemeID``; the seller is the vendor account with the seller's
  endpoint in that company. Both must match exactly once.
- An item is matched by the first of its ``BuyersItemIdentification``, ``SellersItemIdentification`` and
  ``StandardItemIdentification`` IDs that is an item number of the company; an item the document identifies by
  ``cbc:Name`` alone is matched on the item's name. No match is refused (``ubl_unknown_item``): items are master
  data, never created by a document.
- A line's delivery date is its requested delivery period's end (else start), else the header's, else today (the
  document asks for none: as soon as possible). A date before today is refused, as on every other way in.
- The order number is ``cbc:ID``; one the company already uses is a 409 ``number_taken``, so importing a document
  twice creates one purchase order.
- Notes (``cbc:Note`` of the order and of its lines) become external notes, sent to the vendor with the PO.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from vendorcollab.accounts.models import PURCHASING_ROLES, User
from vendorcollab.common import text
from vendorcollab.common.errors import ValidationFailed
from vendorcollab.interop.errors import InteropErrorCode
from vendorcollab.partners.models import Company, Item, Vendor
from vendorcollab.purchasing.errors import refused
from vendorcollab.purchasing.models import Origin, PurchaseOrder, PurchaseOrderLine, Visibility
from vendorcollab.purchasing.services import ChargeInput, LineInput, note_add, po_create

from .errors import PARTY_KINDS, DocumentErrors, number_taken, shown
from .ubl_reader import LineDoc, OrderDoc, PartyRef, read_order


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
    _check_dates(order, errors)
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
            )
        except ValidationFailed as error:
            if error.field_codes.get("number") == "number_taken":
                # A concurrent import of the same document won the number after our check above.
                raise number_taken(order.number.path, number=order.number.text, company=company.code) from None
            raise on_elements(error, order) from None
        if order.note:
            note_add(actor=actor, purchase_order=po, text=order.note, visibility=Visibility.EXTERNAL)
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
    """A document's line as the purchasing services take it. ``fallback`` is the PO's line an Order Change
    changes: what the change leaves out (the item of a line it names only by number) stays as it was."""
    if item is None and fallback is not None:
        item = fallback.item
    assert item is not None  # ``match_items`` refused the line otherwise
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
    """The item of every line, by the line's position; every line that matches none is an error on its element."""
    numbers = {value.text for line in lines for value in line.identifiers}
    by_number = {item.number: item for item in Item.objects.filter(company=company, number__in=numbers)}
    found: dict[int, Item] = {}
    for index, line in enumerate(lines):
        if line.identifiers:
            item = next((by_number[v.text] for v in line.identifiers if v.text in by_number), None)
            if item is None:
                first = line.identifiers[0]
                errors.add(first.path, InteropErrorCode.UBL_UNKNOWN_ITEM, value=shown(first.text), company=company.code)
        elif line.name is not None:
            named = list(Item.objects.filter(company=company, name__iexact=line.name.text)[:2])
            item = named[0] if len(named) == 1 else None
            if item is None:
                code = "ubl_ambiguous_item" if named else "ubl_unknown_item"
                errors.add(line.name.path, code, value=shown(line.name.text), company=company.code)
        else:
            item = None
            errors.add(f"{line.paths['item']}/Name", InteropErrorCode.UBL_MISSING)
        if item is not None:
            found[index] = item
    return found


def _unit(code: str, item: Item) -> str:
    """The document's unit code, spelt as the item's own unit when it is that unit ("EA" for an item in "ea")."""
    return item.unit if code.lower() == item.unit.lower() else code


def _check_dates(order: OrderDoc, errors: DocumentErrors) -> None:
    today = timezone.localdate()
    for line in order.lines:
        wanted, path = line.delivery_date, line.paths["delivery_date"]
        if wanted is None:
            wanted, path = order.delivery_date, order.delivery_path
        if wanted is not None and wanted < today:
            errors.add(path, InteropErrorCode.DATE_IN_PAST, value=wanted.isoformat())


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
    places = {
        "number": order.number.path,
        "currency": "Order/DocumentCurrencyCode",
        "order_date": "Order/IssueDate",
        "lines": "Order/OrderLine",
        "charges": "Order/AllowanceCharge",
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
        element = places.get(key) or places.get(key.rsplit(".", 1)[0]) or "Order"
        errors.add_text(element, error.field_codes.get(key, error.code), str(message))
    return errors.error() or error
