"""The demo command: idempotent, and covering every state, answer, line action and vendor list."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from vendorcollab.accounts.models import User
from vendorcollab.demo import data
from vendorcollab.partners.models import Collaboration, Company, Item, Site, Vendor, Warehouse
from vendorcollab.purchasing.models import (
    LineAction,
    POStatus,
    PurchaseOrder,
    PurchaseOrderVersion,
    ResponseKind,
    ResponseLine,
    VendorResponse,
    VersionKind,
)
from vendorcollab.purchasing.selectors import VendorList, po_list_for_vendor
from vendorcollab.shipping.models import ShipNotice

MODELS = (Company, Site, Warehouse, Item, Vendor, User, PurchaseOrder, PurchaseOrderVersion, VendorResponse, ShipNotice)


def run_demo() -> str:
    out = StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def demo_output(db: None, settings: Any) -> tuple[str, str]:
    """The output of two runs of the command."""
    # A fast hasher: the test is about which passwords are set, not about hashing them slowly.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return run_demo(), run_demo()


@pytest.mark.django_db
def test_second_run_creates_nothing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    first = run_demo()
    counts = {model: model.objects.count() for model in MODELS}
    second = run_demo()
    assert {model: model.objects.count() for model in MODELS} == counts
    assert counts[PurchaseOrder] >= 30
    assert "purchase orders created" in first
    assert "none created" in second


@pytest.mark.django_db
def test_every_state_answer_and_line_action(demo_output: tuple[str, str]) -> None:
    pos = PurchaseOrder.objects.all()
    assert pos.count() >= 30
    assert set(pos.values_list("status", flat=True)) == set(POStatus.values)
    assert set(VendorResponse.objects.values_list("kind", flat=True)) == set(ResponseKind.values)
    assert set(ResponseLine.objects.values_list("action", flat=True)) == set(LineAction.values)
    assert PurchaseOrderVersion.objects.filter(kind=VersionKind.CONFIRMATION).exists()
    # Partly received: confirmed, with some quantity received but not all.
    assert pos.filter(status=POStatus.CONFIRMED, lines__received_quantity__gt=0).exists()


@pytest.mark.django_db
def test_master_data_covers_every_vendor_setting(demo_output: tuple[str, str]) -> None:
    vendors = Vendor.objects.all()
    assert set(vendors.values_list("collaboration", flat=True)) == set(Collaboration.values)
    assert set(vendors.values_list("show_prices", flat=True)) == {True, False}
    assert set(vendors.values_list("language", flat=True)) == {"en", "nl"}
    # One supplier with an account in both companies.
    assert vendors.filter(name="Fabrikam Supplies").values("company").distinct().count() == 2
    for company in Company.objects.all():
        assert Warehouse.objects.filter(site__company=company).count() == 2
        assert Item.objects.filter(company=company).count() >= 6


@pytest.mark.django_db
def test_vendor_user_sees_every_list_across_both_companies(demo_output: tuple[str, str]) -> None:
    vendor = User.objects.get(username="vendor")
    for which in VendorList:
        assert po_list_for_vendor(actor=vendor, which=which).exists(), which
    visible = PurchaseOrder.objects.visible_to(vendor)
    assert set(visible.values_list("company__code", flat=True)) == {"NL01", "BE01"}
    # A confirmed PO that was changed and sent again is both for review and open confirmed.
    for_review = set(po_list_for_vendor(actor=vendor, which=VendorList.FOR_REVIEW).values_list("pk", flat=True))
    open_confirmed = set(po_list_for_vendor(actor=vendor, which=VendorList.OPEN_CONFIRMED).values_list("pk", flat=True))
    assert for_review & open_confirmed


@pytest.mark.django_db
def test_every_printed_login_works(demo_output: tuple[str, str]) -> None:
    first, second = demo_output
    assert "http://127.0.0.1:8000/admin/" in second  # SITE_URL, by default
    for spec in data.USERS:
        for output in (first, second):
            assert spec.username in output
            assert spec.password in output
        user = authenticate(username=spec.username, password=spec.password)
        assert user is not None, spec.username
        assert user.has_role(spec.role)
    admin = User.objects.get(username="admin")
    assert admin.is_staff


@pytest.mark.django_db
def test_existing_user_is_left_alone_and_reported(settings: Any) -> None:
    """A developer who made their own "admin" with createsuperuser can still load the demo."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    User.objects.create_superuser("admin", "admin@example.com", "my-own-password")
    output = run_demo()
    admin_row = next(row for row in output.splitlines() if row.split()[:1] == ["admin"])
    assert "demo-admin" not in admin_row
    assert "left unchanged" in admin_row
    assert authenticate(username="admin", password="my-own-password") is not None
    assert PurchaseOrder.objects.count() >= 30


@pytest.mark.django_db
def test_unusable_existing_user_fails_cleanly(settings: Any) -> None:
    """A demo user needed for the POs that exists without its role: a clear error, and nothing half-created."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    User.objects.create_user("clerk", password="x")
    with pytest.raises(CommandError, match="clerk"):
        run_demo()
    assert not PurchaseOrder.objects.exists()
    assert not Company.objects.exists()
