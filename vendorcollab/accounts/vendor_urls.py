"""A vendor admin's contacts and requests under ``/vendor/contacts/`` (namespace ``people_vendor``)."""

from django.urls import path

from . import views

app_name = "people_vendor"

urlpatterns = [
    path("", views.contact_list, name="user_list"),
    path("<int:pk>/", views.contact_detail, name="user_detail"),
    path("<int:pk>/inactivate/", views.vendor_request_inactivation, name="request_inactivation"),
    path("<int:pk>/roles/", views.vendor_request_role_change, name="request_role_change"),
    path("requests/", views.vendor_request_list, name="request_list"),
    path("requests/new/", views.vendor_request_new_user, name="request_new_user"),
    path("requests/<int:pk>/", views.vendor_request_detail, name="request_detail"),
]
