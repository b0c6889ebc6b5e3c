"""The writers' old home, kept for the callers that import from it (the API's UBL endpoints): see ``writers``."""

from .writers import ubl_order, ubl_order_response

__all__ = ["ubl_order", "ubl_order_response"]
