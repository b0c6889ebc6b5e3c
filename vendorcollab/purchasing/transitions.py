"""The purchase order life cycle: the one table of what may be done with a PO, and the one function that changes it.

Every row says which action takes a PO from which status to which, for which roles, and (its guard) why it may
still be refused now. ``available(po, actor)`` is what the faces show (the vendor's and the buyer's PO pages, the
API's ``actions``); ``check`` is what every service calls before it writes, raising the same typed errors; and
``transition`` checks, sets the status, stamps who and when, and appends the history event. No other code assigns
``PurchaseOrder.status``, and no face or service decides on its own whether an action is possible now.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import models
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vendorcollab.accounts.models import PURCHASING_ROLES, RECEIVING_ROLES, VENDOR_ROLES, User
from vendorcollab.common.errors import AppError, CommonErrorCode, Conflict, PermissionRefused
from vendorcollab.common.lifecycle import Row, Table

from .errors import PurchasingErrorCode, conflict
from .models import EventKind, POStatus, PurchaseOrder, PurchaseOrderEvent, ResponseKind


class Action(models.TextChoices):
    """What may be done with a PO. The values are the codes of the API's ``actions``: add codes, never rename one."""

    EDIT = "edit", _("Edit")
    SEND = "send", _("Send for confirmation")
    RESPOND = "respond", _("Respond")
    AUTO_CONFIRM = "auto_confirm", _("Confirm automatically")
    CONFIRM = "confirm", _("Confirm")
    CONFIRM_APPLYING_CHANGES = "confirm_applying_changes", _("Apply vendor changes and confirm")
    CONFIRM_WITHOUT_RESPONSE = "confirm_without_response", _("Confirm without response")
    REQUEST_CHANGE = "request_change", _("Request change")
    CANCEL = "cancel", _("Cancel")
    RECEIVE = "receive", _("Post product receipt")
    POST_CONSIGNMENT = "post_consignment", _("Post inventory ownership change")
    ADD_NOTE = "add_note", _("Add note")
    COPY = "copy", _("Copy")


Transition = Row

D, R, C, RC, X = (
    POStatus.DRAFT,
    POStatus.IN_EXTERNAL_REVIEW,
    POStatus.CONFIRMED,
    POStatus.RECEIVED,
    POStatus.CANCELLED,
)


# --- guards: why an action the status and role allow is still refused now ------------------------------------------
# They read what the PO already holds: a list may annotate ``latest_response_kind`` and ``latest_number`` and select
# the vendor, so that asking for the actions of fifty rows reads no row more (the API's buyer list does).


def _response_kind(po: PurchaseOrder) -> str | None:
    """The kind of the vendor's answer to the latest version, or None when it has none yet."""
    values = vars(po)
    if "latest_response_kind" in values:
        return values["latest_response_kind"]
    if po.latest_response_id is None:
        return None
    return po.latest_response.kind if po.latest_response else None


def _latest_number(po: PurchaseOrder) -> int | None:
    values = vars(po)
    if "latest_number" in values:
        return values["latest_number"]
    return po.latest_version.number if po.latest_version else None


def _has_live_line(po: PurchaseOrder) -> bool:
    """Whether a line is not cancelled: from ``has_live_line`` where the caller set it from the lines it holds (the
    API's output), else from the lines."""
    values = vars(po)
    if "has_live_line" in values:
        return bool(values["has_live_line"])
    return not all(line.is_cancelled for line in po.lines.all())


def _vendor_collaborates(po: PurchaseOrder) -> bool:
    return po.vendor.collaborates


def _sendable(po: PurchaseOrder, actor: User) -> AppError | None:
    if not _vendor_collaborates(po):
        return conflict(PurchasingErrorCode.VENDOR_NOT_COLLABORATING, vendor=po.vendor.name)
    if not _has_live_line(po):
        return conflict(PurchasingErrorCode.NO_LINES)
    return None


def _unanswered(po: PurchaseOrder, actor: User) -> AppError | None:
    """The vendor answers each version once."""
    if po.latest_response_id is not None:
        return conflict(PurchasingErrorCode.ALREADY_ANSWERED, version=_latest_number(po))
    return None


def _confirmable(po: PurchaseOrder, actor: User) -> AppError | None:
    """Confirm the version as it was sent: after an acceptance, or overruling an acceptance with changes."""
    kind = _response_kind(po)
    if kind is None:
        return conflict(PurchasingErrorCode.NO_RESPONSE)
    if kind == ResponseKind.REJECTED:
        return conflict(PurchasingErrorCode.RESPONSE_REJECTED)
    return None


def _changes_to_apply(po: PurchaseOrder, actor: User) -> AppError | None:
    """Confirm with the vendor's changes applied: there must be changes, and something left after them."""
    kind = _response_kind(po)
    if kind is None:
        return conflict(PurchasingErrorCode.NO_RESPONSE)
    if kind == ResponseKind.ACCEPTED:
        return conflict(PurchasingErrorCode.NO_VENDOR_CHANGES)
    if kind == ResponseKind.REJECTED:
        return conflict(PurchasingErrorCode.NOTHING_TO_CONFIRM)  # a rejection's changes cancel every line
    return None


def _no_response(po: PurchaseOrder, actor: User) -> AppError | None:
    """Confirming without an answer is for when none came; with one, the answer is confirmed or not."""
    if _response_kind(po) is not None:
        return conflict(PurchasingErrorCode.ALREADY_ANSWERED, version=_latest_number(po))
    return None


def _automatic(po: PurchaseOrder, actor: User) -> AppError | None:
    if _response_kind(po) != ResponseKind.ACCEPTED or not po.vendor.confirms_automatically:
        return conflict(PurchasingErrorCode.NO_RESPONSE)
    return None


def _has_lines(po: PurchaseOrder, actor: User) -> AppError | None:
    if not _has_live_line(po):
        return conflict(PurchasingErrorCode.NOTHING_TO_COPY, number=po.number)
    return None


# DESIGN.md section 3, row by row. Actions that keep the status (edit, answer, partial receipt, a note) are rows too,
# so that "may this be done now?" has one answer in one place: adding an action is one row and one service.
_ROWS: list[Transition] = [
    Transition(Action.EDIT, D, D, PURCHASING_ROLES, EventKind.EDITED),
    Transition(Action.SEND, D, R, PURCHASING_ROLES, EventKind.SENT, _sendable),
    Transition(Action.RESPOND, R, R, VENDOR_ROLES, EventKind.RESPONDED, _unanswered),
    Transition(Action.AUTO_CONFIRM, R, C, VENDOR_ROLES, EventKind.CONFIRMED, _automatic, offered=False),
    Transition(Action.CONFIRM, R, C, PURCHASING_ROLES, EventKind.CONFIRMED, _confirmable),
    Transition(Action.CONFIRM_APPLYING_CHANGES, R, C, PURCHASING_ROLES, EventKind.CONFIRMED, _changes_to_apply),
    Transition(Action.CONFIRM_WITHOUT_RESPONSE, R, C, PURCHASING_ROLES, EventKind.CONFIRMED, _no_response),
    Transition(Action.REQUEST_CHANGE, R, D, PURCHASING_ROLES, EventKind.CHANGE_REQUESTED),
    Transition(Action.REQUEST_CHANGE, C, D, PURCHASING_ROLES, EventKind.CHANGE_REQUESTED),
    Transition(Action.CANCEL, D, X, PURCHASING_ROLES, EventKind.CANCELLED),
    Transition(Action.CANCEL, R, X, PURCHASING_ROLES, EventKind.CANCELLED),
    Transition(Action.CANCEL, C, X, PURCHASING_ROLES, EventKind.CANCELLED),
    Transition(Action.RECEIVE, C, C, RECEIVING_ROLES, EventKind.RECEIVED),
    Transition(Action.RECEIVE, C, RC, RECEIVING_ROLES, EventKind.RECEIVED),
    # DESIGN.md section 6: an ownership change creates its consignment PO already received, in one step.
    Transition(Action.POST_CONSIGNMENT, D, RC, PURCHASING_ROLES, EventKind.RECEIVED, offered=False),
]
# Notes and files while the PO is open; a copy from any status, as long as it has a line to copy.
_ROWS += [Transition(Action.ADD_NOTE, status, status, PURCHASING_ROLES) for status in (D, R, C)]
_ROWS += [Transition(Action.COPY, status, status, PURCHASING_ROLES, None, _has_lines) for status in POStatus]
TRANSITIONS: tuple[Transition, ...] = tuple(_ROWS)


def _not_now(po: PurchaseOrder, action: str) -> AppError:
    if action == Action.ADD_NOTE:
        return conflict(PurchasingErrorCode.PO_CLOSED, number=po.number, status=POStatus(po.status).label)
    return Conflict(
        PurchasingErrorCode.INVALID_TRANSITION,
        _("Purchase order %(number)s has status “%(status)s”; “%(action)s” is not possible now."),
        params={"number": po.number, "status": POStatus(po.status).label, "action": Action(action).label},
    )


def _role_refused(action: str) -> AppError:
    return PermissionRefused(
        CommonErrorCode.ROLE_NOT_ALLOWED,
        _("Your role does not allow “%(action)s” on purchase orders."),
        params={"action": Action(action).label},
    )


TABLE = Table(TRANSITIONS, not_now=_not_now, role_refused=_role_refused)


def allowed_actions(status: str) -> frozenset[Action]:
    """The steps of the life cycle (rows that write history) the table allows from ``status``, for any role."""
    return frozenset(Action(t.action) for t in TRANSITIONS if t.source == status and t.event is not None)


def targets(action: Action, status: str) -> frozenset[POStatus]:
    return frozenset(POStatus(t.target) for t in TRANSITIONS if t.action == action and t.source == status and t.event)


def available(po: PurchaseOrder, actor: User) -> frozenset[Action]:
    """The actions ``actor`` may take on ``po`` now: the buttons a page shows, the API's ``actions``."""
    return frozenset(Action(action) for action in TABLE.available(po, actor))


def allows(po: PurchaseOrder, actor: User, action: Action) -> bool:
    return TABLE.allows(po, actor, action)


def roles_for(action: Action) -> frozenset[str]:
    return TABLE.roles_for(action)


def check(po: PurchaseOrder, action: Action, *, actor: User, target: POStatus | None = None) -> Transition:
    """The row that ``action`` would take from the PO's current status, or the typed refusal raised."""
    return TABLE.check(po, actor, action, target=target)


def lock(
    po: PurchaseOrder, *, related: Sequence[str] = (), prefetch: Sequence[str | Prefetch[Any]] = ()
) -> PurchaseOrder:
    """A fresh copy of the PO with its row locked until the transaction ends. Call inside ``transaction.atomic``.

    Re-reading under the lock is what makes "exactly one of two concurrent actions wins": the second caller
    waits here and then sees the state the first one left. ``related`` and ``prefetch`` name what the caller reads
    of the PO besides its vendor and latest version (``select_related``, ``prefetch_related``), so that it is read
    once, after the lock.
    """
    # The lock takes the PO row alone, and its vendor and latest version are read after it, in statements of their
    # own. Read in the locking statement itself, they came from the snapshot taken before the wait: when another
    # transaction had just sent a new version, PostgreSQL re-read the updated PO row but joined it to no version at
    # all (the soak found this as a rare 500 on answers racing a resend).
    PurchaseOrder.objects.select_for_update().filter(pk=po.pk).values_list("pk", flat=True).get()
    return (
        PurchaseOrder.objects.select_related("vendor", "latest_version", *related)
        .prefetch_related(*prefetch)
        .get(pk=po.pk)
    )


def transition(
    po: PurchaseOrder,
    action: Action,
    *,
    actor: User,
    target: POStatus | None = None,
    version_number: int | None = None,
    data: dict[str, Any] | None = None,
) -> PurchaseOrderEvent:
    """Apply ``action`` to a PO locked with ``lock``: check the table, set the status, stamp, record history.

    The status and the role are checked again here; the guards are ``check``'s, which the service calls under the
    same lock before it writes anything, because what it writes may be what a guard is about (the answer that makes
    "respond" refused a second time, the new version that leaves the PO unanswered).
    """
    step = TABLE.check(po, actor, action, target=target, guarded=False)
    assert step.event is not None, "an action without a history event is checked, never taken"
    source = po.status
    if step.target != source:
        po.status = POStatus(step.target)
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
