"""The invoice PDF for the vendor's and the buyer's pages (the API serves the same through
``documents.invoice_pdf_response``).

Each view reads the invoice through the scoped selector: another vendor's invoice, or a draft for a buyer, is a 404.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import path

from vendorcollab.common.web import AuthenticatedRequest, buyer_required, vendor_required

from .documents import invoice_pdf_response
from .selectors import invoice_get


@vendor_required
def vendor_invoice_pdf(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    invoice = invoice_get(actor=request.user, pk=pk)
    return invoice_pdf_response(invoice=invoice, language=request.LANGUAGE_CODE)


@buyer_required()
def buyer_invoice_pdf(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    invoice = invoice_get(actor=request.user, pk=pk)
    return invoice_pdf_response(invoice=invoice, language=request.LANGUAGE_CODE)


# Included by the vendor's and the buyer's invoicing URL modules, in their namespaces ``vendor`` and ``buyer``:
# ``vendor:invoice_pdf`` at /vendor/invoices/<id>/pdf/ and ``buyer:invoice_pdf`` at /buyer/invoices/<id>/pdf/.
vendor_pdf_urls = [path("invoices/<int:pk>/pdf/", vendor_invoice_pdf, name="invoice_pdf")]
buyer_pdf_urls = [path("invoices/<int:pk>/pdf/", buyer_invoice_pdf, name="invoice_pdf")]
