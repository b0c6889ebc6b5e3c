"""The buyer API's reads as selectors: every PO the actor may see, filtered, and a PO's responses, both scoped."""

from __future__ import annotations

from django.utils import timezone

from vendorcollab.common.testing.factories import make_po
from vendorcollab.purchasing import selectors
from vendorcollab.purchasing.models import POStatus, ResponseKind
from vendorcollab.purchasing.services import response_submit


def test_po_rows_for_buyer_filters_and_is_scoped(cast):
    sent = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    draft = make_po(actor=cast.agent, vendor=cast.vendor_b, items=cast.items[:1])
    rows = selectors.po_rows_for_buyer
    assert list(rows(actor=cast.clerk)) == [sent, draft]  # oldest change first
    assert list(rows(actor=cast.agent, status=POStatus.DRAFT)) == [draft]
    assert list(rows(actor=cast.agent, vendor=cast.vendor_a.pk)) == [sent]
    assert list(rows(actor=cast.agent, company=cast.company.pk, number=draft.number)) == [draft]
    assert list(rows(actor=cast.agent, updated_since=timezone.now())) == []
    # A vendor user's visible POs are not the buyer's list: nothing, not its own.
    assert list(rows(actor=cast.vendor_a_user)) == []


def test_po_responses_are_scoped_to_the_actor(cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    response = response_submit(actor=cast.vendor_a_user, purchase_order=po, version=1, kind=ResponseKind.ACCEPTED)
    assert list(selectors.po_responses(actor=cast.agent, purchase_order=po)) == [response]
    assert list(selectors.po_responses(actor=cast.vendor_a_user, purchase_order=po)) == [response]
    assert list(selectors.po_responses(actor=cast.vendor_b_user, purchase_order=po)) == []
