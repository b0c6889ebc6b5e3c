"""The ship-notice life cycle: the one table of what may be done with a notice, and who may do it.

DESIGN.md section 12: ``shipped`` (announced, in transit) → ``received`` once every line has a received quantity
(a clerk may receive some lines first: the notice stays ``shipped`` until the rest is received) or → ``cancelled``
by the vendor while nothing of it is received. ``available`` is what faces show, ``check`` what services call, and
``transition`` the one place that assigns ``ShipNotice.status``.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vendorcollab.accounts.models import RECEIVING_ROLES, VENDOR_ROLES, User
from vendorcollab.common.errors import AppError, CommonErrorCode, Conflict, PermissionRefused
from vendorcollab.common.lifecycle import Row, Table

from .errors import PARTLY_RECEIVED, ShippingErrorCode, not_found
from .models import ShipNotice, ShipNoticeEvent, ShipNoticeEventKind, ShipNoticeLine, ShipNoticeStatus


class ShipNoticeAction(models.TextChoices):
    """What may be done with a notice. The values are the codes of the API's ``actions``: add, never rename."""

    CANCEL = "cancel", _("Cancel")
    RECEIVE = "receive", _("Receive")


S, R, C = ShipNoticeStatus.SHIPPED, ShipNoticeStatus.RECEIVED, ShipNoticeStatus.CANCELLED


def has_received_lines(notice: ShipNotice) -> bool:
    """Some line of the notice has a received quantity. A list may annotate ``has_received_lines`` (or prefetch the
    lines) so that asking a page of rows for their actions reads no row more."""
    values = vars(notice)
    if "has_received_lines" in values:
        return bool(values["has_received_lines"])
    prefetched = getattr(notice, "_prefetched_objects_cache", {}).get("lines")
    if prefetched is not None:
        return any(line.received_quantity is not None for line in prefetched)
    return ShipNoticeLine.objects.filter(notice_id=notice.pk, received_quantity__isnull=False).exists()


def _nothing_received(notice: ShipNotice, actor: User) -> AppError | None:
    """Goods that arrived cannot be un-announced: the receipt already moved them out of transit."""
    if has_received_lines(notice):
        return Conflict(ShippingErrorCode.INVALID_TRANSITION, PARTLY_RECEIVED, params={"number": notice.number})
    return None


TRANSITIONS: tuple[Row, ...] = (
    Row(ShipNoticeAction.CANCEL, S, C, VENDOR_ROLES, ShipNoticeEventKind.CANCELLED, _nothing_received),
    # Receiving some lines leaves the notice in transit; the service chooses the target.
    Row(ShipNoticeAction.RECEIVE, S, S, RECEIVING_ROLES, ShipNoticeEventKind.RECEIVED),
    Row(ShipNoticeAction.RECEIVE, S, R, RECEIVING_ROLES, ShipNoticeEventKind.RECEIVED),
)


def _not_now(notice: ShipNotice, action: str) -> AppError:
    return Conflict(
        ShippingErrorCode.INVALID_TRANSITION,
        _("Ship notice %(number)s has status “%(status)s”; “%(action)s” is not possible now."),
        params={
            "number": notice.number,
            "status": ShipNoticeStatus(notice.status).label,
            "action": ShipNoticeAction(action).label,
        },
    )


def _role_refused(action: str) -> AppError:
    return PermissionRefused(
        CommonErrorCode.ROLE_NOT_ALLOWED,
        _("Your role does not allow “%(action)s” on ship notices."),
        params={"action": ShipNoticeAction(action).label},
    )


TABLE = Table(TRANSITIONS, not_now=_not_now, role_refused=_role_refused)


def available(notice: ShipNotice, actor: User) -> list[ShipNoticeAction]:
    """The actions ``actor`` may take on ``notice`` now, in the table's order: the buttons and the API's
    ``actions``."""
    offered = TABLE.available(notice, actor)
    return [ShipNoticeAction(action) for action in TABLE.actions if action in offered]


def allows(notice: ShipNotice, actor: User, action: ShipNoticeAction) -> bool:
    return TABLE.allows(notice, actor, action)


def roles_for(action: ShipNoticeAction) -> frozenset[str]:
    return TABLE.roles_for(action)


def check(notice: ShipNotice, action: ShipNoticeAction, *, actor: User, target: ShipNoticeStatus | None = None) -> Row:
    """The row ``action`` would take from the notice's status, or the typed refusal raised."""
    return TABLE.check(notice, actor, action, target=target)


def lock(notice: ShipNotice | int, *, actor: User) -> ShipNotice:
    """A fresh copy of the notice with its row locked until the transaction ends, read through the actor's scope:
    a notice the actor may not see is not found, even when a face passed it in. Call inside
    ``transaction.atomic``. The lock is taken on the notice row alone; its vendor and company are read after it
    (as ``purchasing.transitions.lock`` does, so that the joined rows are not those of the snapshot before the
    wait)."""
    pk = notice if isinstance(notice, int) else notice.pk
    locked = ShipNotice.objects.visible_to(actor).select_for_update().filter(pk=pk).first()
    if locked is None:
        raise not_found()
    return ShipNotice.objects.select_related("vendor", "company", "site").get(pk=locked.pk)


def transition(
    notice: ShipNotice,
    action: ShipNoticeAction,
    *,
    actor: User,
    target: ShipNoticeStatus | None = None,
    data: dict[str, Any] | None = None,
) -> ShipNoticeEvent:
    """Apply ``action`` to a notice locked with ``lock``: check the status and role, set the status, stamp when,
    save, and append the history event. The guards are ``check``'s, called by the service before it writes."""
    step = TABLE.check(notice, actor, action, target=target, guarded=False)
    assert step.event is not None, "an action without a history event is checked, never taken"
    source = notice.status
    if step.target != source:
        notice.status = ShipNoticeStatus(step.target)
        notice.status_changed_at = timezone.now()
    notice.save()
    return record_event(notice, step.event, actor=actor, from_status=source, to_status=step.target, data=data)


def record_event(
    notice: ShipNotice,
    kind: ShipNoticeEventKind,
    *,
    actor: User,
    from_status: str = "",
    to_status: str = "",
    data: dict[str, Any] | None = None,
) -> ShipNoticeEvent:
    return ShipNoticeEvent.objects.create(
        notice=notice, kind=kind, actor=actor, from_status=from_status, to_status=to_status, data=data or {}
    )
