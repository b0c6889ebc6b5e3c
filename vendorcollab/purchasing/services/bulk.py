"""Accepting several purchase orders in one action: each exactly a single accept, in a transaction of its own."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from vendorcollab.accounts.models import User
from vendorcollab.common.errors import AppError
from vendorcollab.common.text import check_count

from ..errors import FieldErrors, not_found
from ..models import POStatus, PurchaseOrder, ResponseKind, VendorResponse
from .responses import response_submit

# The most POs one bulk accept may name: a page of the list is 25 rows; a batch of the API at most this many.
BULK_ACCEPT_LIMIT = 100


class BulkOutcome(StrEnum):
    """What became of one PO of a bulk accept."""

    ACCEPTED = "accepted"  # accepted; the customer confirms
    CONFIRMED = "confirmed"  # accepted and confirmed at once (a vendor set to auto-confirm)
    REFUSED = "refused"  # nothing changed; ``error`` says why


@dataclass(frozen=True)
class BulkAcceptItem:
    """One PO to accept, and the version the vendor saw: an accept answers that version or nothing."""

    purchase_order: int
    version: int


@dataclass(frozen=True)
class BulkAcceptResult:
    purchase_order: int
    version: int
    outcome: BulkOutcome
    order: PurchaseOrder | None = None  # None when the vendor user may not see it
    response: VendorResponse | None = None
    error: AppError | None = None

    @property
    def is_confirmed(self) -> bool:
        return self.outcome == BulkOutcome.CONFIRMED

    @property
    def is_accepted(self) -> bool:
        """Accepted, the customer still to confirm."""
        return self.outcome == BulkOutcome.ACCEPTED


def response_accept_many(*, actor: User, items: Sequence[BulkAcceptItem]) -> list[BulkAcceptResult]:
    """Accept each item's version as ``response_submit`` accepts one, in the order given, and say what happened.

    Each accept is its own transaction under its own row lock: one refused (answered already, a newer version sent,
    a PO this user may not see) leaves the others accepted, and a concurrent single accept of the same PO makes
    exactly one of the two win. A batch of more than ``BULK_ACCEPT_LIMIT`` is refused as a whole.
    """
    errors = FieldErrors()
    check_count(errors, "items", items, BULK_ACCEPT_LIMIT)
    errors.raise_if_any()
    # One read for every PO of the batch; response_submit checks visibility and state again under the lock.
    orders = PurchaseOrder.objects.visible_to(actor).collaborative().select_related("company", "vendor")
    found = {po.pk: po for po in orders.filter(pk__in={item.purchase_order for item in items})}
    results = []
    for item in items:
        po = found.get(item.purchase_order)
        if po is None:
            results.append(BulkAcceptResult(item.purchase_order, item.version, BulkOutcome.REFUSED, error=not_found()))
            continue
        try:
            response = response_submit(actor=actor, purchase_order=po, version=item.version, kind=ResponseKind.ACCEPTED)
        except AppError as error:
            results.append(BulkAcceptResult(po.pk, item.version, BulkOutcome.REFUSED, order=po, error=error))
            continue
        # The PO the service locked and changed: its status says whether the accept confirmed it.
        answered = response.purchase_order
        outcome = BulkOutcome.CONFIRMED if answered.status == POStatus.CONFIRMED else BulkOutcome.ACCEPTED
        results.append(BulkAcceptResult(po.pk, item.version, outcome, order=po, response=response))
    return results
