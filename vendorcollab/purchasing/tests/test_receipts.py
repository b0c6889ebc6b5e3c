"""Product receipts: partial, full, and every refusal (over-receipt above all)."""

from decimal import Decimal

import pytest

from vendorcollab.common.errors import ValidationFailed
from vendorcollab.common.testing.factories import make_po
from vendorcollab.purchasing.models import POStatus, ReceiptLine
from vendorcollab.purchasing.services import ReceiptLineInput, po_confirm, receipt_post

from .helpers import database_fingerprint


@pytest.fixture
def confirmed(cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:2], send=True)
    return po_confirm(actor=cast.agent, purchase_order=po, without_response=True)


def test_partial_then_full_receipt(cast, confirmed):
    receipt_post(actor=cast.clerk, purchase_order=confirmed, lines=[ReceiptLineInput(1, Decimal(4))])
    receipt_post(
        actor=cast.admin,
        purchase_order=confirmed,
        lines=[ReceiptLineInput(1, Decimal(6)), ReceiptLineInput(2, Decimal(5))],
    )
    first, second = confirmed.lines.all()
    assert (first.received_quantity, second.received_quantity) == (Decimal(10), Decimal(5))
    assert second.remaining_quantity == Decimal(15)
    confirmed.refresh_from_db()
    assert confirmed.status == POStatus.CONFIRMED
    receipt_post(actor=cast.clerk, purchase_order=confirmed, lines=[ReceiptLineInput(2, Decimal(15))])
    confirmed.refresh_from_db()
    assert confirmed.status == POStatus.RECEIVED
    assert ReceiptLine.objects.filter(receipt__purchase_order=confirmed).count() == 4


def test_over_receipt_is_refused_for_the_whole_receipt(cast, confirmed):
    receipt_post(actor=cast.clerk, purchase_order=confirmed, lines=[ReceiptLineInput(1, Decimal(8))])
    before = database_fingerprint()
    with pytest.raises(ValidationFailed) as refused:
        receipt_post(
            actor=cast.clerk,
            purchase_order=confirmed,
            lines=[ReceiptLineInput(2, Decimal(1)), ReceiptLineInput(1, Decimal(3))],
        )
    assert refused.value.code == "over_receipt"
    assert refused.value.fields == {"lines.1.quantity": "Only 2 remains to be received on line 1."}
    assert database_fingerprint() == before


@pytest.mark.parametrize(
    ("lines", "code"),
    [
        ([ReceiptLineInput(1, Decimal(0))], "quantity_not_positive"),
        ([ReceiptLineInput(1, Decimal(-2))], "quantity_not_positive"),
        ([ReceiptLineInput(5, Decimal(1))], "unknown_line"),
        ([ReceiptLineInput(1, Decimal(1)), ReceiptLineInput(1, Decimal(1))], "duplicate_line_number"),
        ([], "required"),
    ],
)
def test_bad_receipts_are_refused(cast, confirmed, lines, code):
    before = database_fingerprint()
    with pytest.raises(ValidationFailed) as refused:
        receipt_post(actor=cast.clerk, purchase_order=confirmed, lines=lines)
    assert refused.value.code == code
    assert database_fingerprint() == before


def test_a_receipt_cannot_be_dated_in_the_future(cast, confirmed):
    from vendorcollab.common.testing.factories import in_days

    before = database_fingerprint()
    with pytest.raises(ValidationFailed) as refused:
        receipt_post(
            actor=cast.clerk,
            purchase_order=confirmed,
            lines=[ReceiptLineInput(1, Decimal(1))],
            received_date=in_days(1),
        )
    assert refused.value.code == "receipt_in_future"
    assert database_fingerprint() == before
