"""The UBL 2.1 writers of PEPPOL BIS Ordering 3, one module per side: the buyer's documents (Order, Order Change,
Order Cancellation) and the vendor's (Order Response, Order Response Advanced)."""

from .order import cancellation_document_id, order_document_id, ubl_order, ubl_order_cancellation, ubl_order_change
from .response import is_advanced_response, response_document_id, ubl_order_response

__all__ = [
    "cancellation_document_id",
    "is_advanced_response",
    "order_document_id",
    "response_document_id",
    "ubl_order",
    "ubl_order_cancellation",
    "ubl_order_change",
    "ubl_order_response",
]
