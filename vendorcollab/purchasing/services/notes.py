"""Notes and files the buyer adds to a PO; the external ones go to the vendor with the next version sent."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from vendorcollab.accounts.models import User
from vendorcollab.common.text import Kind, Limit, check_text
from vendorcollab.purchasing.errors import PurchasingErrorCode

from .. import transitions
from ..errors import FieldErrors
from ..models import Attachment, Note, PurchaseOrder, Visibility
from ..transitions import Action
from .attachments import UploadInput, uploads_store, uploads_validate


def _check(actor: User, po: PurchaseOrder, line_number: int | None, errors: FieldErrors) -> None:
    # While the PO is open and for purchasing roles: the table's "add_note" rows (refused as ``po_closed``).
    transitions.check(po, Action.ADD_NOTE, actor=actor)
    if line_number is not None and not po.lines.filter(line_number=line_number).exists():
        errors.add("line_number", PurchasingErrorCode.UNKNOWN_LINE, line_number=line_number)


def note_add(
    *, actor: User, purchase_order: PurchaseOrder, text: str, visibility: Visibility, line_number: int | None = None
) -> Note:
    errors = FieldErrors()
    if not text.strip():
        errors.add("text", PurchasingErrorCode.REQUIRED)
    check_text(errors, "text", text, Kind.MULTILINE, Limit.NOTE)
    _check(actor, purchase_order, line_number, errors)
    errors.raise_if_any()
    return Note.objects.create(
        purchase_order=purchase_order, line_number=line_number, visibility=visibility, text=text.strip(), author=actor
    )


def attachments_add(
    *,
    actor: User,
    purchase_order: PurchaseOrder,
    uploads: Sequence[UploadInput],
    visibility: Visibility,
) -> list[Attachment]:
    errors = FieldErrors()
    if not uploads:
        errors.add("file", PurchasingErrorCode.REQUIRED)
    for upload in uploads:
        _check(actor, purchase_order, upload.line_number, errors)
    uploads_validate(uploads, errors, path="file")
    errors.raise_if_any()
    with transaction.atomic():
        return uploads_store(purchase_order, uploads, actor=actor, visibility=visibility)
