"""The invoice life cycle: the one table of what may be done with an invoice or credit note, and who may do it.

DESIGN.md section 10: ``draft`` → submitted, which matches at once (``matched`` or ``on_hold``) → ``approved`` or
``rejected`` (with a reason) → ``paid``. Vendor users edit, delete and submit their drafts and credit what they
invoiced; the buyer's accounts payable (``INVOICE_ROLES``, the ERP's API user among them) decide and record payment;
any buyer or vendor user may add a note. ``available`` is what faces show, ``check`` what services call, and
``transition`` the one place that assigns ``Invoice.status``.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vendorcollab.accounts.models import BUYER_ROLES, INVOICE_ROLES, VENDOR_ROLES, User
from vendorcollab.common.errors import AppError, CommonErrorCode, Conflict, PermissionRefused
from vendorcollab.common.lifecycle import Row, Table

from .errors import InvoicingErrorCode, conflict, not_found
from .models import COUNTING_STATUSES, Invoice, InvoiceEvent, InvoiceEventKind, InvoiceKind, InvoiceStatus


class InvoiceAction(models.TextChoices):
    """What may be done with an invoice. The values are the codes of the API's ``actions``: add, never rename."""

    EDIT = "edit", _("Edit")
    SUBMIT = "submit", _("Submit")
    DELETE = "delete", _("Delete")
    APPROVE = "approve", _("Approve")
    REJECT = "reject", _("Reject")
    RECORD_PAYMENT = "record_payment", _("Record payment")
    CREDIT = "credit", _("Issue credit note")
    ADD_NOTE = "add_note", _("Add note")


D, M, H, A, R, P = (
    InvoiceStatus.DRAFT,
    InvoiceStatus.MATCHED,
    InvoiceStatus.ON_HOLD,
    InvoiceStatus.APPROVED,
    InvoiceStatus.REJECTED,
    InvoiceStatus.PAID,
)


def _is_invoice(invoice: Invoice, actor: User) -> AppError | None:
    """Only an invoice is credited, never a credit note."""
    if invoice.kind != InvoiceKind.INVOICE:
        return conflict(InvoicingErrorCode.NOT_CREDITABLE, number=invoice.number)
    return None


def _not_credited(invoice: Invoice, actor: User) -> AppError | None:
    """An invoice whose quantities a credit note already gave back cannot be rejected as well: that would give them
    back twice. A list may annotate ``has_credit_notes`` so that asking a page of rows reads no row more."""
    values = vars(invoice)
    credited = (
        values["has_credit_notes"]
        if "has_credit_notes" in values
        else invoice.kind == InvoiceKind.INVOICE
        and Invoice.objects.filter(credited_invoice_id=invoice.pk, status__in=COUNTING_STATUSES).exists()
    )
    if credited:
        return conflict(InvoicingErrorCode.INVOICE_CREDITED, number=invoice.number)
    return None


ANYONE = BUYER_ROLES | VENDOR_ROLES

_ROWS: list[Row] = [
    Row(InvoiceAction.EDIT, D, D, VENDOR_ROLES, InvoiceEventKind.UPDATED),
    Row(InvoiceAction.DELETE, D, D, VENDOR_ROLES),
    # Submitting matches at once: the service chooses the target.
    Row(InvoiceAction.SUBMIT, D, M, VENDOR_ROLES, InvoiceEventKind.SUBMITTED),
    Row(InvoiceAction.SUBMIT, D, H, VENDOR_ROLES, InvoiceEventKind.SUBMITTED),
    Row(InvoiceAction.APPROVE, M, A, INVOICE_ROLES, InvoiceEventKind.APPROVED),
    Row(InvoiceAction.APPROVE, H, A, INVOICE_ROLES, InvoiceEventKind.APPROVED),
    Row(InvoiceAction.REJECT, M, R, INVOICE_ROLES, InvoiceEventKind.REJECTED, _not_credited),
    Row(InvoiceAction.REJECT, H, R, INVOICE_ROLES, InvoiceEventKind.REJECTED, _not_credited),
    Row(InvoiceAction.RECORD_PAYMENT, A, P, INVOICE_ROLES, InvoiceEventKind.PAID),
]
# A credit note gives back what was invoiced: from an invoice that counts against the receipts.
_ROWS += [Row(InvoiceAction.CREDIT, status, status, VENDOR_ROLES, None, _is_invoice) for status in COUNTING_STATUSES]
# Notes in every status; a buyer never sees a draft, so in practice the buyer's notes start at submission.
_ROWS += [Row(InvoiceAction.ADD_NOTE, status, status, ANYONE) for status in InvoiceStatus]
TRANSITIONS: tuple[Row, ...] = tuple(_ROWS)


def _not_now(invoice: Invoice, action: str) -> AppError:
    if action == InvoiceAction.CREDIT:
        return conflict(InvoicingErrorCode.NOT_CREDITABLE, number=invoice.number)
    return Conflict(
        InvoicingErrorCode.INVALID_TRANSITION,
        _("Invoice %(number)s has status “%(status)s”; “%(action)s” is not possible now."),
        params={
            "number": invoice.number,
            "status": InvoiceStatus(invoice.status).label,
            "action": InvoiceAction(action).label,
        },
    )


def _role_refused(action: str) -> AppError:
    return PermissionRefused(
        CommonErrorCode.ROLE_NOT_ALLOWED,
        _("Your role does not allow “%(action)s” on invoices."),
        params={"action": InvoiceAction(action).label},
    )


TABLE = Table(TRANSITIONS, not_now=_not_now, role_refused=_role_refused)


def available(invoice: Invoice, actor: User) -> list[InvoiceAction]:
    """The actions ``actor`` may take on ``invoice`` now, in the table's order: the buttons and the API's
    ``actions``."""
    offered = TABLE.available(invoice, actor)
    return [InvoiceAction(action) for action in TABLE.actions if action in offered]


def allows(invoice: Invoice, actor: User, action: InvoiceAction) -> bool:
    return TABLE.allows(invoice, actor, action)


def roles_for(action: InvoiceAction) -> frozenset[str]:
    return TABLE.roles_for(action)


def check(invoice: Invoice, action: InvoiceAction, *, actor: User, target: InvoiceStatus | None = None) -> Row:
    """The row ``action`` would take from the invoice's status, or the typed refusal raised."""
    return TABLE.check(invoice, actor, action, target=target)


def lock(invoice: Invoice | int, *, actor: User) -> Invoice:
    """A fresh copy of the invoice with its row locked until the transaction ends, read through the actor's scope:
    an invoice the actor may not see is not found, even when a face passed it in. Call inside
    ``transaction.atomic``."""
    pk = invoice if isinstance(invoice, int) else invoice.pk
    locked = Invoice.objects.visible_to(actor).select_for_update().filter(pk=pk).first()
    if locked is None:
        raise not_found()
    return Invoice.objects.select_related("vendor", "company", "credited_invoice").get(pk=locked.pk)


def transition(
    invoice: Invoice,
    action: InvoiceAction,
    *,
    actor: User,
    target: InvoiceStatus | None = None,
    data: dict[str, Any] | None = None,
) -> InvoiceEvent:
    """Apply ``action`` to an invoice locked with ``lock``: check the status and role, set the status, stamp who
    and when, save, and append the history event. The guards are ``check``'s, called by the service before it
    writes."""
    step = TABLE.check(invoice, actor, action, target=target, guarded=False)
    assert step.event is not None, "an action without a history event is checked, never taken"
    source = invoice.status
    if step.target != source:
        invoice.status = InvoiceStatus(step.target)
        invoice.status_changed_at = timezone.now()
        invoice.status_changed_by = actor
    invoice.save()
    return record_event(invoice, step.event, actor=actor, from_status=source, to_status=step.target, data=data)


def record_event(
    invoice: Invoice,
    kind: InvoiceEventKind,
    *,
    actor: User,
    from_status: str = "",
    to_status: str = "",
    data: dict[str, Any] | None = None,
) -> InvoiceEvent:
    return InvoiceEvent.objects.create(
        invoice=invoice, kind=kind, actor=actor, from_status=from_status, to_status=to_status, data=data or {}
    )
