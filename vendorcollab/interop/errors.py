"""The refusals of UBL documents: one stable code each, a message that names the element at fault.

A refusal of a document's content is a ``ValidationFailed`` (422) whose ``fields`` map element paths
(``Order/OrderLine[2]/LineItem/Quantity``) to what is wrong there, and whose message names the first such element. A
body that is not a document we read at all (too large, not well-formed XML, with a DOCTYPE) is an
``UnreadableDocument`` (400). A document whose order number the company already uses is a ``Conflict`` (409).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from vendorcollab.common.errors import AppError, CommonErrorCode, Conflict, ValidationFailed


class InteropErrorCode(StrEnum):
    """The codes of UBL documents: the body as a whole, and each element."""

    UBL_TOO_LARGE = "ubl_too_large"
    UBL_EMPTY = "ubl_empty"
    UBL_MALFORMED = "ubl_malformed"
    UBL_DOCTYPE = "ubl_doctype"
    UBL_NOT_AN_ORDER = "ubl_not_an_order"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    UBL_MISSING = "ubl_missing"
    UBL_EMPTY_VALUE = "ubl_empty_value"
    UBL_INVALID_NUMBER = "ubl_invalid_number"
    UBL_NUMBER_TOO_PRECISE = "ubl_number_too_precise"
    UBL_NUMBER_TOO_LARGE = "ubl_number_too_large"
    UBL_NOT_POSITIVE = "ubl_not_positive"
    UBL_PERCENT_OUT_OF_RANGE = "ubl_percent_out_of_range"
    UBL_INVALID_DATE = "ubl_invalid_date"
    UBL_INVALID_BOOLEAN = "ubl_invalid_boolean"
    UBL_INVALID_CURRENCY = "ubl_invalid_currency"
    UBL_TOO_LONG = "ubl_too_long"
    UBL_UNKNOWN_BUYER = "ubl_unknown_buyer"
    UBL_UNKNOWN_SELLER = "ubl_unknown_seller"
    UBL_AMBIGUOUS_PARTY = "ubl_ambiguous_party"
    UBL_UNKNOWN_ITEM = "ubl_unknown_item"
    UBL_AMBIGUOUS_ITEM = "ubl_ambiguous_item"
    DATE_IN_PAST = "date_in_past"
    NUMBER_TAKEN = "number_taken"
    UBL_WRONG_TRANSACTION = "ubl_wrong_transaction"
    UBL_WRONG_PROFILE = "ubl_wrong_profile"
    UBL_INVALID_IDENTIFIER = "ubl_invalid_identifier"
    UBL_INVALID_BINARY = "ubl_invalid_binary"
    UBL_TOO_MANY = "ubl_too_many"
    UBL_UNKNOWN_ORDER = "ubl_unknown_order"
    UBL_ALREADY_ANSWERED = "ubl_already_answered"
    UBL_OUTDATED_VERSION = "ubl_outdated_version"
    UBL_UNKNOWN_LINE = "ubl_unknown_line"
    UBL_INVALID_CODE = "ubl_invalid_code"
    UBL_NO_RESPONSE_EXPECTED = "ubl_no_response_expected"
    UBL_NOT_FOR_THIS_ENDPOINT = "ubl_not_for_this_endpoint"
    UBL_NOT_SUPPORTED = "ubl_not_supported"
    UBL_TOTAL_DIFFERS = "ubl_total_differs"
    UBL_UNKNOWN_INVOICE = "ubl_unknown_invoice"


# Codes are part of the API contract: clients switch on them. Add codes; never rename one.
MESSAGES: dict[str, Promise] = {
    # the body as a whole
    InteropErrorCode.UBL_TOO_LARGE: _("The document is larger than the %(limit)s allowed."),
    InteropErrorCode.UBL_EMPTY: _("The document is empty."),
    InteropErrorCode.UBL_MALFORMED: _("The document is not well-formed XML: %(reason)s"),
    InteropErrorCode.UBL_DOCTYPE: _("Documents with a DOCTYPE (a DTD or entity declarations) are refused."),
    InteropErrorCode.UBL_NOT_AN_ORDER: _("This is not a UBL 2.1 Order: its root element is %(root)s."),
    InteropErrorCode.UNSUPPORTED_MEDIA_TYPE: _(
        "Send the document as XML, with the header “Content-Type: application/xml”."
    ),
    # elements
    InteropErrorCode.UBL_MISSING: _("This element is required and missing."),
    InteropErrorCode.UBL_EMPTY_VALUE: _("This element is empty."),
    InteropErrorCode.UBL_INVALID_NUMBER: _("“%(value)s” is not a number."),
    InteropErrorCode.UBL_NUMBER_TOO_PRECISE: _("“%(value)s” has more than %(places)s decimals."),
    InteropErrorCode.UBL_NUMBER_TOO_LARGE: _("“%(value)s” is too large."),
    InteropErrorCode.UBL_NOT_POSITIVE: _("“%(value)s” must be greater than zero."),
    InteropErrorCode.UBL_PERCENT_OUT_OF_RANGE: _("“%(value)s” must be a percentage between 0 and 100."),
    InteropErrorCode.UBL_INVALID_DATE: _("“%(value)s” is not a date (YYYY-MM-DD)."),
    InteropErrorCode.UBL_INVALID_BOOLEAN: _("“%(value)s” is not true or false."),
    InteropErrorCode.UBL_INVALID_CURRENCY: _("“%(value)s” is not a currency code (three capital letters, ISO 4217)."),
    InteropErrorCode.UBL_TOO_LONG: _("“%(value)s” is longer than the %(limit)s characters allowed."),
    InteropErrorCode.UBL_UNKNOWN_BUYER: _(
        "No company has the endpoint %(scheme)s:%(value)s. Set it as the company's endpoint scheme and id."
    ),
    InteropErrorCode.UBL_UNKNOWN_SELLER: _(
        "Company %(company)s has no vendor account with the endpoint %(scheme)s:%(value)s. Set it as the vendor "
        "account's endpoint scheme and id."
    ),
    InteropErrorCode.UBL_AMBIGUOUS_PARTY: _("More than one %(kind)s has the endpoint %(scheme)s:%(value)s."),
    InteropErrorCode.UBL_UNKNOWN_ITEM: _("No item “%(value)s” in company %(company)s."),
    InteropErrorCode.UBL_AMBIGUOUS_ITEM: _("More than one item of company %(company)s is called “%(value)s”."),
    InteropErrorCode.DATE_IN_PAST: _("The delivery date %(value)s is in the past."),
    InteropErrorCode.NUMBER_TAKEN: _("Purchase order number %(number)s is already used in company %(company)s."),
    InteropErrorCode.UBL_WRONG_TRANSACTION: _(
        "“%(value)s” is not a PEPPOL BIS Ordering 3 transaction the portal takes as a %(root)s."
    ),
    InteropErrorCode.UBL_WRONG_PROFILE: _("“%(value)s” is not a profile of transaction %(transaction)s."),
    InteropErrorCode.UBL_INVALID_IDENTIFIER: _("“%(value)s” is not a well-formed identifier."),
    InteropErrorCode.UBL_INVALID_BINARY: _("The embedded document is not valid base64."),
    InteropErrorCode.UBL_TOO_MANY: _("At most %(limit)s of these elements are taken."),
    InteropErrorCode.UBL_UNKNOWN_ORDER: _(
        "No purchase order %(value)s of this buyer and seller is known. Import the Order it refers to first."
    ),
    InteropErrorCode.UBL_ALREADY_ANSWERED: _(
        "Purchase order %(value)s has already been answered (by document %(answer)s). An order is answered once."
    ),
    InteropErrorCode.UBL_OUTDATED_VERSION: _(
        "This answers version %(answered)s of purchase order %(value)s, but its latest version is %(latest)s. Answer "
        "the latest version."
    ),
    InteropErrorCode.UBL_UNKNOWN_LINE: _("The order has no line %(value)s."),
    InteropErrorCode.UBL_INVALID_CODE: _("“%(value)s” is not one of the codes allowed here: %(allowed)s."),
    InteropErrorCode.UBL_NO_RESPONSE_EXPECTED: _(
        "Purchase order %(value)s was ordered without a response (order only): it is not answered."
    ),
    InteropErrorCode.UBL_NOT_FOR_THIS_ENDPOINT: _("A %(transaction)s is not taken here: %(where)s."),
    InteropErrorCode.UBL_NOT_SUPPORTED: _(
        "The portal does not take “%(value)s” here: an invoice's amount due is its total, a correction is a credit "
        "note, and a line's price is net of its allowances and charges."
    ),
    InteropErrorCode.UBL_TOTAL_DIFFERS: _(
        "The document says %(value)s, but its lines, allowances and charges come to %(computed)s (EN 16931)."
    ),
    InteropErrorCode.UBL_UNKNOWN_INVOICE: _("This vendor account has no invoice %(value)s to credit."),
    # several problems at once; and a problem the purchasing rules found, placed on its element
    CommonErrorCode.INVALID_INPUT: _("The document has %(count)s problems. The first: %(element)s: %(problem)s"),
    "element_problem": _("%(element)s: %(problem)s"),
}

# What the buyer and seller are called in ``ubl_ambiguous_party``.
PARTY_KINDS: dict[str, Promise] = {"company": _("company"), "vendor": _("vendor account")}


class UnreadableDocument(AppError):
    """The body is not a document we read: too large, not well-formed, a DOCTYPE. Nothing was changed."""

    status = 400


class UnsupportedMediaType(AppError):
    status = 415


def unreadable(code: str, element: str = "document", **params: Any) -> UnreadableDocument:
    message = MESSAGES[code]
    return UnreadableDocument(code, message, params=params, fields={element: _render(message, params)})


def unsupported_media_type() -> UnsupportedMediaType:
    message = MESSAGES["unsupported_media_type"]
    return UnsupportedMediaType(InteropErrorCode.UNSUPPORTED_MEDIA_TYPE, message, fields={"Content-Type": str(message)})


def number_taken(element: str, *, number: str, company: str) -> Conflict:
    text = _render(MESSAGES["number_taken"], {"number": number, "company": company})
    params = {"element": element, "problem": text}
    return Conflict(
        InteropErrorCode.NUMBER_TAKEN,
        MESSAGES["element_problem"],
        params=params,
        fields={element: text},
        field_codes={element: "number_taken"},
    )


def shown(value: str, limit: int = 60) -> str:
    """A value from the document as quoted in a message: a hostile megabyte of text stays out of the answer."""
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _render(message: str | Promise, params: dict[str, Any]) -> str:
    text = str(message)
    return text % params if params else text


@dataclass(frozen=True)
class Problem:
    element: str
    code: str
    text: str


class DocumentErrors:
    """Collects every problem of a document, each on its element, so the sender sees all of them at once.

    With one problem the error carries that problem's code; with several, ``invalid_input`` and the per-element
    codes in ``field_codes``. Either way the message names the (first) element at fault.
    """

    def __init__(self) -> None:
        self.problems: dict[str, Problem] = {}

    def __bool__(self) -> bool:
        return bool(self.problems)

    def add(self, element: str, code: str, **params: Any) -> None:
        self.add_text(element, code, _render(MESSAGES[code], params))

    def add_text(self, element: str, code: str, text: str) -> None:
        """A problem whose message was written elsewhere (the purchasing rules)."""
        if element not in self.problems:
            self.problems[element] = Problem(element, code, text)

    def error(self) -> ValidationFailed | None:
        if not self.problems:
            return None
        problems = list(self.problems.values())
        first = problems[0]
        fields = {problem.element: problem.text for problem in problems}
        codes = {problem.element: problem.code for problem in problems}
        if len(problems) == 1:
            params: dict[str, Any] = {"element": first.element, "problem": first.text}
            return ValidationFailed(
                first.code, MESSAGES["element_problem"], params=params, fields=fields, field_codes=codes
            )
        params = {"count": len(problems), "element": first.element, "problem": first.text}
        return ValidationFailed(
            CommonErrorCode.INVALID_INPUT, MESSAGES["invalid_input"], params=params, fields=fields, field_codes=codes
        )

    def raise_if_any(self) -> None:
        error = self.error()
        if error is not None:
            raise error
