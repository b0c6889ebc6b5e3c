"""The invoicing services: drafts from received POs, submission against the receipts, the buyer's decisions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from vendorcollab.common.errors import Conflict, PermissionRefused, ValidationFailed
from vendorcollab.invoicing import services
from vendorcollab.invoicing.models import InvoiceEvent, InvoiceKind, InvoiceStatus
from vendorcollab.purchasing.models import PurchaseOrderLine

from .conftest import invoice_input, received_po


def po_lines(po):
    return list(PurchaseOrderLine.objects.filter(purchase_order=po).order_by("line_number"))


def test_a_draft_takes_the_po_lines_price_tax_and_the_vendors_payment_terms(cast):
    cast.vendor_a.payment_terms_days = 45
    cast.vendor_a.save()
    po = received_po(cast)
    data = invoice_input(po, (1, "4"), (2, "20"), issue_date=dt.date(2026, 11, 30))
    invoice = services.invoice_create(actor=cast.vendor_a_user, data=data)
    assert invoice.status == InvoiceStatus.DRAFT
    assert invoice.due_date == dt.date(2027, 1, 14)
    assert invoice.currency == po.currency
    first, second = invoice.lines.order_by("line_number")
    assert second.net_amount == Decimal("50.00")
    assert (first.quantity, first.unit_price, first.order_unit_price) == (Decimal(4), Decimal("2.5"), Decimal("2.5"))
    assert (first.tax_category, first.tax_percent, first.net_amount) == ("S", Decimal(21), Decimal("10.00"))
    assert invoice.line_total == Decimal("60.00")
    assert invoice.tax_total == Decimal("12.60")
    assert invoice.payable_amount == Decimal("72.60")
    # A draft reserves nothing.
    assert [line.invoiced_quantity for line in po_lines(po)] == [0, 0]


def test_submit_counts_the_quantities_and_matches(cast):
    po = received_po(cast)
    invoice = services.invoice_create(actor=cast.vendor_a_user, data=invoice_input(po, (1, "10"), (2, "5")))
    invoice = services.invoice_submit(actor=cast.vendor_a_user, invoice=invoice)
    assert invoice.status == InvoiceStatus.MATCHED
    assert invoice.exceptions == []
    assert [line.invoiced_quantity for line in po_lines(po)] == [10, 5]
    po.refresh_from_db()
    assert po.has_uninvoiced_receipts is True
    second = services.invoice_create_and_submit(
        actor=cast.vendor_a_user, data=invoice_input(po, (2, "15"), number="INV-2")
    )
    assert second.status == InvoiceStatus.MATCHED
    po.refresh_from_db()
    assert po.has_uninvoiced_receipts is False


def test_a_second_invoice_for_more_than_remains_is_refused(cast):
    po = received_po(cast)
    services.invoice_create_and_submit(actor=cast.vendor_a_user, data=invoice_input(po, (1, "8")))
    with pytest.raises(ValidationFailed) as refused:
        services.invoice_create(actor=cast.vendor_a_user, data=invoice_input(po, (1, "3"), number="INV-2"))
    assert refused.value.code == "over_invoiced"
    assert "lines.0.quantity" in refused.value.fields


def test_a_changed_price_goes_on_hold_and_rejecting_releases_the_quantities(cast, ap):
    po = received_po(cast)
    invoice = services.invoice_create_and_submit(
        actor=cast.vendor_a_user, data=invoice_input(po, (1, "10"), unit_price=Decimal("3.00"))
    )
    assert invoice.status == InvoiceStatus.ON_HOLD
    assert {finding["kind"] for finding in invoice.exceptions} == {"price", "total"}
    with pytest.raises(PermissionRefused):
        services.invoice_reject(actor=cast.agent, invoice=invoice, reason="too dear")
    with pytest.raises(ValidationFailed) as refused:
        services.invoice_reject(actor=ap, invoice=invoice, reason=" ")
    assert refused.value.code == "reason_required"
    invoice = services.invoice_reject(actor=ap, invoice=invoice, reason="Price is not what we agreed.")
    assert invoice.status == InvoiceStatus.REJECTED
    assert po_lines(po)[0].invoiced_quantity == 0


def test_approve_then_record_payment(cast, ap, submitted):
    invoice = submitted()
    invoice = services.invoice_approve(actor=ap, invoice=invoice)
    with pytest.raises(ValidationFailed) as refused:
        services.invoice_record_payment(
            actor=ap, invoice=invoice, payment_date=timezone.localdate() + dt.timedelta(days=1)
        )
    assert refused.value.code == "payment_date_in_future"
    invoice = services.invoice_record_payment(
        actor=ap, invoice=invoice, payment_date=timezone.localdate(), reference="PAY-77"
    )
    assert (invoice.status, invoice.payment_reference) == (InvoiceStatus.PAID, "PAY-77")
    assert list(InvoiceEvent.objects.filter(invoice=invoice).values_list("kind", flat=True)) == [
        "created",
        "submitted",
        "approved",
        "paid",
    ]
    with pytest.raises(Conflict):
        services.invoice_approve(actor=ap, invoice=invoice)


def test_a_credit_note_gives_quantities_back(cast, ap, submitted):
    invoice = submitted()
    data = invoice_input(invoice.lines.first().purchase_order, (1, "4"), number="CN-1")
    data = type(data)(**{**data.__dict__, "kind": InvoiceKind.CREDIT_NOTE, "credited_invoice_id": invoice.pk})
    credit = services.invoice_create_and_submit(actor=cast.vendor_a_user, data=data)
    assert credit.status == InvoiceStatus.MATCHED
    po = invoice.lines.first().purchase_order
    assert po_lines(po)[0].invoiced_quantity == 6
    with pytest.raises(Conflict) as refused:
        services.invoice_reject(actor=ap, invoice=invoice, reason="no")
    assert refused.value.code == "invoice_credited"
