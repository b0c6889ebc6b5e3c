"""Notes and files on an invoice. The buyer's internal notes never reach the vendor; a vendor's note is always
shared; files go with a draft, as the UBL document that submitting writes embeds them."""

from __future__ import annotations

import mimetypes

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from vendorcollab.accounts.models import User
from vendorcollab.common.text import Kind, Limit, check_texts
from vendorcollab.purchasing.models import Visibility
from vendorcollab.purchasing.services.attachments import UploadInput, safe_file_name, uploads_validate

from .. import transitions
from ..errors import FieldErrors, InvoicingErrorCode
from ..models import Invoice, InvoiceAttachment, InvoiceEventKind, InvoiceNote
from ..transitions import InvoiceAction

# Files per invoice: what a delivery note, a time sheet and a few photos need, and what a UBL document can carry.
ATTACHMENTS_PER_INVOICE = 20


def invoice_note_add(*, actor: User, invoice: Invoice, text: str, visibility: str = Visibility.INTERNAL) -> InvoiceNote:
    """A note on the invoice. A vendor's note is external whatever it asked for."""
    with transaction.atomic():
        invoice = transitions.lock(invoice, actor=actor)
        transitions.check(invoice, InvoiceAction.ADD_NOTE, actor=actor)
        errors = FieldErrors()
        if not (text or "").strip():
            errors.add("text", InvoicingErrorCode.REQUIRED)
        check_texts(errors, {"text": (text, Kind.MULTILINE, Limit.NOTE)})
        errors.raise_if_any()
        if actor.is_vendor_user or visibility not in Visibility.values:
            visibility = Visibility.EXTERNAL if actor.is_vendor_user else Visibility.INTERNAL
        note = InvoiceNote.objects.create(invoice=invoice, text=text.strip(), visibility=visibility, author=actor)
        # The vendor reads the history: an internal note leaves no trace there.
        if visibility == Visibility.EXTERNAL:
            transitions.record_event(invoice, InvoiceEventKind.NOTE_ADDED, actor=actor, data={"note": note.pk})
    return note


def invoice_attachment_add(*, actor: User, invoice: Invoice, upload: UploadedFile) -> InvoiceAttachment:
    """A file on a draft, checked as every file of the portal is (size, type, content matching the name)."""
    with transaction.atomic():
        invoice = transitions.lock(invoice, actor=actor)
        transitions.check(invoice, InvoiceAction.EDIT, actor=actor)
        errors = FieldErrors()
        uploads_validate([UploadInput(file=upload)], errors, path="attachments")
        if invoice.attachments.count() >= ATTACHMENTS_PER_INVOICE:
            errors.add(
                "attachments",
                InvoicingErrorCode.TOO_MANY_ATTACHMENTS,
                limit=ATTACHMENTS_PER_INVOICE,
            )
        errors.raise_if_any()
        name = safe_file_name(upload.name or "")
        attachment = InvoiceAttachment(
            invoice=invoice,
            name=name,
            # From the name we checked, never the type the browser claimed.
            content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
            size=upload.size or 0,
            uploaded_by=actor,
        )
        attachment.file.save(name, upload, save=False)
        attachment.save()
    return attachment
