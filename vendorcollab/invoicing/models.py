"""Vendor invoices and credit notes: what the vendor bills against received PO lines, and how the buyer decides.

An invoice belongs to one vendor account (so one company and one currency). Each line invoices a quantity of one
received PO line; ``PurchaseOrderLine.invoiced_quantity`` is the running total over every submitted, not rejected
invoice minus credit notes, kept under row locks so that nothing is ever invoiced twice. The status moves only
through ``invoicing.transitions``; the history of an invoice is its append-only events.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vendorcollab.common.models import AppendOnlyModel
from vendorcollab.partners.models import Company, Vendor
from vendorcollab.purchasing.models import (
    ZERO,
    PurchaseOrder,
    PurchaseOrderLine,
    Visibility,
    amount_field,
    price_field,
    quantity_field,
)

if TYPE_CHECKING:
    from vendorcollab.accounts.models import User


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")


class InvoiceStatus(models.TextChoices):
    """The life cycle (``transitions.TABLE``). Submitting matches at once: a submitted invoice is ``matched`` or
    ``on_hold``; there is no status in between that a person could ever see."""

    DRAFT = "draft", _("Draft")
    MATCHED = "matched", _("Matched")
    ON_HOLD = "on_hold", _("On hold")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    PAID = "paid", _("Paid")


# The statuses in which an invoice's quantities count against what was received (a draft reserves nothing; a
# rejected invoice has released its quantities).
COUNTING_STATUSES = (InvoiceStatus.MATCHED, InvoiceStatus.ON_HOLD, InvoiceStatus.APPROVED, InvoiceStatus.PAID)
SUBMITTED_STATUSES = (InvoiceStatus.MATCHED, InvoiceStatus.ON_HOLD)


class InvoiceOrigin(models.TextChoices):
    PORTAL = "portal", _("Entered in the portal")
    API = "api", _("Received through the API")
    UBL = "ubl", _("Imported from a UBL document")


class ExceptionKind(models.TextChoices):
    """Why a submitted invoice is on hold. A quantity above what was received and not yet invoiced is never an
    exception: it is refused (``over_invoiced``)."""

    PRICE = "price", _("Price differs from the purchase order")
    TAX = "tax", _("Tax differs from the purchase order")
    CHARGE = "charge", _("Charge or allowance not on the purchase order")
    TOTAL = "total", _("Total differs from the purchase order")


class InvoiceEventKind(models.TextChoices):
    CREATED = "created", _("Created")
    UPDATED = "updated", _("Draft changed")
    SUBMITTED = "submitted", _("Submitted")
    MATCHED = "matched", _("Matched")
    ON_HOLD = "on_hold", _("Put on hold")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    PAID = "paid", _("Payment recorded")
    NOTE_ADDED = "note_added", _("Note added")


class InvoiceQuerySet(models.QuerySet["Invoice"]):
    def visible_to(self, actor: User) -> InvoiceQuerySet:
        """Buyers see every submitted invoice (never a vendor's draft); a vendor user its own accounts' invoices."""
        if actor.is_buyer:
            return self.exclude(status=InvoiceStatus.DRAFT)
        if actor.is_vendor_user:
            return self.filter(vendor_id__in=actor.vendor_ids)
        return self.none()


class Invoice(models.Model):
    vendor = models.ForeignKey(Vendor, models.PROTECT, related_name="invoices", verbose_name=_("vendor"))
    company = models.ForeignKey(Company, models.PROTECT, related_name="invoices", verbose_name=_("company"))
    kind = models.CharField(_("kind"), max_length=20, choices=InvoiceKind.choices, default=InvoiceKind.INVOICE)
    # The vendor's own number: unique per vendor account, the ID of the Invoice document.
    number = models.CharField(_("invoice number"), max_length=30)
    status = models.CharField(_("status"), max_length=20, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT)
    origin = models.CharField(_("origin"), max_length=10, choices=InvoiceOrigin.choices, default=InvoiceOrigin.PORTAL)
    issue_date = models.DateField(_("issue date"))
    due_date = models.DateField(_("due date"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3)
    # The buyer's reference (BT-10): PEPPOL asks for it or an order reference; filled from the POs when blank.
    buyer_reference = models.CharField(_("buyer's reference"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)
    # The invoice a credit note gives quantities back from.
    credited_invoice = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="credit_notes", verbose_name=_("credited invoice")
    )
    # Totals, computed by ``amounts`` whenever the lines change (EN 16931: each rounded half-up to 2 decimals).
    line_total = amount_field(_("sum of line amounts"), default=ZERO)
    allowance_total = amount_field(_("allowances"), default=ZERO)
    charge_total = amount_field(_("charges"), default=ZERO)
    tax_exclusive_total = amount_field(_("total without VAT"), default=ZERO)
    tax_total = amount_field(_("VAT"), default=ZERO)
    tax_inclusive_total = amount_field(_("total with VAT"), default=ZERO)
    # Paid before the invoice (BT-113, a deposit): the amount due is the total with VAT less this.
    prepaid_amount = amount_field(_("paid in advance"), default=ZERO)
    payable_amount = amount_field(_("amount due"), default=ZERO)
    # The match's findings on submit: [{"line_number": 1 | None, "kind": "price", "expected": "10.00",
    # "actual": "11.00"}]. Empty for a matched invoice.
    exceptions = models.JSONField(_("exceptions"), default=list, blank=True)
    reject_reason = models.TextField(_("reason for rejection"), blank=True)
    payment_date = models.DateField(_("payment date"), null=True, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-issue_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["vendor", "number"], name="invoice_number_unique_per_vendor"),
            models.CheckConstraint(
                condition=Q(kind=InvoiceKind.INVOICE) | Q(credited_invoice__isnull=False),
                name="credit_note_names_invoice",
            ),
        ]
        # The vendor's lists (one vendor account, one status, newest first) and the buyer's (one status, oldest
        # waiting first).
        indexes = [
            models.Index(fields=["vendor", "status", "-issue_date", "-id"], name="invoice_vendor_status"),
            models.Index(fields=["status", "submitted_at", "id"], name="invoice_status_submitted"),
            models.Index(fields=["company", "status"], name="invoice_company_status"),
            # The buyer's list of all invoices, newest submitted first (drafts are never the buyer's).
            models.Index(
                fields=["-submitted_at", "-id"],
                condition=~Q(status=InvoiceStatus.DRAFT),
                name="invoice_submitted_newest",
            ),
            # The table's stamp (``selectors.invoice_table_stamp``): its newest change read from the index's end.
            models.Index(fields=["updated_at", "id"], name="invoice_changed"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_credit_note(self) -> bool:
        return self.kind == InvoiceKind.CREDIT_NOTE

    @property
    def is_draft(self) -> bool:
        return self.status == InvoiceStatus.DRAFT

    @property
    def counts_against_receipts(self) -> bool:
        return self.status in COUNTING_STATUSES

    @property
    def sign(self) -> Decimal:
        """+1 for an invoice, -1 for a credit note: what the invoice does to ``invoiced_quantity``."""
        return Decimal(-1) if self.is_credit_note else Decimal(1)


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, models.CASCADE, related_name="lines")
    line_number = models.PositiveIntegerField(_("line"))
    purchase_order = models.ForeignKey(
        PurchaseOrder, models.PROTECT, related_name="invoice_lines", verbose_name=_("purchase order")
    )
    po_line = models.ForeignKey(
        PurchaseOrderLine, models.PROTECT, related_name="invoice_lines", verbose_name=_("purchase order line")
    )
    # Copied from the PO line when the line is made, so that the invoice reads the same after the PO changes.
    description = models.CharField(_("description"), max_length=300, blank=True)
    unit = models.CharField(_("unit"), max_length=10)
    unit_code = models.CharField(_("unit code"), max_length=3)
    quantity = quantity_field(_("quantity"))
    unit_price = price_field(_("unit price"))
    # The PO line's net unit price (after its discount) when the line was made: what the match compares with.
    order_unit_price = price_field(_("price on the purchase order"))
    tax_category = models.CharField(_("tax category"), max_length=2, default="S")
    tax_percent = models.DecimalField(_("tax %"), max_digits=5, decimal_places=2, default=ZERO)
    # Required by EN 16931 for E, AE, K, G and O (a VATEX code or a text); taken from the category when blank.
    tax_exemption_reason = models.CharField(_("VAT exemption reason"), max_length=200, blank=True)
    tax_exemption_reason_code = models.CharField(_("VAT exemption reason code"), max_length=30, blank=True)
    net_amount = amount_field(_("amount"), default=ZERO)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ["invoice_id", "line_number"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "line_number"], name="invoice_line_number_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="invoice_line_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="invoice_line_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id}/{self.line_number}"


class InvoiceCharge(models.Model):
    """A document-level allowance (``is_charge`` False) or charge (freight, packaging) with its own VAT."""

    invoice = models.ForeignKey(Invoice, models.CASCADE, related_name="charges")
    is_charge = models.BooleanField(_("charge"), default=True)
    # UNCL7161 for charges (FC freight, ABL packaging), UNCL5189 for allowances (95 discount); optional.
    reason_code = models.CharField(_("reason code"), max_length=3, blank=True)
    reason = models.CharField(_("reason"), max_length=200)
    amount = amount_field(_("amount"))
    tax_category = models.CharField(_("tax category"), max_length=2, default="S")
    tax_percent = models.DecimalField(_("tax %"), max_digits=5, decimal_places=2, default=ZERO)

    class Meta:
        verbose_name = _("allowance or charge")
        verbose_name_plural = _("allowances and charges")
        ordering = ["invoice_id", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="invoice_charge_amount_positive")]

    def __str__(self) -> str:
        return f"{self.reason} {self.amount}"


class InvoiceLineCharge(models.Model):
    """An allowance (``is_charge`` False) or charge on one line (BG-27, BG-28): part of the line's net amount, so it
    bears the line's VAT and the match compares it with the line."""

    line = models.ForeignKey(InvoiceLine, models.CASCADE, related_name="charges")
    is_charge = models.BooleanField(_("charge"), default=False)
    # UNCL7161 for charges, UNCL5189 for allowances (95 discount); optional.
    reason_code = models.CharField(_("reason code"), max_length=3, blank=True)
    reason = models.CharField(_("reason"), max_length=200)
    amount = amount_field(_("amount"))

    class Meta:
        verbose_name = _("line allowance or charge")
        verbose_name_plural = _("line allowances and charges")
        ordering = ["line_id", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="invoice_line_charge_amount_positive")]

    def __str__(self) -> str:
        return f"{self.reason} {self.amount}"


class InvoiceNote(models.Model):
    """A note on an invoice. The buyer's internal notes never reach the vendor; the vendor's are always external."""

    invoice = models.ForeignKey(Invoice, models.CASCADE, related_name="notes")
    text = models.TextField(_("note"))
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("author"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("invoice note")
        verbose_name_plural = _("invoice notes")
        ordering = ["invoice_id", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.invoice_id}: {self.text[:40]}"


def invoice_attachment_path(instance: InvoiceAttachment, filename: str) -> str:
    return f"invoices/{instance.invoice_id}/{filename}"


class InvoiceAttachment(models.Model):
    """A file the vendor sends with its invoice (a delivery note, a time sheet); embedded in the UBL document."""

    invoice = models.ForeignKey(Invoice, models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=invoice_attachment_path)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("invoice attachment")
        verbose_name_plural = _("invoice attachments")
        ordering = ["invoice_id", "id"]

    def __str__(self) -> str:
        return self.name


class InvoiceEvent(AppendOnlyModel):
    """The append-only history of an invoice: who did what, when."""

    invoice = models.ForeignKey(Invoice, models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=20, choices=InvoiceEventKind.choices)
    from_status = models.CharField(_("from status"), max_length=20, choices=InvoiceStatus.choices, blank=True)
    to_status = models.CharField(_("to status"), max_length=20, choices=InvoiceStatus.choices, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("changed by"))
    created_at = models.DateTimeField(_("date and time"), auto_now_add=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("invoice event")
        verbose_name_plural = _("invoice events")
        ordering = ["invoice_id", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.invoice_id} {self.kind}"
