"""The vendor's own performance page, mounted in the ``vendor`` namespace (``vendorcollab.workspace.urls``)."""

from django.urls import path

from . import vendor_views

urlpatterns = [
    path("performance/", vendor_views.performance, name="performance"),
]
