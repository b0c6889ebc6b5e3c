"""Notification settings and the webhook delivery log (namespace ``notifications``)."""

from django.urls import path

app_name = "notifications"

urlpatterns: list[path] = []  # type: ignore[valid-type]
