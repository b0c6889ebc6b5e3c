"""Writes to users: creating them with roles and vendor links, changing a vendor link."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from vendorcollab.common import text
from vendorcollab.common.errors import PermissionRefused, ValidationFailed
from vendorcollab.common.text import Kind, Limit
from vendorcollab.partners.models import Vendor

from .models import BUYER_ROLES, VENDOR_ROLES, Role, RoleAssignment, User, VendorMembership


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
    language: str = "en",
) -> User:
    """A new user with roles and, for vendor users, links to vendor accounts.

    ``actor`` is None only for set-up code (demo data, the first admin); otherwise it must be a procurement admin.
    A user is a buyer user or a vendor user, never both, and a vendor user needs at least one vendor account.
    """
    if actor is not None and not actor.has_role(Role.PROCUREMENT_ADMIN):
        raise PermissionRefused("role_not_allowed", _("Only a procurement admin can create users."))
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
    if fields:
        raise ValidationFailed("invalid_input", _("Some fields are not valid."), fields=fields)
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
