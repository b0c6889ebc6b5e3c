"""Sign-in backends: Django's and allauth's, each reading a session's user with its roles and vendor accounts.

Every page asks who the user is and what they may do (roles, vendor accounts) before anything else: two statements
with Django's own ``get_user``, one here (``access_columns``, as the API's token check reads them).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend
from django.db.models import QuerySet

from .models import User, access_columns


@cache
def users_with_access() -> QuerySet[User]:
    """Users with their access columns, annotated once per process: resolving the two subqueries for every request
    cost as much as running them. Only ever filtered (a copy), never evaluated itself."""
    return User._default_manager.annotate(**access_columns("pk"))


class _ReadsAccessWithTheUser:
    def get_user(self, user_id: Any) -> User | None:
        user = users_with_access().filter(pk=user_id).first()
        if user is None or not self.user_can_authenticate(user):  # type: ignore[attr-defined]
            return None
        columns = vars(user)
        user.remember_access(roles=columns.pop("access_roles"), vendor_ids=columns.pop("access_vendor_ids"))
        return user


class UsernameBackend(_ReadsAccessWithTheUser, ModelBackend):
    """Django's backend (the admin's sign-in, ``force_login`` in tests)."""


class UsernameOrEmailBackend(_ReadsAccessWithTheUser, AllauthBackend):
    """allauth's backend (the sign-in page: username or e-mail)."""
