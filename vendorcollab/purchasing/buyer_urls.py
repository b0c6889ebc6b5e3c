"""The buyer's purchasing pages (namespace ``buyer``; its workspace page is the ``workspace`` app's)."""

from django.urls import path

from .views import buyer, lookup, receiving

app_name = "buyer"

urlpatterns = [
    path("purchase-orders/list/<slug:which>/", buyer.po_list, name="po_list"),
    path("purchase-orders/new/", buyer.po_create, name="po_create"),
    path("purchase-orders/<int:pk>/", buyer.po_detail, name="po_detail"),
    path("purchase-orders/<int:pk>/edit/", buyer.po_edit, name="po_edit"),
    path("purchase-orders/<int:pk>/copy/", buyer.po_copy, name="po_copy"),
    path("purchase-orders/<int:pk>/send/", buyer.po_send_view, name="po_send"),
    path("purchase-orders/<int:pk>/confirm/", buyer.po_confirm_view, name="po_confirm"),
    path("purchase-orders/<int:pk>/request-change/", buyer.po_request_change_view, name="po_request_change"),
    path("purchase-orders/<int:pk>/cancel/", buyer.po_cancel_view, name="po_cancel"),
    path("purchase-orders/<int:pk>/notes/", buyer.po_note_add, name="po_note_add"),
    path("purchase-orders/<int:pk>/attachments/", buyer.po_attachment_add, name="po_attachment_add"),
    path("purchase-orders/<int:pk>/versions/<int:number>/", buyer.po_version, name="po_version"),
    path("purchase-orders/<int:pk>/versions/<int:number>/pdf/", buyer.po_pdf, name="po_version_pdf"),
    path("purchase-orders/<int:pk>/history/", buyer.po_history, name="po_history"),
    path("purchase-orders/<int:pk>/receipts/", receiving.po_receive, name="po_receive"),
    path("receiving/", receiving.receiving_workspace, name="receiving"),
    path("attachments/<int:pk>/", buyer.attachment_download, name="attachment"),
    path("items/options/", lookup.item_options, name="item_options"),
]
