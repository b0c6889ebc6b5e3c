"""The vendor's answer to a version: accept, reject, or accept with changes line by line."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from vendorcollab.accounts.models import User
from vendorcollab.common.events import Event, publish
from vendorcollab.common.models import hold_as_read
from vendorcollab.common.text import (
    QUANTITY_DIGITS,
    Kind,
    Limit,
    check_count,
    check_date,
    check_decimal,
    check_texts,
    check_total,
)
from vendorcollab.purchasing.errors import PurchasingErrorCode

from .. import transitions
from ..errors import FieldErrors, conflict, invalid, not_found
from ..models import (
    Attachment,
    LineAction,
    PurchaseOrder,
    ResponseDraft,
    ResponseKind,
    ResponseLine,
    VendorResponse,
    VersionLine,
)
from ..transitions import Action
from .attachments import UploadInput, uploads_store, uploads_validate
from .inputs import ChargeInput, LineAnswer

# What each whole-order answer allows per line: plain accept and reject may carry line notes, nothing else.
_ALLOWED_LINE_ACTIONS = {
    ResponseKind.ACCEPTED: {LineAction.ACCEPT},
    ResponseKind.REJECTED: {LineAction.REJECT},
    ResponseKind.ACCEPTED_WITH_CHANGES: set(LineAction),
}
_DEFAULT_LINE_ACTION = {
    ResponseKind.ACCEPTED: LineAction.ACCEPT,
    ResponseKind.REJECTED: LineAction.REJECT,
    ResponseKind.ACCEPTED_WITH_CHANGES: LineAction.ACCEPT,
}


def response_submit(
    *,
    actor: User,
    purchase_order: PurchaseOrder,
    version: int,
    kind: ResponseKind,
    lines: Sequence[LineAnswer] = (),
    vendor_reference: str = "",
    note: str = "",
    charges: Sequence[ChargeInput] | None = None,
    attachments: Sequence[UploadInput] = (),
    quantities_confirmed: bool = True,
) -> VendorResponse:
    """Store the vendor's one answer to the latest version, and confirm at once for auto-confirm vendors.

    Refused, changing nothing: an answer to an older version, a second answer, a change of price, discount or
    charges, an invalid line answer. Auto-confirmation happens in this same transaction, so an accepted PO of an
    auto-confirm vendor can never be left accepted but unconfirmed.
    """
    errors = FieldErrors()
    check_texts(
        errors,
        {
            "vendor_reference": (vendor_reference, Kind.LINE, Limit.REFERENCE),
            "note": (note, Kind.MULTILINE, Limit.NOTE),
        },
    )
    check_count(errors, "lines", lines, Limit.LINES_PER_ORDER)
    errors.raise_if_any()
    with transaction.atomic():
        # The latest version's lines and charges, read once: the answer is checked against them twice.
        po = transitions.lock(purchase_order, prefetch=("latest_version__lines", "latest_version__charges"))
        if not po.collaborative_for(actor):  # checked on the locked row: nothing is written before the refusal
            raise not_found()
        transitions.check(po, Action.RESPOND, actor=actor)  # in review, a vendor role, not answered yet
        latest = po.latest_version
        assert latest is not None  # a PO in external review has been sent
        if version != latest.number:
            raise conflict(PurchasingErrorCode.VERSION_OUTDATED, answered=version, latest=latest.number)
        version_lines = {line.line_number: line for line in latest.lines.all()}
        if charges is not None and _charge_key(charges) != _charge_key(latest.charges.all()):
            errors.add("charges", PurchasingErrorCode.CHARGE_CHANGE_NOT_ALLOWED)
        line_rows = _line_rows(kind, lines, version_lines, errors)
        if not errors.fields:
            _check_total(line_rows, version_lines, latest.charges.all(), errors)
        uploads_validate(attachments, errors)
        errors.raise_if_any()
        if not quantities_confirmed and _differs_from_ordered(line_rows, version_lines):
            # Asked last, once the answer is otherwise valid: a face that asks the person to confirm another
            # quantity than ordered passes False until they have (the vendor's pages); the API does not ask.
            raise invalid("lines", PurchasingErrorCode.QUANTITIES_NOT_CONFIRMED)
        try:
            # No savepoint: the refusal below rolls the whole answer back, so nothing after the failed insert needs
            # the transaction.
            response = VendorResponse.objects.create(
                version=latest,
                purchase_order=po,
                kind=kind,
                vendor_reference=vendor_reference,
                note=note,
                submitted_by=actor,
            )
        except IntegrityError:
            # Only reachable if a concurrent answer slipped past the row lock (it cannot on PostgreSQL or SQLite
            # with IMMEDIATE transactions); the unique version keeps "once" true regardless.
            raise conflict(PurchasingErrorCode.ALREADY_ANSWERED, version=latest.number) from None
        written = ResponseLine.objects.bulk_create(ResponseLine(response=response, **row) for row in line_rows)
        po.latest_response = response  # saved with the transition below
        # Files uploaded while drafting become the response's; the draft has served its purpose. (An ERP's answer
        # has no draft: one read finds that.)
        drafts = list(ResponseDraft.objects.filter(version=latest).values_list("pk", flat=True))
        if drafts:
            Attachment.objects.filter(draft__in=drafts).update(response=response, draft=None)
            ResponseDraft.objects.filter(pk__in=drafts).delete()
        uploads_store(po, attachments, actor=actor, response=response)
        if kind == ResponseKind.ACCEPTED and not drafts and not attachments:
            # An acceptance is written from the version's own lines (their quantities and dates as read) and holds
            # no files: the answer shows the lines as written, without reading them back.
            hold_as_read(response, lines=written, attachments=[])
        changed = sum(1 for row in line_rows if row["action"] != LineAction.ACCEPT)
        transitions.transition(
            po,
            Action.RESPOND,
            actor=actor,
            version_number=latest.number,
            data={"response": kind, "lines_changed": changed, "lines_total": len(line_rows)},
        )
        publish(
            Event.RESPONSE_SUBMITTED, purchase_order=po.pk, version=latest.number, response=response.pk, actor=actor.pk
        )
        # An acceptance by a vendor that confirms automatically (the table's "auto_confirm" guard).
        if transitions.allows(po, actor, Action.AUTO_CONFIRM):
            po.confirmed_version = latest
            po.confirmed_at = timezone.now()
            transitions.transition(
                po, Action.AUTO_CONFIRM, actor=actor, version_number=latest.number, data={"automatic": True}
            )
            publish(Event.PO_CONFIRMED, purchase_order=po.pk, version=latest.number, automatic=True, actor=actor.pk)
    return response


def _check_total(
    rows: Sequence[dict[str, Any]], version_lines: dict[int, VersionLine], charges: Any, errors: FieldErrors
) -> None:
    """Applying the answer's quantities must leave a total that the confirmed version can hold."""
    gross = Decimal(0)
    for row in rows:
        line = version_lines[row["line_number"]]
        if row["quantity"] is not None:
            gross += row["quantity"] * line.unit_price * (100 - line.discount_percent) / 100
    check_total(errors, "lines", gross + sum((charge.amount for charge in charges), Decimal(0)))


def _differs_from_ordered(rows: Sequence[dict[str, Any]], version_lines: dict[int, VersionLine]) -> bool:
    """Whether a changed, substituted or split line confirms another quantity than was ordered."""
    kinds = (LineAction.CHANGE, LineAction.SUBSTITUTE, LineAction.SPLIT)
    return any(
        row["action"] in kinds
        and row["quantity"] is not None
        and row["quantity"] != version_lines[row["line_number"]].quantity
        for row in rows
    )


def _charge_key(charges: Any) -> set[tuple[Any, ...]]:
    return {(charge.code, charge.amount, charge.line_number) for charge in charges}


def _line_rows(
    kind: ResponseKind,
    answers: Sequence[LineAnswer],
    version_lines: dict[int, VersionLine],
    errors: FieldErrors,
) -> list[dict[str, Any]]:
    """Validate the line answers and complete them: every line of the version gets exactly one answer row."""
    today = timezone.localdate()
    rows: dict[int, dict[str, Any]] = {}
    for index, answer in enumerate(answers):
        path = f"lines.{index}"
        line = version_lines.get(answer.line_number)
        if line is None:
            errors.add(f"{path}.line_number", PurchasingErrorCode.UNKNOWN_LINE, line_number=answer.line_number)
            continue
        if line.is_cancelled:
            errors.add(f"{path}.line_number", PurchasingErrorCode.LINE_CANCELLED, line_number=answer.line_number)
            continue
        if answer.line_number in rows:
            errors.add(f"{path}.line_number", PurchasingErrorCode.LINE_ANSWERED_TWICE, line_number=answer.line_number)
            continue
        if answer.action not in _ALLOWED_LINE_ACTIONS[kind]:
            errors.add(f"{path}.action", PurchasingErrorCode.ANSWER_LINES_NOT_ALLOWED)
            continue
        if answer.unit_price is not None and answer.unit_price != line.unit_price:
            errors.add(f"{path}.unit_price", PurchasingErrorCode.PRICE_CHANGE_NOT_ALLOWED)
        if answer.discount_percent is not None and answer.discount_percent != line.discount_percent:
            errors.add(f"{path}.discount_percent", PurchasingErrorCode.PRICE_CHANGE_NOT_ALLOWED)
        rows[answer.line_number] = _line_row(answer, line, path, today, errors)
    default = _DEFAULT_LINE_ACTION[kind]
    for number, line in version_lines.items():
        # Cancelled lines are in the version for the record only; there is nothing to answer on them.
        if number not in rows and not line.is_cancelled:
            rows[number] = _line_row(LineAnswer(line_number=number, action=default), line, "lines", today, errors)
    return [rows[number] for number in sorted(rows)]


def _line_row(answer: LineAnswer, line: VersionLine, path: str, today: date, errors: FieldErrors) -> dict[str, Any]:
    check_texts(
        errors,
        {
            f"{path}.note": (answer.note, Kind.MULTILINE, Limit.NOTE),
            f"{path}.external_item_number": (answer.external_item_number, Kind.IDENTIFIER, Limit.EXTERNAL_ITEM_NUMBER),
            f"{path}.external_description": (answer.external_description, Kind.LINE, Limit.DESCRIPTION),
        },
    )
    row: dict[str, Any] = {
        "line_number": line.line_number,
        "action": answer.action,
        "quantity": line.quantity,
        "delivery_date": line.delivery_date,
        "schedule": [],
        "external_item_number": "",
        "external_description": "",
        "note": answer.note,
    }
    if answer.action == LineAction.REJECT:
        row["quantity"] = None
        row["delivery_date"] = None
    elif answer.action in (LineAction.CHANGE, LineAction.SUBSTITUTE):
        # A change equal to the ordered quantity or date is no change, whichever face sent it: the page prefills the
        # ordered values, and an ERP may echo them back.
        if answer.quantity is not None and answer.quantity == line.quantity:
            answer = replace(answer, quantity=None)
        if answer.delivery_date is not None and answer.delivery_date == line.delivery_date:
            answer = replace(answer, delivery_date=None)
        if answer.action == LineAction.CHANGE and answer.quantity is None and answer.delivery_date is None:
            errors.add(f"{path}.quantity", PurchasingErrorCode.CHANGE_WITHOUT_CHANGE)
        if answer.action == LineAction.SUBSTITUTE:
            if not answer.external_item_number.strip():
                errors.add(f"{path}.external_item_number", PurchasingErrorCode.SUBSTITUTE_WITHOUT_ITEM)
            row["external_item_number"] = answer.external_item_number.strip()
            row["external_description"] = answer.external_description.strip()
        if answer.quantity is not None:
            if answer.quantity <= 0:
                errors.add(f"{path}.quantity", PurchasingErrorCode.QUANTITY_NOT_POSITIVE)
            check_decimal(errors, f"{path}.quantity", answer.quantity, QUANTITY_DIGITS)
            row["quantity"] = answer.quantity
        if answer.delivery_date is not None:
            if answer.delivery_date < today:
                errors.add(f"{path}.delivery_date", PurchasingErrorCode.DATE_IN_PAST)
            check_date(errors, f"{path}.delivery_date", answer.delivery_date)
            row["delivery_date"] = answer.delivery_date
    elif answer.action == LineAction.SPLIT:
        if len(answer.schedule) < 2:
            errors.add(f"{path}.schedule", PurchasingErrorCode.SPLIT_TOO_FEW_LINES)
        check_count(errors, f"{path}.schedule", answer.schedule, Limit.SCHEDULE_ROWS)
        for position, part in enumerate(answer.schedule[: Limit.SCHEDULE_ROWS]):
            if part.quantity <= 0:
                errors.add(f"{path}.schedule.{position}.quantity", PurchasingErrorCode.QUANTITY_NOT_POSITIVE)
            check_decimal(errors, f"{path}.schedule.{position}.quantity", part.quantity, QUANTITY_DIGITS)
            if part.delivery_date < today:
                errors.add(f"{path}.schedule.{position}.delivery_date", PurchasingErrorCode.DATE_IN_PAST)
            check_date(errors, f"{path}.schedule.{position}.delivery_date", part.delivery_date)
        parts = sorted(answer.schedule, key=lambda part: part.delivery_date)
        row["schedule"] = [
            {"quantity": str(part.quantity), "delivery_date": part.delivery_date.isoformat()} for part in parts
        ]
        if parts:
            row["quantity"] = sum((part.quantity for part in parts), Decimal(0))
            row["delivery_date"] = parts[0].delivery_date
    return row
