"""The fixed cast every test can use: a buyer admin, an agent, a clerk, vendor A's user and admin, vendor B's user.

Vendor B's user exists to get nothing: every test that shows vendor A's data can ask it and expect 404 or empty.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from vendorcollab.accounts.models import Role, User
from vendorcollab.partners.models import Company, Item, Site, Vendor, Warehouse

from .factories import CompanyFactory, ItemFactory, SiteFactory, VendorFactory, WarehouseFactory, make_user


@dataclass
class Cast:
    company: Company
    vendor_a: Vendor
    vendor_b: Vendor
    site: Site
    warehouse: Warehouse
    items: list[Item]
    admin: User
    agent: User
    clerk: User
    vendor_a_user: User
    vendor_a_admin: User
    vendor_b_user: User


@pytest.fixture
def cast(db: None) -> Cast:
    company = CompanyFactory(code="NL01", name="Contoso Nederland")
    vendor_a = VendorFactory(company=company, number="V-A", name="Alpha Supplies")
    vendor_b = VendorFactory(company=company, number="V-B", name="Beta Trading")
    site = SiteFactory(company=company, code="AMS")
    warehouse = WarehouseFactory(site=site, code="AMS-1")
    items = [ItemFactory(company=company) for _ in range(3)]
    return Cast(
        company=company,
        vendor_a=vendor_a,
        vendor_b=vendor_b,
        site=site,
        warehouse=warehouse,
        items=items,
        admin=make_user("alice", Role.PROCUREMENT_ADMIN),
        agent=make_user("bob", Role.PURCHASING_AGENT),
        clerk=make_user("carol", Role.RECEIVING_CLERK),
        vendor_a_user=make_user("dave", Role.VENDOR_USER, vendors=(vendor_a,)),
        vendor_a_admin=make_user("erin", Role.VENDOR_ADMIN, vendors=(vendor_a,)),
        vendor_b_user=make_user("frank", Role.VENDOR_USER, vendors=(vendor_b,)),
    )


@pytest.fixture(scope="session", autouse=True)
def _media_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Uploaded files go to a directory of this test session, not to var/media/ where `make run` keeps its own: each
    pytest-xdist worker has its own (and so its own test database), so no two runs see each other's files."""
    from django.test import override_settings

    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Every test starts and ends in the default language. A request of a Dutch user leaves the test's thread in
    Dutch (the language middleware activates it, as it does at the start of every request in a server); a management
    command called next would then answer in Dutch, depending on which tests a worker happened to run before."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: pytest.FixtureRequest) -> None:
    """Real hashers are slow on purpose; tests create many users and test no hashing strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _mfa_requirement(request: pytest.FixtureRequest, settings: Any) -> None:
    """Production requires two-factor authentication of procurement and vendor admins (``MFA_REQUIRED_ROLES``);
    the cast signs in without it, except in tests marked ``@pytest.mark.mfa_required``, which keep the setting."""
    if request.node.get_closest_marker("mfa_required") is None:
        settings.MFA_REQUIRED_ROLES = ()


@pytest.fixture(autouse=True)
def _empty_derived_caches() -> None:
    """Rendered PDFs and page fragments live in per-process memory during tests, and test databases hand out the same
    ids again after each rollback: every test starts without another test's documents."""
    from django.core.cache import caches

    for alias in ("documents", "pages", "api"):
        caches[alias].clear()
