"""The procurement admin's vendor settings (namespace ``partners``)."""

from django.urls import path

from . import views

app_name = "partners"

urlpatterns = [
    path("vendors/", views.vendor_list, name="vendor_list"),
    path("vendors/<int:pk>/", views.vendor_edit, name="vendor_edit"),
    path("response-messages/", views.response_messages, name="response_messages"),
]
