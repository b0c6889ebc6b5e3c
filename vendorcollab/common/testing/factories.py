"""factory_boy factories for master data, and builders that take POs through the real services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone

from vendorcollab.accounts.models import User
from vendorcollab.accounts.services import user_create
from vendorcollab.partners.models import Collaboration, Company, Item, Site, Vendor, Warehouse
from vendorcollab.purchasing import services
from vendorcollab.purchasing.models import PurchaseOrder
from vendorcollab.purchasing.services import LineInput


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"C{n:03d}")
    name = factory.Sequence(lambda n: f"Company {n}")


class VendorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vendor

    company = factory.SubFactory(CompanyFactory)
    number = factory.Sequence(lambda n: f"V{n:05d}")
    name = factory.Sequence(lambda n: f"Vendor {n}")
    collaboration = Collaboration.MANUAL_CONFIRM


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    company = factory.SubFactory(CompanyFactory)
    code = factory.Sequence(lambda n: f"S{n}")
    name = factory.Sequence(lambda n: f"Site {n}")


class WarehouseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Warehouse

    site = factory.SubFactory(SiteFactory)
    code = factory.Sequence(lambda n: f"W{n}")
    name = factory.Sequence(lambda n: f"Warehouse {n}")


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Item

    company = factory.SubFactory(CompanyFactory)
    number = factory.Sequence(lambda n: f"ITEM-{n:04d}")
    name = factory.Sequence(lambda n: f"Item {n}")
    unit = "ea"


def make_user(username: str, *roles: str, vendors: tuple[Vendor, ...] = (), **extra: Any) -> User:
    return user_create(actor=None, username=username, password="pw-" + username, roles=roles, vendors=vendors, **extra)


def in_days(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def line(item: Item, quantity: str = "10", price: str = "2.50", days: int = 14, **extra: Any) -> LineInput:
    return LineInput(
        item=item, quantity=Decimal(quantity), unit_price=Decimal(price), delivery_date=in_days(days), **extra
    )


def make_po(*, actor: User, vendor: Vendor, items: list[Item], send: bool = False, **extra: Any) -> PurchaseOrder:
    """A PO with one line per item, created (and sent) through the services."""
    po = services.po_create(
        actor=actor,
        company=vendor.company,
        vendor=vendor,
        lines=[line(item, quantity=str(10 * (index + 1))) for index, item in enumerate(items)],
        **extra,
    )
    if send:
        po = services.po_send(actor=actor, purchase_order=po)
    return po


def users_of_every_access(cast: Any) -> tuple[User, User]:
    """Two users whose access reads must leave things out: ``several`` (vendor admin and user of vendor A, vendor B,
    a vendor whose link is inactive and one that no longer collaborates) and ``nobody`` (every role taken away)."""
    from vendorcollab.accounts.models import Role, VendorMembership

    left, disabled = VendorFactory(company=cast.company), VendorFactory(company=cast.company)
    several = make_user(
        "several", Role.VENDOR_ADMIN, Role.VENDOR_USER, vendors=(cast.vendor_a, cast.vendor_b, left, disabled)
    )
    VendorMembership.objects.filter(user=several, vendor=left).update(is_active=False)
    disabled.collaboration = Collaboration.DISABLED
    disabled.save()
    nobody = make_user("nobody", Role.PURCHASING_AGENT)
    nobody.role_assignments.all().delete()  # the access subquery finds no row
    return several, nobody
