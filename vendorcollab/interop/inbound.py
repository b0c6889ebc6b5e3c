"""The one way in for PEPPOL BIS Ordering 3 documents: read, dispatch on the transaction, log.

``import_document`` reads any document the portal takes (Order T01, Order Change T114, Order Cancellation T115 from
the buyer's ERP; Order Response T76 and Order Response Advanced T116 from the vendor's ERP) and hands it to the
service of its transaction. Which side may send which is fixed here: a buyer's user may not answer an order by
document, a vendor's user may not order. Every refusal is an ``AppError`` in the API's shape, naming the element.
"""

from __future__ import annotations

from vendorcollab.accounts.models import User
from vendorcollab.common.errors import AppError, ValidationFailed

from .errors import MESSAGES, InteropErrorCode
from .services import order_import
from .services_inbound import Taken, order_cancellation_import, order_change_import, order_response_import
from .ubl_reader import CancellationDoc, OrderDoc, ResponseDoc, Transaction, parse, read_document, transaction_of

FROM_BUYER = frozenset({Transaction.ORDER, Transaction.ORDER_CHANGE, Transaction.ORDER_CANCELLATION})
FROM_VENDOR = frozenset({Transaction.ORDER_RESPONSE, Transaction.ORDER_RESPONSE_ADVANCED})


def import_document(*, actor: User, xml: bytes, accept: frozenset[Transaction] | None = None) -> Taken:
    """Take one inbound document through the services of its transaction. ``accept`` narrows the transactions a
    face takes (the buyer's import endpoint: ``FROM_BUYER``); the actor's side narrows them always."""
    try:
        transaction = transaction_of(parse(xml))
        allowed = FROM_VENDOR if actor.is_vendor_user else FROM_BUYER
        if accept is not None:
            allowed = allowed & accept
        if transaction not in allowed:
            raise _wrong_side(transaction, allowed)
        document, errors = read_document(xml)
        if isinstance(document, OrderDoc) and document.transaction == Transaction.ORDER:
            taken = Taken(order_import(actor=actor, order=document, errors=errors), created=True)
        elif isinstance(document, OrderDoc):
            taken = order_change_import(actor=actor, order=document, errors=errors)
        elif isinstance(document, CancellationDoc):
            errors.raise_if_any()
            taken = order_cancellation_import(actor=actor, document=document)
        else:
            assert isinstance(document, ResponseDoc)
            taken = order_response_import(actor=actor, document=document, errors=errors)
    except AppError as error:
        _log_refused(actor, xml, error)
        raise
    _log_taken(actor, xml, taken)
    return taken


def _wrong_side(transaction: Transaction, allowed: frozenset[Transaction]) -> ValidationFailed:
    where = ", ".join(sorted(allowed)) or "-"
    text = str(MESSAGES[InteropErrorCode.UBL_NOT_FOR_THIS_ENDPOINT]) % {
        "transaction": transaction.value,
        "where": where,
    }
    element = "CustomizationID"
    return ValidationFailed(
        InteropErrorCode.UBL_NOT_FOR_THIS_ENDPOINT,
        MESSAGES["element_problem"],
        params={"element": element, "problem": text},
        fields={element: text},
        field_codes={element: InteropErrorCode.UBL_NOT_FOR_THIS_ENDPOINT},
    )


# DOCUMENT LOG CALL SITE (issue 15, point 5): the log engineer's ``interop.documents.document_log_inbound(...)`` is
# not on main yet. Once a commit "Merge document log service" lands, call it from these two functions (after
# commit; a refused document is logged with its reasons) and make idempotency by document ID use the log.
def _log_taken(actor: User, xml: bytes, taken: Taken) -> None:
    return None


def _log_refused(actor: User, xml: bytes, error: AppError) -> None:
    return None
