"""Every read of invoices, scoped to the actor: the vendor's invoicing workspace (what to invoice, and its invoices
by status), the buyer's invoice workspace, one invoice with what its page shows, and the prefills of a new invoice
or credit note.

Each list is one indexed query (``Invoice`` indexes ``invoice_vendor_status`` and ``invoice_status_submitted``, the
PO's partial index ``po_vendor_to_invoice``); the tiles' counts are one aggregate per table.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Sum, TextChoices
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vendorcollab.accounts.models import User
from vendorcollab.common.counting import aggregated, listed, table_stamp
from vendorcollab.partners.models import Vendor
from vendorcollab.partners.tax import line_rate
from vendorcollab.purchasing.models import Origin, PurchaseOrder, PurchaseOrderLine, Visibility
from vendorcollab.purchasing.selectors import Sort, _ordering, po_table_stamp

from .errors import not_found
from .inputs import InvoiceInput, InvoiceLineInput
from .models import (
    COUNTING_STATUSES,
    SUBMITTED_STATUSES,
    Invoice,
    InvoiceAttachment,
    InvoiceEvent,
    InvoiceKind,
    InvoiceLine,
    InvoiceNote,
    InvoiceStatus,
)


class VendorInvoiceList(TextChoices):
    """The vendor invoicing workspace's lists. The first two list purchase orders (what to invoice), the others
    the vendor's invoices and credit notes by status."""

    READY_TO_INVOICE = "ready_to_invoice", _("Purchase orders ready to invoice")
    CONSIGNMENT = "consignment", _("Consignment receipts not yet invoiced")
    DRAFT = "draft", _("Draft invoices")
    SUBMITTED = "submitted", _("Submitted invoices")
    REJECTED = "rejected", _("Rejected invoices")
    APPROVED = "approved", _("Approved invoices")
    PAID = "paid", _("Paid invoices")

    @property
    def lists_purchase_orders(self) -> bool:
        return self in (VendorInvoiceList.READY_TO_INVOICE, VendorInvoiceList.CONSIGNMENT)

    @property
    def needs_action(self) -> bool:
        """The lists that wait for the vendor: something received to invoice, an invoice the buyer rejected."""
        return self in (VendorInvoiceList.READY_TO_INVOICE, VendorInvoiceList.CONSIGNMENT, VendorInvoiceList.REJECTED)

    @property
    def statuses(self) -> tuple[str, ...]:
        return _VENDOR_STATUSES.get(self, ())


_VENDOR_STATUSES: dict[VendorInvoiceList, tuple[str, ...]] = {
    VendorInvoiceList.DRAFT: (InvoiceStatus.DRAFT,),
    VendorInvoiceList.SUBMITTED: SUBMITTED_STATUSES,
    VendorInvoiceList.REJECTED: (InvoiceStatus.REJECTED,),
    VendorInvoiceList.APPROVED: (InvoiceStatus.APPROVED,),
    VendorInvoiceList.PAID: (InvoiceStatus.PAID,),
}


class BuyerInvoiceList(TextChoices):
    """The buyer's invoice workspace: on hold first, then what waits for approval, then the decided ones."""

    ON_HOLD = "on_hold", _("Invoices on hold")
    MATCHED = "matched", _("Matched invoices awaiting approval")
    APPROVED = "approved", _("Approved invoices awaiting payment")
    REJECTED = "rejected", _("Rejected invoices")
    PAID = "paid", _("Paid invoices")
    ALL = "all", _("All invoices")

    @property
    def needs_action(self) -> bool:
        """On hold and matched invoices wait for the buyer's decision."""
        return self in (BuyerInvoiceList.ON_HOLD, BuyerInvoiceList.MATCHED)

    @property
    def statuses(self) -> tuple[str, ...]:
        if self == BuyerInvoiceList.ALL:
            return tuple(status for status in InvoiceStatus.values if status != InvoiceStatus.DRAFT)
        return (self.value,)


def credited_elsewhere(credited: Invoice, *, exclude: Invoice | None = None) -> dict[int, Decimal]:
    """Per PO line, what the credit notes of ``credited`` that count (submitted, not rejected) already gave back."""
    rows = InvoiceLine.objects.filter(
        invoice__credited_invoice=credited, invoice__status__in=COUNTING_STATUSES
    ).exclude(invoice=exclude)
    totals = rows.values("po_line_id").annotate(total=Sum("quantity")).order_by()
    return {row["po_line_id"]: row["total"] for row in totals}


# --- what the vendor can invoice ------------------------------------------------------------------------------------


def _vendor_pos(actor: User) -> QuerySet[PurchaseOrder]:
    return PurchaseOrder.objects.visible_to(actor).filter(vendor_id__in=actor.vendor_ids)


def purchase_orders_to_invoice(*, actor: User, consignment: bool = False) -> QuerySet[PurchaseOrder]:
    """The actor's POs with something received and not yet invoiced: collaborative ones, or consignment ones (each
    created already received by an ownership change)."""
    rows = _vendor_pos(actor).filter(has_uninvoiced_receipts=True)
    rows = rows.filter(origin=Origin.CONSIGNMENT) if consignment else rows.exclude(origin=Origin.CONSIGNMENT)
    return rows.select_related("company", "vendor")


def invoiceable_lines(
    *, actor: User, vendor_id: int | None = None, purchase_order_id: int | None = None
) -> QuerySet[PurchaseOrderLine]:
    """PO lines received and not yet invoiced (consignment POs included), of the actor's vendor accounts, in PO and
    line order."""
    pos = _vendor_pos(actor).filter(has_uninvoiced_receipts=True)
    if vendor_id is not None:
        pos = pos.filter(vendor_id=vendor_id)
    if purchase_order_id is not None:
        pos = pos.filter(pk=purchase_order_id)
    return (
        PurchaseOrderLine.objects.filter(purchase_order__in=pos, received_quantity__gt=F("invoiced_quantity"))
        .select_related("purchase_order", "item")
        .order_by("purchase_order_id", "line_number")
    )


def lines_prefill(*, actor: User, vendor_id: int, purchase_order_ids: Sequence[int]) -> list[InvoiceLineInput]:
    """The lines of a new invoice from some POs of one vendor account: everything received and not yet invoiced, at
    the PO's price and tax (``None``: the service takes them from the PO line). A PO line stored before lines took
    a default rate has no percentage: it gets its item's, else its company's, for the same category, so that the
    vendor types none."""
    lines = (
        invoiceable_lines(actor=actor, vendor_id=vendor_id)
        .filter(purchase_order_id__in=list(purchase_order_ids))
        .select_related("purchase_order__company")
    )
    prefilled = []
    for line in lines:
        rate = None
        if line.tax_percent is None:
            rate = line_rate(line.tax_category, None, item=line.item, company=line.purchase_order.company)
        prefilled.append(
            InvoiceLineInput(
                purchase_order_id=line.purchase_order_id,
                line_number=line.line_number,
                quantity=line.invoiceable_quantity,
                tax_percent=rate.percent if rate is not None else None,
            )
        )
    return prefilled


def credit_prefill(*, actor: User, invoice: Invoice) -> InvoiceInput:
    """A credit note for ``invoice`` (fetched through ``invoice_get``) giving back everything not yet given back,
    at the invoiced prices and taxes. The vendor chooses the number."""
    left = credited_elsewhere(invoice)
    lines = [
        InvoiceLineInput(
            purchase_order_id=line.purchase_order_id,
            line_number=line.po_line.line_number,
            quantity=line.quantity - left.get(line.po_line_id, Decimal(0)),
            unit_price=line.unit_price,
            tax_category=line.tax_category,
            tax_percent=line.tax_percent,
            tax_exemption_reason=line.tax_exemption_reason if not line.tax_exemption_reason_code else "",
        )
        for line in invoice.lines.select_related("po_line").order_by("line_number")
        if line.quantity > left.get(line.po_line_id, Decimal(0))
    ]
    return InvoiceInput(
        vendor_id=invoice.vendor_id,
        number="",
        issue_date=timezone.localdate(),
        kind=InvoiceKind.CREDIT_NOTE,
        currency=invoice.currency,
        buyer_reference=invoice.buyer_reference,
        credited_invoice_id=invoice.pk,
        lines=lines,
        charges=[],
    )


# --- the lists -----------------------------------------------------------------------------------------------------


def _vendor_invoices(actor: User) -> QuerySet[Invoice]:
    # A buyer who opens a vendor list sees no vendor's list.
    return Invoice.objects.visible_to(actor).filter(vendor_id__in=actor.vendor_ids)


def _with_po_search(rows: QuerySet[Invoice], term: str) -> QuerySet[Invoice]:
    on_po = Exists(InvoiceLine.objects.filter(invoice_id=OuterRef("pk"), purchase_order__number__icontains=term))
    return rows.filter(Q(number__icontains=term) | on_po)


def vendor_invoice_page(
    *, actor: User, which: VendorInvoiceList, q: str = "", company: int | None = None, sort: str = Sort.NEWEST
) -> QuerySet[PurchaseOrder] | QuerySet[Invoice]:
    """A page of the vendor invoicing workspace: POs for the two "to invoice" lists (searched by PO number),
    invoices for the others (searched by invoice or PO number, newest issue date first by default)."""
    term = q.strip()
    if which.lists_purchase_orders:
        pos = purchase_orders_to_invoice(actor=actor, consignment=which == VendorInvoiceList.CONSIGNMENT)
        if term:
            pos = pos.filter(number__icontains=term)
        if company:
            pos = pos.filter(company_id=company)
        # Newest PO first, along the partial index ``po_vendor_to_invoice``.
        return pos.order_by(*_ordering(sort, date="pk", number=("number",)))
    rows = _vendor_invoices(actor).filter(status__in=which.statuses).select_related("company", "vendor")
    if term:
        rows = _with_po_search(rows, term)
    if company:
        rows = rows.filter(company_id=company)
    return rows.order_by(*_ordering(sort, date="issue_date", number=("number",)))


def buyer_invoice_page(
    *,
    actor: User,
    which: BuyerInvoiceList,
    q: str = "",
    company: int | None = None,
    vendor: int | None = None,
    sort: str = "",
) -> QuerySet[Invoice]:
    """A page of the buyer's invoice workspace, searched by invoice number, vendor or PO number. By default the
    lists waiting for a decision show the longest waiting first, the others the newest first."""
    if not actor.is_buyer:
        return Invoice.objects.none()
    rows = Invoice.objects.visible_to(actor).filter(status__in=which.statuses).select_related("company", "vendor")
    term = q.strip()
    if term:
        on_po = Exists(InvoiceLine.objects.filter(invoice_id=OuterRef("pk"), purchase_order__number__icontains=term))
        rows = rows.filter(
            Q(number__icontains=term) | Q(vendor__name__icontains=term) | Q(vendor__number__icontains=term) | on_po
        )
    if company:
        rows = rows.filter(company_id=company)
    if vendor:
        rows = rows.filter(vendor_id=vendor)
    if not sort:
        sort = Sort.OLDEST if which.needs_action else Sort.NEWEST
    return rows.order_by(*_ordering(sort, date="submitted_at", number=("number",)))


def vendors_in_buyer_list(
    *, actor: User, which: BuyerInvoiceList, company: int | None = None, chosen: int | None = None
) -> list[dict[str, Any]]:
    """The choices of a buyer list's vendor filter: the vendor accounts with an invoice in that list (and company),
    plus the one chosen, as plain values in one query. A buyer has a thousand vendor accounts, most with nothing
    on hold; offering every one would make the filter long to read and the page slow to render."""
    if not actor.is_buyer:
        return []
    in_list = Invoice.objects.visible_to(actor).filter(vendor_id=OuterRef("pk"), status__in=which.statuses)
    # One probe of ``invoice_vendor_status`` per vendor account rather than a DISTINCT over every invoice.
    vendors = Vendor.objects.filter(Exists(in_list) | Q(pk=chosen or 0))
    if company:
        vendors = vendors.filter(company_id=company)
    # Kept per change of the invoices (a renamed vendor shows within ``COUNT_SECONDS`` at the latest).
    return listed(vendors.order_by("company__code", "number").values("pk", "number", "name"), invoice_table_stamp)


def _ready_to_invoice_stamp() -> str:
    """What "ready to invoice" follows: a receipt saves its PO; an invoice submitted, rejected or credited saves
    the invoice (the POs' flag is then updated without saving them)."""
    return f"{po_table_stamp()}|{invoice_table_stamp()}"


def vendor_invoice_counts(actor: User) -> dict[VendorInvoiceList, int]:
    """The counts of every vendor tile: one aggregate over the POs, one over the invoices, each kept per change of
    what it counts (the vendor's workspace shows them on every visit)."""
    pos = _vendor_pos(actor).filter(has_uninvoiced_receipts=True)
    po_counts = aggregated(
        pos,
        _ready_to_invoice_stamp,
        ready=Count("pk", filter=~Q(origin=Origin.CONSIGNMENT)),
        consignment=Count("pk", filter=Q(origin=Origin.CONSIGNMENT)),
    )
    invoice_counts = aggregated(
        _vendor_invoices(actor),
        invoice_table_stamp,
        **{
            which.value: Count("pk", filter=Q(status__in=which.statuses))
            for which in VendorInvoiceList
            if not which.lists_purchase_orders
        },
    )
    counts = {which: invoice_counts.get(which.value, 0) for which in VendorInvoiceList}
    counts[VendorInvoiceList.READY_TO_INVOICE] = po_counts["ready"]
    counts[VendorInvoiceList.CONSIGNMENT] = po_counts["consignment"]
    return counts


def buyer_invoice_counts(actor: User) -> dict[BuyerInvoiceList, int]:
    """The counts of every buyer tile, in one aggregate."""
    if not actor.is_buyer:
        return dict.fromkeys(BuyerInvoiceList, 0)
    # Accounts payable look at the tiles all day over every invoice of every vendor: counted once per change.
    counts = aggregated(
        Invoice.objects.visible_to(actor),
        invoice_table_stamp,
        **{which.value: Count("pk", filter=Q(status__in=which.statuses)) for which in BuyerInvoiceList},
    )
    return {which: counts[which.value] for which in BuyerInvoiceList}


def invoice_table_stamp() -> str:
    """What changes whenever an invoice is added or changed: every change saves the invoice
    (``common.counting.table_stamp``). Only drafts are ever deleted, and no buyer count includes a draft."""
    return table_stamp(Invoice.objects.all())


def po_numbers(invoices: Iterable[Invoice]) -> dict[int, list[str]]:
    """The numbers of the POs each invoice of a page covers, in two queries: the list's "purchase orders" column."""
    ids = [invoice.pk for invoice in invoices]
    found: dict[int, list[str]] = {pk: [] for pk in ids}
    # Two queries rather than a join: an invoice has about ten lines per PO, and joining every line to its PO before
    # the DISTINCT read 2,500 POs for a page of 25 invoices (10 ms at 117,000 invoices).
    pairs = list(
        InvoiceLine.objects.filter(invoice_id__in=ids)
        .values_list("invoice_id", "purchase_order_id")
        .distinct()
        .order_by()
    )
    numbers = dict(
        PurchaseOrder.objects.filter(pk__in={po_id for _invoice, po_id in pairs}).values_list("pk", "number")
    )
    for invoice_id, po_id in pairs:
        found[invoice_id].append(numbers[po_id])
    for listed_numbers in found.values():
        listed_numbers.sort()
    return found


# --- one invoice ---------------------------------------------------------------------------------------------------


def invoice_get(*, actor: User, pk: int) -> Invoice:
    """One invoice the actor may see with what its page shows (lines with their PO lines, charges, the notes the
    actor may read, attachments), or ``NotFound``: also when it exists but is another vendor's, or a draft the buyer
    must not see."""
    notes = InvoiceNote.objects.select_related("author")
    if not actor.is_buyer:
        notes = notes.filter(visibility=Visibility.EXTERNAL)
    invoice = (
        Invoice.objects.visible_to(actor)
        .select_related("company", "vendor", "credited_invoice", "created_by", "status_changed_by")
        .annotate(
            has_credit_notes=Exists(
                Invoice.objects.filter(credited_invoice_id=OuterRef("pk"), status__in=COUNTING_STATUSES)
            )
        )
        .prefetch_related(
            # The lines' own allowances and charges too: the documents, the totals and an edit of
            # the draft (``InvoiceInput.of``) read them on every line.
            Prefetch(
                "lines",
                queryset=InvoiceLine.objects.select_related("purchase_order", "po_line__item").prefetch_related(
                    "charges"
                ),
            ),
            "charges",
            Prefetch("notes", queryset=notes),
            Prefetch("attachments", queryset=InvoiceAttachment.objects.select_related("uploaded_by")),
        )
        .filter(pk=pk)
        .first()
    )
    if invoice is None:
        raise not_found()
    return invoice


def invoice_events(*, invoice: Invoice) -> QuerySet[InvoiceEvent]:
    """The history of an invoice fetched through ``invoice_get``, newest first."""
    return InvoiceEvent.objects.filter(invoice=invoice).select_related("actor").order_by("-pk")


def invoice_credit_notes(*, actor: User, invoice: Invoice) -> QuerySet[Invoice]:
    """The credit notes of an invoice that the actor may see."""
    return Invoice.objects.visible_to(actor).filter(credited_invoice=invoice).order_by("pk")


def invoice_attachment_get(*, actor: User, pk: int) -> InvoiceAttachment:
    """A file of an invoice the actor may see."""
    attachment = (
        InvoiceAttachment.objects.filter(pk=pk, invoice__in=Invoice.objects.visible_to(actor))
        .select_related("invoice")
        .first()
    )
    if attachment is None:
        raise not_found()
    return attachment


def invoices_of_purchase_order(*, actor: User, purchase_order: PurchaseOrder) -> QuerySet[Invoice]:
    """The invoices and credit notes with a line on a PO (fetched through a scoped selector), for the PO's page."""
    return (
        Invoice.objects.visible_to(actor)
        .filter(Exists(InvoiceLine.objects.filter(invoice_id=OuterRef("pk"), purchase_order=purchase_order)))
        .order_by("pk")
    )


def po_lines_for_form(*, actor: User, keys: list[tuple[int, int]]) -> dict[tuple[int, int], PurchaseOrderLine]:
    """The PO lines an invoice form names, as this vendor user may see them, keyed by (PO id, line number), to show
    beside each input what it invoices. Lines of POs out of reach are left out: the service refuses them in its own
    words."""
    po_ids = {po_id for po_id, _line in keys}
    visible = PurchaseOrder.objects.visible_to(actor).filter(vendor_id__in=actor.vendor_ids, pk__in=po_ids)
    lines = PurchaseOrderLine.objects.filter(purchase_order__in=visible).select_related("purchase_order", "item")
    return {(line.purchase_order_id, line.line_number): line for line in lines}


def vendor_for_invoice(*, actor: User, vendor_id: int | None) -> Vendor:
    """The vendor account an invoice form is for, among the user's own (404 otherwise)."""
    accounts = Vendor.objects.visible_to(actor).filter(pk__in=actor.vendor_ids).select_related("company")
    vendor = accounts.filter(pk=vendor_id).first() if vendor_id is not None else None
    if vendor is None:
        raise not_found()
    return vendor
