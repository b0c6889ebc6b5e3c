"""The buyer's consignment pages (namespace ``consignment_buyer``), under /buyer/consignment/."""

from django.urls import path

from . import buyer_views

app_name = "consignment_buyer"

urlpatterns = [
    path("", buyer_views.stock, name="stock"),
    path("replenishments/", buyer_views.replenishment_list, name="replenishment_list"),
    path("replenishments/new/", buyer_views.replenishment_create, name="replenishment_create"),
    path("replenishments/<int:pk>/", buyer_views.replenishment_detail, name="replenishment_detail"),
    path("replenishments/<int:pk>/receive/", buyer_views.replenishment_receive, name="replenishment_receive"),
    path("replenishments/<int:pk>/cancel/", buyer_views.replenishment_cancel, name="replenishment_cancel"),
    path("ownership-changes/", buyer_views.ownership_list, name="ownership_list"),
    path("ownership-changes/new/", buyer_views.ownership_create, name="ownership_create"),
    path("ownership-changes/<int:pk>/", buyer_views.ownership_detail, name="ownership_detail"),
    path("prices/", buyer_views.price_list, name="price_list"),
    path("prices/new/", buyer_views.price_create, name="price_create"),
    path("prices/<int:pk>/", buyer_views.price_edit, name="price_edit"),
]
