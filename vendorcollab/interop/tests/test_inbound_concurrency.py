"""Two Order Responses for one PO from the vendor's ERP at the same moment: exactly one is stored, the other is
refused as a second answer. Real transactions, one connection per thread (SQLite and PostgreSQL alike)."""

from __future__ import annotations

import pytest

from vendorcollab.common.errors import Conflict
from vendorcollab.common.testing.factories import make_po
from vendorcollab.interop.inbound import take_document as import_document
from vendorcollab.interop.ubl_writer import ubl_order_response
from vendorcollab.purchasing.models import ResponseKind, VendorResponse
from vendorcollab.purchasing.services import response_submit
from vendorcollab.purchasing.tests.test_concurrency import race, split_outcomes

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_concurrent_order_responses_store_exactly_one(endpoints):
    cast = endpoints
    target = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:2], send=True)
    documents = []
    for kind in (ResponseKind.ACCEPTED, ResponseKind.REJECTED):
        model = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:2], send=True)
        written = ubl_order_response(
            response_submit(actor=cast.vendor_a_user, purchase_order=model, version=1, kind=kind)
        )
        documents.append(written.replace(model.number.encode(), target.number.encode()))

    results = race(
        lambda: import_document(actor=cast.vendor_a_user, xml=documents[0]),
        lambda: import_document(actor=cast.vendor_a_admin, xml=documents[1]),
    )

    wins, losses = split_outcomes(results)
    assert len(wins) == 1 and len(losses) == 1
    assert isinstance(losses[0], Conflict) and losses[0].code == "ubl_already_answered"
    assert VendorResponse.objects.get(purchase_order=target).kind == wins[0].response.kind
