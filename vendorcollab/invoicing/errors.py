"""The invoicing errors: one stable code per refusal of an invoice or credit note, each with a message to act on."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from vendorcollab.common import errors as common_errors
from vendorcollab.common import text
from vendorcollab.common.errors import CommonErrorCode, Conflict, NotFound, PermissionRefused, ValidationFailed
from vendorcollab.purchasing.errors import MESSAGES as PURCHASING_MESSAGES
from vendorcollab.purchasing.errors import PurchasingErrorCode


class InvoicingErrorCode(StrEnum):
    """Invoicing's codes. Codes are part of the API contract: add members; never rename a value. Values that
    purchasing has too (required, number_taken, no_lines, …) mean the same refusal (``api.error_codes.SHARED``)."""

    REQUIRED = "required"
    UNKNOWN_VENDOR = "unknown_vendor"
    KIND_INVALID = "kind_invalid"
    NUMBER_TAKEN = "number_taken"
    NO_LINES = "no_lines"
    UNKNOWN_LINE = "unknown_line"
    DUPLICATE_LINE = "duplicate_line"
    WRONG_VENDOR = "wrong_vendor"
    NOT_INVOICEABLE = "not_invoiceable"
    OVER_INVOICED = "over_invoiced"
    CURRENCY_MISMATCH = "currency_mismatch"
    QUANTITY_NOT_POSITIVE = "quantity_not_positive"
    PRICE_NEGATIVE = "price_negative"
    AMOUNT_NOT_POSITIVE = "amount_not_positive"
    DUE_BEFORE_ISSUE = "due_before_issue"
    TAX_CATEGORY_INVALID = "tax_category_invalid"
    TAX_PERCENT_INVALID = "tax_percent_invalid"
    TAX_CATEGORIES_MIXED = "tax_categories_mixed"
    CREDITED_INVOICE_REQUIRED = "credited_invoice_required"
    NOT_CREDITABLE = "not_creditable"
    CREDIT_EXCEEDS_INVOICE = "credit_exceeds_invoice"
    INVOICE_CREDITED = "invoice_credited"
    REASON_REQUIRED = "reason_required"
    PAYMENT_DATE_REQUIRED = "payment_date_required"
    PAYMENT_DATE_IN_FUTURE = "payment_date_in_future"
    INVALID_TRANSITION = "invalid_transition"
    FILE_TOO_LARGE = "file_too_large"
    FILE_TYPE_NOT_ALLOWED = "file_type_not_allowed"
    FILE_CONTENT_MISMATCH = "file_content_mismatch"
    TOO_MANY_ATTACHMENTS = "too_many_attachments"
    LINE_AMOUNT_NEGATIVE = "line_amount_negative"
    PREPAID_NEGATIVE = "prepaid_negative"
    PREPAID_EXCEEDS_TOTAL = "prepaid_exceeds_total"


MESSAGES: dict[str, Promise] = {
    CommonErrorCode.INVALID_INPUT: common_errors.INVALID_INPUT,
    InvoicingErrorCode.REQUIRED: _("This field is required."),
    InvoicingErrorCode.UNKNOWN_VENDOR: _("You do not invoice for this vendor account."),
    InvoicingErrorCode.KIND_INVALID: _("Choose “invoice” or “credit note”."),
    InvoicingErrorCode.NUMBER_TAKEN: _("Invoice number %(number)s is already used by this vendor account."),
    InvoicingErrorCode.NO_LINES: _("An invoice needs at least one line."),
    InvoicingErrorCode.UNKNOWN_LINE: _("Purchase order %(purchase_order)s has no line %(line_number)s."),
    InvoicingErrorCode.DUPLICATE_LINE: _("Line %(line_number)s of purchase order %(number)s is invoiced twice."),
    InvoicingErrorCode.WRONG_VENDOR: _(
        "Purchase order %(number)s belongs to another vendor account. An invoice covers the purchase orders of one "
        "vendor account."
    ),
    InvoicingErrorCode.NOT_INVOICEABLE: _(
        "Line %(line_number)s of purchase order %(number)s has nothing received that is not yet invoiced."
    ),
    InvoicingErrorCode.OVER_INVOICED: _(
        "Only %(available)s of line %(line_number)s of purchase order %(number)s is received and not yet invoiced."
    ),
    InvoicingErrorCode.CURRENCY_MISMATCH: _(
        "The purchase orders of one invoice must share one currency; %(currency)s differs from %(expected)s."
    ),
    InvoicingErrorCode.QUANTITY_NOT_POSITIVE: _("The quantity must be greater than zero."),
    InvoicingErrorCode.PRICE_NEGATIVE: _("The unit price cannot be negative."),
    InvoicingErrorCode.AMOUNT_NOT_POSITIVE: _("The amount must be greater than zero."),
    InvoicingErrorCode.DUE_BEFORE_ISSUE: _("The due date cannot be before the issue date."),
    InvoicingErrorCode.TAX_CATEGORY_INVALID: _(
        "%(tax_category)s is not a VAT category an invoice can carry; use S, Z, E, AE, K, G or O."
    ),
    InvoicingErrorCode.TAX_PERCENT_INVALID: _(
        "VAT category %(tax_category)s does not take this percentage: the standard rate (S) needs more than 0 and at "
        "most 100 percent, every other category 0 percent."
    ),
    InvoicingErrorCode.TAX_CATEGORIES_MIXED: _(
        "An invoice with lines outside the scope of VAT (category O) cannot have lines in other VAT categories. "
        "Invoice them separately."
    ),
    InvoicingErrorCode.CREDITED_INVOICE_REQUIRED: _("A credit note must name the invoice it credits."),
    InvoicingErrorCode.NOT_CREDITABLE: _(
        "Invoice %(number)s cannot be credited: only a submitted, approved or paid invoice of the same vendor "
        "account can."
    ),
    InvoicingErrorCode.CREDIT_EXCEEDS_INVOICE: _(
        "Only %(available)s of line %(line_number)s of purchase order %(number)s is left to credit on invoice "
        "%(invoice)s."
    ),
    InvoicingErrorCode.INVOICE_CREDITED: _(
        "Invoice %(number)s has credit notes; it can no longer be rejected. Ask the vendor for a credit note instead."
    ),
    InvoicingErrorCode.REASON_REQUIRED: _("Give the reason for the rejection; the vendor reads it."),
    InvoicingErrorCode.PAYMENT_DATE_REQUIRED: _("Enter the date of the payment."),
    InvoicingErrorCode.PAYMENT_DATE_IN_FUTURE: _("A payment cannot be recorded in the future."),
    InvoicingErrorCode.INVALID_TRANSITION: _(
        "Invoice %(number)s has status “%(status)s”; “%(action)s” is not possible now."
    ),
    InvoicingErrorCode.FILE_TOO_LARGE: PURCHASING_MESSAGES[PurchasingErrorCode.FILE_TOO_LARGE],
    InvoicingErrorCode.FILE_TYPE_NOT_ALLOWED: PURCHASING_MESSAGES[PurchasingErrorCode.FILE_TYPE_NOT_ALLOWED],
    InvoicingErrorCode.FILE_CONTENT_MISMATCH: PURCHASING_MESSAGES[PurchasingErrorCode.FILE_CONTENT_MISMATCH],
    InvoicingErrorCode.TOO_MANY_ATTACHMENTS: _("An invoice can carry at most %(limit)s files."),
    InvoicingErrorCode.LINE_AMOUNT_NEGATIVE: _(
        "The line's allowances are more than the line's amount. Give money back with a credit note instead."
    ),
    InvoicingErrorCode.PREPAID_NEGATIVE: _("The amount paid in advance cannot be negative."),
    InvoicingErrorCode.PREPAID_EXCEEDS_TOTAL: _(
        "The amount paid in advance cannot be more than the invoice's total with VAT (%(total)s)."
    ),
    CommonErrorCode.NOT_FOUND: _("This invoice does not exist."),
    CommonErrorCode.ROLE_NOT_ALLOWED: _("Your role does not allow this action on invoices."),
    **text.MESSAGES,
}


class FieldErrors(common_errors.FieldErrors):
    """Field errors with invoicing's codes."""

    def __init__(self) -> None:
        super().__init__(MESSAGES)


def invalid(path: str, code: str, **params: Any) -> ValidationFailed:
    errors = FieldErrors()
    errors.add(path, code, **params)
    error = errors.error()
    assert error is not None
    return error


def conflict(code: str, *, fields: Mapping[str, str] | None = None, **params: Any) -> Conflict:
    return Conflict(code, MESSAGES[code], params=params, fields=fields)


def refused() -> PermissionRefused:
    return PermissionRefused(CommonErrorCode.ROLE_NOT_ALLOWED, MESSAGES[CommonErrorCode.ROLE_NOT_ALLOWED])


def not_found() -> NotFound:
    return NotFound(CommonErrorCode.NOT_FOUND, MESSAGES[CommonErrorCode.NOT_FOUND])
