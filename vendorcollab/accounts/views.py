"""The people pages, on both sides of the wall.

Buyer side (``/settings/users/``, namespace ``people``): procurement admins see every user, switch a vendor user's
access per company, and decide requests; purchasing agents see vendor users and raise requests about them. Vendor
side (``/vendor/contacts/``, namespace ``people_vendor``): a vendor admin sees the contacts of its own vendor
accounts and raises requests about them. The two sides share the templates; ``Side`` says which one is rendering.
Every read goes through ``selectors`` (a 404 outside the actor's scope), every write through ``people``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vendorcollab.common.errors import AppError, Conflict
from vendorcollab.common.web import AuthenticatedRequest, View, buyer_required, int_param, paginate, vendor_required

from . import selectors
from .forms import DecisionForm, InactivationRequestForm, NewUserRequestForm, RoleChangeRequestForm
from .models import VENDOR_ROLES, Role, User, UserRequest, UserRequestKind, UserRequestStatus
from .selectors import ContactStatus, RequestFilter
from .services import access, invitations, user_requests


@dataclass(frozen=True)
class Side:
    namespace: str
    base_template: str
    is_vendor: bool

    def url(self, name: str, *args: Any) -> str:
        return reverse(f"{self.namespace}:{name}", args=args)


BUYER = Side("people", "purchasing/buyer/base.html", is_vendor=False)
VENDOR = Side("people_vendor", "purchasing/vendor/base.html", is_vendor=True)

people_buyer_required = buyer_required(Role.PROCUREMENT_ADMIN, Role.PURCHASING_AGENT)
people_admin_required = buyer_required(Role.PROCUREMENT_ADMIN)


def vendor_admin_required(view: View) -> View:
    """Vendor pages for vendor admins: a 404 for buyers (the other side), a 403 for a vendor user without the role."""

    @vendor_required
    @wraps(view)
    def wrapper(request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.has_role(Role.VENDOR_ADMIN):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def link_base(request: AuthenticatedRequest) -> str:
    """Where the invitation links in mails start: this site, as the admin who approves reached it."""
    return request.build_absolute_uri("/")


def _render(
    request: AuthenticatedRequest, side: Side, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    return render(
        request,
        template,
        {
            "side": side,
            "ns": side.namespace,
            "base_template": side.base_template,
            "is_people_admin": selectors.is_people_admin(request.user),
            **context,
        },
        status=status,
    )


def display_name(user: User) -> str:
    return user.get_full_name() or user.username


# --- users and contacts -----------------------------------------------------------------------------------------


def _user_list(request: AuthenticatedRequest, side: Side) -> HttpResponse:
    actor = request.user
    rows = selectors.user_page(
        actor=actor,
        q=request.GET.get("q", ""),
        status=request.GET.get("status", ""),
        side=request.GET.get("side", "") if selectors.is_people_admin(actor) else "",
        role=request.GET.get("role", ""),
        company=int_param(request, "company"),
    )
    roles = (
        Role.choices
        if selectors.is_people_admin(actor)
        else [(r, label) for r, label in Role.choices if r in VENDOR_ROLES]
    )
    return _render(
        request,
        side,
        "accounts/people/user_list.html",
        {
            "page": paginate(request, rows),
            "companies": selectors.companies_of_contacts(actor=actor),
            "roles": roles,
            "statuses": [(ContactStatus.ACTIVE, _("Active")), (ContactStatus.INACTIVE, _("Inactive"))],
            "sides": [(selectors.Side.BUYER, _("Buyer users")), (selectors.Side.VENDOR, _("Vendor users"))]
            if selectors.is_people_admin(actor)
            else [],
            "open_requests": selectors.open_request_count(actor=actor),
        },
    )


@people_buyer_required
def user_list(request: AuthenticatedRequest) -> HttpResponse:
    return _user_list(request, BUYER)


@vendor_admin_required
def contact_list(request: AuthenticatedRequest) -> HttpResponse:
    return _user_list(request, VENDOR)


def _user_detail(request: AuthenticatedRequest, side: Side, pk: int) -> HttpResponse:
    user = selectors.user_get(actor=request.user, pk=pk)
    roles = selectors.role_values(user)
    return _render(
        request,
        side,
        "accounts/people/user_detail.html",
        {
            "person": user,
            "role_labels": [Role(role).label for role in roles],
            "is_contact": bool(set(roles) & VENDOR_ROLES),
            "access": selectors.access_by_company(user.shown_memberships),  # type: ignore[attr-defined]
            "requests": selectors.user_requests_about(actor=request.user, user=user)[:50],
        },
    )


@people_buyer_required
def user_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _user_detail(request, BUYER, pk)


@vendor_admin_required
def contact_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _user_detail(request, VENDOR, pk)


@people_admin_required
def user_access(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A vendor user's links grouped per company, with one switch per company."""
    user = selectors.contact_get(actor=request.user, pk=pk)
    groups = selectors.access_by_company(user.shown_memberships)  # type: ignore[attr-defined]
    if request.method == "POST":
        company_id = request.POST.get("company", "")
        group = next((group for group in groups if str(group.company.pk) == company_id), None)
        if group is None:
            messages.error(request, _("Choose a company this user has vendor accounts in."))
            return redirect("people:user_access", pk=user.pk)
        active = request.POST.get("active") == "1"
        access.vendor_access_set(actor=request.user, user=user, company=group.company, active=active, request=request)
        values = {"user": display_name(user), "company": group.company.name}
        if active:
            messages.success(request, _("%(user)s has access to the vendor accounts in %(company)s again.") % values)
        else:
            messages.success(
                request,
                _(
                    "%(user)s no longer has access to the vendor accounts in %(company)s; access in other companies "
                    "is unchanged."
                )
                % values,
            )
        return redirect("people:user_access", pk=user.pk)
    return _render(request, BUYER, "accounts/people/user_access.html", {"person": user, "access": groups})


# --- raising requests -------------------------------------------------------------------------------------------


def _submitted(request: AuthenticatedRequest, side: Side, user_request: UserRequest) -> HttpResponse:
    messages.success(
        request,
        _("Request %(number)s is sent to the procurement admins; you can follow it here.")
        % {"number": user_request.number},
    )
    return redirect(side.url("request_detail", user_request.pk))


def _request_new_user(request: AuthenticatedRequest, side: Side) -> HttpResponse:
    vendors = selectors.requestable_vendors(actor=request.user)
    form = NewUserRequestForm(request.POST if request.method == "POST" else None, vendors=vendors)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user_request = user_requests.new_user_request_submit(
                actor=request.user,
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                roles=[data["role"]],
                vendors=data["vendors"],
                reason=data["reason"],
                request=request,
            )
        except AppError as error:
            form.add_service_error(error)
        else:
            return _submitted(request, side, user_request)
    return _render(
        request,
        side,
        "accounts/people/request_form.html",
        {"form": form, "kind": UserRequestKind.NEW_USER, "person": None},
        status=422 if form.errors else 200,
    )


@people_buyer_required
def request_new_user(request: AuthenticatedRequest) -> HttpResponse:
    return _request_new_user(request, BUYER)


@vendor_admin_required
def vendor_request_new_user(request: AuthenticatedRequest) -> HttpResponse:
    return _request_new_user(request, VENDOR)


def _request_inactivation(request: AuthenticatedRequest, side: Side, pk: int) -> HttpResponse:
    user = selectors.contact_get(actor=request.user, pk=pk)
    form = InactivationRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user_request = user_requests.inactivation_request_submit(
                actor=request.user, user=user, reason=form.cleaned_data["reason"], request=request
            )
        except AppError as error:
            form.add_service_error(error)
        else:
            return _submitted(request, side, user_request)
    return _render(
        request,
        side,
        "accounts/people/request_form.html",
        {"form": form, "kind": UserRequestKind.INACTIVATE, "person": user},
        status=422 if form.errors else 200,
    )


@people_buyer_required
def request_inactivation(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _request_inactivation(request, BUYER, pk)


@vendor_admin_required
def vendor_request_inactivation(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _request_inactivation(request, VENDOR, pk)


def _request_role_change(request: AuthenticatedRequest, side: Side, pk: int) -> HttpResponse:
    user = selectors.contact_get(actor=request.user, pk=pk)
    current = selectors.role_values(user)
    initial = {"role": Role.VENDOR_ADMIN.value if Role.VENDOR_ADMIN in current else Role.VENDOR_USER.value}
    form = RoleChangeRequestForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            user_request = user_requests.role_change_request_submit(
                actor=request.user,
                user=user,
                roles=[form.cleaned_data["role"]],
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except AppError as error:
            form.add_service_error(error)
        else:
            return _submitted(request, side, user_request)
    return _render(
        request,
        side,
        "accounts/people/request_form.html",
        {
            "form": form,
            "kind": UserRequestKind.CHANGE_ROLES,
            "person": user,
            "role_labels": [Role(role).label for role in current],
        },
        status=422 if form.errors else 200,
    )


@people_buyer_required
def request_role_change(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _request_role_change(request, BUYER, pk)


@vendor_admin_required
def vendor_request_role_change(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _request_role_change(request, VENDOR, pk)


# --- the request queue and a request ----------------------------------------------------------------------------


def _request_list(request: AuthenticatedRequest, side: Side) -> HttpResponse:
    status = request.GET.get("status", "")
    rows = selectors.user_request_page(
        actor=request.user, status=status, kind=request.GET.get("kind", ""), q=request.GET.get("q", "")
    )
    return _render(
        request,
        side,
        "accounts/people/request_list.html",
        {
            "page": paginate(request, rows),
            "statuses": [(RequestFilter.ALL, _("All")), *UserRequestStatus.choices],
            "kinds": UserRequestKind.choices,
            "showing_open": status not in UserRequestStatus.values and status != RequestFilter.ALL,
        },
    )


@people_buyer_required
def request_list(request: AuthenticatedRequest) -> HttpResponse:
    return _request_list(request, BUYER)


@vendor_admin_required
def vendor_request_list(request: AuthenticatedRequest) -> HttpResponse:
    return _request_list(request, VENDOR)


def _request_detail(
    request: AuthenticatedRequest, side: Side, pk: int, form: DecisionForm | None = None, status: int = 200
) -> HttpResponse:
    user_request = selectors.user_request_get(actor=request.user, pk=pk)
    can_decide = not side.is_vendor and selectors.is_people_admin(request.user) and user_request.is_open
    return _render(
        request,
        side,
        "accounts/people/request_detail.html",
        {
            "user_request": user_request,
            "form": form if form is not None else (DecisionForm() if can_decide else None),
            "can_decide": can_decide,
            "can_renew": not side.is_vendor
            and selectors.is_people_admin(request.user)
            and user_request.awaits_invitation,
        },
        status=status,
    )


@people_buyer_required
def request_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _request_detail(request, BUYER, pk)


@vendor_admin_required
def vendor_request_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _request_detail(request, VENDOR, pk)


def _approved_message(user_request: UserRequest) -> str:
    subject = user_request.subject
    values = {
        "number": user_request.number,
        "user": display_name(subject) if subject else user_request.email,
        "email": user_request.email,
        "days": invitations.invitation_valid_days(),
        "roles": ", ".join(user_request.role_labels),
    }
    if user_request.kind == UserRequestKind.NEW_USER:
        return (
            _(
                "Request %(number)s approved: %(user)s is created and invited by e-mail (%(email)s). The link works "
                "once, for %(days)s days."
            )
            % values
        )
    if user_request.kind == UserRequestKind.INACTIVATE:
        return (
            _("Request %(number)s approved: %(user)s is inactive now and signed out everywhere, API tokens included.")
            % values
        )
    return _("Request %(number)s approved: %(user)s now has the role %(roles)s.") % values


@people_admin_required
@require_POST
def request_decide(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user_request = selectors.user_request_get(actor=request.user, pk=pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        reason = form.cleaned_data["reason"]
        try:
            if form.cleaned_data["decision"] == "approve":
                decided = user_requests.user_request_approve(
                    actor=request.user,
                    user_request=user_request,
                    reason=reason,
                    link_base=link_base(request),
                    request=request,
                )
                messages.success(request, _approved_message(decided))
            else:
                decided = user_requests.user_request_reject(
                    actor=request.user, user_request=user_request, reason=reason, request=request
                )
                messages.success(
                    request,
                    _("Request %(number)s rejected; the requester sees your reason.") % {"number": decided.number},
                )
        except Conflict as error:
            # Decided meanwhile (by someone else): the page shows how, with this line on top.
            messages.error(request, error.rendered_message())
            return redirect("people:request_detail", pk=user_request.pk)
        except AppError as error:
            form.add_service_error(error)
        else:
            return redirect("people:request_detail", pk=user_request.pk)
    return _request_detail(request, BUYER, pk, form=form, status=422)


@people_admin_required
@require_POST
def invitation_renew(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user_request = selectors.user_request_get(actor=request.user, pk=pk)
    try:
        invitations.invitation_renew(
            actor=request.user, user_request=user_request, link_base=link_base(request), request=request
        )
    except AppError as error:
        messages.error(request, error.rendered_message())
    else:
        messages.success(
            request,
            _("A new invitation is on its way to %(email)s; earlier links no longer work.")
            % {"email": user_request.email},
        )
    return redirect("people:request_detail", pk=user_request.pk)
