"""The purchasing errors: one stable code per refusal, each with a message a buyer or vendor can act on."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from vendorcollab.common import errors as common_errors
from vendorcollab.common import text
from vendorcollab.common.errors import Conflict, NotFound, PermissionRefused, ValidationFailed

# Codes are part of the API contract: clients switch on them. Add codes; never rename one.
MESSAGES: dict[str, Promise] = {
    # input
    "invalid_input": common_errors.INVALID_INPUT,
    "required": _("This field is required."),
    "quantity_not_positive": _("The quantity must be greater than zero."),
    "price_negative": _("The unit price cannot be negative."),
    "discount_out_of_range": _("The discount must be between 0 and 100 percent."),
    "date_in_past": _("The date cannot be in the past."),
    "line_number_out_of_range": _("Enter a line number between 1 and 2147483647."),
    "duplicate_line_number": _("This line number is used more than once."),
    "unknown_line": _("This purchase order has no line %(line_number)s."),
    "wrong_company": _("This belongs to a different company from the purchase order."),
    "warehouse_not_in_site": _("This warehouse does not belong to the chosen site."),
    "vendor_not_in_company": _("This vendor account belongs to another company."),
    "number_taken": _("Purchase order number %(number)s is already used in this company."),
    "quantity_below_received": _("The quantity cannot be less than the quantity already received (%(received)s)."),
    "file_too_large": _("%(name)s is larger than the %(limit)s allowed."),
    "file_type_not_allowed": _("%(name)s cannot be attached: only these kinds of file can: %(allowed)s."),
    "file_content_mismatch": _(
        "%(name)s is not the %(extension)s file its name says it is. Attach the document itself, not a renamed file."
    ),
    "file_choose_again": _(
        "You chose %(name)s, but browsers do not keep a chosen file when a page is shown again. Choose it again."
    ),
    "line_has_receipts": _("Line %(line_number)s has receipts and cannot be removed."),
    # vendor answers
    "answer_lines_not_allowed": _("Line responses other than “Accept” are only allowed with “Accept with changes”."),
    "line_answered_twice": _("Line %(line_number)s has more than one response."),
    "change_without_change": _("Give a new quantity or delivery date for a changed line."),
    "split_too_few_lines": _("A split needs at least two schedule lines."),
    "substitute_without_item": _("Give your item number for the substitute."),
    "price_change_not_allowed": _(
        "You cannot change prices or discounts. Suggest a different price in a note instead."
    ),
    "charge_change_not_allowed": _("You cannot change charges. Suggest a change in a note instead."),
    # state
    "vendor_not_collaborating": _(
        "Vendor %(vendor)s does not take part in vendor collaboration; purchase orders cannot be sent to it."
    ),
    "no_lines": _("A purchase order needs at least one line before it can be sent."),
    "version_outdated": _(
        "Version %(answered)s is no longer the latest: version %(latest)s of this purchase order has arrived. "
        "Review the latest version and respond to that one."
    ),
    "already_answered": _("Version %(version)s of this purchase order already has a response."),
    "no_response": _("The vendor has not responded yet. To confirm anyway, choose “Confirm without response”."),
    "response_rejected": _("The vendor rejected this version. Edit and resend the purchase order, or cancel it."),
    "no_vendor_changes": _("The vendor accepted this version without changes; confirm it as it is."),
    "nothing_to_confirm": _("Every line was rejected, so nothing is left to confirm. Edit and resend, or cancel."),
    "po_closed": _("Purchase order %(number)s has status “%(status)s”; nothing can be added to it any more."),
    "nothing_to_copy": _("Purchase order %(number)s has no lines to copy."),
    "receipt_in_future": _("Goods cannot be received in the future. Enter today or an earlier date."),
    "over_receipt": _("Only %(remaining)s remains to be received on line %(line_number)s."),
    "line_cancelled": _("Line %(line_number)s is cancelled."),
    "not_found": _("This purchase order does not exist."),
    "role_not_allowed": _("Your role does not allow this action on purchase orders."),
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
    return PermissionRefused("role_not_allowed", MESSAGES["role_not_allowed"])


def not_found() -> NotFound:
    return NotFound("not_found", MESSAGES["not_found"])


class FieldErrors(common_errors.FieldErrors):
    """Field errors with purchasing's codes."""

    def __init__(self) -> None:
        super().__init__(MESSAGES)
