"""Performance data for the faces' tests, made through the real services: a PO answered, confirmed and received,
its facts refreshed as the commit's subscribers would."""

from __future__ import annotations

from decimal import Decimal

from vendorcollab.accounts.models import User
from vendorcollab.common.testing.factories import line
from vendorcollab.partners.models import Item, Vendor
from vendorcollab.performance.services import refresh_purchase_order
from vendorcollab.purchasing.models import PurchaseOrder, ResponseKind
from vendorcollab.purchasing.services import (
    ReceiptLineInput,
    po_confirm,
    po_create,
    po_send,
    receipt_post,
    response_submit,
)


def delivered(
    *,
    agent: User,
    clerk: User,
    vendor: Vendor,
    vendor_user: User,
    item: Item,
    days: int,
    quantity: str = "10",
    received: str | None = None,
    answer: ResponseKind = ResponseKind.ACCEPTED,
) -> PurchaseOrder:
    """A one-line PO due in ``days`` days, accepted (or rejected) by the vendor today; when accepted, confirmed and
    received today (all of it, or ``received``). A receipt ``days`` before the confirmed date is that many days
    early: on time only within the company's tolerance."""
    po = po_create(
        actor=agent,
        company=vendor.company,
        vendor=vendor,
        lines=[line(item, quantity=quantity, days=days)],
    )
    po = po_send(actor=agent, purchase_order=po)
    response_submit(actor=vendor_user, purchase_order=po, version=1, kind=answer)
    if answer == ResponseKind.ACCEPTED:
        po = po_confirm(actor=agent, purchase_order=po)
        receipt_post(actor=clerk, purchase_order=po, lines=[ReceiptLineInput(1, Decimal(received or quantity))])
    refresh_purchase_order(po.pk)  # what the subscribers queue after the commit, which a test's transaction skips
    return po
