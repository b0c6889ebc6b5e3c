"""The buyer's invoice pages, mounted in the ``buyer`` namespace beside purchasing's (``vendorcollab.urls``)."""

from django.urls import path

from . import buyer_views, pdf_views

urlpatterns = [
    path("invoices/", buyer_views.invoice_workspace, name="invoices"),
    path("invoices/list/<slug:which>/", buyer_views.invoice_list, name="invoice_list"),
    path("invoices/<int:pk>/", buyer_views.invoice_detail, name="invoice_detail"),
    path("invoices/<int:pk>/approve/", buyer_views.invoice_approve, name="invoice_approve"),
    path("invoices/<int:pk>/reject/", buyer_views.invoice_reject, name="invoice_reject"),
    path("invoices/<int:pk>/payment/", buyer_views.invoice_record_payment, name="invoice_record_payment"),
    path("invoices/<int:pk>/notes/", buyer_views.invoice_note_add, name="invoice_note_add"),
    path("invoices/attachments/<int:pk>/", buyer_views.invoice_attachment, name="invoice_attachment"),
    *pdf_views.buyer_pdf_urls,
]
