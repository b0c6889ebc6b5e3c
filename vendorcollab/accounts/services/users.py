"""Writes to users: creating them with roles and vendor links, changing a vendor link, a user's own language,
the first admin."""

from __future__ import annotations

import enum
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from vendorcollab.accounts.errors import AccountsErrorCode
from vendorcollab.audit.models import AuditKind
from vendorcollab.audit.services import audit_record
from vendorcollab.common import text
from vendorcollab.common.errors import CommonErrorCode, Conflict, PermissionRefused, ValidationFailed
from vendorcollab.common.text import Kind, Limit
from vendorcollab.partners.models import Vendor

from ..models import BUYER_ROLES, VENDOR_ROLES, Role, RoleAssignment, User, VendorMembership


def user_create(
    *,
    actor: User | None,
    username: str,
    password: str | None,
    roles: Iterable[str],
    vendors: Iterable[Vendor] = (),
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    language: str = "",
) -> User:
    """A new user with roles and, for vendor users, links to vendor accounts.

    ``actor`` is None only for set-up code (demo data, the first admin); otherwise it must be a procurement admin.
    A user is a buyer user or a vendor user, never both, and a vendor user needs at least one vendor account.
    ``language`` blank (the default) means the user's pages follow the browser.
    """
    if actor is not None and not actor.has_role(Role.PROCUREMENT_ADMIN):
        raise PermissionRefused(CommonErrorCode.ROLE_NOT_ALLOWED, _("Only a procurement admin can create users."))
    role_set = set(roles)
    vendor_list = list(vendors)
    fields: dict[str, str] = {}
    unknown = role_set - set(Role.values)
    if unknown:
        fields["roles"] = str(_("Unknown role: %(role)s.") % {"role": ", ".join(sorted(unknown))})
    elif not role_set:
        fields["roles"] = str(_("Give the user at least one role."))
    elif role_set & BUYER_ROLES and role_set & VENDOR_ROLES:
        fields["roles"] = str(_("A user cannot hold buyer and vendor roles at the same time."))
    elif role_set & VENDOR_ROLES and not vendor_list:
        fields["vendors"] = str(_("A vendor user needs at least one vendor account."))
    elif role_set & BUYER_ROLES and vendor_list:
        fields["vendors"] = str(_("Buyer users are not linked to vendor accounts."))
    for name, value, limit in (
        ("username", username, 150),
        ("email", email, Limit.EMAIL),
        ("first_name", first_name, 150),
        ("last_name", last_name, 150),
    ):
        problem = text.text_problem(value, Kind.LINE, limit)
        if problem is not None:
            message = str(text.MESSAGES[problem[0]])
            fields[name] = message % problem[1] if problem[1] else message
    if "username" not in fields and User.objects.filter(username__iexact=username).exists():
        fields["username"] = str(_("This username is already taken."))
    if not _is_language(language):
        fields["language"] = str(_("Choose one of the languages of the portal, or none to follow the browser."))
    if fields:
        raise ValidationFailed(CommonErrorCode.INVALID_INPUT, _("Some fields are not valid."), fields=fields)
    with transaction.atomic():
        user = User(username=username, email=email, first_name=first_name, last_name=last_name, language=language)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
        RoleAssignment.objects.bulk_create(RoleAssignment(user=user, role=role) for role in sorted(role_set))
        VendorMembership.objects.bulk_create(VendorMembership(user=user, vendor=vendor) for vendor in vendor_list)
    return user


def _is_language(language: str) -> bool:
    """A language of the portal, or blank for "follow the browser"."""
    return language == "" or language in dict(settings.LANGUAGES)


def user_language_set(*, actor: User, language: str) -> User:
    """The actor's own choice of language, from the profile page or the language switch; blank follows the browser.
    (An administrator sets another user's language in the back office.)"""
    if not _is_language(language):
        raise ValidationFailed(
            CommonErrorCode.INVALID_INPUT,
            _("Some fields are not valid."),
            fields={"language": str(_("Choose one of the languages of the portal, or none to follow the browser."))},
        )
    actor.language = language
    actor.save(update_fields=["language"])
    return actor


class AdminOutcome(enum.Enum):
    CREATED = "created"
    PROMOTED = "promoted"  # an existing user without a vendor role, now also a procurement admin
    EXISTS = "exists"  # already a procurement admin: nothing changed


def procurement_admin_ensure(*, username: str, email: str, password: str | None) -> tuple[User, AdminOutcome]:
    """Make sure ``username`` is a procurement admin with the whole back office (staff and superuser, where
    companies, vendor accounts and items are kept): the first admin of a deployment.

    Safe to run at every container start. A procurement admin of that name is left exactly as it is (its password
    is never reset from here: that would let whoever can start the container take the account over silently). A
    user of that name without a role, such as one made by ``createsuperuser``, or with other buyer roles, gets the
    procurement admin role and staff rights, keeping its password. A vendor user is refused: no user is both.
    A new admin needs an e-mail address and a password that passes the password validators.
    """
    username = username.strip()
    email = email.strip()
    with transaction.atomic():
        existing = User.objects.select_for_update().filter(username__iexact=username).first()
        if existing is not None:
            return existing, _admin_promote(existing)
        fields: dict[str, str] = {}
        if not username:
            fields["username"] = str(_("Enter a username."))
        else:
            try:
                User.username_validator(username)
            except ValidationError as error:
                fields["username"] = " ".join(error.messages)
        try:
            validate_email(email)
        except ValidationError:
            fields["email"] = str(_("Enter a valid e-mail address."))
        if not password:
            fields["password"] = str(_("Enter a password."))
        else:
            try:
                validate_password(password, User(username=username, email=email))
            except ValidationError as error:
                fields["password"] = " ".join(error.messages)
        if fields:
            raise ValidationFailed(CommonErrorCode.INVALID_INPUT, _("Some fields are not valid."), fields=fields)
        user = user_create(
            actor=None, username=username, password=password, email=email, roles=[Role.PROCUREMENT_ADMIN]
        )
        # The back office is Django's admin, which knows staff and superuser flags, not roles (as in the demo data).
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
        audit_record(
            kind=AuditKind.ROLE_CHANGED,
            subject=user,
            target="create_admin",
            data={"before": [], "after": [Role.PROCUREMENT_ADMIN.value]},
        )
    return user, AdminOutcome.CREATED


def _admin_promote(user: User) -> AdminOutcome:
    before = sorted(user.role_assignments.values_list("role", flat=True))
    if not user.is_active:
        # Someone switched this account off; a container restart must not quietly switch it on again.
        raise Conflict(
            AccountsErrorCode.USER_INACTIVE,
            _("%(username)s exists but is inactive. Activate it in the back office or choose another username."),
            params={"username": user.username},
        )
    if set(before) & VENDOR_ROLES:
        raise Conflict(
            AccountsErrorCode.VENDOR_USER,
            _("%(username)s is a vendor user; a user cannot hold buyer and vendor roles. Choose another username."),
            params={"username": user.username},
        )
    if Role.PROCUREMENT_ADMIN in before and user.is_staff and user.is_superuser:
        return AdminOutcome.EXISTS
    if Role.PROCUREMENT_ADMIN not in before:
        RoleAssignment.objects.create(user=user, role=Role.PROCUREMENT_ADMIN)
    user.is_staff = user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    user.forget_cached_access()
    audit_record(
        kind=AuditKind.ROLE_CHANGED,
        subject=user,
        target="create_admin",
        data={"before": before, "after": sorted({*before, Role.PROCUREMENT_ADMIN.value})},
    )
    return AdminOutcome.PROMOTED
