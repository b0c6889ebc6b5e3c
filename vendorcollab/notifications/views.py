"""Notification pages: each user's own mail setting, and for procurement admins the webhook endpoints and the
delivery log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from vendorcollab.accounts.models import Role
from vendorcollab.common.errors import AppError
from vendorcollab.common.web import AuthenticatedRequest, buyer_required, int_param, paginate

from . import selectors
from .forms import EndpointForm, PreferencesForm
from .models import WEBHOOK_EVENT_CHOICES, DeliveryStatus, NotificationMode
from .services import (
    notification_setting_update,
    webhook_delivery_retry,
    webhook_endpoint_create,
    webhook_endpoint_update,
)

_SAVED = {
    NotificationMode.IMMEDIATE: gettext_lazy("Saved. You get an e-mail for each update."),
    NotificationMode.DIGEST: gettext_lazy("Saved. You get one e-mail a day with every update of that day."),
    NotificationMode.OFF: gettext_lazy("Saved. You get no notification e-mails."),
}


@login_required
def preferences(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    current = selectors.notification_mode_for(actor=user)
    form = PreferencesForm(request.POST if request.method == "POST" else None, initial={"mode": current})
    if request.method == "POST" and form.is_valid():
        try:
            setting = notification_setting_update(actor=user, mode=form.cleaned_data["mode"])
        except AppError as error:
            form.add_service_error(error)
        else:
            messages.success(request, str(_SAVED[NotificationMode(setting.mode)]))
            return redirect("notifications:preferences")
    base = "purchasing/vendor/base.html" if user.is_vendor_user else "purchasing/buyer/base.html"
    if not (user.is_vendor_user or user.is_buyer):
        base = "base.html"
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "base_template": base, "has_email": bool(user.email)},
        status=422 if form.errors else 200,
    )


@buyer_required(Role.PROCUREMENT_ADMIN)
def endpoint_list(request: AuthenticatedRequest) -> HttpResponse:
    endpoints = selectors.webhook_endpoints(actor=request.user).annotate(
        pending=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.PENDING)),
        failed=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.FAILED)),
    )
    return render(request, "notifications/endpoint_list.html", {"endpoints": endpoints})


@buyer_required(Role.PROCUREMENT_ADMIN)
def endpoint_create(request: AuthenticatedRequest) -> HttpResponse:
    form = EndpointForm.for_endpoint(None, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint = webhook_endpoint_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                is_active=form.cleaned_data["is_active"],
                secret=form.cleaned_data["secret"],
            )
        except AppError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _("Endpoint %(name)s is added. Give its secret to the ERP to check the signatures.")
                % {"name": endpoint.name},
            )
            return redirect("notifications:endpoint_edit", pk=endpoint.pk)
    return render(
        request,
        "notifications/endpoint_form.html",
        {"form": form, "endpoint": None},
        status=422 if form.errors else 200,
    )


@buyer_required(Role.PROCUREMENT_ADMIN)
def endpoint_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    endpoint = selectors.webhook_endpoint_get(actor=request.user, pk=pk)
    form = EndpointForm.for_endpoint(endpoint, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            webhook_endpoint_update(
                actor=request.user,
                endpoint=endpoint,
                name=form.cleaned_data["name"],
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                is_active=form.cleaned_data["is_active"],
                new_secret_wanted=form.cleaned_data["new_secret"],
            )
        except AppError as error:
            form.add_service_error(error)
        else:
            if form.cleaned_data["new_secret"]:
                messages.success(request, _("Saved, with a new secret. Give it to the ERP now."))
                return redirect("notifications:endpoint_edit", pk=endpoint.pk)
            messages.success(request, _("Endpoint %(name)s is saved.") % {"name": endpoint.name})
            return redirect("notifications:endpoint_list")
    return render(
        request,
        "notifications/endpoint_form.html",
        {"form": form, "endpoint": endpoint},
        status=422 if form.errors else 200,
    )


@buyer_required(Role.PROCUREMENT_ADMIN)
def deliveries(request: AuthenticatedRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    event = request.GET.get("event", "")
    endpoint = int_param(request, "endpoint")
    rows = selectors.webhook_deliveries(actor=request.user, status=status, endpoint=endpoint, event=event)
    return render(
        request,
        "notifications/deliveries.html",
        {
            "page": paginate(request, rows),
            "endpoints": list(selectors.webhook_endpoints(actor=request.user).only("pk", "name")),
            "statuses": DeliveryStatus.choices,
            "events": WEBHOOK_EVENT_CHOICES,
            "selected": {"status": status, "event": event, "endpoint": endpoint},
        },
    )


@require_POST
@buyer_required(Role.PROCUREMENT_ADMIN)
def delivery_retry(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    delivery = selectors.webhook_delivery_get(actor=request.user, pk=pk)
    try:
        delivery = webhook_delivery_retry(actor=request.user, delivery=delivery)
    except AppError as error:
        messages.error(request, error.rendered_message())
    else:
        delivery.refresh_from_db()
        if delivery.status == DeliveryStatus.DELIVERED:
            messages.success(request, _("Delivery %(id)s is delivered.") % {"id": delivery.pk})
        else:
            messages.info(
                request,
                _("Delivery %(id)s is queued for another attempt; its status below shows how it went.")
                % {"id": delivery.pk},
            )
    log = reverse("notifications:deliveries")
    back = request.POST.get("next", "")
    # Back to the log page the button was on (its filters and page), never anywhere else.
    return redirect(back if back.startswith(log + "?") else log)
