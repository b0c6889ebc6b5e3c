"""Product receipts against confirmed lines; the PO becomes received when every line is."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from vendorcollab.accounts.models import User
from vendorcollab.common.events import Event, publish
from vendorcollab.common.receiving import check_line_quantities
from vendorcollab.common.text import check_date
from vendorcollab.purchasing.errors import PurchasingErrorCode

from .. import transitions
from ..errors import FieldErrors
from ..models import POStatus, PurchaseOrder, PurchaseOrderLine, Receipt, ReceiptLine
from ..transitions import Action
from .inputs import ReceiptLineInput

if TYPE_CHECKING:
    from vendorcollab.shipping.models import ShipNotice


def receipt_post(
    *,
    actor: User,
    purchase_order: PurchaseOrder,
    lines: Sequence[ReceiptLineInput],
    received_date: date | None = None,
    ship_notice: ShipNotice | None = None,
) -> Receipt:
    """Post one receipt of one or more lines. Over-receipt (more than the confirmed quantity still open) is
    refused for the whole receipt, so a partly wrong receipt never half-lands. ``ship_notice``: the notice the goods
    came with; ``shipping.services`` passes it and keeps the notice's own quantities."""
    with transaction.atomic():
        po = transitions.lock(purchase_order)
        transitions.check(po, Action.RECEIVE, actor=actor)
        po_lines = {line.line_number: line for line in po.lines.all()}
        errors = FieldErrors()
        if received_date is not None and received_date > timezone.localdate():
            errors.add("received_date", PurchasingErrorCode.RECEIPT_IN_FUTURE)
        check_date(errors, "received_date", received_date, recorded=True)
        check_line_quantities(errors, lines, po_lines, over_code=PurchasingErrorCode.OVER_RECEIPT)
        errors.raise_if_any()
        receipt = Receipt.objects.create(
            purchase_order=po,
            ship_notice=ship_notice,
            received_date=received_date or timezone.localdate(),
            posted_by=actor,
        )
        ReceiptLine.objects.bulk_create(
            ReceiptLine(receipt=receipt, line=po_lines[entry.line_number], quantity=entry.quantity) for entry in lines
        )
        for entry in lines:
            PurchaseOrderLine.objects.filter(pk=po_lines[entry.line_number].pk).update(
                received_quantity=F("received_quantity") + entry.quantity
            )
            po_lines[entry.line_number].received_quantity += entry.quantity
        complete = all(line.is_fully_received for line in po_lines.values())
        # Something received is something to invoice: the vendor's "ready to invoice" list (invoicing clears it).
        po.has_uninvoiced_receipts = True
        transitions.transition(
            po,
            Action.RECEIVE,
            actor=actor,
            target=POStatus.RECEIVED if complete else POStatus.CONFIRMED,
            version_number=po.confirmed_version.number if po.confirmed_version else None,
            data={
                "receipt": receipt.pk,
                **({"ship_notice": ship_notice.pk} if ship_notice is not None else {}),
                "lines": {str(entry.line_number): str(entry.quantity) for entry in lines},
            },
        )
        publish(Event.RECEIPT_POSTED, purchase_order=po.pk, receipt=receipt.pk, complete=complete, actor=actor.pk)
    return receipt
