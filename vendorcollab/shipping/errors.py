"""The ship-notice errors: one stable code per refusal of a notice, its cancellation or its receipt, each with a
message to act on."""

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


class ShippingErrorCode(StrEnum):
    """Shipping's codes. Codes are part of the API contract: add members; never rename a value. Values that
    purchasing or invoicing have too (required, number_taken, unknown_line, …) mean the same refusal
    (``api.error_codes.SHARED``)."""

    REQUIRED = "required"
    NO_LINES = "no_lines"
    UNKNOWN_LINE = "unknown_line"
    DUPLICATE_LINE = "duplicate_line"
    NOT_SHIPPABLE = "not_shippable"
    WRONG_VENDOR = "wrong_vendor"
    MIXED_SHIP_TO = "mixed_ship_to"
    OVER_ANNOUNCED = "over_announced"
    QUANTITY_NOT_POSITIVE = "quantity_not_positive"
    QUANTITY_NEGATIVE = "quantity_negative"
    NUMBER_TAKEN = "number_taken"
    DESPATCH_IN_FUTURE = "despatch_in_future"
    DELIVERY_BEFORE_DESPATCH = "delivery_before_despatch"
    PACKAGES_INVALID = "packages_invalid"
    INVALID_TRANSITION = "invalid_transition"
    NOT_ON_NOTICE = "not_on_notice"
    ALREADY_RECEIVED = "already_received"


MESSAGES: dict[str, Promise] = {
    CommonErrorCode.INVALID_INPUT: common_errors.INVALID_INPUT,
    ShippingErrorCode.REQUIRED: _("This field is required."),
    ShippingErrorCode.NO_LINES: _("A ship notice needs at least one line."),
    ShippingErrorCode.UNKNOWN_LINE: _("Purchase order %(purchase_order)s has no line %(line_number)s."),
    ShippingErrorCode.DUPLICATE_LINE: _("Line %(line_number)s of purchase order %(number)s is on the notice twice."),
    ShippingErrorCode.NOT_SHIPPABLE: _(
        "Purchase order %(number)s has status “%(status)s”; only a confirmed purchase order can be shipped."
    ),
    ShippingErrorCode.WRONG_VENDOR: _(
        "Purchase order %(number)s belongs to another vendor account. A ship notice covers the purchase orders of "
        "one vendor account."
    ),
    ShippingErrorCode.MIXED_SHIP_TO: _(
        "Line %(line_number)s of purchase order %(number)s goes to another ship-to site. A ship notice goes to one "
        "site: send a notice per site."
    ),
    ShippingErrorCode.OVER_ANNOUNCED: _(
        "Only %(available)s of line %(line_number)s of purchase order %(number)s is still open and not yet "
        "announced on another ship notice."
    ),
    ShippingErrorCode.QUANTITY_NOT_POSITIVE: _("The quantity must be greater than zero."),
    ShippingErrorCode.QUANTITY_NEGATIVE: _("The quantity cannot be negative. Enter 0 when nothing arrived."),
    ShippingErrorCode.NUMBER_TAKEN: _("Ship notice number %(number)s is already used by this vendor account."),
    ShippingErrorCode.DESPATCH_IN_FUTURE: _(
        "The despatch date cannot be in the future. Create the notice when the goods leave."
    ),
    ShippingErrorCode.DELIVERY_BEFORE_DESPATCH: _("The expected delivery date cannot be before the despatch date."),
    ShippingErrorCode.PACKAGES_INVALID: _("Enter a whole number of packages, at least 1."),
    ShippingErrorCode.INVALID_TRANSITION: _(
        "Ship notice %(number)s has status “%(status)s”; “%(action)s” is not possible now."
    ),
    ShippingErrorCode.NOT_ON_NOTICE: _("Line %(line_number)s of this purchase order is not on ship notice %(notice)s."),
    ShippingErrorCode.ALREADY_RECEIVED: _("Line %(line_number)s of ship notice %(notice)s is already received."),
    # A receipt from a notice is a receipt: its date is refused as purchasing refuses it.
    PurchasingErrorCode.RECEIPT_IN_FUTURE: PURCHASING_MESSAGES[PurchasingErrorCode.RECEIPT_IN_FUTURE],
    CommonErrorCode.NOT_FOUND: _("This ship notice does not exist."),
    CommonErrorCode.ROLE_NOT_ALLOWED: _("Your role does not allow this action on ship notices."),
    **text.MESSAGES,
}

# ``unknown_line`` when a receipt names a line of the notice (not of a PO) that the notice does not have.
NOTICE_LINE_UNKNOWN = _("Ship notice %(notice)s has no line %(line_number)s.")
# ``duplicate_line`` when a receipt names one line twice (the notice itself cannot have a line twice).
# ``invalid_transition`` of a cancel when the notice is still shipped but some of it was received: its status alone
# would not tell the vendor why.
PARTLY_RECEIVED = _("Part of ship notice %(number)s is already received, so it can no longer be cancelled.")
RECEIPT_LINE_TWICE = _("Line %(line_number)s is given twice in this receipt.")


class FieldErrors(common_errors.FieldErrors):
    """Field errors with shipping's codes (``catalogue``: the same codes in other words, for a receipt from a
    notice)."""

    def __init__(self, catalogue: Mapping[str, str | Promise] | None = None) -> None:
        super().__init__(MESSAGES if catalogue is None else catalogue)


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
