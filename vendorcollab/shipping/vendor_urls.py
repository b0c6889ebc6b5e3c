"""The vendor's ship-notice pages, included by ``vendorcollab.workspace.urls`` (namespace ``vendor``)."""

from django.urls import path

from . import vendor_views

urlpatterns = [
    path("ship-notices/", vendor_views.ship_notice_list, name="ship_notices"),
    path("ship-notices/new/", vendor_views.ship_notice_create, name="ship_notice_create"),
    path("ship-notices/<int:pk>/", vendor_views.ship_notice_detail, name="ship_notice"),
    path("ship-notices/<int:pk>/cancel/", vendor_views.ship_notice_cancel, name="ship_notice_cancel"),
]
