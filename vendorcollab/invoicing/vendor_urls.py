"""The vendor's invoicing pages, included by ``vendorcollab.workspace.urls`` (namespace ``vendor``)."""

from django.urls import path

from . import vendor_views
from .pdf_views import vendor_pdf_urls

urlpatterns = [
    path("invoicing/", vendor_views.invoicing_workspace, name="invoicing"),
    path("invoices/list/<slug:which>/", vendor_views.invoice_list, name="invoice_list"),
    path("invoices/new/", vendor_views.invoice_create, name="invoice_create"),
    path("invoices/<int:pk>/", vendor_views.invoice_detail, name="invoice_detail"),
    path("invoices/<int:pk>/edit/", vendor_views.invoice_edit, name="invoice_edit"),
    path("invoices/<int:pk>/submit/", vendor_views.invoice_submit, name="invoice_submit"),
    path("invoices/<int:pk>/delete/", vendor_views.invoice_delete, name="invoice_delete"),
    path("invoices/<int:pk>/credit-note/", vendor_views.credit_note_create, name="credit_note_create"),
    path("invoices/<int:pk>/notes/", vendor_views.invoice_note_add, name="invoice_note_add"),
    path("invoice-attachments/<int:pk>/", vendor_views.invoice_attachment, name="invoice_attachment"),
    *vendor_pdf_urls,
]
