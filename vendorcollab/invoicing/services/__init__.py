"""Every write to invoices and credit notes. Faces (pages, API, UBL import, admin, commands) call these alone."""

from .decisions import invoice_approve, invoice_record_payment, invoice_reject
from .drafts import invoice_create, invoice_delete, invoice_update
from .notes import invoice_attachment_add, invoice_note_add
from .submission import invoice_create_and_submit, invoice_submit

__all__ = [
    "invoice_approve",
    "invoice_attachment_add",
    "invoice_create",
    "invoice_create_and_submit",
    "invoice_delete",
    "invoice_note_add",
    "invoice_record_payment",
    "invoice_reject",
    "invoice_submit",
    "invoice_update",
]
