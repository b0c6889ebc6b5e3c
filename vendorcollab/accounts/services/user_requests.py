"""Writes about a vendor's people: requests for a new user, an inactivation or a change of roles, and their
decision by a procurement admin (approving carries the request out)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from vendorcollab.accounts.errors import AccountsErrorCode
from vendorcollab.api.models import ApiToken
from vendorcollab.api.services import tokens_revoke
from vendorcollab.audit.models import AuditKind
from vendorcollab.audit.services import audit_record
from vendorcollab.common.errors import Conflict, FieldErrors
from vendorcollab.partners.models import Vendor

from .. import selectors
from ..models import (
    VENDOR_ROLES,
    Invitation,
    RoleAssignment,
    User,
    UserRequest,
    UserRequestAction,
    UserRequestEvent,
    UserRequestKind,
    UserRequestStatus,
)
from .invitations import invite
from .request_lifecycle import locked_request, not_open, require_admin, require_requester, transition
from .users import user_create

REASON_MAX_LENGTH = 2000

MESSAGES: dict[str, Promise] = {
    AccountsErrorCode.FIRST_NAME_REQUIRED: _("Enter the person's first name."),
    AccountsErrorCode.EMAIL_REQUIRED: _("Enter the person's e-mail address."),
    AccountsErrorCode.EMAIL_TAKEN: _("A user with this e-mail address already exists."),
    AccountsErrorCode.EMAIL_REQUESTED: _("There is already an open request for a user with this e-mail address."),
    AccountsErrorCode.ROLES_INVALID: _("Choose vendor user or vendor admin."),
    AccountsErrorCode.ROLES_UNCHANGED: _("The user already has this role."),
    AccountsErrorCode.VENDORS_REQUIRED: _("Choose at least one vendor account."),
    AccountsErrorCode.REASON_REQUIRED: _("Give a reason: the requester reads it."),
    AccountsErrorCode.REASON_TOO_LONG: _("Keep the reason under %(limit)s characters."),
}


def _check_reason(errors: FieldErrors, reason: str, *, required: bool = False) -> None:
    if required and not reason:
        errors.add("reason", AccountsErrorCode.REASON_REQUIRED)
    elif len(reason) > REASON_MAX_LENGTH:
        errors.add("reason", AccountsErrorCode.REASON_TOO_LONG, limit=REASON_MAX_LENGTH)


def _check_roles(errors: FieldErrors, roles: list[str]) -> None:
    if not roles or not set(roles) <= VENDOR_ROLES:
        errors.add("roles", AccountsErrorCode.ROLES_INVALID)


def _contact(actor: User, user: User) -> User:
    """The user, if the actor may raise requests about it (a 404 otherwise)."""
    return selectors.contact_get(actor=actor, pk=user.pk)


def _open_request_exists(**lookup: Any) -> bool:
    waiting = UserRequest.objects.filter(status=UserRequestStatus.SUBMITTED) | UserRequest.objects.filter(
        status=UserRequestStatus.APPROVED, kind=UserRequestKind.NEW_USER
    )
    return waiting.filter(**lookup).exists()


def _submit(
    *, user_request: UserRequest, vendors: Iterable[Vendor], actor: User, reason: str, request: HttpRequest | None
) -> UserRequest:
    user_request.save()
    user_request.vendors.set(list(vendors))
    UserRequestEvent.objects.create(
        request=user_request, action=UserRequestAction.SUBMITTED, actor=actor, reason=reason
    )
    audit_record(
        kind=AuditKind.USER_REQUEST,
        actor=actor,
        subject=user_request.subject,
        target=user_request.number,
        request=request,
        data={"kind": user_request.kind, "action": UserRequestAction.SUBMITTED.value, "roles": user_request.roles},
    )
    return user_request


def new_user_request_submit(
    *,
    actor: User,
    first_name: str,
    last_name: str = "",
    email: str,
    roles: Iterable[str],
    vendors: Iterable[Vendor],
    reason: str = "",
    request: HttpRequest | None = None,
) -> UserRequest:
    """Ask for a new vendor user, linked to ``vendors`` (a vendor admin: only its own accounts, any other is a 404)."""
    require_requester(actor)
    vendor_list = list(vendors)
    allowed = selectors.own_vendor_ids(actor)
    if allowed is not None and any(vendor.pk not in allowed for vendor in vendor_list):
        raise selectors.not_found()
    first_name, last_name, email, reason = first_name.strip(), last_name.strip(), email.strip(), reason.strip()
    role_list = sorted(set(roles))
    errors = FieldErrors(MESSAGES)
    if not first_name:
        errors.add("first_name", AccountsErrorCode.FIRST_NAME_REQUIRED)
    if not email:
        errors.add("email", AccountsErrorCode.EMAIL_REQUIRED)
    elif User.objects.filter(email__iexact=email).exists() or User.objects.filter(username__iexact=email).exists():
        errors.add("email", AccountsErrorCode.EMAIL_TAKEN)
    elif _open_request_exists(kind=UserRequestKind.NEW_USER, email__iexact=email):
        errors.add("email", AccountsErrorCode.EMAIL_REQUESTED)
    _check_roles(errors, role_list)
    if not vendor_list:
        errors.add("vendors", AccountsErrorCode.VENDORS_REQUIRED)
    _check_reason(errors, reason)
    errors.raise_if_any()
    with transaction.atomic():
        user_request = UserRequest(
            kind=UserRequestKind.NEW_USER,
            first_name=first_name,
            last_name=last_name,
            email=email,
            roles=role_list,
            requested_by=actor,
        )
        return _submit(user_request=user_request, vendors=vendor_list, actor=actor, reason=reason, request=request)


def _about_user(kind: UserRequestKind, user: User, actor: User, roles: list[str] | None = None) -> UserRequest:
    return UserRequest(
        kind=kind,
        subject=user,
        first_name=user.first_name,
        last_name=user.last_name,
        email=user.email,
        roles=roles or [],
        requested_by=actor,
    )


def _refuse_duplicate(kind: UserRequestKind, user: User) -> None:
    if _open_request_exists(kind=kind, subject=user):
        raise Conflict(
            AccountsErrorCode.DUPLICATE_REQUEST,
            _("There is already an open request of this kind for %(user)s."),
            params={"user": user.get_full_name() or user.username},
        )


def inactivation_request_submit(
    *, actor: User, user: User, reason: str = "", request: HttpRequest | None = None
) -> UserRequest:
    """Ask that a vendor user be inactivated (no more sign-in, no more API access)."""
    require_requester(actor)
    user = _contact(actor, user)
    reason = reason.strip()
    errors = FieldErrors(MESSAGES)
    _check_reason(errors, reason)
    errors.raise_if_any()
    if not user.is_active:
        raise Conflict(
            AccountsErrorCode.USER_INACTIVE, _("%(user)s is already inactive."), params={"user": user.username}
        )
    _refuse_duplicate(UserRequestKind.INACTIVATE, user)
    with transaction.atomic():
        user_request = _about_user(UserRequestKind.INACTIVATE, user, actor)
        vendors = Vendor.objects.filter(memberships__user=user)
        return _submit(user_request=user_request, vendors=vendors, actor=actor, reason=reason, request=request)


def role_change_request_submit(
    *, actor: User, user: User, roles: Iterable[str], reason: str = "", request: HttpRequest | None = None
) -> UserRequest:
    """Ask that a vendor user's roles be replaced by ``roles`` (vendor user, vendor admin)."""
    require_requester(actor)
    user = _contact(actor, user)
    role_list = sorted(set(roles))
    reason = reason.strip()
    errors = FieldErrors(MESSAGES)
    _check_roles(errors, role_list)
    if role_list == selectors.role_values(user):
        errors.add("roles", AccountsErrorCode.ROLES_UNCHANGED)
    _check_reason(errors, reason)
    errors.raise_if_any()
    if not user.is_active:
        raise Conflict(
            AccountsErrorCode.USER_INACTIVE, _("%(user)s is already inactive."), params={"user": user.username}
        )
    _refuse_duplicate(UserRequestKind.CHANGE_ROLES, user)
    with transaction.atomic():
        user_request = _about_user(UserRequestKind.CHANGE_ROLES, user, actor, role_list)
        vendors = Vendor.objects.filter(memberships__user=user)
        return _submit(user_request=user_request, vendors=vendors, actor=actor, reason=reason, request=request)


# --- decisions --------------------------------------------------------------------------------------------------


def user_request_approve(
    *,
    actor: User,
    user_request: UserRequest,
    reason: str = "",
    link_base: str,
    request: HttpRequest | None = None,
) -> UserRequest:
    """Approve and carry out: a new user is created and invited (``link_base``, e.g. ``https://portal.example``, starts
    the link in the mail); an inactivation or a change of roles takes effect at once and completes the request."""
    require_admin(actor)
    reason = reason.strip()
    errors = FieldErrors(MESSAGES)
    _check_reason(errors, reason)
    errors.raise_if_any()
    with transaction.atomic():
        locked = locked_request(user_request)
        if not locked.is_open:
            raise not_open(locked)
        if locked.kind == UserRequestKind.NEW_USER:
            _approve_new_user(locked, actor=actor, reason=reason, link_base=link_base, request=request)
        elif locked.kind == UserRequestKind.INACTIVATE:
            transition(user_request=locked, to=UserRequestStatus.APPROVED, actor=actor, reason=reason, request=request)
            _inactivate(locked, actor=actor, request=request)
            transition(user_request=locked, to=UserRequestStatus.COMPLETED, actor=actor, request=request)
        else:
            transition(user_request=locked, to=UserRequestStatus.APPROVED, actor=actor, reason=reason, request=request)
            _replace_roles(locked, actor=actor, request=request)
            transition(user_request=locked, to=UserRequestStatus.COMPLETED, actor=actor, request=request)
    return locked


def user_request_reject(
    *, actor: User, user_request: UserRequest, reason: str, request: HttpRequest | None = None
) -> UserRequest:
    """Refuse a request; the reason is required (the requester reads it) and nothing else changes."""
    require_admin(actor)
    reason = reason.strip()
    errors = FieldErrors(MESSAGES)
    _check_reason(errors, reason, required=True)
    errors.raise_if_any()
    with transaction.atomic():
        locked = locked_request(user_request)
        transition(user_request=locked, to=UserRequestStatus.REJECTED, actor=actor, reason=reason, request=request)
    return locked


def _approve_new_user(
    user_request: UserRequest, *, actor: User, reason: str, link_base: str, request: HttpRequest | None
) -> None:
    vendors = list(user_request.vendors.order_by("company__code", "number"))
    errors = FieldErrors(MESSAGES)
    if User.objects.filter(email__iexact=user_request.email).exists():
        errors.add("email", AccountsErrorCode.EMAIL_TAKEN)
    errors.raise_if_any()
    # The e-mail address is the user name: unique, and what the person knows; signing in takes either.
    user = user_create(
        actor=actor,
        username=user_request.email.lower(),
        password=None,
        roles=user_request.roles,
        vendors=vendors,
        email=user_request.email,
        first_name=user_request.first_name,
        last_name=user_request.last_name,
        language=vendors[0].language if vendors else settings.LANGUAGE_CODE,
    )
    user_request.subject = user
    transition(
        user_request=user_request,
        to=UserRequestStatus.APPROVED,
        actor=actor,
        reason=reason,
        data={"user": user.pk, "username": user.username},
        request=request,
    )
    invite(user_request, user, link_base=link_base)


def _locked_subject(user_request: UserRequest) -> User:
    assert user_request.subject_id is not None, "only requests about an existing user are carried out here"
    return User.objects.select_for_update().get(pk=user_request.subject_id)


def _inactivate(user_request: UserRequest, *, actor: User, request: HttpRequest | None) -> None:
    user = _locked_subject(user_request)
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    # The API refuses inactive users already; revoking as well keeps old keys dead should the user come back.
    revoked = tokens_revoke(
        actor=actor, tokens=ApiToken.objects.filter(user=user, revoked_at__isnull=True), request=request
    )
    Invitation.objects.filter(user=user, used_at__isnull=True, cancelled_at__isnull=True).update(
        cancelled_at=timezone.now()
    )
    audit_record(
        kind=AuditKind.USER_INACTIVATED,
        actor=actor,
        subject=user,
        target=user_request.number,
        request=request,
        data={"tokens_revoked": revoked},
    )


def _replace_roles(user_request: UserRequest, *, actor: User, request: HttpRequest | None) -> None:
    user = _locked_subject(user_request)
    before = sorted(RoleAssignment.objects.filter(user=user).values_list("role", flat=True))
    after = sorted(user_request.roles)
    RoleAssignment.objects.filter(user=user).exclude(role__in=after).delete()
    RoleAssignment.objects.bulk_create([RoleAssignment(user=user, role=role) for role in after if role not in before])
    user.forget_cached_access()
    audit_record(
        kind=AuditKind.ROLE_CHANGED,
        actor=actor,
        subject=user,
        target=user_request.number,
        request=request,
        data={"before": before, "after": after},
    )
