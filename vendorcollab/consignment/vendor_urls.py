"""The vendor's consignment pages (namespace ``consignment_vendor``)."""

from django.urls import path

from . import vendor_views

app_name = "consignment_vendor"

urlpatterns = [
    path("purchase-orders/", vendor_views.purchase_orders, name="purchase_orders"),
    path("purchase-orders/<int:pk>/", vendor_views.purchase_order, name="purchase_order"),
    path("purchase-orders/<int:pk>/pdf/", vendor_views.purchase_order_pdf, name="purchase_order_pdf"),
    path("received/", vendor_views.received, name="received"),
    path("on-hand/", vendor_views.on_hand, name="on_hand"),
    path("replenishments/", vendor_views.replenishments, name="replenishments"),
]
