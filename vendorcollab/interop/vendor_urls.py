"""The vendor's document log pages (namespace ``documents_vendor``)."""

from django.urls import path

from . import views

app_name = "documents_vendor"

urlpatterns = [
    path("", views.vendor_document_list, name="document_list"),
    path("<int:pk>/", views.vendor_document_detail, name="document_detail"),
]
