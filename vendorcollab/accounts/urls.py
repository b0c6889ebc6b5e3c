"""The buyer side's people pages under ``/settings/users/`` (namespace ``people``)."""

from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("", views.user_list, name="user_list"),
    path("<int:pk>/", views.user_detail, name="user_detail"),
    path("<int:pk>/access/", views.user_access, name="user_access"),
    path("<int:pk>/inactivate/", views.request_inactivation, name="request_inactivation"),
    path("<int:pk>/roles/", views.request_role_change, name="request_role_change"),
    path("requests/", views.request_list, name="request_list"),
    path("requests/new/", views.request_new_user, name="request_new_user"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/decide/", views.request_decide, name="request_decide"),
    path("requests/<int:pk>/invitation/", views.invitation_renew, name="invitation_renew"),
]
