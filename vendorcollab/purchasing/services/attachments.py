"""Files that buyers and vendors attach to POs, responses and drafts: which are taken, and under what name.

A file is taken when its extension is in ``ATTACHMENT_ALLOWED_TYPES`` and its first bytes are what that extension
promises (``SIGNATURES``): a PDF starts with ``%PDF``, an Office document is a ZIP or an OLE container, a text file
has no NUL bytes. A program is refused whatever it is called (an ``.exe`` renamed to ``.pdf`` starts with ``MZ``).
An allowed extension we know no signature for is taken on its name, unless its content is a program.

The name shown and offered on download is the base name the browser sent, without control characters and at most
``NAME_MAX_LENGTH`` characters; the storage makes its own safe file name from it (``get_valid_filename``), and the
download sets ``Content-Disposition`` through Django's helper (``FileResponse(filename=...)``).
"""

from __future__ import annotations

import mimetypes
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from vendorcollab.accounts.models import User
from vendorcollab.common import errors as common_errors
from vendorcollab.common.formatting import size_text
from vendorcollab.purchasing.errors import PurchasingErrorCode

from ..models import Attachment, PurchaseOrder, ResponseDraft, VendorResponse, Visibility

NAME_MAX_LENGTH = 120
HEAD_BYTES = 8192

_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
# What a file's first bytes must be, per extension; "text" means no NUL byte in the first HEAD_BYTES.
SIGNATURES: dict[str, tuple[bytes, ...] | str] = {
    "pdf": (b"%PDF",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
    "webp": "webp",
    "tif": (b"II*\x00", b"MM\x00*"),
    "tiff": (b"II*\x00", b"MM\x00*"),
    "txt": "text",
    "csv": "text",
    "xml": "text",
    "doc": _OLE,
    "xls": _OLE,
    "ppt": _OLE,
    "docx": _ZIP,
    "xlsx": _ZIP,
    "pptx": _ZIP,
    "odt": _ZIP,
    "ods": _ZIP,
    "odp": _ZIP,
    "zip": _ZIP,
}
# Programs, whatever their name: Windows (MZ), Linux (ELF), macOS (Mach-O, universal), scripts (#!).
PROGRAMS = (
    b"MZ",
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"#!",
)


@dataclass(frozen=True)
class UploadInput:
    file: UploadedFile
    line_number: int | None = None


def safe_file_name(raw: str) -> str:
    """The name to show and to offer on download: no folder, no control or invisible formatting characters, no
    leading dots, at most ``NAME_MAX_LENGTH`` characters with the extension kept."""
    base = raw.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if not unicodedata.category(ch).startswith("C"))
    base = " ".join(base.split()).lstrip(". ")
    if not base:
        return "file"
    stem, dot, extension = base.rpartition(".")
    if not dot or len(extension) > 10:
        stem, dot, extension = base, "", ""
    room = NAME_MAX_LENGTH - len(dot) - len(extension)
    return (stem[:room].rstrip() or "file") + dot + extension


def extension_of(name: str) -> str:
    stem, dot, extension = name.rpartition(".")
    return extension.lower() if dot and stem else ""


def _head(file: UploadedFile) -> bytes:
    file.seek(0)
    head = file.read(HEAD_BYTES)
    file.seek(0)
    return bytes(head)


def content_matches(extension: str, head: bytes) -> bool:
    """Whether the first bytes of a file are what its extension promises (and never a program)."""
    if head.startswith(PROGRAMS):
        return False
    signature = SIGNATURES.get(extension)
    if signature is None:
        return True
    if signature == "text":
        return b"\x00" not in head
    if signature == "webp":
        return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    return isinstance(signature, tuple) and head.startswith(signature)


def uploads_validate(
    uploads: Sequence[UploadInput], errors: common_errors.FieldErrors, *, path: str = "attachments"
) -> None:
    """Add an error per file not taken; ``errors`` may be any app's, as its catalogue has the file codes."""
    limit = settings.ATTACHMENT_MAX_BYTES
    allowed = [extension.lower() for extension in settings.ATTACHMENT_ALLOWED_TYPES]
    for index, upload in enumerate(uploads):
        name = safe_file_name(upload.file.name or "")
        extension = extension_of(name)
        key = f"{path}.{index}"
        if (upload.file.size or 0) > limit:
            errors.add(key, PurchasingErrorCode.FILE_TOO_LARGE, name=name, limit=size_text(limit))
        elif extension not in allowed:
            errors.add(key, PurchasingErrorCode.FILE_TYPE_NOT_ALLOWED, name=name, allowed=", ".join(allowed))
        elif not content_matches(extension, _head(upload.file)):
            errors.add(key, PurchasingErrorCode.FILE_CONTENT_MISMATCH, name=name, extension=extension.upper())


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
        name = safe_file_name(upload.file.name or "")
        attachment = Attachment(
            purchase_order=po,
            line_number=upload.line_number,
            response=response,
            draft=draft,
            visibility=visibility,
            name=name,
            # From the name we checked, never the type the browser claimed.
            content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
            size=upload.file.size or 0,
            uploaded_by=actor,
        )
        attachment.file.save(name, upload.file, save=False)
        attachment.save()
        stored.append(attachment)
    return stored
