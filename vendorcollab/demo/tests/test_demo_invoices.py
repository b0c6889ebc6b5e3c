"""The demo's invoices: both invoicing workspaces show every list, and accounts payable can sign in."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from vendorcollab.accounts.models import User
from vendorcollab.invoicing.models import Invoice, InvoiceKind, InvoiceLine, InvoiceStatus
from vendorcollab.invoicing.selectors import BuyerInvoiceList, buyer_invoice_counts, vendor_invoice_counts


@pytest.mark.django_db
def test_the_demo_invoices_cover_every_status_and_a_credit_note(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    out = StringIO()
    call_command("demo", stdout=out)
    assert set(Invoice.objects.values_list("status", flat=True)) == set(InvoiceStatus.values)
    assert Invoice.objects.filter(kind=InvoiceKind.CREDIT_NOTE).exists()
    assert Invoice.objects.filter(status=InvoiceStatus.ON_HOLD).exclude(exceptions=[]).exists()
    # The invoices took the VAT rates their PO lines took from the master data: 21 %, and 9 % for coffee.
    assert set(InvoiceLine.objects.values_list("tax_percent", flat=True)) == {Decimal(21), Decimal(9)}
    assert not [found for invoice in Invoice.objects.all() for found in invoice.exceptions if found["kind"] == "tax"]
    ap = User.objects.get(username="ap")
    assert authenticate(username="ap", password="demo-ap") == ap
    assert "demo-ap" in out.getvalue()
    counts = buyer_invoice_counts(ap)
    assert counts[BuyerInvoiceList.ON_HOLD] and counts[BuyerInvoiceList.MATCHED] and counts[BuyerInvoiceList.PAID]
    vendor = User.objects.get(username="vendor")
    assert sum(vendor_invoice_counts(vendor).values()) > 0
    count = Invoice.objects.count()
    call_command("demo", stdout=StringIO())
    assert Invoice.objects.count() == count
