"""The vendor performance errors: a filter that makes no sense, a ranking order that does not exist."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from vendorcollab.common import errors as common_errors
from vendorcollab.common.errors import CommonErrorCode, NotFound, PermissionRefused, ValidationFailed


class PerformanceErrorCode(StrEnum):
    """Performance's codes. Codes are part of the API contract: add members; never rename a value."""

    PERIOD_INVALID = "period_invalid"
    PERIOD_ENDS_BEFORE_START = "period_ends_before_start"
    PERIOD_TOO_LONG = "period_too_long"
    COMPANY_INVALID = "company_invalid"
    ITEM_INVALID = "item_invalid"
    ORDER_INVALID = "order_invalid"


MESSAGES: dict[str, Promise] = {
    CommonErrorCode.INVALID_INPUT: common_errors.INVALID_INPUT,
    CommonErrorCode.NOT_FOUND: _("This vendor account does not exist."),
    CommonErrorCode.ROLE_NOT_ALLOWED: _("Your role does not allow you to see every vendor's performance."),
    PerformanceErrorCode.PERIOD_INVALID: _("Enter a month as year and month, for example 2026-03."),
    PerformanceErrorCode.PERIOD_ENDS_BEFORE_START: _("The last month of the period is before its first month."),
    PerformanceErrorCode.PERIOD_TOO_LONG: _("Choose a period of at most %(months)s months."),
    PerformanceErrorCode.COMPANY_INVALID: _("No company has this id."),
    PerformanceErrorCode.ITEM_INVALID: _("No item has this id."),
    PerformanceErrorCode.ORDER_INVALID: _("The list cannot be ordered that way."),
}


class FieldErrors(common_errors.FieldErrors):
    """Field errors with performance's codes."""

    def __init__(self) -> None:
        super().__init__(MESSAGES)


def invalid(path: str, code: str, **params: Any) -> ValidationFailed:
    errors = FieldErrors()
    errors.add(path, code, **params)
    error = errors.error()
    assert error is not None
    return error


def refused() -> PermissionRefused:
    return PermissionRefused(CommonErrorCode.ROLE_NOT_ALLOWED, MESSAGES[CommonErrorCode.ROLE_NOT_ALLOWED])


def not_found() -> NotFound:
    return NotFound(CommonErrorCode.NOT_FOUND, MESSAGES[CommonErrorCode.NOT_FOUND])
