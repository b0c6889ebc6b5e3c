"""Which error codes each operation of the API may answer, listed in the OpenAPI document as an ``enum``.

An integrator reads there every code an endpoint can return. The codes of an operation are the generic ones that
follow from its shape (authenticated, takes a body, names an object in its path, is a POST that honours an
``Idempotency-Key``) plus the codes of the services it calls, declared next to the route with ``@answers(...)``.
The API tests check every error they provoke against this list (``common.testing.error_codes``), and schemathesis
checks every generated answer against the document.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import Any, TypeVar

from vendorcollab.accounts.errors import AccountsErrorCode
from vendorcollab.common.errors import CommonErrorCode
from vendorcollab.consignment.errors import ConsignmentErrorCode
from vendorcollab.interop.errors import InteropErrorCode
from vendorcollab.invoicing.errors import InvoicingErrorCode
from vendorcollab.notifications.errors import NotificationsErrorCode
from vendorcollab.partners.errors import PartnersErrorCode
from vendorcollab.performance.errors import PerformanceErrorCode
from vendorcollab.purchasing.errors import PurchasingErrorCode
from vendorcollab.shipping.errors import ShippingErrorCode

from .errors import ApiErrorCode

# Every app's codes. A value in two enums means the same refusal in both apps (see SHARED).
ENUMS: tuple[type[StrEnum], ...] = (
    CommonErrorCode,
    ApiErrorCode,
    PurchasingErrorCode,
    ConsignmentErrorCode,
    InteropErrorCode,
    AccountsErrorCode,
    PartnersErrorCode,
    NotificationsErrorCode,
    InvoicingErrorCode,
    ShippingErrorCode,
    PerformanceErrorCode,
)

# Values deliberately in more than one enum, and why: each app refuses the same thing under the same code.
SHARED: dict[str, str] = {
    "required": "a required field is missing (purchasing, partners)",
    "invalid_email": "an e-mail address that is not one (partners, the API's user fields)",
    "date_in_past": "a delivery date in the past (a purchase order, a UBL order)",
    "number_taken": (
        "a number already used: a PO's in the company (a purchase order, a UBL order), an invoice's in its vendor "
        "account"
    ),
    "unsupported_media_type": "a body of another media type (JSON endpoints, the UBL import)",
    "name_required": "a name left empty (API tokens, webhook endpoints)",
    "mfa_required": "two-factor authentication not set up (the accounts middleware answers it for the API)",
    "invalid_unit_code": "a unit code not in UN/ECE Rec 20 (an item of the master data, a purchase order line)",
    "unknown_country": "a country code not in ISO 3166-1 (master data addresses, a purchase order's delivery place)",
    "unknown_endpoint_scheme": "a scheme not in the EAS code list (master data, a purchase order's parties)",
    "unknown_tax_category": "a tax category not in UNCL5305 (a purchase order line, an item's or company's default)",
    "tax_percent_out_of_range": "a tax percentage outside 0-100 (a PO line, an item's or company's default)",
    # invoicing refuses these as purchasing (or accounts) does, for an invoice instead of a PO
    "quantity_not_positive": "a quantity of zero or less (a PO line, an invoice line)",
    "price_negative": "a negative unit price (a PO line, an invoice line)",
    "unknown_line": "a line number the purchase order does not have (a receipt, an answer, an invoice line)",
    "no_lines": "a purchase order or an invoice without lines",
    "invalid_transition": "an action the life cycle does not allow from the status (a PO, an invoice)",
    "file_too_large": "an attachment above the size limit (a PO, an invoice)",
    "file_type_not_allowed": "an attachment of a type not allowed (a PO, an invoice)",
    "file_content_mismatch": "an attachment whose content is not what its name says (a PO, an invoice)",
    "reason_required": "a refusal without its reason (an account request, an invoice rejection)",
    # shipping refuses these as invoicing does, for a ship notice of PO lines instead of an invoice of them
    "duplicate_line": "a PO line named twice (an invoice, a ship notice)",
    "wrong_vendor": "a PO of another vendor account than the rest (an invoice, a ship notice)",
}

# What authentication and the routers' gates may answer on any authenticated operation: no or a wrong credential,
# two-factor authentication not set up, no role, the wrong role (403), or the other side's paths (404).
AUTHENTICATED = (
    ApiErrorCode.NOT_AUTHENTICATED,
    ApiErrorCode.MFA_REQUIRED,
    ApiErrorCode.NO_ROLE,
    ApiErrorCode.PERMISSION_DENIED,
    CommonErrorCode.NOT_FOUND,
)
# A body: ninja's parser and our limits (the request as a whole), then request validation.
BODY = (
    ApiErrorCode.MALFORMED_JSON,
    ApiErrorCode.UNSUPPORTED_MEDIA_TYPE,
    CommonErrorCode.REQUEST_TOO_LARGE,
    CommonErrorCode.INVALID_INPUT,
)
# An authenticated POST: the Idempotency-Key header (idempotency.py).
IDEMPOTENT = (
    ApiErrorCode.IDEMPOTENCY_KEY_REUSED,
    ApiErrorCode.BODY_TOO_LARGE,
    CommonErrorCode.INVALID_INPUT,
)

F = TypeVar("F", bound=Callable[..., Any])


def answers(*codes: StrEnum | Iterable[StrEnum]) -> Callable[[F], F]:
    """The codes the services behind an endpoint may refuse with, beyond the generic ones: ``@answers(
    PurchasingErrorCode.PO_CLOSED, INPUT_RULES)``. Put it under the ``@router`` decorator."""
    flat: set[str] = set()
    for code in codes:
        flat.update([code] if isinstance(code, str) else code)

    def decorate(view: F) -> F:
        view.error_codes = frozenset(flat)  # type: ignore[attr-defined]
        return view

    return decorate


def generic_codes(path: str, method: str, operation: dict[str, Any]) -> set[str]:
    """The codes that follow from an operation's shape in the document, whatever it does."""
    codes: set[str] = set()
    if operation.get("security"):
        codes.update(AUTHENTICATED)
        if method != "get":
            codes.add(ApiErrorCode.CSRF_FAILED)
        if method == "post":
            codes.update(IDEMPOTENT)
    if operation.get("parameters"):
        codes.add(CommonErrorCode.INVALID_INPUT)
    if "requestBody" in operation:
        codes.update(BODY)
    if "{" in path:
        codes.add(CommonErrorCode.NOT_FOUND)
    return codes


def operation_codes(path: str, method: str, operation: dict[str, Any], view: Any) -> list[str]:
    declared: frozenset[str] = getattr(view, "error_codes", frozenset())
    return sorted(str(code) for code in generic_codes(path, method, operation) | declared)


def document(schema: dict[str, Any], views: dict[str, Any]) -> dict[str, Any]:
    """Give each operation an error schema of its own whose ``code`` is the enum of what it may answer, and point
    its 4xx responses at it. ``views`` maps operation ids to endpoint functions."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for path, methods in schema.get("paths", {}).items():
        for method, operation in methods.items():
            op_id = operation["operationId"]
            codes = operation_codes(path, method, operation, views.get(op_id))
            name = f"{op_id}_error"
            components[name] = {
                "title": name,
                "type": "object",
                "description": "The error shape, with the codes this operation may answer.",
                "required": ["error"],
                "properties": {
                    "error": {
                        "type": "object",
                        "required": ["code", "message", "fields"],
                        "properties": {
                            "code": {"type": "string", "enum": codes},
                            "message": {"type": "string"},
                            "fields": {"type": "object", "additionalProperties": {"type": "string"}},
                        },
                    }
                },
            }
            for status, response in operation.get("responses", {}).items():
                if 400 <= int(status) < 500:
                    response["content"] = {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}
    return schema


# --- the codes of the services behind the endpoints, in groups the endpoints declare -----------------------------

INPUT_RULES = (
    CommonErrorCode.CONTROL_CHARACTER,
    CommonErrorCode.IDENTIFIER_CHARACTERS,
    CommonErrorCode.TEXT_TOO_LONG,
    CommonErrorCode.TOO_MANY_ROWS,
    CommonErrorCode.NUMBER_OUT_OF_RANGE,
    CommonErrorCode.DATE_OUT_OF_RANGE,
    CommonErrorCode.TOTAL_TOO_LARGE,
)
P = PurchasingErrorCode
# Writing a purchase order's lines, charges and header (orders.py), with the API's references to master data.
PO_INPUT = (
    *INPUT_RULES,
    ApiErrorCode.UNKNOWN,
    P.REQUIRED,
    P.QUANTITY_NOT_POSITIVE,
    P.PRICE_NEGATIVE,
    P.DISCOUNT_OUT_OF_RANGE,
    P.DATE_IN_PAST,
    P.LINE_NUMBER_OUT_OF_RANGE,
    P.DUPLICATE_LINE_NUMBER,
    P.WRONG_COMPANY,
    P.WAREHOUSE_NOT_IN_SITE,
    P.VENDOR_NOT_IN_COMPANY,
    P.NUMBER_TAKEN,
    P.QUANTITY_BELOW_RECEIVED,
    P.LINE_HAS_RECEIPTS,
    P.UNKNOWN_LINE,  # a charge on a line the order does not have
    P.INVALID_UNIT_CODE,
    P.UNKNOWN_TAX_CATEGORY,
    P.TAX_PERCENT_OUT_OF_RANGE,
    P.UNKNOWN_COUNTRY,
    P.UNKNOWN_ENDPOINT_SCHEME,
    P.PERIOD_REVERSED,
)
# A step of a purchase order's life cycle refused by the transition table (transitions.py) or its guards.
PO_STATE = (CommonErrorCode.ROLE_NOT_ALLOWED, P.INVALID_TRANSITION, P.PO_CLOSED)
PO_SEND = (*PO_STATE, *INPUT_RULES, P.VENDOR_NOT_COLLABORATING, P.NO_LINES, P.DOCUMENT_DATA_MISSING)
PO_CONFIRM = (*PO_STATE, P.NO_RESPONSE, P.RESPONSE_REJECTED, P.NOTHING_TO_CONFIRM, P.VERSION_OUTDATED)
PO_RECEIVE = (
    *PO_STATE,
    *INPUT_RULES,
    P.REQUIRED,
    P.UNKNOWN_LINE,
    P.DUPLICATE_LINE_NUMBER,
    P.QUANTITY_NOT_POSITIVE,
    P.RECEIPT_IN_FUTURE,
    P.OVER_RECEIPT,
    P.LINE_CANCELLED,
)
# The vendor's answer (responses.py).
VENDOR_RESPONSE = (
    *INPUT_RULES,
    CommonErrorCode.ROLE_NOT_ALLOWED,
    P.INVALID_TRANSITION,
    P.VERSION_OUTDATED,
    P.ALREADY_ANSWERED,
    P.UNKNOWN_LINE,
    P.REQUIRED,
    P.QUANTITY_NOT_POSITIVE,
    P.DATE_IN_PAST,
    P.ANSWER_LINES_NOT_ALLOWED,
    P.LINE_ANSWERED_TWICE,
    P.CHANGE_WITHOUT_CHANGE,
    P.SPLIT_TOO_FEW_LINES,
    P.SUBSTITUTE_WITHOUT_ITEM,
    P.PRICE_CHANGE_NOT_ALLOWED,
    P.CHARGE_CHANGE_NOT_ALLOWED,
)
# A batch of accepts: refused whole only for its size; each item's refusal is in its result, not the status.
VENDOR_BULK_ACCEPT = (CommonErrorCode.TOO_MANY_ROWS,)
# Consignment's services, whose input is refused with purchasing's codes.
CONSIGNMENT = (
    *INPUT_RULES,
    ApiErrorCode.UNKNOWN,
    CommonErrorCode.ROLE_NOT_ALLOWED,
    *ConsignmentErrorCode,
    P.REQUIRED,
    P.QUANTITY_NOT_POSITIVE,
    P.WRONG_COMPANY,
    P.WAREHOUSE_NOT_IN_SITE,
    P.DATE_IN_PAST,
    P.UNKNOWN_LINE,
    P.DUPLICATE_LINE_NUMBER,
)
# The master data services (partners.services).
MASTER_DATA = (*INPUT_RULES, ApiErrorCode.UNKNOWN, CommonErrorCode.ROLE_NOT_ALLOWED, *PartnersErrorCode)
USERS = (
    *INPUT_RULES,
    CommonErrorCode.ROLE_NOT_ALLOWED,
    ApiErrorCode.UNKNOWN,
    ApiErrorCode.INVALID_EMAIL,
    ApiErrorCode.USERNAME_TAKEN,
    ApiErrorCode.PASSWORD_REJECTED,
)
TOKEN = (
    *INPUT_RULES,
    ApiErrorCode.INVALID_CREDENTIALS,
    ApiErrorCode.TOO_MANY_ATTEMPTS,
    ApiErrorCode.OTP_REQUIRED,
    ApiErrorCode.INVALID_OTP,
    ApiErrorCode.MFA_REQUIRED,
)

# --- invoicing (invoicing.services) -----------------------------------------------------------------------------------
INV = InvoicingErrorCode
# A step of an invoice's life cycle refused by its table (invoicing.transitions): not from this status, not this role.
INVOICE_STATE = (CommonErrorCode.ROLE_NOT_ALLOWED, INV.INVALID_TRANSITION)
# An invoice or credit note as the vendor enters it (invoicing.services.entry), new or a draft changed.
INVOICE_INPUT = (
    *INPUT_RULES,
    CommonErrorCode.ROLE_NOT_ALLOWED,
    INV.REQUIRED,
    INV.UNKNOWN_VENDOR,
    INV.KIND_INVALID,
    INV.NUMBER_TAKEN,
    INV.NO_LINES,
    INV.UNKNOWN_LINE,
    INV.DUPLICATE_LINE,
    INV.WRONG_VENDOR,
    INV.NOT_INVOICEABLE,
    INV.OVER_INVOICED,
    INV.CURRENCY_MISMATCH,
    INV.QUANTITY_NOT_POSITIVE,
    INV.PRICE_NEGATIVE,
    INV.AMOUNT_NOT_POSITIVE,
    INV.DUE_BEFORE_ISSUE,
    INV.TAX_CATEGORY_INVALID,
    INV.TAX_PERCENT_INVALID,
    INV.TAX_CATEGORIES_MIXED,
    INV.CREDITED_INVOICE_REQUIRED,
    INV.NOT_CREDITABLE,
    INV.CREDIT_EXCEEDS_INVOICE,
)
# Submitting: the quantities taken under the PO lines' locks (409 when another invoice took them first).
INVOICE_SUBMIT = (*INVOICE_STATE, INV.OVER_INVOICED, INV.CREDIT_EXCEEDS_INVOICE, INV.NOT_CREDITABLE)
INVOICE_CREATE = (*INVOICE_INPUT, *INVOICE_SUBMIT)
INVOICE_UPDATE = (*INVOICE_INPUT, *INVOICE_STATE)
INVOICE_APPROVE = INVOICE_STATE
# Rejecting gives the quantities back: a credit note's back to the invoice, which may meet a receipt since reduced.
INVOICE_REJECT = (*INVOICE_STATE, *INPUT_RULES, INV.REASON_REQUIRED, INV.INVOICE_CREDITED, INV.OVER_INVOICED)
INVOICE_PAY = (*INVOICE_STATE, *INPUT_RULES, INV.PAYMENT_DATE_REQUIRED, INV.PAYMENT_DATE_IN_FUTURE)

# A UBL import: the document's own codes, and the purchasing rules placed on their elements (interop.services).
UBL_IMPORT = (*InteropErrorCode, *PO_INPUT, CommonErrorCode.ROLE_NOT_ALLOWED, P.INVALID_TRANSITION)
# A vendor's UBL Order Response: the document's own codes and the answer's rules (response_submit).
VENDOR_UBL_INBOUND = (*InteropErrorCode, *VENDOR_RESPONSE)
# Any inbound document (Order, Order Change, Order Cancellation from the buyer's ERP; Order Response from the
# vendor's): what reading it may refuse, and the services it goes through.
# An Invoice or Credit Note from the vendor's ERP answers what ``invoice_create_and_submit`` answers, a Despatch
# Advice what ``ship_notice_create`` answers.
DOCUMENT_IMPORT = (*UBL_IMPORT, *VENDOR_RESPONSE, *PO_STATE, *InvoicingErrorCode, *ShippingErrorCode)

# --- ship notices (shipping.services) ---------------------------------------------------------------------------------
SHIP = ShippingErrorCode
# A step of a notice's life cycle refused by its table (shipping.transitions): not from this status, not this role.
SHIP_NOTICE_STATE = (CommonErrorCode.ROLE_NOT_ALLOWED, SHIP.INVALID_TRANSITION)
# A notice as the vendor (or its ERP, or its Despatch Advice) enters it; ``over_announced`` (409) is decided under
# the PO lines' row locks: another notice or a receipt took the open quantity first.
SHIP_NOTICE_CREATE = (
    *INPUT_RULES,
    CommonErrorCode.ROLE_NOT_ALLOWED,
    SHIP.REQUIRED,
    SHIP.NO_LINES,
    SHIP.UNKNOWN_LINE,
    SHIP.DUPLICATE_LINE,
    SHIP.NOT_SHIPPABLE,
    SHIP.WRONG_VENDOR,
    SHIP.MIXED_SHIP_TO,
    SHIP.OVER_ANNOUNCED,
    SHIP.QUANTITY_NOT_POSITIVE,
    SHIP.NUMBER_TAKEN,
    SHIP.DESPATCH_IN_FUTURE,
    SHIP.DELIVERY_BEFORE_DESPATCH,
    SHIP.PACKAGES_INVALID,
)
SHIP_NOTICE_CANCEL = (*SHIP_NOTICE_STATE, *INPUT_RULES)
# Receiving from a notice posts a purchasing receipt per PO: purchasing's receipt rules (over_receipt,
# receipt_in_future, the PO's own state) answer too.
SHIP_NOTICE_RECEIVE = (
    *SHIP_NOTICE_STATE,
    *PO_RECEIVE,
    SHIP.NO_LINES,
    SHIP.UNKNOWN_LINE,
    SHIP.DUPLICATE_LINE,
    SHIP.ALREADY_RECEIVED,
    SHIP.QUANTITY_NEGATIVE,
)
# ``POST /purchase-orders/{id}/receipts`` with ``ship_notice``: PO line numbers, each on the notice for this PO.
SHIP_NOTICE_PO_RECEIPT = (
    *SHIP_NOTICE_STATE,
    *PO_RECEIVE,
    SHIP.NO_LINES,
    SHIP.NOT_ON_NOTICE,
    SHIP.DUPLICATE_LINE,
    SHIP.ALREADY_RECEIVED,
    SHIP.QUANTITY_NOT_POSITIVE,
)
