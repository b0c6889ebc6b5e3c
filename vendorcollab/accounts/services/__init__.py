"""Writes of the accounts app, a module per sub-domain: users, user requests (and their life cycle), invitations,
access. The user writes are re-exported here, where the rest of the project has always imported them from."""

from .users import AdminOutcome, procurement_admin_ensure, user_create, user_language_set

__all__ = ["AdminOutcome", "procurement_admin_ensure", "user_create", "user_language_set"]
