"""The purchase order life cycle: the one table of allowed status changes, and the one function that makes them.

Every service that changes a PO, or acts on it in a way that depends on its status, goes through ``transition``:
it checks that the action is allowed from the PO's status to the target status for the actor's roles, stamps who
and when, and appends the history event. No other code assigns ``PurchaseOrder.status``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vendorcollab.accounts.models import PURCHASING_ROLES, RECEIVING_ROLES, VENDOR_ROLES, User
from vendorcollab.common.errors import CommonErrorCode, Conflict, PermissionRefused
from vendorcollab.purchasing.errors import PurchasingErrorCode

from .models import EventKind, POStatus, PurchaseOrder, PurchaseOrderEvent


class Action(models.TextChoices):
    EDIT = "edit", _("Edit")
    SEND = "send", _("Send for confirmation")
    RESPOND = "respond", _("Respond")
    AUTO_CONFIRM = "auto_confirm", _("Confirm automatically")
    CONFIRM = "confirm", _("Confirm")
    REQUEST_CHANGE = "request_change", _("Request change")
    CANCEL = "cancel", _("Cancel")
    RECEIVE = "receive", _("Post product receipt")
    POST_CONSIGNMENT = "post_consignment", _("Post inventory ownership change")


@dataclass(frozen=True)
class Transition:
    action: Action
    source: POStatus
    target: POStatus
    roles: frozenset[str]
    event: EventKind


D, R, C, RC, X = (
    POStatus.DRAFT,
    POStatus.IN_EXTERNAL_REVIEW,
    POStatus.CONFIRMED,
    POStatus.RECEIVED,
    POStatus.CANCELLED,
)

# DESIGN.md section 3, row by row. Actions that keep the status (edit, answer, partial receipt) are listed too,
# so that "may this be done now?" has one answer in one place.
TRANSITIONS: tuple[Transition, ...] = (
    Transition(Action.EDIT, D, D, PURCHASING_ROLES, EventKind.EDITED),
    Transition(Action.SEND, D, R, PURCHASING_ROLES, EventKind.SENT),
    Transition(Action.RESPOND, R, R, VENDOR_ROLES, EventKind.RESPONDED),
    Transition(Action.AUTO_CONFIRM, R, C, VENDOR_ROLES, EventKind.CONFIRMED),
    Transition(Action.CONFIRM, R, C, PURCHASING_ROLES, EventKind.CONFIRMED),
    Transition(Action.REQUEST_CHANGE, R, D, PURCHASING_ROLES, EventKind.CHANGE_REQUESTED),
    Transition(Action.REQUEST_CHANGE, C, D, PURCHASING_ROLES, EventKind.CHANGE_REQUESTED),
    Transition(Action.CANCEL, D, X, PURCHASING_ROLES, EventKind.CANCELLED),
    Transition(Action.CANCEL, R, X, PURCHASING_ROLES, EventKind.CANCELLED),
    Transition(Action.CANCEL, C, X, PURCHASING_ROLES, EventKind.CANCELLED),
    Transition(Action.RECEIVE, C, C, RECEIVING_ROLES, EventKind.RECEIVED),
    Transition(Action.RECEIVE, C, RC, RECEIVING_ROLES, EventKind.RECEIVED),
    # DESIGN.md section 6: an ownership change creates its consignment PO already received, in one step.
    Transition(Action.POST_CONSIGNMENT, D, RC, PURCHASING_ROLES, EventKind.RECEIVED),
)

_BY_KEY = {(t.action, t.source, t.target): t for t in TRANSITIONS}


def allowed_actions(status: str) -> frozenset[Action]:
    """The actions that the table allows from ``status`` (for any role); faces use it to show only live buttons."""
    return frozenset(t.action for t in TRANSITIONS if t.source == status)


def targets(action: Action, status: str) -> frozenset[POStatus]:
    return frozenset(t.target for t in TRANSITIONS if t.action == action and t.source == status)


def roles_for(action: Action) -> frozenset[str]:
    return frozenset().union(*(t.roles for t in TRANSITIONS if t.action == action))


def check(po: PurchaseOrder, action: Action, *, actor: User, target: POStatus | None = None) -> Transition:
    """The transition that ``action`` would take from the PO's current status, or a typed refusal."""
    if target is None:
        found = next((t for t in TRANSITIONS if t.action == action and t.source == po.status), None)
    else:
        found = _BY_KEY.get((action, POStatus(po.status), target))
    if found is None:
        raise Conflict(
            PurchasingErrorCode.INVALID_TRANSITION,
            _("Purchase order %(number)s has status “%(status)s”; “%(action)s” is not possible now."),
            params={"number": po.number, "status": POStatus(po.status).label, "action": action.label},
        )
    if not actor.has_role(*found.roles):
        raise PermissionRefused(
            CommonErrorCode.ROLE_NOT_ALLOWED,
            _("Your role does not allow “%(action)s” on purchase orders."),
            params={"action": action.label},
        )
    return found


def lock(po: PurchaseOrder) -> PurchaseOrder:
    """A fresh copy of the PO with its row locked until the transaction ends. Call inside ``transaction.atomic``.

    Re-reading under the lock is what makes "exactly one of two concurrent actions wins": the second caller
    waits here and then sees the state the first one left.
    """
    # The lock takes the PO row alone, and its vendor and latest version are read after it, in statements of their
    # own. Read in the locking statement itself, they came from the snapshot taken before the wait: when another
    # transaction had just sent a new version, PostgreSQL re-read the updated PO row but joined it to no version at
    # all (the soak found this as a rare 500 on answers racing a resend).
    locked = PurchaseOrder.objects.select_for_update().get(pk=po.pk)
    return PurchaseOrder.objects.select_related("vendor", "latest_version").get(pk=locked.pk)


def transition(
    po: PurchaseOrder,
    action: Action,
    *,
    actor: User,
    target: POStatus | None = None,
    version_number: int | None = None,
    data: dict[str, Any] | None = None,
) -> PurchaseOrderEvent:
    """Apply ``action`` to a PO locked with ``lock``: check the table, set the status, stamp, record history."""
    step = check(po, action, actor=actor, target=target)
    source = po.status
    if step.target != source:
        po.status = step.target
        po.status_changed_at = timezone.now()
        po.status_changed_by = actor
    po.save()
    return record_event(
        po,
        step.event,
        actor=actor,
        from_status=source,
        to_status=step.target,
        version_number=version_number,
        data=data,
    )


def record_event(
    po: PurchaseOrder,
    kind: EventKind,
    *,
    actor: User,
    from_status: str = "",
    to_status: str = "",
    version_number: int | None = None,
    data: dict[str, Any] | None = None,
) -> PurchaseOrderEvent:
    return PurchaseOrderEvent.objects.create(
        purchase_order=po,
        kind=kind,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        version_number=version_number,
        data=data or {},
    )
