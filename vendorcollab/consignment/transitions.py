"""The replenishment order life cycle, in the same shape as the purchase order's: open, then received or cancelled.

A replenishment order is not a purchase order (the vendor keeps ownership; nothing is confirmed), so it has a
table of its own rather than rows in ``purchasing.transitions``; an ownership change creates its consignment PO
through that table's ``post_consignment`` row. Pages show what ``available`` returns, services call ``check``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from vendorcollab.accounts.models import PURCHASING_ROLES, RECEIVING_ROLES, User
from vendorcollab.common.errors import AppError
from vendorcollab.common.lifecycle import Row, Table
from vendorcollab.purchasing.errors import refused

from .errors import ConsignmentErrorCode, conflict
from .models import ReplenishmentOrder, ReplenishmentStatus


class ReplenishmentAction(models.TextChoices):
    RECEIVE = "receive", _("Post receipt")
    CANCEL = "cancel", _("Cancel")


OPEN, RECEIVED, CANCELLED = ReplenishmentStatus.OPEN, ReplenishmentStatus.RECEIVED, ReplenishmentStatus.CANCELLED


def _expected(order: ReplenishmentOrder, actor: User) -> AppError | None:
    """Something is still to come (read from the lines the page has loaded anyway)."""
    if not any(line.remaining_quantity > 0 for line in order.lines.all()):
        return conflict(
            ConsignmentErrorCode.REPLENISHMENT_CLOSED,
            number=order.number,
            status=ReplenishmentStatus(order.status).label,
        )
    return None


TRANSITIONS: tuple[Row, ...] = (
    Row(ReplenishmentAction.RECEIVE, OPEN, OPEN, RECEIVING_ROLES, guard=_expected),
    Row(ReplenishmentAction.RECEIVE, OPEN, RECEIVED, RECEIVING_ROLES, guard=_expected),
    Row(ReplenishmentAction.CANCEL, OPEN, CANCELLED, PURCHASING_ROLES),
)

TABLE = Table(
    TRANSITIONS,
    not_now=lambda order, action: conflict(
        ConsignmentErrorCode.REPLENISHMENT_CLOSED, number=order.number, status=ReplenishmentStatus(order.status).label
    ),
    role_refused=lambda action: refused(),
)


def available(order: ReplenishmentOrder, actor: User) -> frozenset[ReplenishmentAction]:
    return frozenset(ReplenishmentAction(action) for action in TABLE.available(order, actor))


def check(
    order: ReplenishmentOrder, action: ReplenishmentAction, *, actor: User, target: ReplenishmentStatus | None = None
) -> Row:
    return TABLE.check(order, actor, action, target=target)


def transition(
    order: ReplenishmentOrder,
    action: ReplenishmentAction,
    *,
    actor: User,
    target: ReplenishmentStatus | None = None,
) -> None:
    """Set the status the row leads to, on an order locked and ``check``-ed by the service (whose writes may have
    changed what the guards read: a receipt of everything leaves nothing expected)."""
    step = TABLE.check(order, actor, action, target=target, guarded=False)
    order.status = ReplenishmentStatus(step.target)
    order.save(update_fields=["status"])
