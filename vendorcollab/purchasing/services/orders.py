"""Creating, editing, sending, pulling back and cancelling purchase orders (the buyer's side of the cycle)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import ForeignKey, Prefetch
from django.utils import timezone

from vendorcollab.accounts.models import PURCHASING_ROLES, User
from vendorcollab.common.events import Event, publish
from vendorcollab.common.formatting import quantity_text
from vendorcollab.common.models import NumberSequence, hold_as_read
from vendorcollab.common.text import (
    AMOUNT_DIGITS,
    PRICE_DIGITS,
    QUANTITY_DIGITS,
    Kind,
    Limit,
    check_count,
    check_date,
    check_decimal,
    check_texts,
    check_total,
)
from vendorcollab.partners.models import Company, Item, Site, Vendor, Warehouse
from vendorcollab.purchasing.errors import PurchasingErrorCode

from .. import transitions
from ..errors import FieldErrors, invalid, refused
from ..models import (
    EventKind,
    Origin,
    POStatus,
    PurchaseOrder,
    PurchaseOrderCharge,
    PurchaseOrderLine,
)
from ..transitions import Action
from .inputs import ChargeInput, LineInput, OrderTermsInput, Unresolved
from .order_fields import line_field_values, terms_values, validate_line_fields, validate_terms
from .readiness import po_document_check
from .versions import version_freeze


def _require_purchasing_role(actor: User) -> None:
    if not actor.has_role(*PURCHASING_ROLES):
        raise refused()


def _validate_lines(
    company: Company,
    lines: Sequence[LineInput],
    *,
    existing: dict[int, PurchaseOrderLine] | None = None,
    errors: FieldErrors,
    documented: bool = False,
) -> list[int]:
    """Check every line against the company's master data and the calendar; return the line numbers to use.
    ``documented``: the lines come from a document that says what was agreed (an imported Order or Order Change),
    whose dates may lie in the past (DESIGN.md section 11); a person entering a PO is held to future dates."""
    existing = existing or {}
    today = timezone.localdate()
    taken = {line.line_number for line in lines if line.line_number is not None}
    next_number = max([*taken, *existing.keys(), 0]) + 1
    numbers: list[int] = []
    seen: set[int] = set()
    check_count(errors, "lines", lines, Limit.LINES_PER_ORDER)
    for index, line in enumerate(lines):
        path = f"lines.{index}"
        check_texts(
            errors,
            {
                f"{path}.description": (line.description, Kind.LINE, Limit.DESCRIPTION),
                f"{path}.unit": (line.unit, Kind.IDENTIFIER, Limit.UNIT),
                f"{path}.color": (line.color, Kind.LINE, Limit.DIMENSION),
                f"{path}.size": (line.size, Kind.LINE, Limit.DIMENSION),
                f"{path}.style": (line.style, Kind.LINE, Limit.DIMENSION),
                f"{path}.configuration": (line.configuration, Kind.LINE, Limit.DIMENSION),
            },
        )
        if line.line_number is not None and not 0 < line.line_number < 2**31:
            errors.add(f"{path}.line_number", PurchasingErrorCode.LINE_NUMBER_OUT_OF_RANGE)
        number = line.line_number
        if number is None:
            number = next_number
            next_number += 1
        if number in seen:
            errors.add(f"{path}.line_number", PurchasingErrorCode.DUPLICATE_LINE_NUMBER)
        seen.add(number)
        numbers.append(number)
        if line.quantity <= 0:
            errors.add(f"{path}.quantity", PurchasingErrorCode.QUANTITY_NOT_POSITIVE)
        check_decimal(errors, f"{path}.quantity", line.quantity, QUANTITY_DIGITS)
        if line.unit_price < 0:
            errors.add(f"{path}.unit_price", PurchasingErrorCode.PRICE_NEGATIVE)
        check_decimal(errors, f"{path}.unit_price", line.unit_price, PRICE_DIGITS)
        if not Decimal(0) <= line.discount_percent <= Decimal(100):
            errors.add(f"{path}.discount_percent", PurchasingErrorCode.DISCOUNT_OUT_OF_RANGE)
        before = existing.get(number)
        # A past date is refused only where it is new: a line already agreed with the vendor keeps its date.
        new_date = before is None or before.delivery_date != line.delivery_date
        if documented:
            if new_date:
                check_date(errors, f"{path}.delivery_date", line.delivery_date, recorded=True)
        elif line.delivery_date < today and new_date:
            errors.add(f"{path}.delivery_date", PurchasingErrorCode.DATE_IN_PAST)
        elif new_date:
            check_date(errors, f"{path}.delivery_date", line.delivery_date)
        _validate_references(company, line, path, errors)
        validate_line_fields(line, path, errors)
        if before is not None and line.quantity < before.received_quantity:
            errors.add(
                f"{path}.quantity",
                PurchasingErrorCode.QUANTITY_BELOW_RECEIVED,
                received=quantity_text(before.received_quantity),
            )
    return numbers


def _validate_references(company: Company, line: LineInput, path: str, errors: FieldErrors) -> None:
    """The item, site and warehouse exist (a face passes ``Unresolved`` for what it could not find) and belong to
    the PO's company."""
    item, site, warehouse = line.item, line.site, line.warehouse
    if isinstance(item, Unresolved):
        errors.add(f"{path}.item", PurchasingErrorCode.UNKNOWN_ITEM, number=item.text, company=company.name)
    elif item is not None and item.company_id != company.pk:
        errors.add(f"{path}.item", PurchasingErrorCode.WRONG_COMPANY)
    if isinstance(site, Unresolved):
        errors.add(f"{path}.site", PurchasingErrorCode.UNKNOWN_SITE, site=site.text, company=company.name)
    elif site is not None and site.company_id != company.pk:
        errors.add(f"{path}.site", PurchasingErrorCode.WRONG_COMPANY)
    if isinstance(warehouse, Unresolved):
        errors.add(
            f"{path}.warehouse", PurchasingErrorCode.UNKNOWN_WAREHOUSE, warehouse=warehouse.text, company=company.name
        )
    elif warehouse is not None:
        # A warehouse of the line's own site is of that site's company: its site need not be read (a statement a
        # line, when a change names every line's warehouse).
        warehouse_site = site if isinstance(site, Site) and warehouse.site_id == site.pk else warehouse.site
        if warehouse_site.company_id != company.pk:
            errors.add(f"{path}.warehouse", PurchasingErrorCode.WRONG_COMPANY)
        elif isinstance(site, Site) and warehouse.site_id != site.pk:
            errors.add(f"{path}.warehouse", PurchasingErrorCode.WAREHOUSE_NOT_IN_SITE)


def _differs_from(line: PurchaseOrderLine, name: str, value: object) -> bool:
    """Whether ``value`` differs from the line's field ``name``; a reference is compared by id, without reading the
    row it names."""
    field = PurchaseOrderLine._meta.get_field(name)
    if isinstance(field, ForeignKey):
        return bool(getattr(line, field.attname) != getattr(value, "pk", None))
    return bool(getattr(line, name) != value)


def _resolved(line: LineInput) -> tuple[Item | None, Site | None, Warehouse | None]:
    """The line's references once ``_validate_references`` passed: nothing unresolved is left."""
    item, site, warehouse = line.item, line.site, line.warehouse
    assert not isinstance(item, Unresolved)
    assert not isinstance(site, Unresolved)
    assert not isinstance(warehouse, Unresolved)
    return item, site, warehouse


def _line_values(line: LineInput, company: Company, before: PurchaseOrderLine | None = None) -> dict[str, object]:
    item, site, warehouse = _resolved(line)
    return {
        "item": item,
        "description": line.description or (item.name if item else ""),
        "quantity": line.quantity,
        "unit": line.unit or (item.unit if item else line.unit_code.strip().upper()),
        "unit_price": line.unit_price,
        "discount_percent": line.discount_percent,
        "delivery_date": line.delivery_date,
        "site": site or (warehouse.site if warehouse else None),
        "warehouse": warehouse,
        "color": line.color,
        "size": line.size,
        "style": line.style,
        "configuration": line.configuration,
        "is_cancelled": line.is_cancelled,
        **line_field_values(line, company, before),
    }


def _validate_charges(charges: Sequence[ChargeInput], line_numbers: set[int], errors: FieldErrors) -> None:
    check_count(errors, "charges", charges, Limit.CHARGES_PER_ORDER)
    for index, charge in enumerate(charges):
        if not charge.code:
            errors.add(f"charges.{index}.code", PurchasingErrorCode.REQUIRED)
        check_decimal(errors, f"charges.{index}.amount", charge.amount, AMOUNT_DIGITS)
        check_texts(
            errors,
            {
                f"charges.{index}.code": (charge.code, Kind.IDENTIFIER, Limit.CODE),
                f"charges.{index}.description": (charge.description, Kind.LINE, Limit.CHARGE_DESCRIPTION),
            },
        )
        if charge.line_number is not None and charge.line_number not in line_numbers:
            errors.add(f"charges.{index}.line_number", PurchasingErrorCode.UNKNOWN_LINE, line_number=charge.line_number)


def _validate_total(
    lines: Sequence[LineInput | PurchaseOrderLine],
    charges: Sequence[ChargeInput | PurchaseOrderCharge],
    errors: FieldErrors,
) -> None:
    """The total must fit the amount column of the version it is frozen into when the PO is sent."""
    if errors.fields:
        return  # a total of refused numbers says nothing more
    gross = sum(
        (
            line.quantity * line.unit_price * (100 - line.discount_percent) / 100
            for line in lines
            if not line.is_cancelled
        ),
        Decimal(0),
    )
    check_total(errors, "lines", gross + sum((charge.amount for charge in charges), Decimal(0)))


def _replace_charges(po: PurchaseOrder, charges: Sequence[ChargeInput]) -> None:
    po.charges.all().delete()
    _add_charges(po, charges)


def _add_charges(po: PurchaseOrder, charges: Sequence[ChargeInput]) -> list[PurchaseOrderCharge]:
    return PurchaseOrderCharge.objects.bulk_create(
        PurchaseOrderCharge(
            purchase_order=po,
            code=charge.code,
            description=charge.description,
            amount=charge.amount,
            line_number=charge.line_number,
        )
        for charge in charges
    )


def po_create(
    *,
    actor: User,
    company: Company,
    vendor: Vendor,
    lines: Sequence[LineInput] = (),
    charges: Sequence[ChargeInput] = (),
    number: str = "",
    currency: str = "EUR",
    order_date: date | None = None,
    origin: Origin = Origin.MANUAL,
    buyer_contact: User | None = None,
    terms: OrderTermsInput | None = None,
    hold_written: bool = False,
) -> PurchaseOrder:
    """A new PO in draft. The number is taken from the company's sequence when not given. ``terms``: what a buyer's
    Order carries in its header (references, terms, delivery place, parties).

    ``hold_written``: the PO returned holds the lines and charges written, as ``selectors.po_lines_and_charges``
    reads them (``po.lines.all()`` and ``po.charges.all()`` answer them without a query), for a caller that shows
    them at once (the API's answer). Off by default: a caller that changes the lines later must not see these."""
    _require_purchasing_role(actor)
    errors = FieldErrors()
    if vendor.company_id != company.pk:
        errors.add("vendor", PurchasingErrorCode.VENDOR_NOT_IN_COMPANY)
    check_texts(
        errors, {"number": (number, Kind.IDENTIFIER, Limit.IDENTIFIER), "currency": (currency, Kind.IDENTIFIER, 3)}
    )
    check_date(errors, "order_date", order_date, recorded=True)
    if terms is not None:
        validate_terms(terms, errors)
    line_numbers = _validate_lines(company, lines, errors=errors, documented=origin == Origin.UBL)
    _validate_charges(charges, set(line_numbers), errors)
    _validate_total(lines, charges, errors)
    errors.raise_if_any()
    with transaction.atomic():
        if number and PurchaseOrder.objects.filter(company=company, number=number).exists():
            raise invalid("number", PurchasingErrorCode.NUMBER_TAKEN, number=number)
        po = PurchaseOrder(
            company=company,
            vendor=vendor,
            number=number or _next_number(company),
            origin=origin,
            currency=currency,
            order_date=order_date or timezone.localdate(),
            buyer_contact=buyer_contact or actor,
            created_by=actor,
            **(terms_values(terms) if terms is not None else {}),
        )
        try:
            # No savepoint of its own: losing a race for the number rolls back this block whole (itself a savepoint
            # when a caller's transaction is open, which stays usable).
            po.save()
        except IntegrityError:
            raise invalid("number", PurchasingErrorCode.NUMBER_TAKEN, number=po.number) from None
        written = PurchaseOrderLine.objects.bulk_create(
            PurchaseOrderLine(purchase_order=po, line_number=line_number, **_line_values(line, company))
            for line_number, line in zip(line_numbers, lines, strict=True)
        )
        written_charges = _add_charges(po, charges)  # a new PO has none to replace
        transitions.record_event(po, EventKind.CREATED, actor=actor, to_status=POStatus.DRAFT)
    if hold_written:
        for row in written:
            vars(row)["item_number"] = row.item.number if row.item is not None else None
        hold_as_read(po, lines=sorted(written, key=lambda row: row.line_number), charges=written_charges)
    return po


def _next_number(company: Company) -> str:
    value = NumberSequence.next_value(f"purchase_order:{company.pk}")
    return f"{settings.PURCHASE_ORDER_NUMBER_PREFIX}{value:06d}"


def po_update(
    *,
    actor: User,
    purchase_order: PurchaseOrder,
    lines: Sequence[LineInput] | None = None,
    charges: Sequence[ChargeInput] | None = None,
    currency: str | None = None,
    buyer_contact: User | None = None,
    terms: OrderTermsInput | None = None,
    reopen: bool = False,
    documented: bool = False,
) -> PurchaseOrder:
    """Edit a draft. ``lines`` replaces the line set: lines matched by number are updated, new ones added,
    missing ones removed (never one that has receipts). ``documented``: the change is a document from the buyer's
    ERP (an Order Change), whose dates may lie in the past.

    With ``reopen`` ("Edit and resend"), a PO in review or confirmed is edited too: it goes back to draft (the
    table's "request change") in the same transaction as the change, and only when something differs from what it
    holds; saved unchanged, it stays as it was sent and nothing is written.
    """
    with transaction.atomic():
        po = transitions.lock(purchase_order)
        reopening = reopen and not transitions.allows(po, actor, Action.EDIT)
        transitions.check(po, Action.REQUEST_CHANGE if reopening else Action.EDIT, actor=actor)
        existing = {line.line_number: line for line in po.lines.all()}
        errors = FieldErrors()
        if lines is not None:
            numbers = _validate_lines(po.company, lines, existing=existing, errors=errors, documented=documented)
            removed = set(existing) - set(numbers)
            for number in sorted(removed):
                if existing[number].received_quantity > 0:
                    errors.add("lines", PurchasingErrorCode.LINE_HAS_RECEIPTS, line_number=number)
        else:
            numbers = list(existing)
        if charges is not None:
            _validate_charges(charges, set(numbers), errors)
        if currency is not None:
            check_texts(errors, {"currency": (currency, Kind.IDENTIFIER, 3)})
        if terms is not None:
            validate_terms(terms, errors)
        _validate_total(
            lines if lines is not None else list(existing.values()),
            charges if charges is not None else list(po.charges.all()),
            errors,
        )
        errors.raise_if_any()
        if reopening:
            if not _differs(po, existing, numbers, lines, charges, currency, buyer_contact, terms):
                return po
            transitions.transition(po, Action.REQUEST_CHANGE, actor=actor, data={"reason": ""})
        changed: list[str] = []
        if lines is not None:
            for number, line in zip(numbers, lines, strict=True):
                values = _line_values(line, po.company, existing.get(number))
                if number in existing:
                    current = existing[number]
                    if (current.quantity, current.delivery_date) != (values["quantity"], values["delivery_date"]):
                        values["schedule"] = []  # an agreed split no longer adds up once quantity or date change
                    item = _resolved(line)[0]
                    if current.item_id != (item.pk if item else None):
                        values["external_item_number"] = values["external_description"] = ""
                    # Only what differs is written: an Order Change names every line, and changes one or two.
                    changed_fields = [name for name, value in values.items() if _differs_from(current, name, value)]
                    for name in changed_fields:
                        setattr(current, name, values[name])
                    if changed_fields:
                        current.save(update_fields=changed_fields)
                else:
                    PurchaseOrderLine.objects.create(purchase_order=po, line_number=number, **values)
            po.lines.filter(line_number__in=set(existing) - set(numbers)).delete()
            changed.append("lines")
        if charges is not None:
            _replace_charges(po, charges)
            changed.append("charges")
        if currency is not None:
            po.currency = currency
            changed.append("currency")
        if buyer_contact is not None:
            po.buyer_contact = buyer_contact
            changed.append("buyer_contact")
        if terms is not None:
            for name, value in terms_values(terms).items():
                setattr(po, name, value)
            changed.append("terms")
        transitions.transition(po, Action.EDIT, actor=actor, data={"changed": changed})
    return po


def po_send(*, actor: User, purchase_order: PurchaseOrder) -> PurchaseOrder:
    """Send a draft for confirmation: freeze version N+1 and put it in front of the vendor."""
    with transaction.atomic():
        # Read once here: the table's guard, the document check and the freeze all read the lines and charges, and
        # the API's answer is built from them (with the items' numbers, read in the same statement).
        po = transitions.lock(
            purchase_order,
            related=("company", "buyer_contact"),
            prefetch=(Prefetch("lines", PurchaseOrderLine.objects.with_item_numbers()), "charges"),
        )
        transitions.check(po, Action.SEND, actor=actor)  # a draft, a collaborating vendor, a line to send
        po_document_check(po)  # what the Order document needs, before the receiver finds it missing
        version = version_freeze(po, actor=actor)
        transitions.transition(po, Action.SEND, actor=actor, version_number=version.number)
        publish(Event.PO_SENT, purchase_order=po.pk, version=version.number, actor=actor.pk)
    return po


def _check_reason(reason: str) -> None:
    errors = FieldErrors()
    check_texts(errors, {"reason": (reason, Kind.MULTILINE, Limit.NOTE)})
    errors.raise_if_any()


def _differs(
    po: PurchaseOrder,
    existing: dict[int, PurchaseOrderLine],
    numbers: list[int],
    lines: Sequence[LineInput] | None,
    charges: Sequence[ChargeInput] | None,
    currency: str | None,
    buyer_contact: User | None,
    terms: OrderTermsInput | None = None,
) -> bool:
    """Whether an edit would change anything of the PO: its lines, charges, currency, buyer's contact or terms."""
    if lines is not None:
        # The form leaves out cancelled lines (kept for the record): the live ones are what an edit compares to.
        if sorted(numbers) != sorted(number for number, line in existing.items() if not line.is_cancelled):
            return True
        for number, line in zip(numbers, lines, strict=True):
            current = existing[number]
            values = _line_values(line, po.company, current)
            if any(_differs_from(current, name, value) for name, value in values.items()):
                return True
    if charges is not None:
        key = sorted((c.code, c.description, c.amount, c.line_number or 0) for c in charges)
        held = sorted((c.code, c.description, c.amount, c.line_number or 0) for c in po.charges.all())
        if key != held:
            return True
    if currency is not None and currency != po.currency:
        return True
    if terms is not None and any(getattr(po, name) != value for name, value in terms_values(terms).items()):
        return True
    return buyer_contact is not None and buyer_contact.pk != po.buyer_contact_id


def po_request_change(*, actor: User, purchase_order: PurchaseOrder, reason: str = "") -> PurchaseOrder:
    """Take a PO in review or confirmed back to draft for editing; the next send creates the next version.

    A confirmed PO stays confirmed for the vendor, as its last confirmed version, until the new one is confirmed.
    """
    _check_reason(reason)
    with transaction.atomic():
        po = transitions.lock(purchase_order)
        transitions.transition(po, Action.REQUEST_CHANGE, actor=actor, data={"reason": reason})
    return po


def po_cancel(*, actor: User, purchase_order: PurchaseOrder, reason: str = "") -> PurchaseOrder:
    _check_reason(reason)
    with transaction.atomic():
        po = transitions.lock(purchase_order)
        transitions.transition(po, Action.CANCEL, actor=actor, data={"reason": reason})
        publish(Event.PO_CANCELLED, purchase_order=po.pk, reason=reason, actor=actor.pk)
    return po


def po_copy(*, actor: User, purchase_order: PurchaseOrder) -> PurchaseOrder:
    """A new draft for the same vendor with the same lines and charges. Dates that have passed move to today, so
    the copy can be sent as it is or edited first.

    One transaction: the source is read under its row lock (its lines and charges as one edit left them), and the
    copy and its history event are written together or not at all."""
    with transaction.atomic():
        source = transitions.lock(purchase_order)
        today = timezone.localdate()
        lines = [line for line in source.lines.select_related("item", "site", "warehouse") if not line.is_cancelled]
        transitions.check(source, Action.COPY, actor=actor)  # a purchasing role, a line to copy
        copy = po_create(
            actor=actor,
            company=source.company,
            vendor=source.vendor,
            currency=source.currency,
            lines=[
                # A copy is a new order of the buyer's own: not the lines or the period of another's Order document.
                LineInput.from_line(
                    line,
                    delivery_date=max(line.delivery_date, today),
                    is_cancelled=False,
                    buyer_line_id="",
                    requested_start=None,
                    requested_end=None,
                )
                for line in lines
            ],
            charges=[
                ChargeInput(code=c.code, amount=c.amount, description=c.description, line_number=c.line_number)
                for c in source.charges.all()
                if c.line_number is None or c.line_number in {line.line_number for line in lines}
            ],
        )
        transitions.record_event(copy, EventKind.EDITED, actor=actor, data={"copied_from": source.number})
        return copy
