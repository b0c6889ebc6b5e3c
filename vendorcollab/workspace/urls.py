"""The vendor portal's URLs (namespace ``vendor``): the workspace, then purchasing's and invoicing's vendor pages."""

from django.urls import path

from vendorcollab.invoicing import vendor_urls as invoicing_urls
from vendorcollab.performance import vendor_urls as performance_urls
from vendorcollab.purchasing import urls as purchasing_urls
from vendorcollab.shipping import vendor_urls as shipping_urls

from . import views

app_name = "vendor"

urlpatterns = [
    path("", views.workspace, name="workspace"),
    *purchasing_urls.urlpatterns,
    *invoicing_urls.urlpatterns,
    *shipping_urls.urlpatterns,
    *performance_urls.urlpatterns,
]
