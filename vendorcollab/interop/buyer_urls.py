"""The buyer's document log pages (namespace ``documents_buyer``)."""

from django.urls import path

from . import views

app_name = "documents_buyer"

urlpatterns = [
    path("", views.buyer_document_list, name="document_list"),
    path("<int:pk>/", views.buyer_document_detail, name="document_detail"),
]
