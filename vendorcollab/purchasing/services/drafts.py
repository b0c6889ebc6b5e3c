"""Saving a vendor's response as a draft, to finish and submit later."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from vendorcollab.accounts.models import User
from vendorcollab.common.text import check_nested_text

from .. import transitions
from ..errors import FieldErrors, PurchasingErrorCode, conflict, not_found
from ..models import PurchaseOrder, ResponseDraft
from ..transitions import Action
from .attachments import UploadInput, uploads_store, uploads_validate


def response_draft_save(
    *,
    actor: User,
    purchase_order: PurchaseOrder,
    version: int,
    payload: dict[str, Any],
    attachments: Sequence[UploadInput] = (),
) -> ResponseDraft:
    """Keep what the vendor typed for the latest version; refused once a newer version or an answer exists."""
    if not PurchaseOrder.objects.visible_to(actor).collaborative().filter(pk=purchase_order.pk).exists():
        raise not_found()
    errors = FieldErrors()
    # What is kept is checked as the answer itself would be when submitted; PostgreSQL refuses a NUL even in JSON.
    check_nested_text(errors, "", payload)
    uploads_validate(attachments, errors)
    errors.raise_if_any()
    with transaction.atomic():
        po = transitions.lock(purchase_order)
        transitions.check(po, Action.RESPOND, actor=actor)  # in review, a vendor role, not answered yet
        latest = po.latest_version
        assert latest is not None
        if version != latest.number:
            raise conflict(PurchasingErrorCode.VERSION_OUTDATED, answered=version, latest=latest.number)
        draft, _created = ResponseDraft.objects.update_or_create(
            version=latest, defaults={"payload": payload, "updated_by": actor}
        )
        uploads_store(po, attachments, actor=actor, draft=draft)
    return draft
