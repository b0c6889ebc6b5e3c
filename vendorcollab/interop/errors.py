"""The refusals of UBL documents: one stable code each, a message that names the element at fault.

A refusal of a document's content is a ``ValidationFailed`` (422) whose ``fields`` map element paths
(``Order/OrderLine[2]/LineItem/Quantity``) to what is wrong there, and whose message names the first such element. A
body that is not a document we read at all (too large, not well-formed XML, with a DOCTYPE) is an
``UnreadableDocument`` (400). A document whose order number the company already uses is a ``Conflict`` (409).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from vendorcollab.common.errors import AppError, Conflict, ValidationFailed

# Codes are part of the API contract: clients switch on them. Add codes; never rename one.
MESSAGES: dict[str, Promise] = {
    # the body as a whole
    "ubl_too_large": _("The document is larger than the %(limit)s allowed."),
    "ubl_empty": _("The document is empty."),
    "ubl_malformed": _("The document is not well-formed XML: %(reason)s"),
    "ubl_doctype": _("Documents with a DOCTYPE (a DTD or entity declarations) are refused."),
    "ubl_not_an_order": _("This is not a UBL 2.1 Order: its root element is %(root)s."),
    "unsupported_media_type": _("Send the document as XML, with the header “Content-Type: application/xml”."),
    # elements
    "ubl_missing": _("This element is required and missing."),
    "ubl_empty_value": _("This element is empty."),
    "ubl_invalid_number": _("“%(value)s” is not a number."),
    "ubl_number_too_precise": _("“%(value)s” has more than %(places)s decimals."),
    "ubl_number_too_large": _("“%(value)s” is too large."),
    "ubl_not_positive": _("“%(value)s” must be greater than zero."),
    "ubl_percent_out_of_range": _("“%(value)s” must be a percentage between 0 and 100."),
    "ubl_invalid_date": _("“%(value)s” is not a date (YYYY-MM-DD)."),
    "ubl_invalid_boolean": _("“%(value)s” is not true or false."),
    "ubl_invalid_currency": _("“%(value)s” is not a currency code (three capital letters, ISO 4217)."),
    "ubl_too_long": _("“%(value)s” is longer than the %(limit)s characters allowed."),
    "ubl_unknown_buyer": _(
        "No company has the endpoint %(scheme)s:%(value)s. Set it as the company's endpoint scheme and id."
    ),
    "ubl_unknown_seller": _(
        "Company %(company)s has no vendor account with the endpoint %(scheme)s:%(value)s. Set it as the vendor "
        "account's endpoint scheme and id."
    ),
    "ubl_ambiguous_party": _("More than one %(kind)s has the endpoint %(scheme)s:%(value)s."),
    "ubl_unknown_item": _("No item “%(value)s” in company %(company)s."),
    "ubl_ambiguous_item": _("More than one item of company %(company)s is called “%(value)s”."),
    "date_in_past": _("The delivery date %(value)s is in the past."),
    "number_taken": _("Purchase order number %(number)s is already used in company %(company)s."),
    # several problems at once; and a problem the purchasing rules found, placed on its element
    "invalid_input": _("The document has %(count)s problems. The first: %(element)s: %(problem)s"),
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
    return UnsupportedMediaType("unsupported_media_type", message, fields={"Content-Type": str(message)})


def number_taken(element: str, *, number: str, company: str) -> Conflict:
    text = _render(MESSAGES["number_taken"], {"number": number, "company": company})
    params = {"element": element, "problem": text}
    return Conflict(
        "number_taken",
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
            "invalid_input", MESSAGES["invalid_input"], params=params, fields=fields, field_codes=codes
        )

    def raise_if_any(self) -> None:
        error = self.error()
        if error is not None:
            raise error
