"""The item lookup of the PO form: the options for what a buyer types into a line's item field (an htmx fragment).

Items are looked up in the company of the PO's vendor, so another company's items never appear; the form still
takes the number as typed, so that the field works as a plain text input without JavaScript.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from vendorcollab.accounts.models import PURCHASING_ROLES
from vendorcollab.common.web import AuthenticatedRequest, buyer_required, int_param
from vendorcollab.partners.models import Vendor
from vendorcollab.partners.selectors import item_lookup

# The longest text worth looking up: the longest item number (40) with room for a name fragment.
MAX_TERM = 100


@buyer_required(*PURCHASING_ROLES)
def item_options(request: AuthenticatedRequest) -> HttpResponse:
    vendor_id = int_param(request, "vendor")
    vendor = (
        Vendor.objects.visible_to(request.user).select_related("company").filter(pk=vendor_id).first()
        if vendor_id
        else None
    )
    term = request.GET.get("q", "")[:MAX_TERM].replace("\x00", "")
    items = item_lookup(actor=request.user, company=vendor.company, q=term) if vendor else []
    return render(
        request,
        "purchasing/buyer/item_options.html",
        {"items": items, "vendor": vendor, "term": term.strip()},
    )
