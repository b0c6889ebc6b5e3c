"""The bench data's master data: companies, sites, warehouses, items, vendor accounts and users.

Small next to the purchase orders (thousands of rows, not millions), so it is made with the ORM's bulk_create.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import models

from vendorcollab.accounts.models import Role, RoleAssignment, User, VendorMembership
from vendorcollab.common.models import NumberSequence
from vendorcollab.partners.models import Collaboration, Company, Item, Site, Vendor, Warehouse

from .tables import TABLES

# Every bench user signs in with this password; it is hashed once for all of them (Argon2 takes tens of
# milliseconds per hash, which for two thousand users would dominate the load).
PASSWORD = "bench-password"
COMPANY_PREFIX = "BENCH"
BIG_VENDOR_NUMBER = "V-BIG"
BIG_VENDOR_USER = "bench-big"
AGENT_USER = "bench-agent"
CLERK_USER = "bench-clerk"
PAYABLES_USER = "bench-ap"
DELIVERY_TOLERANCE_DAYS = 2


@dataclass(frozen=True)
class Size:
    vendors: int
    pos: int
    big_vendor_pos: int = 5000
    items_per_company: int = 4000
    companies: int = 3
    consignment_vendors: int = 50
    # Of all POs, the share that are consignment POs made by ownership changes.
    consignment_share: float = 0.025
    seed: int = 20261121


@dataclass
class Ids:
    """The next free id of every table, read from the database once at the start."""

    next: dict[type[models.Model], int] = field(default_factory=dict)

    @classmethod
    def after_existing(cls) -> Ids:
        ids = cls()
        for table in TABLES:
            last = table.model._default_manager.order_by("-pk").values_list("pk", flat=True).first()
            ids.next[table.model] = (last or 0) + 1
        return ids

    def take(self, model: type[models.Model]) -> int:
        value = self.next[model]
        self.next[model] = value + 1
        return value


@dataclass
class VendorInfo:
    id: int
    company_id: int
    auto_confirm: bool
    user_ids: list[int]
    catalogue: list[tuple[int, str, str]]  # (item id, name, unit)
    payment_terms_days: int


@dataclass
class CompanyInfo:
    id: int
    code: str
    sites: list[tuple[int, list[int]]]  # (site id, warehouse ids)
    items: list[tuple[int, str, str]]


@dataclass
class World:
    """The master data the POs are made of: created with the ORM in bulk, small compared with the POs."""

    companies: dict[int, CompanyInfo]
    vendors: list[VendorInfo]
    big_vendor: VendorInfo
    agent_ids: list[int]
    clerk_ids: list[int]
    payables_ids: list[int]  # accounts payable: who approves, rejects and pays invoices
    # The last number used per numbering scope, as ``NumberSequence`` keeps them (``purchase_order:<company>``).
    numbers: dict[str, int] = field(default_factory=dict)

    def next_number(self, scope: str) -> int:
        self.numbers[scope] = self.numbers.get(scope, 0) + 1
        return self.numbers[scope]

    def save_numbers(self) -> None:
        """Hand the numbers used over to the sequences, so that the next PO the portal makes follows on."""
        for scope, last in self.numbers.items():
            sequence, _ = NumberSequence.objects.get_or_create(scope=scope)
            if sequence.last_value < last:
                sequence.last_value = last
                sequence.save(update_fields=["last_value"])


def bench_loaded() -> bool:
    return Company.objects.filter(code=f"{COMPANY_PREFIX}-1").exists()


# The display units the generator uses and their UN/ECE Rec 20 codes (what documents carry).
UNIT_CODES = {"ea": "H87", "box": "XBX", "kg": "KGM", "m": "MTR"}


def _unit(name: str) -> dict[str, str]:
    return {"unit": name, "unit_code": UNIT_CODES[name]}


def create_world(size: Size, rng: random.Random) -> World:
    """Companies, sites, warehouses, items, vendors and users."""
    password = make_password(PASSWORD)
    companies: dict[int, CompanyInfo] = {}
    for number in range(1, size.companies + 1):
        code = f"{COMPANY_PREFIX}-{number}"
        company = Company.objects.create(
            code=code,
            name=f"Bench Buyer {number} B.V.",
            endpoint_scheme="0088",
            endpoint_id=f"BENCH{number:08d}",
            # What an Order names the buyer by (a send checks it is there, ``purchasing.services.readiness``).
            street_name=f"Benchstraat {number}",
            postal_zone="1011 AB",
            city_name="Amsterdam",
            country_code="NL",
            vat_id=f"NL{number:09d}B01",
            # A price may stray 2 % per line and the total 5.00 before an invoice goes on hold.
            invoice_tolerance_percent=Decimal("2.00"),
            invoice_tolerance_amount=Decimal("5.00"),
            # A delivery two days either side of the confirmed date still counts as on time (vendor performance).
            delivery_tolerance_days=DELIVERY_TOLERANCE_DAYS,
        )
        sites = []
        for site_number in range(1, 4):
            site = Site.objects.create(company=company, code=f"S{site_number}", name=f"Site {site_number}")
            warehouses = Warehouse.objects.bulk_create(
                Warehouse(site=site, code=f"S{site_number}-W{w}", name=f"Warehouse {site_number}.{w}") for w in (1, 2)
            )
            sites.append((site.pk, [warehouse.pk for warehouse in warehouses]))
        items = Item.objects.bulk_create(
            Item(
                company=company,
                number=f"{code}-IT{i:05d}",
                name=f"{rng.choice(_NOUNS)} {rng.choice(_ADJECTIVES)} {i}",
                **_unit(rng.choice(("ea", "ea", "ea", "box", "kg", "m"))),
            )
            for i in range(1, size.items_per_company + 1)
        )
        companies[company.pk] = CompanyInfo(
            company.pk, code, sites, [(item.pk, item.name, item.unit) for item in items]
        )

    company_ids = list(companies)
    vendor_rows = Vendor.objects.bulk_create(
        Vendor(
            company_id=company_ids[index % len(company_ids)],
            number=BIG_VENDOR_NUMBER if index == 0 else f"V-{index:05d}",
            name="Big Supplier Ltd." if index == 0 else f"Supplier {index}",
            # One in four vendors is trusted to confirm automatically; the big vendor is not.
            collaboration=(
                Collaboration.AUTO_CONFIRM if index and rng.random() < 0.25 else Collaboration.MANUAL_CONFIRM
            ),
            show_prices=index == 0 or rng.random() < 0.8,
            language=rng.choice(("en", "nl")),
            email=f"orders@supplier{index}.example",
            # A PEPPOL participant id, so that UBL Orders to any vendor can be imported.
            endpoint_scheme="0088",
            endpoint_id=f"SUPPLIER{index:08d}",
            street_name=f"Supplier Road {index}",
            postal_zone="3011 AA",
            city_name="Rotterdam",
            country_code="NL",
            vat_id=f"NL{100_000_000 + index:09d}B01",
            payment_terms_days=rng.choice(PAYMENT_TERMS_DAYS),
        )
        for index in range(size.vendors)
    )
    usernames = [BIG_VENDOR_USER, f"{BIG_VENDOR_USER}-2"] + [f"bench-vendor-{i:05d}" for i in range(1, size.vendors)]
    buyer_names = (
        [AGENT_USER, CLERK_USER] + [f"bench-agent-{i}" for i in range(1, 9)] + ["bench-clerk-1", PAYABLES_USER]
    )
    users = User.objects.bulk_create(
        User(username=name, email=f"{name}@bench.example", password=password, first_name=name.split("-")[-1])
        for name in usernames + buyer_names
    )
    by_name = {user.username: user for user in users}
    roles = [RoleAssignment(user=by_name[name], role=Role.VENDOR_USER) for name in usernames]
    roles += [RoleAssignment(user=by_name[name], role=_buyer_role(name)) for name in buyer_names]
    RoleAssignment.objects.bulk_create(roles)
    vendor_users: dict[int, list[int]] = {vendor_rows[0].pk: [by_name[BIG_VENDOR_USER].pk, by_name[usernames[1]].pk]}
    for index, vendor in enumerate(vendor_rows[1:], start=1):
        vendor_users[vendor.pk] = [by_name[f"bench-vendor-{index:05d}"].pk]
    VendorMembership.objects.bulk_create(
        VendorMembership(user_id=user_id, vendor_id=vendor_id)
        for vendor_id, user_ids in vendor_users.items()
        for user_id in user_ids
    )
    vendors = []
    for vendor in vendor_rows:
        company_items = companies[vendor.company_id].items
        vendors.append(
            VendorInfo(
                vendor.pk,
                vendor.company_id,
                vendor.collaboration == Collaboration.AUTO_CONFIRM,
                vendor_users[vendor.pk],
                rng.sample(company_items, min(len(company_items), 60)),
                vendor.payment_terms_days,
            )
        )
    return World(
        companies=companies,
        vendors=vendors,
        big_vendor=vendors[0],
        agent_ids=[by_name[name].pk for name in buyer_names if "agent" in name],
        clerk_ids=[by_name[name].pk for name in buyer_names if "clerk" in name],
        payables_ids=[by_name[PAYABLES_USER].pk],
    )


def _buyer_role(username: str) -> Role:
    if username == PAYABLES_USER:
        return Role.ACCOUNTS_PAYABLE
    return Role.RECEIVING_CLERK if "clerk" in username else Role.PURCHASING_AGENT


# A vendor account's payment terms: most a month, some shorter or longer.
PAYMENT_TERMS_DAYS = (30, 30, 30, 14, 45, 60)

_NOUNS = ("Bolt", "Nut", "Bearing", "Valve", "Hose", "Pallet", "Cable", "Filter", "Gasket", "Pump", "Sensor", "Tape")
_ADJECTIVES = ("steel", "brass", "zinc", "nylon", "heavy", "compact", "coated", "standard", "premium", "spare")
