"""Consignment's refusals: stable codes, messages a buyer can act on."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from vendorcollab.common import errors as common_errors
from vendorcollab.common.errors import CommonErrorCode, Conflict, NotFound
from vendorcollab.purchasing.errors import MESSAGES as PURCHASING_MESSAGES


class ConsignmentErrorCode(StrEnum):
    """Consignment's own codes; its input is refused with purchasing's codes (quantities, dates, lines)."""

    MORE_THAN_OWNED = "more_than_owned"
    NO_CONSIGNMENT_PRICE = "no_consignment_price"
    PRICE_NOT_POSITIVE = "price_not_positive"
    CURRENCY_INVALID = "currency_invalid"
    PRICE_EXISTS = "price_exists"
    REPLENISHMENT_CLOSED = "replenishment_closed"
    REPLENISHMENT_OVER_RECEIPT = "replenishment_over_receipt"


MESSAGES: dict[str, Promise] = {
    ConsignmentErrorCode.MORE_THAN_OWNED: _(
        "The vendor owns only %(owned)s of %(item)s in warehouse %(warehouse)s; you cannot take %(wanted)s."
    ),
    ConsignmentErrorCode.NO_CONSIGNMENT_PRICE: _(
        "There is no consignment price for %(item)s from this vendor. Add one before taking ownership."
    ),
    ConsignmentErrorCode.PRICE_NOT_POSITIVE: _("The unit price must be greater than zero."),
    ConsignmentErrorCode.CURRENCY_INVALID: _("Enter a currency code of three capital letters (ISO 4217), such as EUR."),
    ConsignmentErrorCode.PRICE_EXISTS: _(
        "There is already a consignment price for %(item)s from %(vendor)s valid from %(valid_from)s. Change that "
        "price instead."
    ),
    ConsignmentErrorCode.REPLENISHMENT_CLOSED: _(
        "Replenishment order %(number)s has status “%(status)s” and cannot be changed."
    ),
    ConsignmentErrorCode.REPLENISHMENT_OVER_RECEIPT: _("Only %(remaining)s is still expected on line %(line_number)s."),
    CommonErrorCode.NOT_FOUND: _("This does not exist."),
}


class FieldErrors(common_errors.FieldErrors):
    """Field errors with consignment's codes and the purchasing ones they share (quantities, dates, lines)."""

    def __init__(self) -> None:
        super().__init__({**PURCHASING_MESSAGES, **MESSAGES})


def conflict(code: str, **params: Any) -> Conflict:
    return Conflict(code, MESSAGES[code], params=params)


def not_found() -> NotFound:
    return NotFound(CommonErrorCode.NOT_FOUND, MESSAGES["not_found"])
