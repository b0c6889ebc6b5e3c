"""Writes about a user's access: the links to a company's vendor accounts switched on or off, and each user's
personal API tokens."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from vendorcollab.accounts.errors import AccountsErrorCode
from vendorcollab.api.models import ApiToken
from vendorcollab.api.services import token_issue, tokens_revoke
from vendorcollab.audit.models import AuditKind
from vendorcollab.audit.services import audit_record
from vendorcollab.common.errors import FieldErrors
from vendorcollab.partners.models import Company

from .. import selectors
from ..models import (
    User,
    VendorMembership,
)
from .request_lifecycle import require_admin

TOKEN_NAME_MAX_LENGTH = 100

MESSAGES: dict[str, Promise] = {
    AccountsErrorCode.NAME_REQUIRED: _("Give the token a name, so that you know later where it is used."),
    AccountsErrorCode.NAME_TOO_LONG: _("Keep the name under %(limit)s characters."),
}


# --- access per company -----------------------------------------------------------------------------------------


def vendor_access_set(
    *, actor: User, user: User, company: Company, active: bool, request: HttpRequest | None = None
) -> int:
    """Switch a vendor user's access to every vendor account of one company on or off, leaving other companies as
    they are. Returns how many links changed."""
    require_admin(actor)
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
