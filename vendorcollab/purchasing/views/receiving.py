"""The receiving clerk's workspace (what is left to receive, overdue first) and product receipts, posted against
confirmed lines: partial or full, never more than remains.

The page is one plain form post (a quantity per line, blank for nothing); ``receipt_post`` checks every rule and
refuses the whole receipt on any error, whose field paths (``lines.N.quantity``, N the position in the list sent)
are mapped back to the line's own input here.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy, ngettext

from vendorcollab.accounts.models import PURCHASING_ROLES, RECEIVING_ROLES, Role, User
from vendorcollab.common.errors import AppError, Conflict
from vendorcollab.common.formatting import plain_number
from vendorcollab.common.receiving import LineQuantitiesForm, QuantityRow
from vendorcollab.common.web import AuthenticatedRequest, buyer_required, int_param, paginate
from vendorcollab.common.widgets import DateInput
from vendorcollab.partners.models import Company

from .. import selectors, transitions
from ..models import POStatus, PurchaseOrder, PurchaseOrderLine, Receipt
from ..receiving_selectors import DueWhen, ReceivingSort, po_count_to_receive, po_page_to_receive, week_end
from ..services import ReceiptLineInput, receipt_post
from ..transitions import Action

FILL_COMMAND = "fill_remaining"


def lands_on_receiving(user: User) -> bool:
    """A receiving clerk who does not also purchase starts on the receiving workspace, not the agent's."""
    return user.has_role(Role.RECEIVING_CLERK) and not user.has_role(*PURCHASING_ROLES)


@buyer_required(*RECEIVING_ROLES)
def receiving_workspace(request: AuthenticatedRequest) -> HttpResponse:
    """Tiles (overdue, due this week, open), then the POs to receive: searched, filtered and paged like every list."""
    today = timezone.localdate()
    due = request.GET.get("due", "")
    due = due if due in DueWhen.values else DueWhen.OPEN
    sort = request.GET.get("sort", "")
    rows = po_page_to_receive(
        actor=request.user,
        today=today,
        due=due,
        q=request.GET.get("q", ""),
        company=int_param(request, "company"),
        sort=sort,
    )
    counts = po_count_to_receive(actor=request.user, today=today)
    page = paginate(request, rows)
    return render(
        request,
        "purchasing/buyer/receiving_workspace.html",
        {
            "tiles": [(which, counts[which]) for which in DueWhen],
            "due": DueWhen(due),
            "page": page,
            # Each row with where it stands (the page's rows are read once, here).
            "rows": [(po, DueWhen.of(po.next_due, today)) for po in page],
            "companies": Company.objects.order_by("code"),
            "sorts": ReceivingSort.choices,
            "current_sort": sort if sort in ReceivingSort.values else ReceivingSort.DUE,
            "today": today,
            "week_end": week_end(today),
            "search_label": gettext_lazy("Search PO number, vendor or item"),
        },
    )


class ReceiptForm(LineQuantitiesForm):
    """The received date and one optional quantity per line that can still be received (``LineQuantitiesForm``,
    shared with replenishment receipts)."""

    received_date = forms.DateField(label=gettext_lazy("Received on"), widget=DateInput())

    def __init__(self, lines: Sequence[PurchaseOrderLine], *args: Any, **kwargs: Any) -> None:
        super().__init__(lines, *args, **kwargs)
        today = timezone.localdate()
        self.fields["received_date"].initial = today
        self.fields["received_date"].widget.attrs["max"] = today.isoformat()

    @classmethod
    def filled(cls, lines: Sequence[PurchaseOrderLine], data: Any) -> ReceiptForm:
        """The form as posted, every quantity input set to what remains on its line ("Receive everything
        remaining" without JavaScript); the date as typed."""
        filled = data.copy()
        for line in lines:
            if not line.is_cancelled and line.remaining_quantity > 0:
                filled[cls.field_name(line.line_number)] = plain_number(line.remaining_quantity)
        return cls(lines, filled)


def _blocked_reason(po: PurchaseOrder, request: AuthenticatedRequest) -> str | None:
    """Why no receipt can be posted on this PO now (the life cycle's own message), or None."""
    try:
        transitions.check(po, Action.RECEIVE, actor=request.user)
    except AppError as error:
        return error.rendered_message()
    return None


def _posted_message(po: PurchaseOrder, receipt: Receipt, entries: Sequence[ReceiptLineInput]) -> str:
    """One translatable message per outcome, so that a translator sees whole sentences together."""
    posted = {entry.line_number: entry.quantity for entry in entries}
    count = len(entries)
    # The service returns the receipt on the PO it locked, so its status is the one it just set.
    if receipt.purchase_order.status == POStatus.RECEIVED:
        return ngettext(
            "Receipt posted for %(number)s: %(count)s line. The purchase order is fully received.",
            "Receipt posted for %(number)s: %(count)s lines. The purchase order is fully received.",
            count,
        ) % {"number": po.number, "count": count}
    still_open = sum(
        1 for line in po.lines.all() if line.remaining_quantity - posted.get(line.line_number, Decimal(0)) > 0
    )
    params = {"number": po.number, "count": count, "open": still_open}
    # Two counts in one message: the plural form follows the lines still open, the wording the lines posted.
    if count == 1:
        return (
            ngettext(
                "Receipt posted for %(number)s: %(count)s line. %(open)s line is still to be received.",
                "Receipt posted for %(number)s: %(count)s line. %(open)s lines are still to be received.",
                still_open,
            )
            % params
        )
    return (
        ngettext(
            "Receipt posted for %(number)s: %(count)s lines. %(open)s line is still to be received.",
            "Receipt posted for %(number)s: %(count)s lines. %(open)s lines are still to be received.",
            still_open,
        )
        % params
    )


@buyer_required(*RECEIVING_ROLES)
def po_receive(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    po = selectors.po_get_for_buyer(actor=request.user, pk=pk)
    lines = list(po.lines.all())
    blocked = _blocked_reason(po, request)
    if blocked is not None:
        return _render(request, po, None, blocked, status=409 if request.method == "POST" else 200)
    if request.method != "POST":
        return _render(request, po, ReceiptForm(lines))
    if request.POST.get("command") == FILL_COMMAND:
        return _render(request, po, ReceiptForm.filled(lines, request.POST))
    form = ReceiptForm(lines, request.POST)
    if form.is_valid():
        entries = form.entries()
        try:
            receipt = receipt_post(
                actor=request.user,
                purchase_order=po,
                lines=entries,
                received_date=form.cleaned_data["received_date"],
            )
        except Conflict as error:
            # The PO changed under us (cancelled, taken back to draft, received by a colleague).
            return _render(request, po, None, error.rendered_message(), status=409)
        except AppError as error:
            form.add_service_error(error, entries)
        else:
            messages.success(request, _posted_message(po, receipt, entries))
            return redirect("buyer:po_detail", pk=po.pk)
    return _render(request, po, form, status=422)


def _render(
    request: AuthenticatedRequest,
    po: PurchaseOrder,
    form: ReceiptForm | None,
    blocked: str | None = None,
    *,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "purchasing/buyer/receive.html",
        {
            "po": po,
            "form": form,
            "rows": form.rows() if form is not None else [QuantityRow(line, None) for line in po.lines.all()],
            "blocked": blocked,
            "fill_command": FILL_COMMAND,
        },
        status=status,
    )
