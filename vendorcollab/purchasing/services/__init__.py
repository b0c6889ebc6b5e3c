"""Every write to purchase orders. Faces (views, API, admin, commands) call these and nothing else."""

from .attachments import UploadInput
from .bulk import BULK_ACCEPT_LIMIT, BulkAcceptItem, BulkAcceptResult, BulkOutcome, response_accept_many
from .confirmation import po_confirm
from .drafts import response_draft_save
from .inputs import (
    ChargeInput,
    LineAnswer,
    LineInput,
    OrderTermsInput,
    PartyInput,
    ReceiptLineInput,
    ScheduleInput,
    Unresolved,
)
from .notes import attachments_add, note_add
from .orders import po_cancel, po_copy, po_create, po_request_change, po_send, po_update
from .receipts import receipt_post
from .responses import response_submit

__all__ = [
    "BULK_ACCEPT_LIMIT",
    "BulkAcceptItem",
    "BulkAcceptResult",
    "BulkOutcome",
    "ChargeInput",
    "LineAnswer",
    "LineInput",
    "OrderTermsInput",
    "PartyInput",
    "ReceiptLineInput",
    "ScheduleInput",
    "Unresolved",
    "UploadInput",
    "attachments_add",
    "note_add",
    "po_cancel",
    "po_confirm",
    "po_copy",
    "po_create",
    "po_request_change",
    "po_send",
    "po_update",
    "receipt_post",
    "response_accept_many",
    "response_draft_save",
    "response_submit",
]
