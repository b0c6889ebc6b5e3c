"""An Invoice (T10) or Credit Note (T14) from the vendor's ERP, through the same invoicing service as the pages and
the API (``invoice_create_and_submit``, origin ``ubl``), so it meets the same rules and is matched the same way.

Decisions, each visible in a refusal's message:

- The vendor account is the one whose endpoint the ``AccountingSupplierParty`` carries, in the company whose
  endpoint the ``AccountingCustomerParty`` carries, and the posting user must be one of its users.
- The PO is the one ``OrderReference/ID`` names, as the answers to an order find it; a document without an order
  reference names it by its ``BuyerReference`` (EN 16931 asks for one of the two, and ERPs put the PO number in
  either). A line invoices the order line its ``OrderLineReference/LineID`` names, else the one of its own ID. Where
  the PO has several lines under that ID (an ERP's free-text line IDs need not be unique), the document's lines that
  name it take them in line order, each once; a line that finds none left is refused by the service as invoiced
  twice.
- A line's allowances and charges, and an amount paid in advance, are the document's.
- Quantities, prices and VAT are the document's; the VAT exemption reason is its breakdown's for the line's
  category. A credit note credits the vendor's invoice its ``BillingReference`` names.
- The portal computes the amounts itself (EN 16931); a document whose total without VAT or amount due differs from
  that computation is refused (``ubl_total_differs``), so that no invoice is stored with other amounts than the
  vendor's ERP booked.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from vendorcollab.accounts.models import User
from vendorcollab.common.errors import NotFound, ValidationFailed
from vendorcollab.invoicing.inputs import ChargeInput, InvoiceInput, InvoiceLineInput, LineChargeInput
from vendorcollab.invoicing.models import Invoice, InvoiceKind, InvoiceOrigin
from vendorcollab.invoicing.services import invoice_create_and_submit
from vendorcollab.purchasing.models import PurchaseOrderLine

from .errors import DocumentErrors, InteropErrorCode, shown
from .invoice_reader import InvoiceDoc
from .services_inbound import Taken, _orders_of, _parties, _refusal
from .ubl_reader import Value


def invoice_import(*, actor: User, document: InvoiceDoc, errors: DocumentErrors) -> Taken:
    """Create and submit the invoice or credit note the document is (``Taken`` with it and its PO); refused whole,
    with every problem on its element, when any part of it cannot be taken."""
    company, vendor = _parties(actor, document.customer, document.supplier)
    if vendor.pk not in actor.vendor_ids:
        # Another vendor account's document: as unknown to this user as the account itself.
        assert document.supplier is not None
        raise _refusal(
            document.supplier.path,
            InteropErrorCode.UBL_UNKNOWN_SELLER,
            NotFound,
            company=company.code,
            scheme=shown(document.supplier.scheme),
            value=shown(document.supplier.endpoint_id),
        )
    root = document.number.path.split("/")[0]
    reference = document.order_reference or (
        Value(document.buyer_reference, f"{root}/BuyerReference") if document.buyer_reference else None
    )
    if reference is None:
        raise _refusal(f"{root}/OrderReference/ID", InteropErrorCode.UBL_MISSING)
    po, _version = _orders_of(company.pk, vendor.pk, reference.text)
    if po is None:
        raise _refusal(reference.path, InteropErrorCode.UBL_UNKNOWN_ORDER, NotFound, value=shown(reference.text))
    order_lines: dict[str, list[PurchaseOrderLine]] = {}
    for order_line in po.lines.order_by("line_number"):
        order_lines.setdefault(order_line.order_line_id, []).append(order_line)
    lines: list[InvoiceLineInput] = []
    for line in document.lines:
        candidates = order_lines.get(line.order_line_id.text, [])
        # The next PO line under this ID, else the last one again (which the service refuses as invoiced twice).
        po_line = candidates.pop(0) if len(candidates) > 1 else next(iter(candidates), None)
        if po_line is None:
            errors.add(line.order_line_id.path, InteropErrorCode.UBL_UNKNOWN_LINE, value=shown(line.order_line_id.text))
            continue
        reason_code, reason = document.exemptions.get(line.tax_category, ("", ""))
        lines.append(
            InvoiceLineInput(
                purchase_order_id=po.pk,
                line_number=po_line.line_number,
                quantity=line.quantity,
                unit_price=line.unit_price,
                tax_category=line.tax_category or None,
                tax_percent=line.tax_percent,
                tax_exemption_reason=reason or reason_code,
                note=line.note,
                charges=[
                    LineChargeInput(
                        is_charge=charge.is_charge,
                        reason=charge.reason,
                        amount=charge.amount,
                        reason_code=charge.reason_code,
                    )
                    for charge in line.charges
                ],
            )
        )
    credited = _credited(document, vendor.pk, errors) if document.is_credit_note else None
    errors.raise_if_any()
    data = InvoiceInput(
        vendor_id=vendor.pk,
        number=document.number.text,
        issue_date=document.issue_date,
        kind=InvoiceKind.CREDIT_NOTE if document.is_credit_note else InvoiceKind.INVOICE,
        due_date=document.due_date,
        currency=document.currency or None,
        buyer_reference=document.buyer_reference,
        note=document.note,
        credited_invoice_id=credited,
        lines=lines,
        charges=[
            ChargeInput(
                is_charge=charge.is_charge,
                reason=charge.reason,
                amount=charge.amount,
                reason_code=charge.reason_code,
                tax_category=charge.tax_category or "S",
                tax_percent=charge.tax_percent,
            )
            for charge in document.charges
        ],
        prepaid_amount=document.prepaid_amount,
    )
    with transaction.atomic():
        try:
            invoice = invoice_create_and_submit(actor=actor, data=data, origin=InvoiceOrigin.UBL)
        except ValidationFailed as error:
            raise _on_elements(error, document) from None
        _check_totals(invoice, document)  # raising here rolls the invoice back
    return Taken(po, invoice=invoice)


def _credited(document: InvoiceDoc, vendor_id: int, errors: DocumentErrors) -> int | None:
    reference = document.credited_reference
    if reference is None:
        return None  # refused by the reader
    found = (
        Invoice.objects.filter(vendor_id=vendor_id, number=reference.text, kind=InvoiceKind.INVOICE)
        .values_list("pk", flat=True)
        .first()
    )
    if found is None:
        errors.add(reference.path, InteropErrorCode.UBL_UNKNOWN_INVOICE, value=shown(reference.text))
    return found


def _check_totals(invoice: Invoice, document: InvoiceDoc) -> None:
    errors = DocumentErrors()
    for stated, computed in (
        (document.tax_exclusive_amount, invoice.tax_exclusive_total),
        (document.payable_amount, invoice.payable_amount),
    ):
        if stated is None:
            continue
        try:
            differs = Decimal(stated.text) != computed
        except ArithmeticError:
            differs = True
        if differs:
            errors.add(stated.path, InteropErrorCode.UBL_TOTAL_DIFFERS, value=shown(stated.text), computed=computed)
    errors.raise_if_any()


def _on_elements(error: ValidationFailed, document: InvoiceDoc) -> ValidationFailed:
    """A refusal of the invoicing service (``lines.0.quantity``) moved onto the document's elements."""
    root = document.number.path.split("/")[0]
    line_name = "CreditNoteLine" if document.is_credit_note else "InvoiceLine"
    places = {
        "number": document.number.path,
        "issue_date": f"{root}/IssueDate",
        "due_date": document.paths.get("due_date", f"{root}/DueDate"),
        "currency": document.paths.get("currency", f"{root}/DocumentCurrencyCode"),
        "buyer_reference": f"{root}/BuyerReference",
        "note": f"{root}/Note",
        "credited_invoice": f"{root}/BillingReference/InvoiceDocumentReference/ID",
        "lines": f"{root}/{line_name}",
        "charges": f"{root}/AllowanceCharge",
        "prepaid_amount": document.paths.get("prepaid_amount", f"{root}/LegalMonetaryTotal/PrepaidAmount"),
    }
    if document.supplier is not None:
        places["vendor"] = document.supplier.path
    for index, line in enumerate(document.lines):
        places[f"lines.{index}"] = line.path
        for name, path in line.paths.items():
            places[f"lines.{index}.{name}"] = path
        places[f"lines.{index}.charges"] = f"{line.path}/AllowanceCharge"
        for number, line_charge in enumerate(line.charges):
            places[f"lines.{index}.charges.{number}"] = line_charge.path
    for index, charge in enumerate(document.charges):
        places[f"charges.{index}"] = charge.path
    errors = DocumentErrors()
    for key, message in error.fields.items():
        element = places.get(key) or places.get(key.rsplit(".", 1)[0]) or root
        errors.add_text(element, error.field_codes.get(key, error.code), str(message))
    return errors.error() or error
