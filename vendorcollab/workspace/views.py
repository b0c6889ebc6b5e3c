"""The workspace pages: the vendor's ("Purchase order confirmation": the PO tiles, the consignment tiles and the ten
newest POs for review, rendered once per change of what it shows, ``purchasing.fragments``) and the buyer's
("Purchase order preparation": the PO tiles, the invoices on hold, the responses waiting).

They live in an app of their own, above purchasing, consignment and invoicing, because they read all of them:
consignment and invoicing build on purchasing, so purchasing cannot import them without a cycle.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from vendorcollab.accounts.models import User
from vendorcollab.common.web import AuthenticatedRequest, buyer_required, vendor_required
from vendorcollab.consignment.models import ConsignmentMovement
from vendorcollab.consignment.selectors import consignment_counts_for_vendor
from vendorcollab.invoicing import selectors as invoicing_selectors
from vendorcollab.invoicing.buyer_views import lands_on_invoices
from vendorcollab.invoicing.selectors import BuyerInvoiceList, VendorInvoiceList
from vendorcollab.performance.vendor_views import on_time_tiles
from vendorcollab.purchasing import fragments, selectors
from vendorcollab.purchasing.selectors import BuyerList, Sort, VendorList
from vendorcollab.purchasing.views.receiving import lands_on_receiving

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
        {
            "content": mark_safe(html),
            "invoicing_tiles": invoicing_tiles,
            # The last three months' on-time share per vendor account (``on_time_tiles``).
            "performance_tiles": on_time_tiles(request.user),
        },
    )


@buyer_required()
def buyer_workspace(request: AuthenticatedRequest) -> HttpResponse:
    if lands_on_receiving(request.user):
        return redirect("buyer:receiving")
    if lands_on_invoices(request.user):
        return redirect("buyer:invoices")
    counts = selectors.po_count_for_buyer(actor=request.user)
    requiring_action = selectors.po_page_for_buyer(
        actor=request.user, which=BuyerList.REQUIRING_ACTION, sort=Sort.OLDEST
    )[:10]
    invoice_counts = invoicing_selectors.buyer_invoice_counts(actor=request.user)
    return render(
        request,
        "purchasing/buyer/workspace.html",
        {
            "tiles": [(which, counts[which]) for which in BuyerList],
            # The invoices that wait for a buyer's decision: on hold after the match.
            "invoice_tile": (BuyerInvoiceList.ON_HOLD, invoice_counts[BuyerInvoiceList.ON_HOLD]),
            "requiring_action": requiring_action,
        },
    )
