"""The buyer's ship-notice pages, mounted in the ``buyer`` namespace beside purchasing's (``vendorcollab.urls``)."""

from django.urls import path

from . import buyer_views

urlpatterns = [
    path("shipments/", buyer_views.shipments, name="shipments"),
    path("ship-notices/<int:pk>/", buyer_views.ship_notice_detail, name="ship_notice"),
    path("ship-notices/<int:pk>/receive/", buyer_views.ship_notice_receive, name="ship_notice_receive"),
]
