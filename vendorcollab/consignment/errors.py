"""Consignment's refusals: stable codes, messages a buyer can act on."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from vendorcollab.common import errors as common_errors
from vendorcollab.common.errors import Conflict, NotFound
from vendorcollab.purchasing.errors import MESSAGES as PURCHASING_MESSAGES

MESSAGES: dict[str, Promise] = {
    "more_than_owned": _(
        "The vendor owns only %(owned)s of %(item)s in warehouse %(warehouse)s; you cannot take %(wanted)s."
    ),
    "no_consignment_price": _(
        "There is no consignment price for %(item)s from this vendor. Add one before taking ownership."
    ),
    "price_not_positive": _("The unit price must be greater than zero."),
    "currency_invalid": _("Enter a currency code of three capital letters (ISO 4217), such as EUR."),
    "price_exists": _(
        "There is already a consignment price for %(item)s from %(vendor)s valid from %(valid_from)s. Change that "
        "price instead."
    ),
    "replenishment_closed": _("Replenishment order %(number)s has status “%(status)s” and cannot be changed."),
    "replenishment_over_receipt": _("Only %(remaining)s is still expected on line %(line_number)s."),
    "not_found": _("This does not exist."),
}


class FieldErrors(common_errors.FieldErrors):
    """Field errors with consignment's codes and the purchasing ones they share (quantities, dates, lines)."""

    def __init__(self) -> None:
        super().__init__({**PURCHASING_MESSAGES, **MESSAGES})


def conflict(code: str, **params: Any) -> Conflict:
    return Conflict(code, MESSAGES[code], params=params)


def not_found() -> NotFound:
    return NotFound("not_found", MESSAGES["not_found"])
