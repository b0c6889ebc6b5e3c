"""Users: the roles they hold, the vendor accounts they act for, and the rules of creating them."""

import pytest

from vendorcollab.accounts.models import Role, User, VendorMembership
from vendorcollab.accounts.services import user_create
from vendorcollab.common.errors import PermissionRefused, ValidationFailed
from vendorcollab.common.testing.factories import VendorFactory
from vendorcollab.partners.models import Collaboration, Vendor


def test_roles_and_vendor_accounts_of_the_cast(cast):
    assert cast.agent.is_buyer and not cast.agent.is_vendor_user
    assert cast.vendor_a_user.is_vendor_user and not cast.vendor_a_user.is_buyer
    assert cast.vendor_a_user.vendor_ids == {cast.vendor_a.pk}
    assert cast.agent.vendor_ids == frozenset()


def test_vendor_access_follows_active_links_and_collaboration(cast):
    second = VendorFactory(company=cast.company)
    VendorMembership.objects.create(user=cast.vendor_a_user, vendor=second, is_active=False)
    assert User.objects.get(pk=cast.vendor_a_user.pk).vendor_ids == {cast.vendor_a.pk}
    VendorMembership.objects.filter(vendor=second).update(is_active=True)
    assert User.objects.get(pk=cast.vendor_a_user.pk).vendor_ids == {cast.vendor_a.pk, second.pk}
    Vendor.objects.filter(pk=cast.vendor_a.pk).update(collaboration=Collaboration.DISABLED)
    assert User.objects.get(pk=cast.vendor_a_user.pk).vendor_ids == {second.pk}


def test_an_inactive_user_has_no_roles(cast):
    User.objects.filter(pk=cast.agent.pk).update(is_active=False)
    agent = User.objects.get(pk=cast.agent.pk)
    assert not agent.is_buyer and not agent.has_role(Role.PURCHASING_AGENT)


@pytest.mark.parametrize(
    ("roles", "with_vendor", "field"),
    [
        ([], False, "roles"),
        (["emperor"], False, "roles"),
        ([Role.PURCHASING_AGENT, Role.VENDOR_USER], True, "roles"),
        ([Role.VENDOR_USER], False, "vendors"),
        ([Role.PURCHASING_AGENT], True, "vendors"),
    ],
)
def test_user_create_refuses_inconsistent_roles(cast, roles, with_vendor, field):
    vendors = [cast.vendor_a] if with_vendor else []
    with pytest.raises(ValidationFailed) as refused:
        user_create(actor=cast.admin, username="newbie", password="x-long-pass", roles=roles, vendors=vendors)
    assert field in refused.value.fields
    assert not User.objects.filter(username="newbie").exists()


def test_user_create_refuses_a_taken_username_in_any_case(cast):
    with pytest.raises(ValidationFailed) as refused:
        user_create(actor=cast.admin, username="BOB", password="x-long-pass", roles=[Role.RECEIVING_CLERK])
    assert "username" in refused.value.fields


def test_only_procurement_admins_create_users(cast):
    with pytest.raises(PermissionRefused):
        user_create(actor=cast.agent, username="newbie", password="x", roles=[Role.RECEIVING_CLERK])
    user = user_create(
        actor=cast.admin, username="newbie", password="x-long-pass", roles=[Role.VENDOR_ADMIN], vendors=[cast.vendor_b]
    )
    assert user.check_password("x-long-pass")
    assert user.role_set == {Role.VENDOR_ADMIN}
    assert user.vendor_ids == {cast.vendor_b.pk}
