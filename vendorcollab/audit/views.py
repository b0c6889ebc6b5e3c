"""The audit log page for procurement admins: newest first, paginated, filtered by kind of event and by user."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from vendorcollab.accounts.models import Role
from vendorcollab.common.web import AuthenticatedRequest, buyer_required, paginate

from . import selectors
from .models import AuditKind


@buyer_required(Role.PROCUREMENT_ADMIN)
def event_list(request: AuthenticatedRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    user = request.GET.get("user", "")
    page = paginate(request, selectors.audit_event_list(actor=request.user, kind=kind, user=user))
    return render(
        request,
        "audit/events.html",
        # The filter is not named ``user``: that is the signed-in user, whose menus the page's top bar shows.
        {
            "page": page,
            "kinds": AuditKind.choices,
            "kind": kind if kind in AuditKind.values else "",
            "user_filter": user,
        },
    )
