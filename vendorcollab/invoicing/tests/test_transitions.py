"""The invoice life cycle table: which actions each role is offered in each status, and that services obey it."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from django.utils import timezone

from vendorcollab.common.errors import Conflict, NotFound, PermissionRefused
from vendorcollab.invoicing import services
from vendorcollab.invoicing.models import Invoice, InvoiceKind, InvoiceStatus
from vendorcollab.invoicing.transitions import InvoiceAction, available, roles_for

from .conftest import invoice_input, received_po

E, S, DL, AP, RJ, PAY, CR, N = (
    InvoiceAction.EDIT,
    InvoiceAction.SUBMIT,
    InvoiceAction.DELETE,
    InvoiceAction.APPROVE,
    InvoiceAction.REJECT,
    InvoiceAction.RECORD_PAYMENT,
    InvoiceAction.CREDIT,
    InvoiceAction.ADD_NOTE,
)


@pytest.fixture
def every_status(cast, ap) -> dict[str, Invoice]:
    """One invoice in each status, all of vendor A."""
    po = received_po(cast, quantities=("10", "10", "10", "10", "10", "10"))
    vendor = cast.vendor_a_user

    def make(number, line_number, **changes):
        return services.invoice_create(
            actor=vendor, data=invoice_input(po, (line_number, "5"), number=number, **changes)
        )

    draft = make("D", 1)
    matched = services.invoice_submit(actor=vendor, invoice=make("M", 2))
    on_hold = services.invoice_submit(actor=vendor, invoice=make("H", 3, unit_price=Decimal("9")))
    approved = services.invoice_approve(actor=ap, invoice=services.invoice_submit(actor=vendor, invoice=make("A", 4)))
    rejected = services.invoice_reject(
        actor=ap, invoice=services.invoice_submit(actor=vendor, invoice=make("R", 5)), reason="No."
    )
    paid = services.invoice_record_payment(
        actor=ap,
        invoice=services.invoice_approve(actor=ap, invoice=services.invoice_submit(actor=vendor, invoice=make("P", 6))),
        payment_date=timezone.localdate(),
    )
    return {
        "draft": draft,
        "matched": matched,
        "on_hold": on_hold,
        "approved": approved,
        "rejected": rejected,
        "paid": paid,
    }


def test_the_statuses_are_what_their_names_say(every_status):
    assert {name: invoice.status for name, invoice in every_status.items()} == {
        status: InvoiceStatus(status) for status in every_status
    }


@pytest.mark.parametrize(
    ("status", "vendor", "payable", "agent"),
    [
        ("draft", [E, DL, S, N], None, None),
        ("matched", [CR, N], [AP, RJ, N], [N]),
        ("on_hold", [CR, N], [AP, RJ, N], [N]),
        ("approved", [CR, N], [PAY, N], [N]),
        ("rejected", [N], [N], [N]),
        ("paid", [CR, N], [N], [N]),
    ],
)
def test_who_is_offered_what(cast, ap, every_status, status, vendor, payable, agent):
    invoice = every_status[status]
    assert available(invoice, cast.vendor_a_user) == vendor
    assert available(invoice, cast.vendor_a_admin) == vendor
    if payable is not None:
        assert available(invoice, ap) == payable
        assert available(invoice, cast.admin) == payable
        assert available(invoice, cast.agent) == agent
        assert available(invoice, cast.clerk) == agent


def test_deciding_is_for_accounts_payable_and_the_procurement_admin_only():
    assert (
        roles_for(InvoiceAction.APPROVE) == roles_for(InvoiceAction.REJECT) == roles_for(InvoiceAction.RECORD_PAYMENT)
    )
    assert roles_for(InvoiceAction.APPROVE) == {"procurement_admin", "accounts_payable"}
    assert roles_for(InvoiceAction.SUBMIT) == {"vendor_admin", "vendor_user"}


def test_services_refuse_what_the_table_does_not_offer(cast, ap, every_status):
    with pytest.raises(PermissionRefused):
        services.invoice_approve(actor=cast.agent, invoice=every_status["matched"])
    with pytest.raises(PermissionRefused):
        services.invoice_approve(actor=cast.vendor_a_user, invoice=every_status["matched"])
    with pytest.raises(Conflict) as refused:
        services.invoice_approve(actor=ap, invoice=every_status["paid"])
    assert refused.value.code == "invalid_transition"
    with pytest.raises(Conflict):
        services.invoice_record_payment(actor=ap, invoice=every_status["matched"], payment_date=timezone.localdate())
    with pytest.raises(Conflict):
        services.invoice_submit(actor=cast.vendor_a_user, invoice=every_status["matched"])
    with pytest.raises(Conflict):
        services.invoice_delete(actor=cast.vendor_a_user, invoice=every_status["rejected"])


def test_a_draft_does_not_exist_for_the_buyer_nor_any_invoice_for_another_vendor(cast, ap, every_status):
    with pytest.raises(NotFound):
        services.invoice_note_add(actor=ap, invoice=every_status["draft"], text="Hello?")
    for invoice in every_status.values():
        with pytest.raises(NotFound):
            services.invoice_note_add(actor=cast.vendor_b_user, invoice=invoice, text="Mine?")
    with pytest.raises(NotFound):
        services.invoice_submit(actor=cast.vendor_b_user, invoice=every_status["draft"])
    with pytest.raises(NotFound):
        services.invoice_delete(actor=cast.vendor_b_user, invoice=every_status["draft"])


def test_a_credit_note_is_not_credited_and_an_invoice_with_credit_notes_not_rejected(cast, ap, every_status):
    matched = every_status["matched"]
    line = matched.lines.get()
    data = dataclasses.replace(
        invoice_input(line.purchase_order, (line.po_line.line_number, "2"), number="C"),
        kind=InvoiceKind.CREDIT_NOTE,
        credited_invoice_id=matched.pk,
    )
    credit = services.invoice_create_and_submit(actor=cast.vendor_a_user, data=data)
    assert available(credit, cast.vendor_a_user) == [N]
    assert available(credit, ap) == [AP, RJ, N]
    matched = Invoice.objects.get(pk=matched.pk)
    assert available(matched, ap) == [AP, N]
    invoice_page_copy = Invoice.objects.get(pk=matched.pk)
    invoice_page_copy.has_credit_notes = False  # what a list annotates is what the guard reads
    assert RJ in available(invoice_page_copy, ap)
