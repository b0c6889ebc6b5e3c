"""The buyer's decisions on a submitted invoice: approve, reject (which gives its quantities back) and record the
payment of an approved one, by accounts payable or the ERP through the API."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from vendorcollab.accounts.models import User
from vendorcollab.common.events import Event, publish
from vendorcollab.common.text import Kind, Limit, check_date, check_texts

from .. import transitions
from ..errors import FieldErrors, InvoicingErrorCode
from ..models import Invoice
from ..transitions import InvoiceAction
from .quantities import lock_po_lines, move_invoiced
from .submission import event_payload


def invoice_approve(*, actor: User, invoice: Invoice) -> Invoice:
    """Approve a matched invoice, or one on hold whose exceptions the buyer accepts."""
    with transaction.atomic():
        invoice = transitions.lock(invoice, actor=actor)
        transitions.check(invoice, InvoiceAction.APPROVE, actor=actor)
        transitions.transition(invoice, InvoiceAction.APPROVE, actor=actor)
        publish(Event.INVOICE_APPROVED, **event_payload(invoice, actor))
    return invoice


def invoice_reject(*, actor: User, invoice: Invoice, reason: str) -> Invoice:
    """Reject with a reason the vendor reads, and release the quantities: an invoice's go back to "received, not
    invoiced", a credit note's count as invoiced again (refused when the receipts no longer cover them)."""
    with transaction.atomic():
        invoice = transitions.lock(invoice, actor=actor)
        transitions.check(invoice, InvoiceAction.REJECT, actor=actor)
        errors = FieldErrors()
        if not (reason or "").strip():
            errors.add("reason", InvoicingErrorCode.REASON_REQUIRED)
        check_texts(errors, {"reason": (reason, Kind.MULTILINE, Limit.NOTE)})
        errors.raise_if_any()
        lines = list(invoice.lines.select_related("purchase_order").order_by("line_number"))
        move_invoiced(lines, lock_po_lines(lines), sign=-invoice.sign, errors=errors)
        refusal = errors.conflict()
        if refusal is not None:
            raise refusal
        invoice.reject_reason = reason.strip()
        transitions.transition(invoice, InvoiceAction.REJECT, actor=actor, data={"reason": invoice.reject_reason})
        publish(Event.INVOICE_REJECTED, **event_payload(invoice, actor))
    return invoice


def invoice_record_payment(*, actor: User, invoice: Invoice, payment_date: date | None, reference: str = "") -> Invoice:
    """Record that an approved invoice was paid: on which day (today or earlier) and under which reference."""
    with transaction.atomic():
        invoice = transitions.lock(invoice, actor=actor)
        transitions.check(invoice, InvoiceAction.RECORD_PAYMENT, actor=actor)
        errors = FieldErrors()
        if payment_date is None:
            errors.add("payment_date", InvoicingErrorCode.PAYMENT_DATE_REQUIRED)
        elif payment_date > timezone.localdate():
            errors.add("payment_date", InvoicingErrorCode.PAYMENT_DATE_IN_FUTURE)
        check_date(errors, "payment_date", payment_date, recorded=True)
        check_texts(errors, {"reference": (reference, Kind.LINE, Limit.REFERENCE)})
        errors.raise_if_any()
        invoice.payment_date = payment_date
        invoice.payment_reference = (reference or "").strip()
        transitions.transition(
            invoice,
            InvoiceAction.RECORD_PAYMENT,
            actor=actor,
            data={"payment_date": str(payment_date), "reference": invoice.payment_reference},
        )
        publish(Event.INVOICE_PAID, **event_payload(invoice, actor))
    return invoice
