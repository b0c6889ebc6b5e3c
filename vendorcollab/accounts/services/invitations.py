"""Invitations of new users: the link is made and mailed after the commit, renewed by an admin, checked and used
once by the invited person to set a password."""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from vendorcollab.accounts.errors import AccountsErrorCode
from vendorcollab.audit.models import AuditKind
from vendorcollab.audit.services import audit_record
from vendorcollab.common.errors import Conflict
from vendorcollab.notifications.outbox import mail_queue

from .. import selectors
from ..models import (
    Invitation,
    User,
    UserRequest,
    UserRequestAction,
    UserRequestEvent,
    UserRequestStatus,
)
from ..selectors import hash_token
from ..tasks import invitation_send
from .request_lifecycle import locked_request, require_admin, transition

logger = logging.getLogger(__name__)

DEFAULT_INVITATION_VALID_DAYS = 7


def invitation_valid_days() -> int:
    """``INVITATION_VALID_DAYS`` (default 7): how long an invitation link works."""
    return int(getattr(settings, "INVITATION_VALID_DAYS", DEFAULT_INVITATION_VALID_DAYS))


def invite(user_request: UserRequest, user: User, *, link_base: str) -> Invitation:
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
    require_admin(actor)
    with transaction.atomic():
        locked = locked_request(user_request)
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
        invitation = invite(locked, user, link_base=link_base)
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
        locked = locked_request(invitation.request)
        transition(user_request=locked, to=UserRequestStatus.COMPLETED, actor=user, request=request)
        audit_record(kind=AuditKind.PASSWORD_CHANGED, actor=user, subject=user, target=locked.number, request=request)
    return user
