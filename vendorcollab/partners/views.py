"""Vendor settings pages for procurement admins: the vendor accounts' collaboration settings, and the messages
shown to vendors responding to purchase orders."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from vendorcollab.accounts.models import Role
from vendorcollab.common.errors import AppError
from vendorcollab.common.web import AuthenticatedRequest, buyer_required, int_param, paginate

from . import selectors
from .forms import ResponseMessagesForm, VendorSettingsForm
from .models import Company, Vendor
from .services import response_messages_save, vendor_update


@buyer_required(Role.PROCUREMENT_ADMIN)
def vendor_list(request: AuthenticatedRequest) -> HttpResponse:
    rows = selectors.vendor_page(actor=request.user, q=request.GET.get("q", ""), company=int_param(request, "company"))
    page = paginate(request, rows)
    languages = dict(settings.LANGUAGES)
    return render(
        request,
        "partners/vendor_list.html",
        {
            "page": page,
            "rows": [(vendor, languages.get(vendor.language, vendor.language)) for vendor in page],
            "companies": Company.objects.order_by("code"),
        },
    )


@buyer_required(Role.PROCUREMENT_ADMIN)
def vendor_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    vendor = get_object_or_404(Vendor.objects.visible_to(request.user).select_related("company"), pk=pk)
    form = VendorSettingsForm.for_vendor(vendor, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            vendor_update(actor=request.user, vendor=vendor, **form.cleaned_data)
        except AppError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request, _("Settings saved for vendor %(vendor)s.") % {"vendor": f"{vendor.number} {vendor.name}"}
            )
            return redirect("partners:vendor_list")
    status = 422 if form.errors else 200
    return render(request, "partners/vendor_edit.html", {"vendor": vendor, "form": form}, status=status)


@buyer_required(Role.PROCUREMENT_ADMIN)
def response_messages(request: AuthenticatedRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = ResponseMessagesForm(data, stored=None if data else selectors.response_messages_all())
    if request.method == "POST" and form.is_valid():
        try:
            response_messages_save(actor=request.user, texts=form.texts())
        except AppError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The information for vendors responding to purchase orders is saved."))
            return redirect("partners:response_messages")
    status = 422 if form.errors else 200
    return render(request, "partners/response_messages.html", {"form": form}, status=status)
