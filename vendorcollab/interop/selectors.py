"""The reads behind the UBL exports: buyer users only, through the purchasing selectors."""

from __future__ import annotations

from vendorcollab.accounts.models import User
from vendorcollab.purchasing import selectors
from vendorcollab.purchasing.errors import not_found
from vendorcollab.purchasing.models import PurchaseOrder, PurchaseOrderVersion, VendorResponse


def _po(actor: User, pk: int) -> PurchaseOrder:
    # The documents are the buyer's: a vendor user has its own view of a PO and no export of it.
    if not actor.is_buyer:
        raise not_found()
    return selectors.po_get(actor=actor, pk=pk)


def version_for_export(*, actor: User, purchase_order_id: int, number: int) -> PurchaseOrderVersion:
    """Version ``number`` of a PO of the buyer's, with what ``ubl_order`` writes; else ``NotFound``."""
    po = _po(actor, purchase_order_id)
    if number < 1:
        raise not_found()  # ``version_get`` reads a missing number as "the latest"
    return selectors.version_get(purchase_order=po, number=number)


def response_for_export(*, actor: User, purchase_order_id: int, response_id: int) -> VendorResponse:
    """A vendor's response on a PO of the buyer's, with its version and lines; else ``NotFound``."""
    po = _po(actor, purchase_order_id)
    number = (
        VendorResponse.objects.filter(purchase_order=po, pk=response_id)
        .values_list("version__number", flat=True)
        .first()
    )
    if number is None:
        raise not_found()
    version = selectors.version_get(purchase_order=po, number=number)
    response = version.response  # prefetched with its lines by ``version_get``
    response.version = version
    return response
