"""The life cycle of a user request: the allowed status pairs, the one function that moves a status, and who may
raise or decide requests.

A request's status moves only through ``transition`` (the pairs in ``TRANSITIONS``), which locks nothing itself:
every caller holds the request's row lock. Every change is recorded twice: in the request's own history (the
people involved read it) and in the audit log (security reads it).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from vendorcollab.accounts.errors import AccountsErrorCode
from vendorcollab.audit.models import AuditKind
from vendorcollab.audit.services import audit_record
from vendorcollab.common.errors import CommonErrorCode, Conflict, PermissionRefused

from .. import selectors
from ..models import (
    User,
    UserRequest,
    UserRequestAction,
    UserRequestEvent,
    UserRequestStatus,
)

TRANSITIONS = {
    (UserRequestStatus.SUBMITTED, UserRequestStatus.APPROVED),
    (UserRequestStatus.SUBMITTED, UserRequestStatus.REJECTED),
    (UserRequestStatus.APPROVED, UserRequestStatus.COMPLETED),
}
ACTION_OF = {
    UserRequestStatus.APPROVED: UserRequestAction.APPROVED,
    UserRequestStatus.REJECTED: UserRequestAction.REJECTED,
    UserRequestStatus.COMPLETED: UserRequestAction.COMPLETED,
}


# --- guards -----------------------------------------------------------------------------------------------------


def require_requester(actor: User) -> None:
    if not (selectors.is_buyer_requester(actor) or selectors.is_vendor_admin(actor)):
        raise PermissionRefused(
            CommonErrorCode.ROLE_NOT_ALLOWED,
            _("Only vendor admins, purchasing agents and procurement admins raise user requests."),
        )


def require_admin(actor: User) -> None:
    if not selectors.is_people_admin(actor):
        raise PermissionRefused(CommonErrorCode.ROLE_NOT_ALLOWED, _("Only a procurement admin can do this."))


def locked_request(user_request: UserRequest) -> UserRequest:
    return UserRequest.objects.select_for_update().get(pk=user_request.pk)


# --- the life cycle ---------------------------------------------------------------------------------------------


def not_open(user_request: UserRequest) -> Conflict:
    return Conflict(
        AccountsErrorCode.REQUEST_NOT_OPEN,
        _("Request %(number)s is no longer open (status: %(status)s); nothing was changed."),
        params={"number": user_request.number, "status": user_request.get_status_display()},
    )


def transition(
    *,
    user_request: UserRequest,
    to: UserRequestStatus,
    actor: User | None,
    reason: str = "",
    data: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> UserRequestEvent:
    """Move a (locked) request to ``to``: the one place a status changes. Appends the history event, audits it."""
    if (user_request.status, to) not in TRANSITIONS:
        raise not_open(user_request)
    user_request.status = to
    user_request.save(update_fields=["status", "subject", "updated_at"])
    event = UserRequestEvent.objects.create(
        request=user_request, action=ACTION_OF[to], actor=actor, reason=reason, data=data or {}
    )
    audit_record(
        kind=AuditKind.USER_REQUEST,
        actor=actor,
        subject=user_request.subject,
        target=user_request.number,
        request=request,
        data={"kind": user_request.kind, "action": str(to), **({"reason": reason} if reason else {})},
    )
    return event
