"""Fixtures of the API tests."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from vendorcollab.common.testing.factories import make_po

from .helpers import ApiClient


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Give each schemathesis test (one per API operation) a node id of its own.

    pytest 9.2 builds a test's id from its function's name and its parametrize() parameters; schemathesis 4.32 puts
    the operation in the test's name only, so all 40 tests got the one id ``test_the_api_keeps_to_its_document``.
    pytest-xdist sends, runs and reports tests by id: it ran one of the 40 and said nothing of the others. The id
    pytest gave before 9.2, the parent's plus the full name, tells them apart again.
    """
    for item in items:
        if type(item).__name__ == "SchemathesisFunction" and item.name != item.nodeid.rpartition("::")[2]:
            item._id = item.parent.id.child(item.name)  # type: ignore[attr-defined,union-attr]


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
