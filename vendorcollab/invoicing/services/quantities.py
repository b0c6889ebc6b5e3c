"""What submitted invoices do to the PO lines: the invoiced quantity, moved under the lines' row locks, and the POs'
"ready to invoice" flag that follows it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Exists, F, OuterRef

from vendorcollab.common.formatting import quantity_text
from vendorcollab.purchasing.models import PurchaseOrder, PurchaseOrderLine

from ..errors import FieldErrors, InvoicingErrorCode
from ..models import InvoiceLine


def lock_po_lines(lines: Iterable[InvoiceLine]) -> dict[int, PurchaseOrderLine]:
    """The PO lines of ``lines``, re-read under their row locks in primary-key order, so that two invoices racing for
    the same lines queue up instead of deadlocking, and the second sees what the first invoiced."""
    ids = sorted({line.po_line_id for line in lines})
    locked = PurchaseOrderLine.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    return {line.pk: line for line in locked}


def move_invoiced(
    lines: list[InvoiceLine],
    locked: dict[int, PurchaseOrderLine],
    *,
    sign: Decimal,
    errors: FieldErrors,
    credited_number: str = "",
) -> None:
    """Add ``sign`` times each line's quantity to its PO line's invoiced quantity, or add the error of every line
    that would leave it above what is received (``over_invoiced``) or below zero (``credit_exceeds_invoice``) and
    change nothing. The caller raises the errors; a line's error is on ``lines.<index>.quantity``."""
    for index, line in enumerate(lines):
        po_line = locked[line.po_line_id]
        after = po_line.invoiced_quantity + sign * line.quantity
        if after > po_line.received_quantity:
            errors.add(
                f"lines.{index}.quantity",
                InvoicingErrorCode.OVER_INVOICED,
                available=quantity_text(max(po_line.invoiceable_quantity, Decimal(0))),
                line_number=po_line.line_number,
                number=line.purchase_order.number,
            )
        elif after < 0:
            errors.add(
                f"lines.{index}.quantity",
                InvoicingErrorCode.CREDIT_EXCEEDS_INVOICE,
                available=quantity_text(po_line.invoiced_quantity),
                line_number=po_line.line_number,
                number=line.purchase_order.number,
                invoice=credited_number,
            )
    if errors.fields:
        return
    # The lines are locked and were read under the lock: their new quantities are known here and written in one
    # statement (an UPDATE per line was 100 statements for an invoice of ten 10-line POs).
    moves: dict[int, Decimal] = defaultdict(Decimal)
    for line in lines:
        moves[line.po_line_id] += sign * line.quantity
    for pk, move in moves.items():
        locked[pk].invoiced_quantity += move
    PurchaseOrderLine.objects.bulk_update([locked[pk] for pk in sorted(moves)], ["invoiced_quantity"])
    refresh_ready_to_invoice({line.purchase_order_id for line in lines})


def refresh_ready_to_invoice(po_ids: Iterable[int]) -> None:
    """Set each PO's ``has_uninvoiced_receipts`` from its lines: some line received and not fully invoiced."""
    uninvoiced = PurchaseOrderLine.objects.filter(
        purchase_order_id=OuterRef("pk"), received_quantity__gt=F("invoiced_quantity")
    )
    PurchaseOrder.objects.filter(pk__in=sorted(set(po_ids))).update(has_uninvoiced_receipts=Exists(uninvoiced))
