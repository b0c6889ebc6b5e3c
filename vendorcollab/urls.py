"""The URL configuration: the back office now; the portal and the API mount here as they arrive."""

from django.contrib import admin
from django.urls import path

urlpatterns = [
    path("admin/", admin.site.urls),
]
