"""What vendor and buyer users read and send about invoices and credit notes (DESIGN.md sections 8 and 10).

Each output shape is built from objects a query already loaded (``build``), so building queries nothing: the lists
prefetch the lines, charges, notes and attachments. The vendor's shape never holds the buyer's internal notes.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any, ClassVar

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema
from pydantic import BeforeValidator

from vendorcollab.accounts.models import User
from vendorcollab.api.errors import ApiErrorCode
from vendorcollab.common.errors import FieldErrors
from vendorcollab.invoicing import transitions
from vendorcollab.invoicing.amounts import invoice_totals
from vendorcollab.invoicing.inputs import ChargeInput, InvoiceInput, InvoiceLineInput
from vendorcollab.invoicing.models import (
    ExceptionKind,
    Invoice,
    InvoiceKind,
    InvoiceOrigin,
    InvoiceStatus,
)
from vendorcollab.invoicing.services.entry import order_net_price
from vendorcollab.invoicing.transitions import InvoiceAction
from vendorcollab.purchasing.models import Origin, PurchaseOrderLine, Visibility

from .buyer_schemas import CURRENCY_PATTERN, IGNORED, READ_ONLY, READ_ONLY_MESSAGES, BuyerInput, Price, Quantity
from .order_terms_schemas import TAX_CATEGORY
from .schemas import Id, NoNullCharacters, OutSchema, Percent, Text
from .vendor_schemas import LineNumber

# The amount columns' precision, narrowed as the PO's are (``buyer_schemas``): SQLite keeps decimals as floats.
Amount = Annotated[Decimal, Field(max_digits=15, decimal_places=2)]
TaxCategory = Annotated[str, Field(min_length=1, max_length=2, description=TAX_CATEGORY)]


def _none_as_empty_list(value: object) -> object:
    return [] if value is None else value


# --- reading --------------------------------------------------------------------------------------------------------
# ``model_construct`` throughout, as in the PO shapes: the values come from the database already typed.


class InvoiceableLineOut(OutSchema):
    """A received PO line with quantity not yet invoiced: what a new invoice's line may take."""

    id: int = Field(
        description="The purchase order line's id; an invoice line names it by `purchase_order` and `line_number`."
    )
    purchase_order: int
    purchase_order_number: str
    vendor: int
    company: int
    currency: str
    line_number: int = Field(description="The PO line's number: what an invoice line names with `purchase_order`.")
    item: int | None = Field(description="Null for a free-text line.")
    item_number: str
    description: str
    quantity: Decimal = Field(description="Received and not yet invoiced: the most a new invoice may take.")
    received_quantity: Decimal
    invoiced_quantity: Decimal
    unit: str
    unit_code: str
    unit_price: Decimal = Field(description="The PO line's net unit price (after its discount): the invoice's default.")
    tax_category: str = Field(description=TAX_CATEGORY)
    tax_percent: Decimal | None
    is_consignment: bool = Field(description="A line of a consignment purchase order (products taken from stock).")

    @classmethod
    def build(cls, line: PurchaseOrderLine) -> InvoiceableLineOut:
        """From a row of ``selectors.invoiceable_lines`` (its purchase order and item selected)."""
        po = line.purchase_order
        return cls.model_construct(
            id=line.pk,
            purchase_order=po.pk,
            purchase_order_number=po.number,
            vendor=po.vendor_id,
            company=po.company_id,
            currency=po.currency,
            line_number=line.line_number,
            item=line.item_id,
            item_number=line.item.number if line.item else "",
            description=line.description,
            quantity=line.invoiceable_quantity,
            received_quantity=line.received_quantity,
            invoiced_quantity=line.invoiced_quantity,
            unit=line.unit,
            unit_code=line.unit_code,
            unit_price=order_net_price(line),
            tax_category=line.tax_category,
            tax_percent=line.tax_percent,
            is_consignment=po.origin == Origin.CONSIGNMENT,
        )


class InvoiceLineOut(OutSchema):
    number: int = Field(description="The invoice line's own number (its ID in the UBL document).")
    purchase_order: int
    purchase_order_number: str
    line_number: int = Field(description="The number of the PO line it invoices.")
    item: int | None
    description: str
    quantity: Decimal
    unit: str
    unit_code: str
    unit_price: Decimal
    order_unit_price: Decimal = Field(description="The PO line's net unit price the match compares `unit_price` with.")
    tax_category: str = Field(description=TAX_CATEGORY)
    tax_percent: Decimal
    tax_exemption_reason: str
    tax_exemption_reason_code: str
    net_amount: Decimal = Field(description="Quantity times unit price, rounded half-up to 2 decimals.")
    note: str


class InvoiceChargeOut(OutSchema):
    is_charge: bool = Field(description="true for a charge (freight, packaging), false for an allowance.")
    reason: str
    reason_code: str
    amount: Decimal
    tax_category: str
    tax_percent: Decimal


class TaxSubtotalOut(OutSchema):
    category: str
    percent: Decimal
    taxable_amount: Decimal
    tax_amount: Decimal
    exemption_reason: str
    exemption_reason_code: str


class InvoiceExceptionOut(OutSchema):
    line_number: int | None = Field(description="The invoice line; null for the invoice as a whole (its total).")
    kind: ExceptionKind
    expected: str
    actual: str


class InvoiceNoteOut(OutSchema):
    text: str
    visibility: Visibility = Field(description="`internal` notes are the buyer's and never reach the vendor.")
    created_at: datetime


class InvoiceAttachmentOut(OutSchema):
    id: int
    name: str
    content_type: str
    size: int


ACTIONS_DESCRIPTION = (
    "The codes of the actions the caller may take on this invoice now, as the portal's pages offer them (the life "
    "cycle table's answer for this caller's roles and this status): `edit`, `submit`, `delete`, `credit` for the "
    "vendor; `approve`, `reject`, `record_payment`, `add_note` for the buyer. New codes may be added."
)


class InvoiceOut(OutSchema):
    """An invoice or credit note."""

    id: int
    kind: InvoiceKind
    number: str = Field(description="The vendor's own number, unique per vendor account.")
    vendor: int
    company: int
    status: InvoiceStatus
    origin: InvoiceOrigin
    issue_date: date
    due_date: date | None
    currency: str
    buyer_reference: str
    note: str
    credited_invoice: int | None = Field(description="For a credit note: the invoice it gives quantities back from.")
    purchase_orders: list[int] = Field(description="The purchase orders its lines invoice.")
    line_total: Decimal
    allowance_total: Decimal
    charge_total: Decimal
    tax_exclusive_total: Decimal
    tax_total: Decimal
    tax_inclusive_total: Decimal
    payable_amount: Decimal
    tax_breakdown: list[TaxSubtotalOut] = Field(description="VAT per category and rate (EN 16931).")
    exceptions: list[InvoiceExceptionOut] = Field(
        description="Why the match put it on hold: per line (price, tax) or for the whole (charge, total)."
    )
    reject_reason: str
    payment_date: date | None
    payment_reference: str
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    lines: list[InvoiceLineOut]
    charges: list[InvoiceChargeOut]
    notes: list[InvoiceNoteOut]
    attachments: list[InvoiceAttachmentOut]
    actions: list[InvoiceAction] = Field(description=ACTIONS_DESCRIPTION)

    @classmethod
    def build(cls, invoice: Invoice, *, actor: User) -> InvoiceOut:
        """From an invoice with ``lines__purchase_order``, ``lines__po_line``, ``charges``, ``notes`` and
        ``attachments`` prefetched. A vendor user reads external notes only, whatever was prefetched."""
        lines = list(invoice.lines.all())
        charges = list(invoice.charges.all())
        totals = invoice_totals(lines, charges)
        show_internal = actor.is_buyer
        return cls.model_construct(
            id=invoice.pk,
            kind=InvoiceKind(invoice.kind),
            number=invoice.number,
            vendor=invoice.vendor_id,
            company=invoice.company_id,
            status=InvoiceStatus(invoice.status),
            origin=InvoiceOrigin(invoice.origin),
            issue_date=invoice.issue_date,
            due_date=invoice.due_date,
            currency=invoice.currency,
            buyer_reference=invoice.buyer_reference,
            note=invoice.note,
            credited_invoice=invoice.credited_invoice_id,
            purchase_orders=sorted({line.purchase_order_id for line in lines}),
            line_total=invoice.line_total,
            allowance_total=invoice.allowance_total,
            charge_total=invoice.charge_total,
            tax_exclusive_total=invoice.tax_exclusive_total,
            tax_total=invoice.tax_total,
            tax_inclusive_total=invoice.tax_inclusive_total,
            payable_amount=invoice.payable_amount,
            tax_breakdown=[
                TaxSubtotalOut.model_construct(
                    category=row.category,
                    percent=row.percent,
                    taxable_amount=row.taxable_amount,
                    tax_amount=row.tax_amount,
                    exemption_reason=row.exemption_reason,
                    exemption_reason_code=row.exemption_reason_code,
                )
                for row in totals.tax_breakdown
            ],
            exceptions=[
                InvoiceExceptionOut.model_construct(
                    line_number=row.get("line_number"),
                    kind=ExceptionKind(row["kind"]),
                    expected=str(row.get("expected", "")),
                    actual=str(row.get("actual", "")),
                )
                for row in invoice.exceptions
            ],
            reject_reason=invoice.reject_reason,
            payment_date=invoice.payment_date,
            payment_reference=invoice.payment_reference,
            created_at=invoice.created_at,
            updated_at=invoice.updated_at,
            submitted_at=invoice.submitted_at,
            lines=[
                InvoiceLineOut.model_construct(
                    number=line.line_number,
                    purchase_order=line.purchase_order_id,
                    purchase_order_number=line.purchase_order.number,
                    line_number=line.po_line.line_number,
                    item=line.po_line.item_id,
                    description=line.description,
                    quantity=line.quantity,
                    unit=line.unit,
                    unit_code=line.unit_code,
                    unit_price=line.unit_price,
                    order_unit_price=line.order_unit_price,
                    tax_category=line.tax_category,
                    tax_percent=line.tax_percent,
                    tax_exemption_reason=line.tax_exemption_reason,
                    tax_exemption_reason_code=line.tax_exemption_reason_code,
                    net_amount=line.net_amount,
                    note=line.note,
                )
                for line in lines
            ],
            charges=[
                InvoiceChargeOut.model_construct(
                    is_charge=charge.is_charge,
                    reason=charge.reason,
                    reason_code=charge.reason_code,
                    amount=charge.amount,
                    tax_category=charge.tax_category,
                    tax_percent=charge.tax_percent,
                )
                for charge in charges
            ],
            # The buyer's internal notes stay on the buyer's side; the filter holds whatever a query prefetched.
            notes=[
                InvoiceNoteOut.model_construct(
                    text=note.text, visibility=Visibility(note.visibility), created_at=note.created_at
                )
                for note in invoice.notes.all()
                if show_internal or note.visibility == Visibility.EXTERNAL
            ],
            attachments=[
                InvoiceAttachmentOut.model_construct(
                    id=attachment.pk, name=attachment.name, content_type=attachment.content_type, size=attachment.size
                )
                for attachment in invoice.attachments.all()
            ],
            actions=sorted(transitions.available(invoice, actor)),
        )


# --- filters --------------------------------------------------------------------------------------------------------


class VendorInvoiceFilters(NoNullCharacters, Schema):
    status: InvoiceStatus | None = Field(None, description="Only invoices with this status.")
    kind: InvoiceKind | None = Field(None, description="Only invoices, or only credit notes.")
    vendor: Id | None = Field(None, description="Only this vendor account's.")
    company: Id | None = Field(None, description="Only those billed to this company.")
    q: str = Field("", max_length=100, description="Search: the invoice number.")


class BuyerInvoiceFilters(VendorInvoiceFilters):
    status: InvoiceStatus | None = Field(
        None, description="Only invoices with this status (never `draft`: a vendor's draft is not the buyer's)."
    )


class InvoiceableLineFilters(NoNullCharacters, Schema):
    purchase_order: Id | None = Field(None, description="Only this purchase order's lines.")
    vendor: Id | None = Field(None, description="Only this vendor account's.")


# --- writing --------------------------------------------------------------------------------------------------------


class InvoiceLineIn(BuyerInput):
    purchase_order: Id = Field(description="The id of the purchase order.")
    line_number: LineNumber = Field(description="The PO line's number.")
    quantity: Quantity = Field(description="At most what was received and not yet invoiced (409 on submit).")
    unit_price: Price | None = Field(None, description="The PO line's net unit price when left out.")
    tax_category: TaxCategory | None = Field(None, description="The PO line's when left out. " + TAX_CATEGORY)
    tax_percent: Percent | None = Field(None, description="The PO line's when left out.")
    tax_exemption_reason: Text = Field(
        "", max_length=200, description="For E, AE, K, G, O: a text; the category's standard reason when left out."
    )
    note: Text = Field("", max_length=500)

    def to_input(self) -> InvoiceLineInput:
        return InvoiceLineInput(
            purchase_order_id=self.purchase_order,
            line_number=self.line_number,
            quantity=self.quantity,
            unit_price=self.unit_price,
            tax_category=self.tax_category,
            tax_percent=self.tax_percent,
            tax_exemption_reason=self.tax_exemption_reason,
            note=self.note,
        )


class InvoiceChargeIn(BuyerInput):
    is_charge: bool = Field(True, description="true for a charge (freight, packaging), false for an allowance.")
    reason: str = Field(min_length=1, max_length=200)
    reason_code: Text = Field(
        "", max_length=3, description="UNCL7161 for a charge (FC freight), UNCL5189 for an allowance (95 discount)."
    )
    amount: Amount = Field(description="Without VAT; greater than zero.")
    tax_category: TaxCategory = "S"
    tax_percent: Percent | None = Field(None, description="The standard rate of the invoice's lines when left out.")

    def to_input(self) -> ChargeInput:
        return ChargeInput(
            is_charge=self.is_charge,
            reason=self.reason,
            amount=self.amount,
            reason_code=self.reason_code,
            tax_category=self.tax_category,
            tax_percent=self.tax_percent,
        )


InvoiceLines = Annotated[list[InvoiceLineIn], BeforeValidator(_none_as_empty_list)]
InvoiceCharges = Annotated[list[InvoiceChargeIn], BeforeValidator(_none_as_empty_list)]


class InvoiceIn(BuyerInput):
    vendor: Id = Field(description="The vendor account that invoices: every line's purchase order must be its.")
    kind: InvoiceKind = InvoiceKind.INVOICE
    number: str = Field(min_length=1, max_length=30, description="The vendor's own number, unique per vendor account.")
    issue_date: date
    due_date: date | None = Field(
        None, description="The issue date plus the vendor account's payment terms when left out."
    )
    currency: str | None = Field(
        None, pattern=CURRENCY_PATTERN, description="ISO 4217; the purchase orders' when left out."
    )
    buyer_reference: Text = Field("", max_length=100, description="The buyer's reference; the POs' when left out.")
    note: Text = Field("", max_length=4000)
    credited_invoice: Id | None = Field(None, description="Required for a credit note: the invoice it credits.")
    lines: InvoiceLines = Field(default_factory=list, max_length=500)
    charges: InvoiceCharges = Field(default_factory=list, max_length=100)
    submit: bool = Field(
        False,
        description="Submit at once (matched or on hold), in the same transaction: nothing is kept when the submit "
        "is refused. Left out, the invoice is kept as a draft.",
    )

    def to_input(self) -> InvoiceInput:
        return InvoiceInput(
            vendor_id=self.vendor,
            number=self.number,
            issue_date=self.issue_date,
            kind=self.kind,
            due_date=self.due_date,
            currency=self.currency,
            buyer_reference=self.buyer_reference,
            note=self.note,
            credited_invoice_id=self.credited_invoice,
            lines=[line.to_input() for line in self.lines],
            charges=[charge.to_input() for charge in self.charges],
        )


# --- PATCH: what GET returned may come back (Google AIP-203, as the PO's PATCH) ------------------------------------

COMPUTED = _("It is computed from the lines and the charges; change those instead.")
FIXED = _("It is fixed when the invoice is created.")
STATUS = _("The status changes only through the actions: submit, approve, reject, record payment.")


def _read_only(description: str = READ_ONLY) -> Any:
    # As ``buyer_schemas``: ``readOnly`` tells generators the field need not be sent; it is accepted when it is.
    return Field(None, description=description, json_schema_extra={"readOnly": True})


ReadOnlyDecimal = Annotated[Decimal | None, Field(max_digits=24, decimal_places=4)]


class InvoiceLinePatch(InvoiceLineIn):
    """A line of a PATCH: the line as `GET` returns it may be sent back whole; what the portal copies from the PO
    line or computes is ignored."""

    number: int | None = _read_only(IGNORED)
    purchase_order_number: str | None = _read_only(IGNORED)
    item: int | None = _read_only(IGNORED)
    description: str | None = _read_only(IGNORED)
    unit: str | None = _read_only(IGNORED)
    unit_code: str | None = _read_only(IGNORED)
    order_unit_price: ReadOnlyDecimal = _read_only(IGNORED)
    tax_exemption_reason_code: str | None = _read_only(IGNORED)
    net_amount: ReadOnlyDecimal = _read_only(IGNORED)


class InvoicePatch(BuyerInput):
    """Only what is sent changes; `lines` and `charges` replace the whole set when sent.

    What `GET /vendor/invoices/{id}` returns may be sent back whole, edited: output-only fields are ignored when
    unchanged; `created_at`, `updated_at`, `submitted_at`, `actions`, `exceptions`, `tax_breakdown`, `notes`,
    `attachments`, `purchase_orders` and the decision's fields always. The id, company, origin, status and totals,
    changed, are refused with 422 `read_only_field`. Unknown fields are still refused (422 `extra_forbidden`)."""

    vendor: Id | None = None
    kind: InvoiceKind | None = None
    number: str | None = Field(None, min_length=1, max_length=30)
    issue_date: date | None = None
    due_date: date | None = None
    currency: str | None = Field(None, pattern=CURRENCY_PATTERN)
    buyer_reference: str | None = Field(None, max_length=100)
    note: str | None = Field(None, max_length=4000)
    credited_invoice: Id | None = None
    lines: list[InvoiceLinePatch] | None = Field(None, max_length=500)
    charges: list[InvoiceChargeIn] | None = Field(None, max_length=100)

    id: int | None = _read_only()
    company: int | None = _read_only()
    status: str | None = _read_only()
    origin: str | None = _read_only()
    line_total: ReadOnlyDecimal = _read_only()
    allowance_total: ReadOnlyDecimal = _read_only()
    charge_total: ReadOnlyDecimal = _read_only()
    tax_exclusive_total: ReadOnlyDecimal = _read_only()
    tax_total: ReadOnlyDecimal = _read_only()
    tax_inclusive_total: ReadOnlyDecimal = _read_only()
    payable_amount: ReadOnlyDecimal = _read_only()
    purchase_orders: list[int] | None = _read_only(IGNORED)
    tax_breakdown: list[object] | None = _read_only(IGNORED)
    exceptions: list[object] | None = _read_only(IGNORED)
    reject_reason: str | None = _read_only(IGNORED)
    payment_date: date | None = _read_only(IGNORED)
    payment_reference: str | None = _read_only(IGNORED)
    created_at: datetime | None = _read_only(IGNORED)
    updated_at: datetime | None = _read_only(IGNORED)
    submitted_at: datetime | None = _read_only(IGNORED)
    notes: list[object] | None = _read_only(IGNORED)
    attachments: list[object] | None = _read_only(IGNORED)
    actions: list[object] | None = _read_only(IGNORED)

    HINTS: ClassVar[dict[str, Promise]] = {
        "id": FIXED,
        "company": FIXED,
        "origin": FIXED,
        "status": STATUS,
        **dict.fromkeys(
            (
                "line_total",
                "allowance_total",
                "charge_total",
                "tax_exclusive_total",
                "tax_total",
                "tax_inclusive_total",
                "payable_amount",
            ),
            COMPUTED,
        ),
    }

    def read_only_errors(self, current: InvoiceOut) -> FieldErrors:
        """A field error for each refused output-only field sent with a value other than ``current`` holds."""
        errors = FieldErrors(READ_ONLY_MESSAGES)
        for name, hint in self.HINTS.items():
            sent = getattr(self, name)
            if sent is not None and sent != getattr(current, name):
                errors.add(name, ApiErrorCode.READ_ONLY_FIELD, field=name, hint=hint)
        return errors

    def merged(self, invoice: Invoice) -> InvoiceInput:
        """The draft as it stands with what was sent over it: ``invoice_update`` takes the whole invoice."""
        current = InvoiceInput.of(invoice)
        due_date = self.due_date or current.due_date
        if self.issue_date and not self.due_date and _due_by_terms(invoice):
            due_date = None  # a due date the payment terms gave moves with the issue date
        return InvoiceInput(
            vendor_id=self.vendor if self.vendor is not None else current.vendor_id,
            number=self.number if self.number is not None else current.number,
            issue_date=self.issue_date or current.issue_date,
            kind=self.kind if self.kind is not None else current.kind,
            due_date=due_date,
            currency=self.currency or current.currency,
            buyer_reference=self.buyer_reference if self.buyer_reference is not None else current.buyer_reference,
            note=self.note if self.note is not None else current.note,
            credited_invoice_id=self.credited_invoice or current.credited_invoice_id,
            lines=[line.to_input() for line in self.lines] if self.lines is not None else current.lines,
            charges=[charge.to_input() for charge in self.charges] if self.charges is not None else current.charges,
            prepaid_amount=current.prepaid_amount,
        )


def _due_by_terms(invoice: Invoice) -> bool:
    """Whether the draft's due date is the one its vendor account's payment terms give (its vendor selected)."""
    terms = timedelta(days=invoice.vendor.payment_terms_days)
    return invoice.due_date is not None and invoice.due_date == invoice.issue_date + terms


# --- the buyer's decisions ------------------------------------------------------------------------------------------


class RejectIn(BuyerInput):
    reason: Text = Field("", max_length=1000, description="Required: the vendor reads it.")


class PaymentIn(BuyerInput):
    payment_date: date | None = Field(None, description="Required; not in the future.")
    reference: Text = Field("", max_length=100, description="The payment's reference, e.g. the bank transfer's.")
