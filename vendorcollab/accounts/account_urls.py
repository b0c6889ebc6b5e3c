"""Every user's own pages under ``/account/`` (namespace ``myaccount``); the invitation link works signed out."""

from django.urls import path

from . import account_views

app_name = "myaccount"

urlpatterns = [
    path("profile/", account_views.profile, name="profile"),
    path("tokens/", account_views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", account_views.token_revoke, name="token_revoke"),
    path("invitation/<str:token>/", account_views.invitation, name="invitation"),
    path("invitation/", account_views.invitation_password, name="invitation_password"),
]
