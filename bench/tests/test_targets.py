"""The documents the benchmark posts are taken as the measurement means them to be: a run that measured refusals
would report the speed of an error page."""

from django.test import Client

from bench.targets import (
    invoice_body,
    order_change_for,
    purchase_order_with_lines,
    received_purchase_order,
    ship_notice_body,
)
from vendorcollab.api.tests.helpers import API, ApiClient
from vendorcollab.interop.tests.conftest import endpoints  # noqa: F401  (a fixture: the cast with PEPPOL endpoints)
from vendorcollab.invoicing.models import Invoice, InvoiceStatus
from vendorcollab.purchasing.models import POStatus, PurchaseOrder
from vendorcollab.purchasing.services import po_confirm
from vendorcollab.shipping.models import ShipNotice, ShipNoticeStatus


def test_the_order_change_makes_the_next_version_with_its_first_line_changed(endpoints):  # noqa: F811
    po = purchase_order_with_lines(agent=endpoints.agent, vendor=endpoints.vendor_a, count=3)
    client = ApiClient(Client(), endpoints.agent)

    answer = client.client.post(
        API + "/purchase-orders/import-ubl",
        order_change_for(po),
        content_type="application/xml",
        headers=client.headers,
    )

    assert answer.status_code == 200, answer.content
    po.refresh_from_db()
    assert (po.latest_version.number, po.status) == (2, POStatus.IN_EXTERNAL_REVIEW)
    assert [line.quantity for line in po.latest_version.lines.order_by("line_number")] == [15, 11, 12]


def test_the_invoice_of_ten_received_pos_is_taken_and_matched(endpoints):  # noqa: F811
    """What the runner posts to measure an invoice's creation: accepted whole, submitted at once, and matched (a
    measurement of an invoice on hold, or refused, would measure something else)."""
    pos = [
        received_purchase_order(agent=endpoints.agent, clerk=endpoints.clerk, vendor=endpoints.vendor_a, count=3)
        for _ in range(2)
    ]
    assert all(po.has_uninvoiced_receipts for po in PurchaseOrder.objects.filter(pk__in=[po.pk for po in pos]))
    client = ApiClient(Client(), endpoints.vendor_a_user)

    answer = client.post("/vendor/invoices", invoice_body(endpoints.vendor_a, pos))

    assert answer.status_code == 201, answer.content
    invoice = Invoice.objects.get(pk=answer.json()["id"])
    assert (invoice.status, invoice.lines.count()) == (InvoiceStatus.MATCHED, 6)
    assert not PurchaseOrder.objects.filter(pk__in=[po.pk for po in pos], has_uninvoiced_receipts=True).exists()


def test_the_ship_notice_ships_every_line_of_its_po_and_its_t16_is_written(endpoints):  # noqa: F811
    """What the runner posts to measure a notice's creation: taken whole, every line in transit afterwards; and the
    Despatch Advice the next measurement asks for is there to write."""
    po = po_confirm(
        actor=endpoints.agent,
        purchase_order=purchase_order_with_lines(agent=endpoints.agent, vendor=endpoints.vendor_a, count=3),
        without_response=True,
    )
    client = ApiClient(Client(), endpoints.vendor_a_user)

    answer = client.post("/vendor/ship-notices", ship_notice_body(po, 1))

    assert answer.status_code == 201, answer.content
    notice = ShipNotice.objects.get(pk=answer.json()["id"])
    assert (notice.status, notice.lines.count()) == (ShipNoticeStatus.SHIPPED, 3)
    assert all(line.to_announce_quantity == 0 for line in po.lines.all())
    assert sum(line.in_transit_quantity for line in po.lines.all()) == sum(line.quantity for line in po.lines.all())
    ubl = client.client.get(API + f"/vendor/ship-notices/{notice.pk}/ubl", headers=client.headers)
    assert ubl.status_code == 200 and b"DespatchAdvice" in ubl.content
