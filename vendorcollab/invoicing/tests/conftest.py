"""Invoicing fixtures: received purchase orders to invoice, and invoices in every state, made through the services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from vendorcollab.accounts.models import Role
from vendorcollab.common.testing.factories import line, make_user
from vendorcollab.invoicing import services
from vendorcollab.invoicing.inputs import ChargeInput, InvoiceInput, InvoiceLineInput
from vendorcollab.invoicing.models import Invoice
from vendorcollab.partners.models import Vendor
from vendorcollab.purchasing.models import PurchaseOrder
from vendorcollab.purchasing.services import ReceiptLineInput, po_confirm, po_create, po_send, receipt_post


def received_po(
    cast: Any,
    *,
    vendor: Vendor | None = None,
    quantities: tuple[str, ...] = ("10", "20"),
    received: tuple[str, ...] | None = None,
    price: str = "2.50",
    tax_percent: str | None = "21",
    line_extra: dict[str, Any] | None = None,
    **extra: Any,
) -> PurchaseOrder:
    """A PO of ``cast``'s items sent, confirmed without response and received (all of it unless ``received``);
    ``line_extra`` goes to every line."""
    po = po_create(
        actor=cast.agent,
        company=cast.company,
        vendor=vendor or cast.vendor_a,
        lines=[
            line(
                cast.items[index % len(cast.items)],
                quantity=quantity,
                price=price,
                tax_percent=Decimal(tax_percent) if tax_percent is not None else None,
                **(line_extra or {}),
            )
            for index, quantity in enumerate(quantities)
        ],
        **extra,
    )
    po = po_send(actor=cast.agent, purchase_order=po)
    po = po_confirm(actor=cast.agent, purchase_order=po, without_response=True)
    receipt_post(
        actor=cast.clerk,
        purchase_order=po,
        lines=[
            ReceiptLineInput(number, Decimal(quantity))
            for number, quantity in enumerate(received or quantities, start=1)
            if Decimal(quantity) > 0
        ],
    )
    po.refresh_from_db()
    return po


def invoice_input(
    po: PurchaseOrder,
    *quantities: tuple[int, str],
    number: str = "INV-1",
    issue_date: dt.date | None = None,
    charges: list[ChargeInput] | None = None,
    **line_changes: Any,
) -> InvoiceInput:
    """An invoice of ``po``: ``(line_number, quantity)`` pairs, every line with ``line_changes``."""
    return InvoiceInput(
        vendor_id=po.vendor_id,
        number=number,
        issue_date=issue_date or timezone.localdate(),
        lines=[
            InvoiceLineInput(purchase_order_id=po.pk, line_number=number_, quantity=Decimal(quantity), **line_changes)
            for number_, quantity in quantities
        ],
        charges=charges or [],
    )


@pytest.fixture
def ap(cast):
    """The buyer's accounts payable clerk: approves, rejects and records payment, and does nothing else."""
    return make_user("grace", Role.ACCOUNTS_PAYABLE)


@pytest.fixture
def submitted(cast) -> Callable[..., Invoice]:
    """A function making a submitted invoice of a fresh received PO."""

    def make(number: str = "INV-1", **changes: Any) -> Invoice:
        po = received_po(cast)
        data = invoice_input(po, (1, "10"), (2, "20"), number=number, **changes)
        return services.invoice_create_and_submit(actor=cast.vendor_a_user, data=data)

    return make
