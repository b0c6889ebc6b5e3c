"""The buyer's vendor performance pages, mounted in the ``buyer`` namespace (``vendorcollab.urls``)."""

from django.urls import path

from . import buyer_views

urlpatterns = [
    path("vendor-performance/", buyer_views.vendor_performance, name="vendor_performance"),
    path("vendor-performance/<int:pk>/", buyer_views.vendor_performance_detail, name="vendor_performance_detail"),
]
