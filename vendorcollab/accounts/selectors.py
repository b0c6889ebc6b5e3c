"""Reads about people, scoped to the actor: users and vendor contacts, requests about them, invitations, tokens.

Who sees what:

- a procurement admin: every user and every request;
- a purchasing agent: vendor users (it may raise requests about them) and every request, all of which are about
  vendor users;
- a vendor admin: the users linked to its own vendor accounts, and the requests about those accounts; of a user
  linked to other vendors too, only the links to its own accounts;
- anyone else: nothing. Whatever lies outside is a ``NotFound`` (a 404 on the pages).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import F, Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from vendorcollab.api.models import ApiToken
from vendorcollab.common.errors import CommonErrorCode, NotFound
from vendorcollab.partners.models import Company, Vendor

from .models import (
    BUYER_ROLES,
    VENDOR_ROLES,
    Invitation,
    Role,
    RoleAssignment,
    User,
    UserRequest,
    UserRequestKind,
    UserRequestStatus,
    VendorMembership,
)

# Who may raise requests about a vendor's people; a procurement admin also decides them.
BUYER_REQUESTER_ROLES = frozenset({Role.PROCUREMENT_ADMIN, Role.PURCHASING_AGENT})


def mail_language(user: User) -> str:
    """The language of mail to ``user``, which has no browser to ask: the user's own choice, else, for a user who
    follows the browser, the language of the first vendor account they act for, else the organisation's
    LANGUAGE_CODE."""
    codes = dict(settings.LANGUAGES)
    if user.language in codes:
        return user.language
    vendor_language = (
        Vendor.objects.filter(memberships__user=user, memberships__is_active=True)
        .order_by("company__code", "number")
        .values_list("language", flat=True)
        .first()
    )
    return vendor_language if vendor_language in codes else settings.LANGUAGE_CODE


def not_found() -> NotFound:
    return NotFound(CommonErrorCode.NOT_FOUND, _("There is no such user or request."))


def is_people_admin(actor: User) -> bool:
    """Decides requests, switches access per company, sees buyer users too."""
    return actor.has_role(Role.PROCUREMENT_ADMIN)


def is_buyer_requester(actor: User) -> bool:
    return actor.is_buyer and actor.has_role(*BUYER_REQUESTER_ROLES)


def is_vendor_admin(actor: User) -> bool:
    return actor.is_vendor_user and actor.has_role(Role.VENDOR_ADMIN)


def own_vendor_ids(actor: User) -> frozenset[int] | None:
    """The vendor accounts the actor's view is limited to: None for buyers (every account), a set for vendor admins."""
    if is_buyer_requester(actor):
        return None
    if is_vendor_admin(actor):
        return actor.vendor_ids
    return frozenset()


def _vendor_user_ids() -> QuerySet[RoleAssignment, Any]:
    # Through the assignments, not ``is_vendor_user``: an inactive user has no roles in effect but is still a contact.
    return RoleAssignment.objects.filter(role__in=VENDOR_ROLES).values("user_id")


def users_visible_to(actor: User) -> QuerySet[User]:
    if is_people_admin(actor):
        return User.objects.all()
    if is_buyer_requester(actor):
        return User.objects.filter(pk__in=_vendor_user_ids())
    if is_vendor_admin(actor):
        return User.objects.filter(
            pk__in=VendorMembership.objects.filter(vendor_id__in=actor.vendor_ids).values("user_id")
        )
    return User.objects.none()


def _memberships_shown(actor: User) -> QuerySet[VendorMembership]:
    rows = VendorMembership.objects.select_related("vendor__company").order_by(
        "vendor__company__code", "vendor__number", "pk"
    )
    ids = own_vendor_ids(actor)
    return rows if ids is None else rows.filter(vendor_id__in=ids)


class ContactStatus:
    ACTIVE = "active"
    INACTIVE = "inactive"


class Side:
    BUYER = "buyer"
    VENDOR = "vendor"


def user_page(
    *,
    actor: User,
    q: str = "",
    status: str = "",
    side: str = "",
    role: str = "",
    company: int | None = None,
) -> QuerySet[User]:
    """The user list (buyer side) or the contact list (vendor side): searched by name, user name or e-mail, filtered
    by active or not, buyer or vendor side, role and company (of the vendor accounts). Roles and the vendor links the
    actor may see come along, so the page costs the same few queries whatever its size."""
    rows = users_visible_to(actor)
    term = q.strip()
    if term:
        rows = rows.filter(
            Q(username__icontains=term)
            | Q(first_name__icontains=term)
            | Q(last_name__icontains=term)
            | Q(email__icontains=term)
        )
    if status == ContactStatus.ACTIVE:
        rows = rows.filter(is_active=True)
    elif status == ContactStatus.INACTIVE:
        rows = rows.filter(is_active=False)
    if side == Side.BUYER:
        rows = rows.filter(pk__in=RoleAssignment.objects.filter(role__in=BUYER_ROLES).values("user_id"))
    elif side == Side.VENDOR:
        rows = rows.filter(pk__in=_vendor_user_ids())
    if role in Role.values:
        rows = rows.filter(pk__in=RoleAssignment.objects.filter(role=role).values("user_id"))
    if company:
        memberships = _memberships_shown(actor).filter(vendor__company_id=company)
        rows = rows.filter(pk__in=memberships.values("user_id"))
    return rows.prefetch_related(
        Prefetch("role_assignments", queryset=RoleAssignment.objects.order_by("role")),
        Prefetch("vendor_memberships", queryset=_memberships_shown(actor), to_attr="shown_memberships"),
    ).order_by("last_name", "first_name", "username", "pk")


def user_get(*, actor: User, pk: int) -> User:
    """One user the actor may see, with roles and the vendor links it may see (``shown_memberships``)."""
    user = user_page(actor=actor).filter(pk=pk).first()
    if user is None:
        raise not_found()
    return user


def contact_get(*, actor: User, pk: int) -> User:
    """A vendor user the actor may raise requests about."""
    if not (is_buyer_requester(actor) or is_vendor_admin(actor)):
        raise not_found()
    user = user_get(actor=actor, pk=pk)
    if not any(assignment.role in VENDOR_ROLES for assignment in user.role_assignments.all()):
        raise not_found()
    return user


def role_values(user: User) -> list[str]:
    """The roles a user holds, active or not (``role_set`` is empty for inactive users)."""
    return sorted(assignment.role for assignment in user.role_assignments.all())


@dataclass
class CompanyAccess:
    """A user's links to the vendor accounts of one company: what the per-company switch turns on or off."""

    company: Company
    memberships: list[VendorMembership]

    @property
    def is_active(self) -> bool:
        return any(membership.is_active for membership in self.memberships)

    @property
    def is_mixed(self) -> bool:
        return len({membership.is_active for membership in self.memberships}) > 1


def access_by_company(memberships: Iterable[VendorMembership]) -> list[CompanyAccess]:
    """Memberships (with ``vendor__company`` loaded) grouped per company, in the order given."""
    groups: dict[int, CompanyAccess] = {}
    for membership in memberships:
        company = membership.vendor.company
        groups.setdefault(company.pk, CompanyAccess(company=company, memberships=[])).memberships.append(membership)
    return list(groups.values())


def companies_of_contacts(*, actor: User) -> QuerySet[Company]:
    """The companies whose vendor accounts the actor's list can be filtered by."""
    ids = own_vendor_ids(actor)
    rows = Company.objects.all() if ids is None else Company.objects.filter(vendors__pk__in=ids).distinct()
    return rows.order_by("code")


def requestable_vendors(*, actor: User) -> QuerySet[Vendor]:
    """The vendor accounts the actor may ask a new user for: all for buyers, its own for a vendor admin."""
    ids = own_vendor_ids(actor)
    rows = Vendor.objects.select_related("company").order_by("company__code", "number", "pk")
    return rows if ids is None else rows.filter(pk__in=ids)


# --- requests ---------------------------------------------------------------------------------------------------


def user_requests_visible_to(actor: User) -> QuerySet[UserRequest]:
    ids = own_vendor_ids(actor)
    if ids is None:
        return UserRequest.objects.all()
    if not ids:
        return UserRequest.objects.none()
    through = UserRequest.vendors.through.objects.filter(vendor_id__in=ids)
    return UserRequest.objects.filter(pk__in=through.values("userrequest_id"))


def _request_rows(actor: User) -> QuerySet[UserRequest]:
    ids = own_vendor_ids(actor)
    vendors = Vendor.objects.select_related("company").order_by("company__code", "number")
    if ids is not None:
        vendors = vendors.filter(pk__in=ids)
    return (
        user_requests_visible_to(actor)
        .select_related("subject", "requested_by")
        .prefetch_related(Prefetch("vendors", queryset=vendors, to_attr="shown_vendors"))
    )


class RequestFilter:
    OPEN = "open"  # waiting for a decision, or for the invited user
    ALL = "all"


def user_request_page(*, actor: User, status: str = "", kind: str = "", q: str = "") -> QuerySet[UserRequest]:
    """The request queue: open ones (submitted, or approved and waiting for the new user) unless a status is asked;
    searched by name, e-mail, user name or vendor account."""
    rows = _request_rows(actor)
    if status in UserRequestStatus.values:
        rows = rows.filter(status=status)
    elif status != RequestFilter.ALL:
        rows = rows.filter(
            Q(status=UserRequestStatus.SUBMITTED) | Q(status=UserRequestStatus.APPROVED, kind=UserRequestKind.NEW_USER)
        )
    if kind in UserRequestKind.values:
        rows = rows.filter(kind=kind)
    term = q.strip()
    if term:
        through = UserRequest.vendors.through.objects.filter(
            Q(vendor__number__icontains=term) | Q(vendor__name__icontains=term)
        )
        rows = rows.filter(
            Q(first_name__icontains=term)
            | Q(last_name__icontains=term)
            | Q(email__icontains=term)
            | Q(subject__username__icontains=term)
            | Q(pk__in=through.values("userrequest_id"))
        )
    return rows.order_by("-created_at", "-pk")


def user_request_get(*, actor: User, pk: int) -> UserRequest:
    """One request, with its history (``events``, oldest first) and the vendor accounts the actor may see."""
    row = _request_rows(actor).prefetch_related("events__actor").filter(pk=pk).first()
    if row is None:
        raise not_found()
    return row


def user_requests_about(*, actor: User, user: User) -> QuerySet[UserRequest]:
    return _request_rows(actor).filter(subject=user).order_by("-created_at", "-pk")


def open_request_count(*, actor: User) -> int:
    return user_requests_visible_to(actor).filter(status=UserRequestStatus.SUBMITTED).count()


# --- invitations and tokens -------------------------------------------------------------------------------------


def hash_token(token: str) -> str:
    """The stored form of an invitation token (256 random bits: a plain SHA-256 suffices)."""
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_for_token(*, token: str) -> Invitation | None:
    """The invitation whose link carries ``token``, used or not, expired or not; None for an unknown token."""
    if not token:
        return None
    return Invitation.objects.select_related("user", "request").filter(token_hash=hash_token(token)).first()


def personal_tokens(*, actor: User) -> QuerySet[ApiToken]:
    """The actor's own API tokens, revoked ones included (their history stays visible)."""
    return ApiToken.objects.filter(user=actor).order_by(F("revoked_at").asc(nulls_first=True), "-created_at", "-pk")
