"""Inbound documents after the Order: an Order Change (T114) and an Order Cancellation (T115) from the buyer's ERP,
an Order Response (T76 / T116) from the vendor's ERP, each through the same purchasing services as the screens.

Decisions, each visible in a refusal's message:

- The order a document refers to (``OrderReference/ID``) is the PO of the document's buyer and seller whose number
  is that ID (a version label ``PO-1-2`` names version 2 of ``PO-1``). None is ``ubl_unknown_order`` (404).
- An Order Change becomes the next version: the lines it names change (``LineStatusCode`` 1 added, 2 deleted, 3
  changed, 4 no action), the others stay; then the PO is sent, so the vendor sees it for review. A change whose
  ``SequenceNumberID`` is below the latest version's number was taken already and changes nothing (idempotent).
- An Order Cancellation cancels; a PO already cancelled stays as it is (idempotent).
- An Order Response answers the latest version, once: AB (acknowledged) only tells that the vendor has the order
  and changes nothing; AP accepted, RE rejected, CA accepted with changes, line by
  line (5 accepted, 7 not accepted, 3 changed; several response lines on one order line are a split; a
  ``SellerSubstitutedLineItem`` is a substitute). A T76 answers the Order (version 1); once a change was sent, only a
  T116 answers. The same answer posted again is taken once; another answer is ``ubl_already_answered`` (409).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q

from vendorcollab.accounts.models import PURCHASING_ROLES, User
from vendorcollab.common.errors import AppError, Conflict, NotFound, ValidationFailed
from vendorcollab.invoicing.models import Invoice
from vendorcollab.purchasing import transitions
from vendorcollab.purchasing.errors import PurchasingErrorCode, refused
from vendorcollab.purchasing.models import (
    LineAction,
    POStatus,
    PurchaseOrder,
    PurchaseOrderLine,
    ResponseKind,
    VendorResponse,
    Visibility,
)
from vendorcollab.purchasing.services import (
    LineAnswer,
    LineInput,
    ScheduleInput,
    note_add,
    po_cancel,
    po_send,
    po_update,
    response_submit,
)
from vendorcollab.purchasing.transitions import Action

from .errors import MESSAGES, DocumentErrors, InteropErrorCode, shown
from .models import Document as LoggedDocument
from .services import company_of, line_input, match_items, on_elements, order_terms, vendor_of
from .ubl_reader import CancellationDoc, OrderDoc, PartyRef, ResponseDoc, ResponseLineDoc, Transaction

ACKNOWLEDGED = "AB"
RESPONSE_CODES = {"AP": ResponseKind.ACCEPTED, "RE": ResponseKind.REJECTED, "CA": ResponseKind.ACCEPTED_WITH_CHANGES}
# UNCL1229 as BIS Ordering 3 uses it on response lines.
LINE_ACCEPTED, LINE_REJECTED, LINE_CHANGED = "5", "7", "3"
# UNCL1229 on Order Change lines.
CHANGE_ADDED, CHANGE_DELETED, CHANGE_CHANGED, CHANGE_NONE = "1", "2", "3", "4"


@dataclass(frozen=True)
class Taken:
    """What an inbound document did: the PO it concerns, the answer or invoice it stored, and whether it changed
    anything (False for a document taken before: imports are idempotent)."""

    purchase_order: PurchaseOrder
    response: VendorResponse | None = None
    invoice: Invoice | None = None
    changed: bool = True
    # A new purchase order (an Order), rather than a change to one.
    created: bool = False
    # Its entry in the document log (set by ``inbound.take_document``).
    document: LoggedDocument | None = None


def _refusal(element: str, code: str, error: type[AppError] = ValidationFailed, **params: Any) -> AppError:
    text = str(MESSAGES[code]) % params
    return error(
        code,
        MESSAGES["element_problem"],
        params={"element": element, "problem": text},
        fields={element: text},
        field_codes={element: code},
    )


def _orders_of(company_id: int, vendor_id: int, reference: str) -> tuple[PurchaseOrder | None, int | None]:
    """The PO a reference names, and the version number when the reference is a version label (``PO-1-2``)."""
    query = PurchaseOrder.objects.filter(company_id=company_id, vendor_id=vendor_id).collaborative()
    found = query.filter(Q(order_document_id=reference) | Q(number=reference, order_document_id="")).first()
    if found is not None:
        return found, None
    number, _, version = reference.rpartition("-")
    if number and version.isdigit():
        found = query.filter(number=number).first()
        if found is not None:
            return found, int(version)
    return None, None


def _parties(actor: User, buyer: PartyRef | None, seller: PartyRef | None) -> tuple[Any, Any]:
    errors = DocumentErrors()
    company = company_of(buyer, errors)
    vendor = vendor_of(seller, company, errors) if company else None
    errors.raise_if_any()
    return company, vendor


# --- from the buyer's ERP --------------------------------------------------------------------------------------


def order_change_import(*, actor: User, order: OrderDoc, errors: DocumentErrors) -> Taken:
    """The Order Change as the next version of the PO it refers to, sent to the vendor for review."""
    if not actor.has_role(*PURCHASING_ROLES):
        raise refused()
    company, vendor = _parties(actor, order.buyer, order.seller)
    assert order.order_reference is not None or errors
    reference = order.order_reference.text if order.order_reference else ""
    po, _version = _orders_of(company.pk, vendor.pk, reference)
    if po is None:
        errors.raise_if_any()
        raise _refusal(
            "OrderChange/OrderReference/ID", InteropErrorCode.UBL_UNKNOWN_ORDER, NotFound, value=shown(reference)
        )
    latest = po.latest_version
    if latest is not None and order.sequence_number is not None and order.sequence_number < latest.number:
        return Taken(po, changed=False)  # this change (or a later one) is in already
    existing = {line.line_number: line for line in po.lines.select_related("item", "site", "warehouse")}
    items = match_items(order.lines, company, errors)
    lines: dict[int, LineInput] = {number: _kept(line) for number, line in existing.items() if not line.is_cancelled}
    # The change names lines by their ID in the buyer's Order (``buyer_line_id``, else the line number).
    by_line_id = {line.order_line_id: number for number, line in existing.items()}
    next_number = max(existing, default=0) + 1
    for index, line in enumerate(order.lines):
        status = line.status_code or CHANGE_CHANGED
        if status == CHANGE_NONE:
            continue
        if status not in (CHANGE_ADDED, CHANGE_DELETED, CHANGE_CHANGED):
            errors.add(
                f"{line.path}/LineItem/LineStatusCode",
                InteropErrorCode.UBL_INVALID_CODE,
                value=shown(status),
                allowed="1, 2, 3, 4",
            )
            continue
        number = by_line_id.get(line.line_id)
        if status == CHANGE_ADDED and number is None:
            number, next_number = next_number, next_number + 1
        elif number is None or number not in lines:
            errors.add(line.paths["line_number"], InteropErrorCode.UBL_UNKNOWN_LINE, value=shown(line.line_id))
            continue
        if status == CHANGE_DELETED:
            del lines[number]
            continue
        lines[number] = line_input(line, items.get(index), number, order, fallback=existing.get(number))
    errors.raise_if_any()
    with transaction.atomic():
        try:
            po = po_update(
                actor=actor,
                purchase_order=po,
                lines=list(lines.values()),
                terms=order_terms(order, held=po),
                reopen=True,
                documented=True,
            )
            if not transitions.allows(po, actor, Action.SEND):
                return Taken(po, changed=False)  # the change asks for nothing the PO does not hold already
            po = po_send(actor=actor, purchase_order=po)
        except ValidationFailed as error:
            raise on_elements(error, order) from None
        if order.note:
            note_add(actor=actor, purchase_order=po, text=order.note, visibility=Visibility.EXTERNAL)
    return Taken(po)


def _kept(line: PurchaseOrderLine) -> LineInput:
    """A line the change leaves as it is, as the input that keeps it so."""
    return LineInput.from_line(line)


def order_cancellation_import(*, actor: User, document: CancellationDoc) -> Taken:
    if not actor.has_role(*PURCHASING_ROLES):
        raise refused()
    company, vendor = _parties(actor, document.buyer, document.seller)
    po, _version = _orders_of(company.pk, vendor.pk, document.order_reference.text)
    if po is None:
        raise _refusal(
            document.order_reference.path,
            InteropErrorCode.UBL_UNKNOWN_ORDER,
            NotFound,
            value=shown(document.order_reference.text),
        )
    if po.status == POStatus.CANCELLED:
        return Taken(po, changed=False)
    return Taken(po_cancel(actor=actor, purchase_order=po, reason=document.note))


# --- from the vendor's ERP -------------------------------------------------------------------------------------


def order_response_import(*, actor: User, document: ResponseDoc, errors: DocumentErrors) -> Taken:
    """The vendor's answer to the latest version of the PO the response refers to, through ``response_submit``."""
    reference = document.order_reference
    po, named_version = _vendor_order(actor, document)
    kind = RESPONSE_CODES.get(document.code.text)
    if document.code.text == ACKNOWLEDGED:
        # "Message acknowledged": the vendor has the order and answers later; nothing to store but the log entry.
        errors.raise_if_any()
        return Taken(po, None, changed=False)
    if kind is None:
        errors.add(
            document.code.path,
            InteropErrorCode.UBL_INVALID_CODE,
            value=shown(document.code.text),
            allowed="AB, AP, RE, CA",
        )
    latest = po.latest_version
    if latest is None:  # pragma: no cover - a vendor sees only sent POs
        raise _refusal(reference.path, InteropErrorCode.UBL_UNKNOWN_ORDER, NotFound, value=shown(reference.text))
    answered = named_version or (1 if document.transaction == Transaction.ORDER_RESPONSE else latest.number)
    if answered != latest.number:
        raise _refusal(
            reference.path,
            InteropErrorCode.UBL_OUTDATED_VERSION,
            Conflict,
            value=po.number,
            answered=answered,
            latest=latest.number,
        )
    if not po.response_expected:
        raise _refusal(reference.path, InteropErrorCode.UBL_NO_RESPONSE_EXPECTED, Conflict, value=po.number)
    line_ids = {line.order_line_id: line.line_number for line in latest.lines.all()}
    answers = _answers(document, line_ids, errors) if kind == ResponseKind.ACCEPTED_WITH_CHANGES else []
    errors.raise_if_any()
    assert kind is not None
    held = VendorResponse.objects.filter(version=latest).first()
    if held is not None:
        if _same_answer(held, kind, answers, document):
            return Taken(po, held, changed=False)
        raise _refusal(
            document.number.path,
            InteropErrorCode.UBL_ALREADY_ANSWERED,
            Conflict,
            value=po.number,
            answer=held.vendor_reference or str(held.pk),
        )
    try:
        response = response_submit(
            actor=actor,
            purchase_order=po,
            version=latest.number,
            kind=kind,
            lines=answers,
            vendor_reference=document.sales_order_id,
            note=document.note,
        )
    except Conflict as error:
        if error.code == PurchasingErrorCode.ALREADY_ANSWERED:
            # Another answer won the row lock while this one was read: exactly one is stored.
            raise _refusal(
                document.number.path, InteropErrorCode.UBL_ALREADY_ANSWERED, Conflict, value=po.number, answer="-"
            ) from None
        raise
    except ValidationFailed as error:
        raise _response_on_elements(error, document) from None
    return Taken(po, response)


def _vendor_order(actor: User, document: ResponseDoc) -> tuple[PurchaseOrder, int | None]:
    """The PO the response refers to, among those the vendor user sees, of the document's buyer and seller."""
    reference = document.order_reference
    visible = PurchaseOrder.objects.visible_to(actor).collaborative().select_related("company", "vendor")
    candidates = list(
        visible.filter(Q(order_document_id=reference.text) | Q(number=reference.text, order_document_id=""))[:2]
    )
    version: int | None = None
    if not candidates:
        number, _, suffix = reference.text.rpartition("-")
        if number and suffix.isdigit():
            candidates = list(visible.filter(number=number)[:2])
            version = int(suffix)
    parties = [
        po
        for po in candidates
        if _endpoint_matches(document.seller, po.vendor) and _endpoint_matches(document.buyer, po.company)
    ]
    if len(parties) != 1:
        raise _refusal(reference.path, InteropErrorCode.UBL_UNKNOWN_ORDER, NotFound, value=shown(reference.text))
    return parties[0], version


def _endpoint_matches(party: PartyRef | None, partner: Any) -> bool:
    """A party names the PO's company or vendor account when it carries that partner's endpoint; a partner without
    an endpoint is named by any."""
    if not partner.endpoint_id:
        return True
    return party is not None and (party.scheme, party.endpoint_id) == (partner.endpoint_scheme, partner.endpoint_id)


def _answers(document: ResponseDoc, line_ids: dict[str, int], errors: DocumentErrors) -> list[LineAnswer]:
    """The response lines grouped by the order line they answer (its ID in the buyer's Order, ``line_ids``), as one
    ``LineAnswer`` each."""
    grouped: dict[str, list[ResponseLineDoc]] = defaultdict(list)
    for line in document.lines:
        grouped[line.order_line_id.text].append(line)
    answers: list[LineAnswer] = []
    for reference, parts in grouped.items():
        first = parts[0]
        if reference not in line_ids:
            errors.add(first.order_line_id.path, InteropErrorCode.UBL_UNKNOWN_LINE, value=shown(reference))
            continue
        number = line_ids[reference]
        for part in parts:
            if part.status_code not in (LINE_ACCEPTED, LINE_REJECTED, LINE_CHANGED):
                errors.add(
                    part.paths["action"],
                    InteropErrorCode.UBL_INVALID_CODE,
                    value=shown(part.status_code),
                    allowed="3, 5, 7",
                )
        note = "\n\n".join(part.note for part in parts if part.note)
        if len(parts) > 1:
            schedule = tuple(
                ScheduleInput(quantity=_plain(part.quantity), delivery_date=part.promised_date)
                for part in parts
                if part.promised_date is not None
            )
            if len(schedule) != len(parts):
                errors.add(parts[0].paths["delivery_date"], InteropErrorCode.UBL_MISSING)
            answers.append(LineAnswer(line_number=number, action=LineAction.SPLIT, schedule=schedule, note=note))
        elif first.status_code == LINE_REJECTED:
            answers.append(LineAnswer(line_number=number, action=LineAction.REJECT, note=note))
        elif first.substitute_item_id:
            answers.append(
                LineAnswer(
                    line_number=number,
                    action=LineAction.SUBSTITUTE,
                    quantity=first.quantity,
                    delivery_date=first.promised_date,
                    external_item_number=first.substitute_item_id,
                    external_description=first.substitute_name,
                    note=note,
                )
            )
        elif first.status_code == LINE_CHANGED:
            answers.append(
                LineAnswer(
                    line_number=number,
                    action=LineAction.CHANGE,
                    quantity=first.quantity,
                    delivery_date=first.promised_date,
                    note=note,
                )
            )
        else:
            answers.append(LineAnswer(line_number=number, action=LineAction.ACCEPT, note=note))
    return answers


def _plain(quantity: Decimal | None) -> Decimal:
    """A quantity as few digits as it needs ("5", not "5.0000"): a split's schedule keeps the text of each part."""
    return Decimal(format((quantity or Decimal(0)).normalize(), "f"))


def _same_answer(held: VendorResponse, kind: ResponseKind, answers: list[LineAnswer], document: ResponseDoc) -> bool:
    """Whether the stored answer is the one this document gives (the same document posted again)."""
    if held.kind != kind or held.vendor_reference != document.sales_order_id:
        return False
    stored = {line.line_number: line for line in held.lines.all()}
    for answer in answers:
        line = stored.get(answer.line_number)
        if line is None or line.action != answer.action:
            return False
        if answer.action == LineAction.SPLIT:
            parts = sorted((part.delivery_date.isoformat(), part.quantity) for part in answer.schedule)
            if parts != sorted((part["delivery_date"], Decimal(part["quantity"])) for part in line.schedule):
                return False
        elif answer.action in (LineAction.CHANGE, LineAction.SUBSTITUTE):
            if answer.quantity is not None and answer.quantity != line.quantity:
                return False
            if answer.delivery_date is not None and answer.delivery_date != line.delivery_date:
                return False
    return True


def _response_on_elements(error: ValidationFailed, document: ResponseDoc) -> ValidationFailed:
    """A refusal of ``response_submit`` (``lines.0.quantity``) moved onto the response's elements."""
    grouped: dict[str, list[ResponseLineDoc]] = defaultdict(list)
    for line in document.lines:
        grouped[line.order_line_id.text].append(line)
    places: dict[str, str] = {"lines": "OrderResponse/OrderLine", "note": "OrderResponse/Note"}
    for index, parts in enumerate(grouped.values()):
        places[f"lines.{index}"] = parts[0].path
        for name, path in parts[0].paths.items():
            places[f"lines.{index}.{name}"] = path
        places[f"lines.{index}.schedule"] = parts[0].path
        for position, part in enumerate(parts):
            places[f"lines.{index}.schedule.{position}.quantity"] = part.paths["quantity"]
            places[f"lines.{index}.schedule.{position}.delivery_date"] = part.paths["delivery_date"]
    errors = DocumentErrors()
    for key, message in error.fields.items():
        element = places.get(key) or places.get(key.rsplit(".", 1)[0]) or "OrderResponse"
        errors.add_text(element, error.field_codes.get(key, error.code), str(message))
    return errors.error() or error
