"""What the Despatch Advice tests share: confirmed POs of vendor A to ship from, notices on them through the shipping
service, and the official PEPPOL rules of transaction T16 (``../shared/peppol-rules``)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from vendorcollab.common.testing.factories import line
from vendorcollab.purchasing.models import PurchaseOrder
from vendorcollab.purchasing.services import LineInput, po_confirm, po_create, po_send
from vendorcollab.shipping.inputs import ShipNoticeInput, ShipNoticeLineInput
from vendorcollab.shipping.models import ShipNotice
from vendorcollab.shipping.services import ship_notice_create

from .conftest import peppol_fatal


def t16_fatal(document: bytes) -> set[str]:
    """The ids of the official T16 rules whose fatal assertions ``document`` fails."""
    return peppol_fatal(document, "T16")


def confirmed_po(cast, lines: list[LineInput] | None = None, **extra: Any) -> PurchaseOrder:  # type: ignore[no-untyped-def]
    """A PO of vendor A, sent and confirmed: open to ship. By default one line per item of the cast, 10, 20, 30."""
    lines = lines or [line(item, quantity=str(10 * index), unit_code="EA") for index, item in enumerate(cast.items, 1)]
    po = po_create(actor=cast.agent, company=cast.company, vendor=cast.vendor_a, lines=lines, **extra)
    po = po_send(actor=cast.agent, purchase_order=po)
    return po_confirm(actor=cast.agent, purchase_order=po, without_response=True)


def ship(  # type: ignore[no-untyped-def]
    cast,
    shipped: list[tuple[PurchaseOrder, int, str]],
    *,
    number: str = "",
    carrier: str = "",
    tracking_number: str = "",
    packages: int | None = None,
    note: str = "",
    user=None,
) -> ShipNotice:
    """A notice by vendor A's user of ``(po, line number, quantity)``, despatched today, expected in three days."""
    today = timezone.localdate()
    data = ShipNoticeInput(
        lines=tuple(
            ShipNoticeLineInput(purchase_order_id=po.pk, line_number=number_, quantity=Decimal(quantity))
            for po, number_, quantity in shipped
        ),
        number=number,
        despatch_date=today,
        expected_delivery_date=today + timedelta(days=3),
        carrier=carrier,
        tracking_number=tracking_number,
        packages=packages,
        note=note,
    )
    return ship_notice_create(actor=user or cast.vendor_a_user, data=data)
