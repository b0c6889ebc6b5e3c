"""Reading the audit log: the procurement admin's page, filtered by kind of event and by user."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from vendorcollab.accounts.models import Role, User
from vendorcollab.common.errors import CommonErrorCode, PermissionRefused

from .models import AuditEvent, AuditKind


def audit_event_list(*, actor: User, kind: str = "", user: str = "") -> QuerySet[AuditEvent]:
    """Events newest first. ``user`` is a user name: events by that user, about that user, or a failed sign-in
    with that name. Only procurement admins read the log."""
    if not actor.has_role(Role.PROCUREMENT_ADMIN):
        raise PermissionRefused(CommonErrorCode.ROLE_NOT_ALLOWED, _("Only a procurement admin can read the audit log."))
    events = AuditEvent.objects.select_related("actor", "subject").order_by("-created_at", "-pk")
    if kind in AuditKind.values:
        events = events.filter(kind=kind)
    user = user.strip()
    if user:
        events = events.filter(
            Q(actor__username__iexact=user) | Q(subject__username__iexact=user) | Q(target__iexact=user)
        )
    return events
