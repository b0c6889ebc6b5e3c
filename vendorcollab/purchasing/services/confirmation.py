"""The buyer's confirmation: after an accepted answer, applying every vendor change, or without any answer."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from vendorcollab.accounts.models import User
from vendorcollab.common.events import Event, publish
from vendorcollab.common.formatting import quantity_text
from vendorcollab.purchasing.errors import PurchasingErrorCode

from .. import transitions
from ..errors import conflict
from ..models import (
    LineAction,
    PurchaseOrder,
    ResponseKind,
    VendorResponse,
    VersionKind,
)
from ..transitions import Action
from .versions import version_freeze


def po_confirm(
    *,
    actor: User,
    purchase_order: PurchaseOrder,
    apply_vendor_changes: bool = False,
    without_response: bool = False,
) -> PurchaseOrder:
    """Confirm the PO in external review.

    - After ``accepted``: the answered version is confirmed.
    - After ``accepted_with_changes`` or ``rejected`` with ``apply_vendor_changes``: every change is applied to
      the PO (quantities, dates, splits, substitutes, rejected lines cancelled) and frozen as the next version,
      which is the confirmed one. The response stays attached to the version it answered.
    - After ``accepted_with_changes`` without applying: the version as sent is confirmed (the buyer overrules).
    - After ``rejected`` without applying: refused; the vendor said no to that version.
    - Without any response: only when ``without_response`` says so explicitly; recorded as such in history.
    """
    with transaction.atomic():
        po = transitions.lock(purchase_order, related=("latest_response",))
        response = po.latest_response
        # Which of the three confirmations the caller asks for; whether it may be taken now is the table's to say
        # (no answer yet, a rejection, an acceptance without changes to apply).
        if response is None and without_response:
            action = Action.CONFIRM_WITHOUT_RESPONSE
        elif apply_vendor_changes and response is not None and response.kind != ResponseKind.ACCEPTED:
            action = Action.CONFIRM_APPLYING_CHANGES
        else:
            action = Action.CONFIRM
        transitions.check(po, action, actor=actor)
        version = po.latest_version
        assert version is not None  # a PO in external review has been sent
        data: dict[str, object] = {}
        if response is None:
            data["without_response"] = True
        elif action == Action.CONFIRM_APPLYING_CHANGES:
            _apply_changes(po, response)
            version = version_freeze(po, actor=actor, kind=VersionKind.CONFIRMATION, applies_response=response)
            data.update(response=response.kind, applied_changes=True, answered_version=response.version.number)
        elif response.kind == ResponseKind.ACCEPTED:
            data["response"] = response.kind
        else:
            data.update(response=response.kind, applied_changes=False)
        po.confirmed_version = version
        po.confirmed_at = timezone.now()
        transitions.transition(po, action, actor=actor, version_number=version.number, data=data)
        publish(Event.PO_CONFIRMED, purchase_order=po.pk, version=version.number, automatic=False, actor=actor.pk)
    return po


def _apply_changes(po: PurchaseOrder, response: VendorResponse) -> None:
    """Write every line answer into the PO's lines. All or nothing: any refusal rolls the whole confirm back."""
    answers = {answer.line_number: answer for answer in response.lines.all()}
    lines = list(po.lines.all())
    for line in lines:
        answer = answers.get(line.line_number)
        if line.is_cancelled or answer is None or answer.action == LineAction.ACCEPT:
            continue
        if answer.action == LineAction.REJECT:
            line.is_cancelled = True
        else:
            assert answer.quantity is not None and answer.delivery_date is not None
            line.quantity = answer.quantity
            line.delivery_date = answer.delivery_date
            line.schedule = answer.schedule
            if answer.action == LineAction.SUBSTITUTE:
                line.external_item_number = answer.external_item_number
                line.external_description = answer.external_description
        if line.received_quantity > (Decimal(0) if line.is_cancelled else line.quantity):
            raise conflict(PurchasingErrorCode.QUANTITY_BELOW_RECEIVED, received=quantity_text(line.received_quantity))
        line.save()
    if all(line.is_cancelled for line in lines):
        raise conflict(PurchasingErrorCode.NOTHING_TO_CONFIRM)
