"""The vendor's drafts: create, change and delete an invoice or credit note before it is submitted."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from vendorcollab.accounts.models import User

from .. import transitions
from ..errors import InvoicingErrorCode, invalid
from ..inputs import InvoiceInput
from ..models import (
    Invoice,
    InvoiceCharge,
    InvoiceEventKind,
    InvoiceLine,
    InvoiceLineCharge,
    InvoiceOrigin,
    InvoiceStatus,
)
from ..transitions import InvoiceAction
from .entry import Entry, invoice_entry


def _save_numbered(invoice: Invoice) -> None:
    """Save, turning a lost race for the number into ``number_taken``. A savepoint, so that the outer transaction
    stays usable."""
    try:
        with transaction.atomic():
            invoice.save()
    except IntegrityError:
        raise invalid("number", InvoicingErrorCode.NUMBER_TAKEN, number=invoice.number) from None


def _store_rows(invoice: Invoice, entry: Entry) -> None:
    for line in entry.lines:
        line.invoice = invoice
    InvoiceLine.objects.bulk_create(entry.lines)
    line_charges = []
    for line, own_charges in zip(entry.lines, entry.line_charges, strict=True):
        for line_charge in own_charges:
            line_charge.line = line
            line_charges.append(line_charge)
    InvoiceLineCharge.objects.bulk_create(line_charges)
    for charge in entry.charges:
        charge.invoice = invoice
    InvoiceCharge.objects.bulk_create(entry.charges)


def invoice_create(*, actor: User, data: InvoiceInput, origin: str = InvoiceOrigin.PORTAL) -> Invoice:
    """A draft invoice or credit note of one vendor account, its lines completed from the PO lines (for a credit
    note, from the credited invoice's lines), its totals computed. Nothing is reserved until it is submitted."""
    with transaction.atomic():
        entry = invoice_entry(actor=actor, data=data)
        invoice = Invoice(**entry.header, origin=origin, status=InvoiceStatus.DRAFT, created_by=actor)
        _save_numbered(invoice)
        _store_rows(invoice, entry)
        transitions.record_event(invoice, InvoiceEventKind.CREATED, actor=actor, to_status=InvoiceStatus.DRAFT)
    return invoice


def invoice_update(*, actor: User, invoice: Invoice, data: InvoiceInput) -> Invoice:
    """Replace a draft's header, lines and charges with ``data`` (the same vendor account)."""
    with transaction.atomic():
        invoice = transitions.lock(invoice, actor=actor)
        transitions.check(invoice, InvoiceAction.EDIT, actor=actor)
        entry = invoice_entry(actor=actor, data=data, current=invoice)
        for name, value in entry.header.items():
            setattr(invoice, name, value)
        _save_numbered(invoice)
        invoice.lines.all().delete()
        invoice.charges.all().delete()
        _store_rows(invoice, entry)
        transitions.transition(invoice, InvoiceAction.EDIT, actor=actor)
    return invoice


def invoice_delete(*, actor: User, invoice: Invoice) -> None:
    """Delete a draft with its lines, charges, notes, attachments and history: it never left the vendor."""
    with transaction.atomic():
        invoice = transitions.lock(invoice, actor=actor)
        transitions.check(invoice, InvoiceAction.DELETE, actor=actor)
        files = [attachment.file for attachment in invoice.attachments.all()]
        invoice.delete()

        def remove_files() -> None:
            for file in files:
                file.delete(save=False)

        transaction.on_commit(remove_files)
