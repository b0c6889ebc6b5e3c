"""Fixtures of the people tests: a vendor B admin (who must get nothing of vendor A), approving with the mail task."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.cache import cache

from vendorcollab.accounts.models import Role, User, UserRequest
from vendorcollab.accounts.services.user_requests import user_request_approve
from vendorcollab.common.testing.factories import make_user

LINK = re.compile(r"https?://\S+/account/invitation/[A-Za-z0-9_-]+/")


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """Sign-in attempts are counted in the cache; each test starts from zero."""
    cache.clear()


@pytest.fixture
def vendor_b_admin(cast: Any) -> User:
    return make_user("gina", Role.VENDOR_ADMIN, vendors=(cast.vendor_b,))


@pytest.fixture
def approve(cast: Any, django_capture_on_commit_callbacks: Any):
    """``approve(user_request)``: alice approves, and the invitation mail (queued after the commit) goes out."""

    def run(user_request: UserRequest, reason: str = "", actor: User | None = None) -> UserRequest:
        with django_capture_on_commit_callbacks(execute=True):
            return user_request_approve(
                actor=actor or cast.admin, user_request=user_request, reason=reason, link_base="http://testserver/"
            )

    return run


def invitation_link(text: str) -> str:
    match = LINK.search(text)
    assert match, text
    return match.group(0)


def link_path(link: str) -> str:
    """The path of a link, to open it with the test client."""
    return "/" + link.split("/", 3)[3]
