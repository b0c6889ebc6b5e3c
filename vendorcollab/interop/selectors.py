"""The reads behind the UBL exports: a PO's documents for buyer users only, through the purchasing selectors; a
ship notice's Despatch Advice for whoever may see the notice."""

from __future__ import annotations

from vendorcollab.accounts.models import User
from vendorcollab.purchasing import selectors
from vendorcollab.purchasing.errors import not_found
from vendorcollab.purchasing.models import PurchaseOrder, PurchaseOrderVersion, VendorResponse
from vendorcollab.shipping.models import ShipNotice, ShipNoticeQuerySet


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


def _notices_for_document(rows: ShipNoticeQuerySet) -> ShipNoticeQuerySet:
    # Everything ``ubl_despatch_advice`` reads, in four queries however many lines and POs the notice has.
    return rows.select_related("vendor", "company", "site").prefetch_related(
        "lines__po_line__item", "lines__purchase_order"
    )


def ship_notice_for_document(*, ship_notice_id: int) -> ShipNotice:
    """A notice with everything its Despatch Advice is written from (for the task after its creation's commit,
    which acts for nobody: scoping is the faces' business)."""
    return _notices_for_document(ShipNotice.objects.all()).get(pk=ship_notice_id)


def ship_notice_for_export(*, actor: User, pk: int) -> ShipNotice:
    """A notice the actor may see (the buyer, or a user of its vendor account), ready for ``ubl_despatch_advice``
    in a fixed number of queries; else ``NotFound``."""
    notice = _notices_for_document(ShipNotice.objects.visible_to(actor)).filter(pk=pk).first()
    if notice is None:
        raise not_found()
    return notice
