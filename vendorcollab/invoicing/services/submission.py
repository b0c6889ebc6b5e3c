"""Submitting an invoice or credit note: its quantities counted against the receipts under row locks, then the match
that leaves it ``matched`` or ``on_hold``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from vendorcollab.accounts.models import User
from vendorcollab.common.events import Event, publish
from vendorcollab.common.formatting import quantity_text

from .. import transitions
from ..errors import FieldErrors, InvoicingErrorCode, conflict
from ..inputs import InvoiceInput
from ..models import COUNTING_STATUSES, Invoice, InvoiceKind, InvoiceLine, InvoiceOrigin, InvoiceStatus
from ..selectors import credited_elsewhere
from ..transitions import InvoiceAction
from .drafts import invoice_create
from .matching import match
from .quantities import lock_po_lines, move_invoiced


def event_payload(invoice: Invoice, actor: User) -> dict[str, Any]:
    """What every invoice event carries (``common.events``): ids and plain values."""
    return {
        "invoice_id": invoice.pk,
        "vendor_id": invoice.vendor_id,
        "company_id": invoice.company_id,
        "kind": str(invoice.kind),
        "number": invoice.number,
        "status": str(invoice.status),
        "actor_id": actor.pk,
    }


def _check_credit(invoice: Invoice, lines: list[InvoiceLine], errors: FieldErrors) -> None:
    """Under the credited invoice's lock, so that two credit notes of one invoice cannot both give the same quantity
    back: still creditable, and no line more than is left of the credited line."""
    assert invoice.credited_invoice_id is not None  # a check constraint of the table
    credited = Invoice.objects.select_for_update().get(pk=invoice.credited_invoice_id)
    if credited.kind != InvoiceKind.INVOICE or credited.status not in COUNTING_STATUSES:
        raise conflict(InvoicingErrorCode.NOT_CREDITABLE, number=credited.number)
    invoiced = {line.po_line_id: line.quantity for line in credited.lines.all()}
    given_back = credited_elsewhere(credited, exclude=invoice)
    for index, line in enumerate(lines):
        left = invoiced.get(line.po_line_id, Decimal(0)) - given_back.get(line.po_line_id, Decimal(0))
        if line.quantity > left:
            errors.add(
                f"lines.{index}.quantity",
                InvoicingErrorCode.CREDIT_EXCEEDS_INVOICE,
                available=quantity_text(max(left, Decimal(0))),
                line_number=line.po_line.line_number,
                number=line.purchase_order.number,
                invoice=credited.number,
            )


def invoice_submit(*, actor: User, invoice: Invoice) -> Invoice:
    """Submit a draft: lock its PO lines (primary-key order), refuse it whole when a line asks more than is received
    and not yet invoiced (a conflict: another invoice took it first), count its quantities (a credit note gives
    them back), then match it: ``matched`` or ``on_hold`` with the exceptions listed."""
    with transaction.atomic():
        invoice = transitions.lock(invoice, actor=actor)
        transitions.check(invoice, InvoiceAction.SUBMIT, actor=actor)
        lines = list(invoice.lines.select_related("purchase_order", "po_line").order_by("line_number"))
        errors = FieldErrors()
        if invoice.is_credit_note:
            _check_credit(invoice, lines, errors)
        locked = lock_po_lines(lines)
        if not errors.fields:
            move_invoiced(
                lines,
                locked,
                sign=invoice.sign,
                errors=errors,
                credited_number=invoice.credited_invoice.number if invoice.credited_invoice else "",
            )
        refusal = errors.conflict()
        if refusal is not None:
            raise refusal
        for line in lines:
            line.po_line = locked[line.po_line_id]
        exceptions = match(invoice, lines)
        invoice.exceptions = exceptions
        invoice.submitted_at = timezone.now()
        target = InvoiceStatus.ON_HOLD if exceptions else InvoiceStatus.MATCHED
        transitions.transition(
            invoice, InvoiceAction.SUBMIT, actor=actor, target=target, data={"exceptions": len(exceptions)}
        )
        payload = event_payload(invoice, actor)
        publish(Event.INVOICE_SUBMITTED, **payload)
        if target == InvoiceStatus.ON_HOLD:
            publish(Event.INVOICE_ON_HOLD, **payload)
    return invoice


def invoice_create_and_submit(*, actor: User, data: InvoiceInput, origin: str = InvoiceOrigin.API) -> Invoice:
    """Create and submit in one transaction: the vendor's ERP (API, UBL) sends finished invoices, never drafts, and
    a refused one leaves nothing behind."""
    with transaction.atomic():
        invoice = invoice_create(actor=actor, data=data, origin=origin)
        return invoice_submit(actor=actor, invoice=invoice)
