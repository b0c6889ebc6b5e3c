"""The vendor portal's URLs (namespace ``vendor``): the workspace, then purchasing's vendor pages."""

from django.urls import path

from vendorcollab.purchasing import urls as purchasing_urls

from . import views

app_name = "vendor"

urlpatterns = [
    path("", views.workspace, name="workspace"),
    *purchasing_urls.urlpatterns,
]
