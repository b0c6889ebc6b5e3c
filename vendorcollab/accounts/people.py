"""Writes about a vendor's people: requests (a new user, an inactivation, a change of roles) and their decision by a
procurement admin, invitations, access per company, and each user's personal API tokens.

A request's status moves only through ``_transition`` (the pairs in ``TRANSITIONS``), which locks nothing itself:
every caller holds the request's row lock. Every change is recorded twice: in the request's own history (the
people involved read it) and in the audit log (security reads it).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from vendorcollab.accounts.errors import AccountsErrorCode
from vendorcollab.api.models import ApiToken
from vendorcollab.api.services import token_issue, tokens_revoke
from vendorcollab.audit.models import AuditKind
from vendorcollab.audit.services import audit_record
from vendorcollab.common.errors import CommonErrorCode, Conflict, FieldErrors, PermissionRefused
from vendorcollab.notifications.outbox import mail_queue
from vendorcollab.partners.models import Company, Vendor

from . import selectors
from .models import (
    VENDOR_ROLES,
    Invitation,
    RoleAssignment,
    User,
    UserRequest,
    UserRequestAction,
    UserRequestEvent,
    UserRequestKind,
    UserRequestStatus,
    VendorMembership,
)
from .selectors import hash_token
from .services import user_create
from .tasks import invitation_send

logger = logging.getLogger(__name__)

DEFAULT_INVITATION_VALID_DAYS = 7
REASON_MAX_LENGTH = 2000
TOKEN_NAME_MAX_LENGTH = 100

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
    AccountsErrorCode.NAME_REQUIRED: _("Give the token a name, so that you know later where it is used."),
    AccountsErrorCode.NAME_TOO_LONG: _("Keep the name under %(limit)s characters."),
}


def invitation_valid_days() -> int:
    """``INVITATION_VALID_DAYS`` (default 7): how long an invitation link works."""
    return int(getattr(settings, "INVITATION_VALID_DAYS", DEFAULT_INVITATION_VALID_DAYS))


# --- guards -----------------------------------------------------------------------------------------------------


def _require_requester(actor: User) -> None:
    if not (selectors.is_buyer_requester(actor) or selectors.is_vendor_admin(actor)):
        raise PermissionRefused(
            CommonErrorCode.ROLE_NOT_ALLOWED,
            _("Only vendor admins, purchasing agents and procurement admins raise user requests."),
        )


def _require_admin(actor: User) -> None:
    if not selectors.is_people_admin(actor):
        raise PermissionRefused(CommonErrorCode.ROLE_NOT_ALLOWED, _("Only a procurement admin can do this."))


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


def _locked_request(user_request: UserRequest) -> UserRequest:
    return UserRequest.objects.select_for_update().get(pk=user_request.pk)


def _open_request_exists(**lookup: Any) -> bool:
    waiting = UserRequest.objects.filter(status=UserRequestStatus.SUBMITTED) | UserRequest.objects.filter(
        status=UserRequestStatus.APPROVED, kind=UserRequestKind.NEW_USER
    )
    return waiting.filter(**lookup).exists()


# --- the life cycle ---------------------------------------------------------------------------------------------


def _not_open(user_request: UserRequest) -> Conflict:
    return Conflict(
        AccountsErrorCode.REQUEST_NOT_OPEN,
        _("Request %(number)s is no longer open (status: %(status)s); nothing was changed."),
        params={"number": user_request.number, "status": user_request.get_status_display()},
    )


def _transition(
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
        raise _not_open(user_request)
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
    _require_requester(actor)
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
    _require_requester(actor)
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
    _require_requester(actor)
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
    _require_admin(actor)
    reason = reason.strip()
    errors = FieldErrors(MESSAGES)
    _check_reason(errors, reason)
    errors.raise_if_any()
    with transaction.atomic():
        locked = _locked_request(user_request)
        if not locked.is_open:
            raise _not_open(locked)
        if locked.kind == UserRequestKind.NEW_USER:
            _approve_new_user(locked, actor=actor, reason=reason, link_base=link_base, request=request)
        elif locked.kind == UserRequestKind.INACTIVATE:
            _transition(user_request=locked, to=UserRequestStatus.APPROVED, actor=actor, reason=reason, request=request)
            _inactivate(locked, actor=actor, request=request)
            _transition(user_request=locked, to=UserRequestStatus.COMPLETED, actor=actor, request=request)
        else:
            _transition(user_request=locked, to=UserRequestStatus.APPROVED, actor=actor, reason=reason, request=request)
            _replace_roles(locked, actor=actor, request=request)
            _transition(user_request=locked, to=UserRequestStatus.COMPLETED, actor=actor, request=request)
    return locked


def user_request_reject(
    *, actor: User, user_request: UserRequest, reason: str, request: HttpRequest | None = None
) -> UserRequest:
    """Refuse a request; the reason is required (the requester reads it) and nothing else changes."""
    _require_admin(actor)
    reason = reason.strip()
    errors = FieldErrors(MESSAGES)
    _check_reason(errors, reason, required=True)
    errors.raise_if_any()
    with transaction.atomic():
        locked = _locked_request(user_request)
        _transition(user_request=locked, to=UserRequestStatus.REJECTED, actor=actor, reason=reason, request=request)
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
    _transition(
        user_request=user_request,
        to=UserRequestStatus.APPROVED,
        actor=actor,
        reason=reason,
        data={"user": user.pk, "username": user.username},
        request=request,
    )
    _invite(user_request, user, link_base=link_base)


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


# --- invitations ------------------------------------------------------------------------------------------------


def _invite(user_request: UserRequest, user: User, *, link_base: str) -> Invitation:
    """A new invitation; its token is made, and its mail sent, by a task after the commit (so that no queue ever
    holds the token in clear)."""
    invitation = Invitation.objects.create(
        user=user, request=user_request, expires_at=timezone.now() + timedelta(days=invitation_valid_days())
    )
    transaction.on_commit(lambda: invitation_send.enqueue(invitation.pk, link_base))
    return invitation


def invitation_renew(
    *, actor: User, user_request: UserRequest, link_base: str, request: HttpRequest | None = None
) -> Invitation:
    """Send an approved new user a fresh link (the last one expired or got lost); earlier links stop working."""
    _require_admin(actor)
    with transaction.atomic():
        locked = _locked_request(user_request)
        user = locked.subject
        if not locked.awaits_invitation or user is None or not user.is_active:
            raise Conflict(
                AccountsErrorCode.NO_INVITATION_PENDING,
                _("Request %(number)s does not wait for an invitation to be used."),
                params={"number": locked.number},
            )
        Invitation.objects.filter(request=locked, used_at__isnull=True, cancelled_at__isnull=True).update(
            cancelled_at=timezone.now()
        )
        invitation = _invite(locked, user, link_base=link_base)
        UserRequestEvent.objects.create(request=locked, action=UserRequestAction.INVITATION_RENEWED, actor=actor)
        audit_record(
            kind=AuditKind.USER_REQUEST,
            actor=actor,
            subject=user,
            target=locked.number,
            request=request,
            data={"kind": locked.kind, "action": UserRequestAction.INVITATION_RENEWED.value},
        )
    return invitation


def invitation_link(link_base: str, token: str) -> str:
    return link_base.rstrip("/") + reverse("myaccount:invitation", args=[token])


def invitation_deliver(*, invitation_id: int, link_base: str) -> bool:
    """Make the invitation's token, store its hash, and queue the mail with the link: what the task does. Does
    nothing (returns False) for an invitation that was sent, used, replaced or has expired meanwhile."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .select_related("user", "request")
            .filter(pk=invitation_id, sent_at__isnull=True, used_at__isnull=True, cancelled_at__isnull=True)
            .first()
        )
        if invitation is None or timezone.now() >= invitation.expires_at or not invitation.user.is_active:
            return False
        invitation.token_hash = hash_token(token)
        user = invitation.user
        vendors = list(invitation.request.vendors.select_related("company").order_by("company__code", "number"))
        with translation.override(selectors.mail_language(user)):
            context = {
                "user": user,
                "link": invitation_link(link_base, token),
                "expires_at": invitation.expires_at,
                "vendors": vendors,
            }
            subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
            body = render_to_string("accounts/email/invitation_body.txt", context)
            html = render_to_string("accounts/email/invitation_body.html", context)
            language = translation.get_language() or settings.LANGUAGE_CODE
            message = EmailMultiAlternatives(
                subject=subject, body=body, to=[user.email], headers={"Content-Language": language}
            )
            message.attach_alternative(html, "text/html")
        # Queued with the token's hash, in one transaction: the link in the queued mail is the one that works. The
        # queue sends it after the commit and retries while the mail server is down.
        mail_queue(message, kind="invitation", sensitive=True)
        invitation.sent_at = timezone.now()
        invitation.save(update_fields=["token_hash", "sent_at"])
        UserRequestEvent.objects.create(
            request=invitation.request,
            action=UserRequestAction.INVITATION_SENT,
            actor=None,
            data={"email": user.email, "expires_at": invitation.expires_at.isoformat()},
        )
    logger.info("invitation %s queued for user %s", invitation.pk, invitation.user_id)
    return True


class InvitationRefused(Conflict):
    """The link was used already, replaced by a newer one, or has expired; the page says which (HTTP 410)."""

    status = 410


def invitation_check(*, token: str) -> Invitation:
    """The invitation behind a link, if it can still be used; else ``NotFound`` (unknown) or ``InvitationRefused``."""
    invitation = selectors.invitation_for_token(token=token)
    if invitation is None:
        raise selectors.not_found()
    _refuse_unusable(invitation)
    return invitation


def _refuse_unusable(invitation: Invitation) -> None:
    if invitation.used_at is not None:
        raise InvitationRefused("invitation_used", _("This invitation link was used already. Sign in instead."))
    if invitation.cancelled_at is not None or not invitation.user.is_active:
        raise InvitationRefused("invitation_cancelled", _("This invitation link was replaced or withdrawn."))
    if timezone.now() >= invitation.expires_at:
        raise InvitationRefused("invitation_expired", _("This invitation link has expired."))


def invitation_accept(*, token: str, password: str, request: HttpRequest | None = None) -> User:
    """Set the new user's password through the link (once, before it expires) and complete the request. The caller
    has validated the password (Django's validators, with the user at hand)."""
    with transaction.atomic():
        found = selectors.invitation_for_token(token=token)
        if found is None:
            raise selectors.not_found()
        invitation = Invitation.objects.select_for_update().select_related("user").get(pk=found.pk)
        _refuse_unusable(invitation)
        user = invitation.user
        user.set_password(password)
        user.save(update_fields=["password"])
        invitation.used_at = timezone.now()
        invitation.save(update_fields=["used_at"])
        locked = _locked_request(invitation.request)
        _transition(user_request=locked, to=UserRequestStatus.COMPLETED, actor=user, request=request)
        audit_record(kind=AuditKind.PASSWORD_CHANGED, actor=user, subject=user, target=locked.number, request=request)
    return user


# --- access per company -----------------------------------------------------------------------------------------


def vendor_access_set(
    *, actor: User, user: User, company: Company, active: bool, request: HttpRequest | None = None
) -> int:
    """Switch a vendor user's access to every vendor account of one company on or off, leaving other companies as
    they are. Returns how many links changed."""
    _require_admin(actor)
    with transaction.atomic():
        memberships = list(
            VendorMembership.objects.select_for_update()
            .filter(user=user, vendor__company=company)
            .select_related("vendor")
            .order_by("pk")
        )
        if not memberships:
            raise selectors.not_found()
        changed = [membership for membership in memberships if membership.is_active != active]
        VendorMembership.objects.filter(pk__in=[membership.pk for membership in changed]).update(is_active=active)
        if changed:
            audit_record(
                kind=AuditKind.ACCESS_CHANGED,
                actor=actor,
                subject=user,
                target=company.code,
                request=request,
                data={
                    "company": company.code,
                    "active": active,
                    "vendors": [membership.vendor.number for membership in changed],
                },
            )
    user.forget_cached_access()
    return len(changed)


# --- personal API tokens ----------------------------------------------------------------------------------------


def personal_token_create(*, actor: User, name: str, request: HttpRequest | None = None) -> tuple[ApiToken, str]:
    """A new API token for the actor, carrying its roles and scope (it signs in as the actor). The key is returned
    once and never stored; ``token_issue`` records the audit event."""
    name = name.strip()
    errors = FieldErrors(MESSAGES)
    if not name:
        errors.add("name", AccountsErrorCode.NAME_REQUIRED)
    elif len(name) > TOKEN_NAME_MAX_LENGTH:
        errors.add("name", AccountsErrorCode.NAME_TOO_LONG, limit=TOKEN_NAME_MAX_LENGTH)
    errors.raise_if_any()
    return token_issue(actor=actor, name=name, request=request)


def personal_token_revoke(*, actor: User, token: ApiToken, request: HttpRequest | None = None) -> bool:
    """Revoke one of the actor's own tokens (another's is a 404). False when it was revoked already."""
    if token.user_id != actor.pk:
        raise selectors.not_found()
    return tokens_revoke(actor=actor, tokens=[token], request=request) > 0
