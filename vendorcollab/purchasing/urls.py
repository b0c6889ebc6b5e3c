"""Purchasing's pages of the vendor portal, included by ``vendorcollab.workspace.urls`` (namespace ``vendor``)."""

from django.urls import path

from .views import vendor

urlpatterns = [
    path("purchase-orders/list/<slug:which>/", vendor.po_list, name="po_list"),
    path("history/", vendor.history_list, name="history"),
    path("purchase-orders/<int:pk>/", vendor.po_detail, name="po_detail"),
    path("purchase-orders/<int:pk>/versions/<int:number>/", vendor.po_detail, name="po_version"),
    path("purchase-orders/<int:pk>/history/", vendor.po_history, name="po_history"),
    path("purchase-orders/<int:pk>/pdf/", vendor.po_pdf, name="po_pdf"),
    path("purchase-orders/<int:pk>/versions/<int:number>/pdf/", vendor.po_pdf, name="po_version_pdf"),
    path("purchase-orders/<int:pk>/print/", vendor.po_print, name="po_print"),
    path("purchase-orders/accept/", vendor.po_bulk_accept, name="po_bulk_accept"),
    path("purchase-orders/<int:pk>/accept/", vendor.po_accept, name="po_accept"),
    path("purchase-orders/<int:pk>/reject/", vendor.po_reject, name="po_reject"),
    path("purchase-orders/<int:pk>/respond/", vendor.po_respond, name="po_respond"),
    path("attachments/<int:pk>/", vendor.attachment_download, name="attachment"),
    path("preferences/dimensions/", vendor.toggle_dimensions, name="toggle_dimensions"),
]
