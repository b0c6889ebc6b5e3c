"""The workspace pages: the vendor's ("Purchase order confirmation": the PO tiles, the consignment tiles and the ten
newest POs for review, rendered once per change of what it shows, ``purchasing.fragments``) and the buyer's
("Purchase order preparation": the PO tiles, the invoices on hold, the responses waiting).

They live in an app of their own, above purchasing, consignment and invoicing, because they read all of them:
consignment and invoicing build on purchasing, so purchasing cannot import them without a cycle.
"""

from __future__ import annotations

from django.db.models import F
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
from vendorcollab.invoicing.models import Invoice
from vendorcollab.invoicing.selectors import BuyerInvoiceList, VendorInvoiceList
from vendorcollab.performance.models import VendorMonth
from vendorcollab.performance.vendor_views import on_time_tiles
from vendorcollab.purchasing import fragments, selectors
from vendorcollab.purchasing.selectors import BuyerList, Sort, VendorList
from vendorcollab.purchasing.views.receiving import lands_on_receiving
from vendorcollab.shipping.models import ShipNotice

# The three lists the workspace opens with; the fourth page (all confirmed) and history are linked below them.
WORKSPACE_LISTS = (VendorList.FOR_REVIEW, VendorList.AWAITING_CUSTOMER, VendorList.OPEN_CONFIRMED)
WORKSPACE_SECONDS = 300


def vendor_workspace_stamp(*, actor: User) -> str:
    """Everything the vendor's workspace shows, in the one query of ``fragments.vendor_stamp``: the vendor's POs,
    plus the last movement of its consignment stock (every change of a balance writes one), the newest change of
    any invoice and of any ship notice (their tiles; an invoice's "ready to invoice" follows a receipt, which saves
    the PO, or an invoice), and its vendor months (the on-time tile: every refresh stamps the months it rewrites,
    and their number tells a deleted one), with the day, since this month's due lines count once their date has
    passed, and the companies' delivery tolerance."""
    return fragments.vendor_stamp(
        actor=actor,
        also=lambda: [
            fragments.latest(ConsignmentMovement.objects.all(), "created_at"),
            fragments.newest(Invoice.objects.all(), "updated_at"),
            fragments.newest(ShipNotice.objects.all(), "updated_at"),
            fragments.latest(VendorMonth.objects.all(), "summed_at"),
            fragments.count_of(VendorMonth.objects.all(), "month"),
            F("company__delivery_tolerance_days"),
        ],
        day=True,
        kind="vendor-workspace",
    )


@vendor_required
def workspace(request: AuthenticatedRequest) -> HttpResponse:
    def content() -> str:
        counts = selectors.po_count_for_vendor(actor=request.user)
        for_review = selectors.po_page_for_vendor(actor=request.user, which=VendorList.FOR_REVIEW)[:10]
        invoice_counts = invoicing_selectors.vendor_invoice_counts(actor=request.user)
        context = {
            "tiles": [(which, counts[which]) for which in WORKSPACE_LISTS],
            "all_confirmed_count": counts[VendorList.ALL_CONFIRMED],
            "for_review": for_review,
            "consignment": consignment_counts_for_vendor(actor=request.user),
            "invoicing_tiles": [(which, invoice_counts[which]) for which in VendorInvoiceList],
            # The last three months' on-time share per vendor account (``on_time_tiles``).
            "performance_tiles": on_time_tiles(request.user),
        }
        return render_to_string("purchasing/vendor/workspace_content.html", context, request=request)

    # Every tile is in the fragment, rendered once per change of what it shows (the stamp): a visit reads the
    # stamp and the page around it, whatever the vendor has.
    key = "vendor-workspace:" + vendor_workspace_stamp(actor=request.user)
    html = fragments.cached_fragment(key, content, seconds=WORKSPACE_SECONDS)
    # The fragment is our own template's output, escaped when it was rendered.
    return render(request, "purchasing/vendor/workspace.html", {"content": mark_safe(html)})


@buyer_required()
def buyer_workspace(request: AuthenticatedRequest) -> HttpResponse:
    if lands_on_receiving(request.user):
        return redirect("buyer:receiving")
    if lands_on_invoices(request.user):
        return redirect("buyer:invoices")
    counts = selectors.po_count_for_buyer(actor=request.user)
    requiring_action = selectors.shown_in_buyer_table(
        selectors.po_page_for_buyer(actor=request.user, which=BuyerList.REQUIRING_ACTION, sort=Sort.OLDEST)
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
