"""Fixtures of the API tests."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from vendorcollab.common.testing.factories import make_po

from .helpers import ApiClient


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """Failed sign-ins are counted in the cache (django-allauth's rate limit); each test starts from zero."""
    cache.clear()


@pytest.fixture
def api(db: None):
    """``api(user)`` is a JSON client for ``user``; ``api()`` an anonymous one."""

    def make(user: Any = None) -> ApiClient:
        return ApiClient(Client(), user)

    return make


@pytest.fixture
def sent(cast):
    """A PO with three lines, sent to vendor A as version 1."""
    return make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items, send=True)
