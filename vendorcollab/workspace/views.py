"""The vendor's workspace page ("Purchase order confirmation"): the PO tiles, the consignment tiles and the ten
newest POs for review, rendered once per change of what it shows (``purchasing.fragments``).

It lives in an app of its own, above purchasing and consignment, because it reads both: consignment builds on
purchasing, so purchasing cannot import consignment without a cycle.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from vendorcollab.accounts.models import User
from vendorcollab.common.web import AuthenticatedRequest, vendor_required
from vendorcollab.consignment.models import ConsignmentMovement
from vendorcollab.consignment.selectors import consignment_counts_for_vendor
from vendorcollab.invoicing import selectors as invoicing_selectors
from vendorcollab.invoicing.selectors import VendorInvoiceList
from vendorcollab.purchasing import fragments, selectors
from vendorcollab.purchasing.selectors import VendorList

# The three lists the workspace opens with; the fourth page (all confirmed) and history are linked below them.
WORKSPACE_LISTS = (VendorList.FOR_REVIEW, VendorList.AWAITING_CUSTOMER, VendorList.OPEN_CONFIRMED)
WORKSPACE_SECONDS = 300


def vendor_workspace_stamp(*, actor: User) -> str:
    """The vendor's PO stamp, plus the last movement of its consignment stock (every change of a balance writes
    one): the consignment tiles change with it."""
    return fragments.vendor_stamp(
        actor=actor,
        also=[fragments.latest(ConsignmentMovement.objects.all(), "created_at")],
    )


@vendor_required
def workspace(request: AuthenticatedRequest) -> HttpResponse:
    def content() -> str:
        counts = selectors.po_count_for_vendor(actor=request.user)
        for_review = selectors.po_page_for_vendor(actor=request.user, which=VendorList.FOR_REVIEW)[:10]
        context = {
            "tiles": [(which, counts[which]) for which in WORKSPACE_LISTS],
            "all_confirmed_count": counts[VendorList.ALL_CONFIRMED],
            "for_review": for_review,
            "consignment": consignment_counts_for_vendor(actor=request.user),
        }
        return render_to_string("purchasing/vendor/workspace_content.html", context, request=request)

    key = "vendor-workspace:" + vendor_workspace_stamp(actor=request.user)
    html = fragments.cached_fragment(key, content, seconds=WORKSPACE_SECONDS)
    # Invoice counts change with every invoice and receipt, which the PO stamp does not see: counted on each visit
    # (one query, whatever the number of invoices).
    invoice_counts = invoicing_selectors.vendor_invoice_counts(actor=request.user)
    invoicing_tiles = [(which, invoice_counts[which]) for which in VendorInvoiceList]
    # The fragment is our own template's output, escaped when it was rendered.
    return render(
        request,
        "purchasing/vendor/workspace.html",
        {"content": mark_safe(html), "invoicing_tiles": invoicing_tiles},
    )
