"""Files that buyers and vendors attach to POs, responses and drafts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from vendorcollab.accounts.models import User
from vendorcollab.common.formatting import size_text

from ..errors import FieldErrors
from ..models import Attachment, PurchaseOrder, ResponseDraft, VendorResponse, Visibility


@dataclass(frozen=True)
class UploadInput:
    file: UploadedFile
    line_number: int | None = None


def uploads_validate(uploads: Sequence[UploadInput], errors: FieldErrors, *, path: str = "attachments") -> None:
    limit = settings.ATTACHMENT_MAX_BYTES
    for index, upload in enumerate(uploads):
        if (upload.file.size or 0) > limit:
            errors.add(f"{path}.{index}", "file_too_large", name=upload.file.name, limit=size_text(limit))


def uploads_store(
    po: PurchaseOrder,
    uploads: Sequence[UploadInput],
    *,
    actor: User,
    visibility: Visibility = Visibility.EXTERNAL,
    response: VendorResponse | None = None,
    draft: ResponseDraft | None = None,
) -> list[Attachment]:
    stored = []
    for upload in uploads:
        attachment = Attachment(
            purchase_order=po,
            line_number=upload.line_number,
            response=response,
            draft=draft,
            visibility=visibility,
            name=upload.file.name or "file",
            content_type=getattr(upload.file, "content_type", "") or "",
            size=upload.file.size or 0,
            uploaded_by=actor,
        )
        attachment.file.save(upload.file.name or "file", upload.file, save=False)
        attachment.save()
        stored.append(attachment)
    return stored
