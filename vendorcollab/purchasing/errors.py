"""The purchasing errors: one stable code per refusal, each with a message a buyer or vendor can act on."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from vendorcollab.common import errors as common_errors
from vendorcollab.common import text
from vendorcollab.common.errors import CommonErrorCode, Conflict, NotFound, PermissionRefused, ValidationFailed


class PurchasingErrorCode(StrEnum):
    """Purchasing's codes: the input of purchase orders, vendor answers and receipts, and the states of a purchase
    order. The generic ones (invalid_input, not_found, role_not_allowed, the input rules) are in ``CommonErrorCode``."""

    REQUIRED = "required"
    QUANTITY_NOT_POSITIVE = "quantity_not_positive"
    PRICE_NEGATIVE = "price_negative"
    DISCOUNT_OUT_OF_RANGE = "discount_out_of_range"
    DATE_IN_PAST = "date_in_past"
    LINE_NUMBER_OUT_OF_RANGE = "line_number_out_of_range"
    DUPLICATE_LINE_NUMBER = "duplicate_line_number"
    UNKNOWN_LINE = "unknown_line"
    WRONG_COMPANY = "wrong_company"
    WAREHOUSE_NOT_IN_SITE = "warehouse_not_in_site"
    UNKNOWN_ITEM = "unknown_item"
    UNKNOWN_SITE = "unknown_site"
    UNKNOWN_WAREHOUSE = "unknown_warehouse"
    VENDOR_NOT_IN_COMPANY = "vendor_not_in_company"
    NUMBER_TAKEN = "number_taken"
    QUANTITY_BELOW_RECEIVED = "quantity_below_received"
    FILE_TOO_LARGE = "file_too_large"
    FILE_TYPE_NOT_ALLOWED = "file_type_not_allowed"
    FILE_CONTENT_MISMATCH = "file_content_mismatch"
    FILE_CHOOSE_AGAIN = "file_choose_again"
    LINE_HAS_RECEIPTS = "line_has_receipts"
    ANSWER_LINES_NOT_ALLOWED = "answer_lines_not_allowed"
    LINE_ANSWERED_TWICE = "line_answered_twice"
    CHANGE_WITHOUT_CHANGE = "change_without_change"
    SPLIT_TOO_FEW_LINES = "split_too_few_lines"
    SUBSTITUTE_WITHOUT_ITEM = "substitute_without_item"
    PRICE_CHANGE_NOT_ALLOWED = "price_change_not_allowed"
    CHARGE_CHANGE_NOT_ALLOWED = "charge_change_not_allowed"
    QUANTITIES_NOT_CONFIRMED = "quantities_not_confirmed"
    VENDOR_NOT_COLLABORATING = "vendor_not_collaborating"
    NO_LINES = "no_lines"
    VERSION_OUTDATED = "version_outdated"
    ALREADY_ANSWERED = "already_answered"
    NO_RESPONSE = "no_response"
    RESPONSE_REJECTED = "response_rejected"
    NO_VENDOR_CHANGES = "no_vendor_changes"
    NOTHING_TO_CONFIRM = "nothing_to_confirm"
    PO_CLOSED = "po_closed"
    NOTHING_TO_COPY = "nothing_to_copy"
    RECEIPT_IN_FUTURE = "receipt_in_future"
    OVER_RECEIPT = "over_receipt"
    LINE_CANCELLED = "line_cancelled"
    INVALID_TRANSITION = "invalid_transition"
    INVALID_UNIT_CODE = "invalid_unit_code"
    UNKNOWN_TAX_CATEGORY = "unknown_tax_category"
    TAX_PERCENT_OUT_OF_RANGE = "tax_percent_out_of_range"
    UNKNOWN_COUNTRY = "unknown_country"
    UNKNOWN_ENDPOINT_SCHEME = "unknown_endpoint_scheme"
    PERIOD_REVERSED = "period_reversed"
    DOCUMENT_DATA_MISSING = "document_data_missing"


# Codes are part of the API contract: clients switch on them. Add codes; never rename one.
MESSAGES: dict[str, Promise] = {
    # input
    CommonErrorCode.INVALID_INPUT: common_errors.INVALID_INPUT,
    PurchasingErrorCode.REQUIRED: _("This field is required."),
    PurchasingErrorCode.QUANTITY_NOT_POSITIVE: _("The quantity must be greater than zero."),
    PurchasingErrorCode.PRICE_NEGATIVE: _("The unit price cannot be negative."),
    PurchasingErrorCode.DISCOUNT_OUT_OF_RANGE: _("The discount must be between 0 and 100 percent."),
    PurchasingErrorCode.DATE_IN_PAST: _("The date cannot be in the past."),
    PurchasingErrorCode.LINE_NUMBER_OUT_OF_RANGE: _("Enter a line number between 1 and 2147483647."),
    PurchasingErrorCode.DUPLICATE_LINE_NUMBER: _("This line number is used more than once."),
    PurchasingErrorCode.UNKNOWN_LINE: _("This purchase order has no line %(line_number)s."),
    PurchasingErrorCode.WRONG_COMPANY: _("This belongs to a different company from the purchase order."),
    PurchasingErrorCode.WAREHOUSE_NOT_IN_SITE: _("This warehouse does not belong to the chosen site."),
    PurchasingErrorCode.UNKNOWN_ITEM: _("There is no item %(number)s in %(company)s."),
    PurchasingErrorCode.UNKNOWN_SITE: _("There is no site %(site)s in %(company)s."),
    PurchasingErrorCode.UNKNOWN_WAREHOUSE: _("There is no warehouse %(warehouse)s in %(company)s."),
    PurchasingErrorCode.VENDOR_NOT_IN_COMPANY: _("This vendor account belongs to another company."),
    PurchasingErrorCode.NUMBER_TAKEN: _("Purchase order number %(number)s is already used in this company."),
    PurchasingErrorCode.QUANTITY_BELOW_RECEIVED: _(
        "The quantity cannot be less than the quantity already received (%(received)s)."
    ),
    PurchasingErrorCode.FILE_TOO_LARGE: _("%(name)s is larger than the %(limit)s allowed."),
    PurchasingErrorCode.FILE_TYPE_NOT_ALLOWED: _(
        "%(name)s cannot be attached: only these kinds of file can: %(allowed)s."
    ),
    PurchasingErrorCode.FILE_CONTENT_MISMATCH: _(
        "%(name)s is not the %(extension)s file its name says it is. Attach the document itself, not a renamed file."
    ),
    PurchasingErrorCode.FILE_CHOOSE_AGAIN: _(
        "You chose %(name)s, but browsers do not keep a chosen file when a page is shown again. Choose it again."
    ),
    PurchasingErrorCode.LINE_HAS_RECEIPTS: _("Line %(line_number)s has receipts and cannot be removed."),
    PurchasingErrorCode.INVALID_UNIT_CODE: _(
        "%(unit_code)s is not a UN/ECE Recommendation 20 unit code; for example H87 (piece) or KGM (kilogram)."
    ),
    PurchasingErrorCode.UNKNOWN_TAX_CATEGORY: _(
        "%(tax_category)s is not a tax category of the UNCL5305 code list; for example S (standard rate)."
    ),
    PurchasingErrorCode.TAX_PERCENT_OUT_OF_RANGE: _("The tax percentage must be between 0 and 100."),
    PurchasingErrorCode.UNKNOWN_COUNTRY: _("%(country)s is not an ISO 3166-1 country code; for example NL or BE."),
    PurchasingErrorCode.UNKNOWN_ENDPOINT_SCHEME: _(
        "%(scheme)s is not a PEPPOL identifier scheme (EAS code list); for example 0088 (GLN)."
    ),
    PurchasingErrorCode.PERIOD_REVERSED: _("The end of the requested delivery period is before its start."),
    # vendor answers
    PurchasingErrorCode.ANSWER_LINES_NOT_ALLOWED: _(
        "Line responses other than “Accept” are only allowed with “Accept with changes”."
    ),
    PurchasingErrorCode.LINE_ANSWERED_TWICE: _("Line %(line_number)s has more than one response."),
    PurchasingErrorCode.CHANGE_WITHOUT_CHANGE: _("Give a new quantity or delivery date for a changed line."),
    PurchasingErrorCode.SPLIT_TOO_FEW_LINES: _("A split needs at least two schedule lines."),
    PurchasingErrorCode.SUBSTITUTE_WITHOUT_ITEM: _("Give your item number for the substitute."),
    PurchasingErrorCode.PRICE_CHANGE_NOT_ALLOWED: _(
        "You cannot change prices or discounts. Suggest a different price in a note instead."
    ),
    PurchasingErrorCode.CHARGE_CHANGE_NOT_ALLOWED: _("You cannot change charges. Suggest a change in a note instead."),
    PurchasingErrorCode.QUANTITIES_NOT_CONFIRMED: _(
        "The quantities you confirm differ from the ordered ones. Confirm them to send the response."
    ),
    # state
    PurchasingErrorCode.VENDOR_NOT_COLLABORATING: _(
        "Vendor %(vendor)s does not take part in vendor collaboration; purchase orders cannot be sent to it."
    ),
    PurchasingErrorCode.NO_LINES: _("A purchase order needs at least one line before it can be sent."),
    PurchasingErrorCode.DOCUMENT_DATA_MISSING: _(
        "The order document cannot be sent without %(missing)s. Complete the master data or the purchase order first."
    ),
    PurchasingErrorCode.VERSION_OUTDATED: _(
        "Version %(answered)s is no longer the latest: version %(latest)s of this purchase order has arrived. "
        "Review the latest version and respond to that one."
    ),
    PurchasingErrorCode.ALREADY_ANSWERED: _("Version %(version)s of this purchase order already has a response."),
    PurchasingErrorCode.NO_RESPONSE: _(
        "The vendor has not responded yet. To confirm anyway, choose “Confirm without response”."
    ),
    PurchasingErrorCode.RESPONSE_REJECTED: _(
        "The vendor rejected this version. Edit and resend the purchase order, or cancel it."
    ),
    PurchasingErrorCode.NO_VENDOR_CHANGES: _("The vendor accepted this version without changes; confirm it as it is."),
    PurchasingErrorCode.NOTHING_TO_CONFIRM: _(
        "Every line was rejected, so nothing is left to confirm. Edit and resend, or cancel."
    ),
    PurchasingErrorCode.PO_CLOSED: _(
        "Purchase order %(number)s has status “%(status)s”; nothing can be added to it any more."
    ),
    PurchasingErrorCode.NOTHING_TO_COPY: _("Purchase order %(number)s has no lines to copy."),
    PurchasingErrorCode.RECEIPT_IN_FUTURE: _("Goods cannot be received in the future. Enter today or an earlier date."),
    PurchasingErrorCode.OVER_RECEIPT: _("Only %(remaining)s remains to be received on line %(line_number)s."),
    PurchasingErrorCode.LINE_CANCELLED: _("Line %(line_number)s is cancelled."),
    CommonErrorCode.NOT_FOUND: _("This purchase order does not exist."),
    CommonErrorCode.ROLE_NOT_ALLOWED: _("Your role does not allow this action on purchase orders."),
    # the input rules shared by every app (control characters, identifiers, lengths, counts, dates, totals)
    **text.MESSAGES,
}


def invalid(path: str, code: str, **params: Any) -> ValidationFailed:
    """A refusal of one input field."""
    errors = FieldErrors()
    errors.add(path, code, **params)
    error = errors.error()
    assert error is not None
    return error


def conflict(code: str, **params: Any) -> Conflict:
    return Conflict(code, MESSAGES[code], params=params)


def refused() -> PermissionRefused:
    return PermissionRefused(CommonErrorCode.ROLE_NOT_ALLOWED, MESSAGES["role_not_allowed"])


def not_found() -> NotFound:
    return NotFound(CommonErrorCode.NOT_FOUND, MESSAGES["not_found"])


class FieldErrors(common_errors.FieldErrors):
    """Field errors with purchasing's codes."""

    def __init__(self) -> None:
        super().__init__(MESSAGES)
