"""Notification settings and the webhook delivery log (namespace ``notifications``)."""

from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.preferences, name="preferences"),
    path("webhooks/", views.endpoint_list, name="endpoint_list"),
    path("webhooks/new/", views.endpoint_create, name="endpoint_create"),
    path("webhooks/<int:pk>/", views.endpoint_edit, name="endpoint_edit"),
    path("webhooks/deliveries/", views.deliveries, name="deliveries"),
    path("webhooks/deliveries/<int:pk>/retry/", views.delivery_retry, name="delivery_retry"),
]
