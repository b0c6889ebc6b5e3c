"""Security events recorded from signals: signing in and out, failed sign-ins, two-factor changes, password changes.

Connected in ``AuditConfig.ready``. The API's tokens are recorded by ``vendorcollab.api.services`` itself; user
requests, role and access changes by the services that make them.
"""

from __future__ import annotations

from typing import Any

from allauth.account import signals as account_signals
from allauth.core import context
from allauth.mfa import signals as mfa_signals
from allauth.mfa.models import Authenticator
from django.contrib.auth import signals as auth_signals
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest
from django.urls import reverse

from vendorcollab.accounts.models import User

from .models import AuditKind
from .services import audit_record

API_PREFIX = "/api/"
BACK_OFFICE_PREFIX = "/admin/"


def _channel(request: HttpRequest | None) -> str:
    return "api" if request is not None and request.path_info.startswith(API_PREFIX) else "web"


def _current_request() -> HttpRequest | None:
    """The request being served, if any (allauth's middleware keeps it for the whole request)."""
    request = context.request
    return request if isinstance(request, HttpRequest) else None


def on_logged_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    audit_record(kind=AuditKind.LOGIN, actor=user, subject=user, request=request, data={"channel": _channel(request)})


def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Only the name that was tried: never the password (Django has masked it already; it is not copied anyway).
    tried = next((str(credentials[key]) for key in ("username", "email", "login") if credentials.get(key)), "")
    subject = None
    if tried:
        lookup = {"email__iexact": tried} if "@" in tried else {"username__iexact": tried}
        matches = list(User.objects.filter(**lookup)[:2])
        subject = matches[0] if len(matches) == 1 else None
    audit_record(
        kind=AuditKind.LOGIN_FAILED,
        subject=subject,
        target=tried,
        request=request,
        data={"reason": "password", "channel": _channel(request)},
    )


def on_logged_out(sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if user is not None and user.is_authenticated:
        audit_record(kind=AuditKind.LOGOUT, actor=user, subject=user, request=request)


def _mfa_event(action: str) -> Any:
    def receiver(sender: Any, request: HttpRequest | None, user: User, authenticator: Authenticator, **kwargs: Any):
        audit_record(
            kind=AuditKind.MFA_CHANGED,
            actor=_acting_user(request) or user,
            subject=user,
            target=authenticator.type,  # a code: shown in the reader's language (details.target_display)
            request=request,
            data={"action": action, "type": authenticator.type},
        )

    return receiver


on_authenticator_added = _mfa_event("added")
on_authenticator_removed = _mfa_event("removed")
on_authenticator_reset = _mfa_event("reset")


def on_mfa_failed(sender: Any, request: HttpRequest | None, user: User, authenticator: Authenticator, **kwargs: Any):
    """A wrong code at the second step of signing in (or when re-authenticating)."""
    audit_record(
        kind=AuditKind.LOGIN_FAILED,
        subject=user,
        target=user.get_username(),
        request=request,
        data={
            "reason": "mfa_code",
            "channel": _channel(request),
            "reauthentication": bool(kwargs.get("reauthentication")),
        },
    )


def on_authenticator_deleted(sender: Any, instance: Authenticator, **kwargs: Any) -> None:
    """An authenticator deleted outside allauth's own pages (which send ``authenticator_removed``): in the back
    office, when an admin resets the two-factor authentication of a user who lost their phone, or in a shell."""
    origin = kwargs.get("origin")
    if isinstance(origin, User) or (isinstance(origin, QuerySet) and issubclass(origin.model, User)):
        # Deleted with its user: the user is gone, and a row pointing at it would break the deletion.
        return
    request = _current_request()
    if request is not None and request.path_info.startswith(reverse("mfa_index")):
        return
    user = User.objects.filter(pk=instance.user_id).first()
    audit_record(
        kind=AuditKind.MFA_CHANGED,
        actor=_acting_user(request),
        subject=user,
        target=instance.type,
        request=request,
        data={"action": "removed", "type": instance.type, "via": "back_office" if request else "server"},
    )


def _acting_user(request: HttpRequest | None) -> User | None:
    user = getattr(request, "user", None)
    return user if isinstance(user, User) and user.is_authenticated else None


def _password_event(how: str) -> Any:
    def receiver(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
        audit_record(
            kind=AuditKind.PASSWORD_CHANGED,
            actor=_acting_user(request),
            subject=user,
            request=request,
            data={"how": how},
        )

    return receiver


# The portal's own pages (django-allauth): the user's change, a reset through the e-mailed link.
on_password_changed = _password_event("changed")
on_password_set = _password_event("set")
on_password_reset = _password_event("reset")


def on_user_saved(sender: Any, instance: User, created: bool, **kwargs: Any) -> None:
    """A password set where no page signals it: in the back office (an admin sets a user's password) or on the
    server (``manage.py changepassword``, a shell). Django keeps the new raw password in ``_password`` until the
    save is done, and leaves it empty when it only re-hashes a password at sign-in, which is not a change.

    Pages of the portal that set a password record it themselves (allauth's signals above; an invitation's
    acceptance in ``accounts.services.invitations``)."""
    if created or getattr(instance, "_password", None) is None:
        return
    request = _current_request()
    if request is not None and not request.path_info.startswith(BACK_OFFICE_PREFIX):
        return
    audit_record(
        kind=AuditKind.PASSWORD_CHANGED,
        actor=_acting_user(request),
        subject=instance,
        request=request,
        data={"how": "back_office" if request is not None else "server"},
    )


def connect() -> None:
    auth_signals.user_logged_in.connect(on_logged_in, dispatch_uid="audit_login")
    auth_signals.user_login_failed.connect(on_login_failed, dispatch_uid="audit_login_failed")
    auth_signals.user_logged_out.connect(on_logged_out, dispatch_uid="audit_logout")
    mfa_signals.authenticator_added.connect(on_authenticator_added, dispatch_uid="audit_mfa_added")
    mfa_signals.authenticator_removed.connect(on_authenticator_removed, dispatch_uid="audit_mfa_removed")
    mfa_signals.authenticator_reset.connect(on_authenticator_reset, dispatch_uid="audit_mfa_reset")
    mfa_signals.authentication_failed.connect(on_mfa_failed, dispatch_uid="audit_mfa_failed")
    post_delete.connect(on_authenticator_deleted, sender=Authenticator, dispatch_uid="audit_mfa_deleted")
    account_signals.password_changed.connect(on_password_changed, dispatch_uid="audit_password_changed")
    account_signals.password_set.connect(on_password_set, dispatch_uid="audit_password_set")
    account_signals.password_reset.connect(on_password_reset, dispatch_uid="audit_password_reset")
    post_save.connect(on_user_saved, sender=User, dispatch_uid="audit_password")
