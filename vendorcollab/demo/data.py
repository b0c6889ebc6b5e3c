"""Demo data: two companies, their vendors, items and users, and purchase orders in every state of the life cycle."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from vendorcollab.accounts.models import Role, User
from vendorcollab.accounts.services import user_create
from vendorcollab.partners.models import Collaboration, Company, Item, Site, Vendor, Warehouse
from vendorcollab.purchasing import services
from vendorcollab.purchasing.models import LineAction, PurchaseOrder, ResponseKind
from vendorcollab.purchasing.services import ChargeInput, LineAnswer, LineInput, ReceiptLineInput, ScheduleInput


class DemoDataError(Exception):
    """The database holds something the demo cannot build on, such as a demo username used for another role."""


# --- what the demo is made of -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemSpec:
    number: str
    name: str
    unit: str
    price: str
    # Product dimensions that every demo line of this item carries.
    color: str = ""
    size: str = ""
    style: str = ""
    configuration: str = ""
    # The item's own VAT percentage (standard rate) where it is not its company's: food and books at 9 % in NL.
    tax_percent: str = ""


def _address(street: str, postal_zone: str, city: str, country: str, additional: str = "") -> dict[str, str]:
    return {
        "street_name": street,
        "additional_street_name": additional,
        "postal_zone": postal_zone,
        "city_name": city,
        "country_code": country,
    }


# The demo's display units by their UN/ECE Rec 20 code, which documents carry.
UNIT_CODES = {
    "box": "XBX",
    "l": "LTR",
    "ea": "H87",
    "m": "MTR",
    "roll": "XRO",
    "pair": "PR",
    "bag": "XBG",
    "pcs": "H87",
}


@dataclass(frozen=True)
class CompanySpec:
    code: str
    name: str
    address: dict[str, str]
    endpoint: tuple[str, str]
    site: tuple[str, str]
    site_address: dict[str, str]
    warehouses: tuple[tuple[str, str], tuple[str, str]]
    items: tuple[ItemSpec, ...]
    # The standard VAT rate of the company's PO lines (the Netherlands and Belgium: 21 %).
    tax_percent: str = "21"


COMPANIES = (
    CompanySpec(
        code="NL01",
        name="Contoso Nederland B.V.",
        address=_address("Waalhaven Oostzijde 1", "3087 BM", "Rotterdam", "NL"),
        endpoint=("0088", "8712345000011"),
        site=("RTM", "Rotterdam"),
        site_address=_address("Waalhaven Zuidzijde 19", "3089 JH", "Rotterdam", "NL", "Goederenontvangst"),
        warehouses=(("RTM-MAIN", "Rotterdam main warehouse"), ("RTM-SPARE", "Rotterdam spare parts")),
        items=(
            ItemSpec("NL-1000", "Hex bolt M8x40, zinc plated (box of 100)", "box", "7.95"),
            ItemSpec("NL-1001", "Hydraulic oil HLP 46", "l", "3.20"),
            ItemSpec("NL-1002", "High-visibility safety jacket", "ea", "24.50", color="Orange", size="L"),
            ItemSpec("NL-1003", "Office chair", "ea", "189.00", style="Executive", configuration="Mesh back"),
            ItemSpec("NL-1004", "Copper cable 2.5 mm²", "m", "0.85"),
            ItemSpec("NL-1005", "Pallet stretch film 500 mm", "roll", "12.40"),
            ItemSpec("NL-1006", "Coffee beans, 1 kg", "bag", "14.90", tax_percent="9"),
            ItemSpec("NL-1007", "Workplace safety handbook", "ea", "29.50", tax_percent="9"),
        ),
    ),
    CompanySpec(
        code="BE01",
        name="Contoso België NV",
        address=_address("Noorderlaan 100", "2030", "Antwerpen", "BE"),
        endpoint=("0088", "5412345000013"),
        site=("ANR", "Antwerpen"),
        site_address=_address("Haven 1120", "2030", "Antwerpen", "BE", "Magazijn 4"),
        warehouses=(("ANR-MAIN", "Antwerpen main warehouse"), ("ANR-COLD", "Antwerpen cold store")),
        items=(
            ItemSpec("BE-2000", "Safety boots S3", "pair", "79.00", color="Black", size="43"),
            ItemSpec("BE-2001", 'Laptop 14"', "ea", "1149.00", style="Business", configuration="16 GB / 512 GB"),
            ItemSpec("BE-2002", "Cement CEM II 25 kg", "bag", "6.75"),
            ItemSpec("BE-2003", "Industrial cleaner", "l", "4.10"),
            ItemSpec("BE-2004", "Cardboard box 40x30x30", "pcs", "0.95"),
            ItemSpec("BE-2005", "Steel beam HEA 200", "m", "58.00"),
        ),
    ),
)


@dataclass(frozen=True)
class VendorSpec:
    key: str
    company: str
    number: str
    name: str
    collaboration: Collaboration
    show_prices: bool
    language: str
    email: str


# The vendors' postal addresses, printed on the PO (by vendor number: Fabrikam's two accounts share one).
VENDOR_ADDRESSES = {
    "V-1000": _address("Industrieweg 12", "5612 AB", "Eindhoven", "NL"),
    "V-2000": _address("Havenstraat 8", "1011 AC", "Amsterdam", "NL"),
    "V-3000": _address("Kempische Steenweg 300", "3500", "Hasselt", "BE"),
    "V-9000": _address("Europalaan 40", "3526 KS", "Utrecht", "NL"),
}
# Their PEPPOL endpoints (GLNs, scheme 0088), by vendor number as well.
VENDOR_ENDPOINTS = {
    "V-1000": ("0088", "8712345000103"),
    "V-2000": ("0088", "8712345000202"),
    "V-3000": ("0088", "5412345000303"),
    "V-9000": ("0088", "8712345000905"),
}

# Fabrikam holds an account in both companies: its users see NL01 and BE01 in one workspace.
# Columns: key, company, number, name, collaboration, show prices, language, e-mail.
VENDORS = (
    VendorSpec(
        "fabrikam_nl", "NL01", "V-1000", "Fabrikam Supplies", Collaboration.MANUAL_CONFIRM, True, "en",
        "orders@fabrikam.example",
    ),
    VendorSpec(
        "fabrikam_be", "BE01", "V-1000", "Fabrikam Supplies", Collaboration.AUTO_CONFIRM, False, "nl",
        "orders@fabrikam.example",
    ),
    VendorSpec(
        "northwind_nl", "NL01", "V-2000", "Northwind Traders", Collaboration.AUTO_CONFIRM, True, "nl",
        "sales@northwind.example",
    ),
    VendorSpec(
        "tailspin_be", "BE01", "V-3000", "Tailspin Logistics", Collaboration.MANUAL_CONFIRM, False, "nl",
        "verkoop@tailspin.example",
    ),
    VendorSpec(
        "litware_nl", "NL01", "V-9000", "Litware Packaging", Collaboration.DISABLED, True, "en",
        "info@litware.example",
    ),
)  # fmt: skip


@dataclass(frozen=True)
class UserSpec:
    username: str
    role: Role
    first_name: str
    last_name: str
    sees: str
    vendors: tuple[str, ...] = ()
    language: str = "en"

    @property
    def password(self) -> str:
        return f"demo-{self.username}"


USERS = (
    UserSpec("admin", Role.PROCUREMENT_ADMIN, "Anna", "de Vries", "everything, both companies; back office"),
    UserSpec("agent", Role.PURCHASING_AGENT, "Bram", "Jansen", "every PO; creates, sends, confirms, cancels"),
    UserSpec("clerk", Role.RECEIVING_CLERK, "Chris", "Peeters", "every PO; posts product receipts"),
    UserSpec("ap", Role.ACCOUNTS_PAYABLE, "Hanna", "Claes", "every submitted invoice; approves, rejects, pays"),
    UserSpec(
        "vendoradmin", Role.VENDOR_ADMIN, "Dana", "Visser", "Fabrikam Supplies in NL01 and BE01",
        vendors=("fabrikam_nl", "fabrikam_be"),
    ),
    UserSpec(
        "vendor", Role.VENDOR_USER, "Eva", "Smit", "Fabrikam Supplies in NL01 and BE01, one workspace",
        vendors=("fabrikam_nl", "fabrikam_be"),
    ),
    UserSpec(
        "vendor2", Role.VENDOR_USER, "Femke", "Bakker", "Northwind Traders in NL01 only",
        vendors=("northwind_nl",), language="nl",
    ),
    UserSpec(
        "vendor3", Role.VENDOR_USER, "Gert", "Maes", "Tailspin Logistics in BE01 only",
        vendors=("tailspin_be",), language="nl",
    ),
)  # fmt: skip

# Who answers for each vendor account in the demo; Litware is disabled and never gets anything sent.
RESPONDERS = {
    "fabrikam_nl": "vendor",
    "fabrikam_be": "vendoradmin",
    "northwind_nl": "vendor2",
    "tailspin_be": "vendor3",
}


@dataclass
class Demo:
    """The demo's master data and users, looked up by company code, vendor key and username."""

    companies: dict[str, Company] = field(default_factory=dict)
    sites: dict[str, Site] = field(default_factory=dict)
    warehouses: dict[str, list[Warehouse]] = field(default_factory=dict)
    items: dict[str, list[Item]] = field(default_factory=dict)
    item_specs: dict[str, tuple[ItemSpec, ...]] = field(default_factory=dict)
    vendors: dict[str, Vendor] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)


@dataclass(frozen=True)
class Login:
    username: str
    password: str
    role: str
    sees: str
    # Why the printed password or role does not hold, for a user that existed before the demo; empty if it does.
    problem: str = ""


@dataclass(frozen=True)
class Result:
    logins: list[Login]
    purchase_orders_created: int
    purchase_orders_total: int
    companies: int
    vendors: int
    items: int


# --- master data and users ----------------------------------------------------------------------------------------


def ensure_master_data() -> Demo:
    """The companies, sites, warehouses, items and vendor accounts; existing rows are kept as they are."""
    demo = Demo()
    for spec in COMPANIES:
        company, _ = Company.objects.get_or_create(
            code=spec.code,
            defaults={
                "name": spec.name,
                "endpoint_scheme": spec.endpoint[0],
                "endpoint_id": spec.endpoint[1],
                "default_tax_category": "S",
                "default_tax_percent": Decimal(spec.tax_percent),
                # A delivery a day either side of the confirmed date still counts as on time (vendor performance).
                "delivery_tolerance_days": 1,
                **spec.address,
            },
        )
        site, _ = Site.objects.get_or_create(
            company=company, code=spec.site[0], defaults={"name": spec.site[1], **spec.site_address}
        )
        demo.companies[spec.code] = company
        demo.sites[spec.code] = site
        demo.warehouses[spec.code] = [
            Warehouse.objects.get_or_create(site=site, code=code, defaults={"name": name})[0]
            for code, name in spec.warehouses
        ]
        demo.items[spec.code] = [
            Item.objects.get_or_create(
                company=company,
                number=item.number,
                defaults={
                    "name": item.name,
                    "unit": item.unit,
                    "unit_code": UNIT_CODES.get(item.unit, "H87"),
                    "tax_category": "S" if item.tax_percent else "",
                    "tax_percent": Decimal(item.tax_percent) if item.tax_percent else None,
                },
            )[0]
            for item in spec.items
        ]
        demo.item_specs[spec.code] = spec.items
    for vendor in VENDORS:
        demo.vendors[vendor.key], _ = Vendor.objects.get_or_create(
            company=demo.companies[vendor.company],
            number=vendor.number,
            defaults={
                "name": vendor.name,
                "collaboration": vendor.collaboration,
                "show_prices": vendor.show_prices,
                "language": vendor.language,
                "email": vendor.email,
                "endpoint_scheme": VENDOR_ENDPOINTS[vendor.number][0],
                "endpoint_id": VENDOR_ENDPOINTS[vendor.number][1],
                **VENDOR_ADDRESSES[vendor.number],
            },
        )
    return demo


def ensure_users(demo: Demo) -> list[Login]:
    """One user per role through ``user_create``. A user that exists already is never changed: when it lacks its
    demo role, vendor links or password, its login says so (and the POs, if still to be made, cannot use it)."""
    logins = []
    for spec in USERS:
        user = User.objects.filter(username__iexact=spec.username).first()
        vendors = [demo.vendors[key] for key in spec.vendors]
        problem = ""
        if user is None:
            user = user_create(
                actor=None,
                username=spec.username,
                password=spec.password,
                roles=[spec.role],
                vendors=vendors,
                email=f"{spec.username}@demo.example",
                first_name=spec.first_name,
                last_name=spec.last_name,
                language=spec.language,
            )
            if spec.role == Role.PROCUREMENT_ADMIN:
                # The back office is Django's admin, which knows staff flags, not roles.
                user.is_staff = user.is_superuser = True
                user.save(update_fields=["is_staff", "is_superuser"])
        elif not user.has_role(spec.role):
            problem = "existed before without this role; left unchanged"
        elif {vendor.pk for vendor in vendors} - user.vendor_ids:
            problem = "existed before without the demo vendor links; left unchanged"
        elif not user.check_password(spec.password):
            problem = "existed before with another password; left unchanged"
            demo.users[spec.username] = user  # usable for the POs all the same
        if not problem:
            demo.users[spec.username] = user
        logins.append(Login(spec.username, spec.password, spec.role.value, spec.sees, problem))
    return logins


# --- purchase orders ----------------------------------------------------------------------------------------------


class _Builder:
    """Takes POs through the real services, as the buyer, the receiving clerk and the vendors would."""

    def __init__(self, demo: Demo) -> None:
        unusable = sorted({"agent", "clerk", *RESPONDERS.values()} - set(demo.users))
        if unusable:
            raise DemoDataError(
                f"The demo purchase orders need the users {', '.join(unusable)} with their demo roles and vendor "
                "links, and they exist without them. Rename or remove them and run the demo again."
            )
        self.demo = demo
        self.today = timezone.localdate()
        self.agent = demo.users["agent"]
        self.clerk = demo.users["clerk"]

    def day(self, days: int) -> dt.date:
        return self.today + dt.timedelta(days=days)

    def line(
        self, company: str, item: int, quantity: str, days: int, *, warehouse: int = 0, number: int | None = None
    ) -> LineInput:
        spec = self.demo.item_specs[company][item]
        return LineInput(
            item=self.demo.items[company][item],
            quantity=Decimal(quantity),
            unit_price=Decimal(spec.price),
            delivery_date=self.day(days),
            line_number=number,
            site=self.demo.sites[company],
            warehouse=self.demo.warehouses[company][warehouse],
            color=spec.color,
            size=spec.size,
            style=spec.style,
            configuration=spec.configuration,
        )

    def create(self, vendor: str, lines: list[LineInput], *, days_ago: int, freight: str = "") -> PurchaseOrder:
        account = self.demo.vendors[vendor]
        charges = [ChargeInput(code="FREIGHT", amount=Decimal(freight), description="Freight")] if freight else []
        return services.po_create(
            actor=self.agent,
            company=account.company,
            vendor=account,
            lines=lines,
            charges=charges,
            order_date=self.day(-days_ago),
        )

    def send(self, po: PurchaseOrder) -> PurchaseOrder:
        return services.po_send(actor=self.agent, purchase_order=po)

    def respond(
        self,
        po: PurchaseOrder,
        kind: ResponseKind,
        lines: tuple[LineAnswer, ...] = (),
        *,
        note: str = "",
    ) -> PurchaseOrder:
        po = PurchaseOrder.objects.select_related("vendor", "latest_version").get(pk=po.pk)
        assert po.latest_version is not None
        responder = self.demo.users[RESPONDERS[self._vendor_key(po)]]
        services.response_submit(
            actor=responder,
            purchase_order=po,
            version=po.latest_version.number,
            kind=kind,
            lines=lines,
            vendor_reference=f"SO-{po.vendor.number[2:]}-{po.number[-4:]}",
            note=note,
        )
        return po

    def confirm(self, po: PurchaseOrder, *, apply: bool = False, without_response: bool = False) -> PurchaseOrder:
        return services.po_confirm(
            actor=self.agent, purchase_order=po, apply_vendor_changes=apply, without_response=without_response
        )

    def receive(self, po: PurchaseOrder, quantities: dict[int, str]) -> None:
        services.receipt_post(
            actor=self.clerk,
            purchase_order=po,
            lines=[ReceiptLineInput(line_number=number, quantity=Decimal(qty)) for number, qty in quantities.items()],
        )

    def request_change(self, po: PurchaseOrder, reason: str) -> PurchaseOrder:
        return services.po_request_change(actor=self.agent, purchase_order=po, reason=reason)

    def update(self, po: PurchaseOrder, lines: list[LineInput]) -> PurchaseOrder:
        return services.po_update(actor=self.agent, purchase_order=po, lines=lines)

    def cancel(self, po: PurchaseOrder, reason: str) -> PurchaseOrder:
        return services.po_cancel(actor=self.agent, purchase_order=po, reason=reason)

    def _vendor_key(self, po: PurchaseOrder) -> str:
        return next(key for key, vendor in self.demo.vendors.items() if vendor.pk == po.vendor_id)


def _every_line_action(day: dt.date) -> tuple[LineAnswer, ...]:
    """Answers for the five lines of ``_nl_five_lines``: accept, change quantity and date, split, substitute,
    reject."""
    return (
        LineAnswer(line_number=1, action=LineAction.ACCEPT, note="From stock."),
        LineAnswer(
            line_number=2,
            action=LineAction.CHANGE,
            quantity=Decimal("150"),
            delivery_date=day + dt.timedelta(days=7),
            note="Only 150 available on this date; please order the rest separately.",
        ),
        LineAnswer(
            line_number=3,
            action=LineAction.SPLIT,
            schedule=(
                ScheduleInput(quantity=Decimal("15"), delivery_date=day),
                ScheduleInput(quantity=Decimal("10"), delivery_date=day + dt.timedelta(days=14)),
            ),
            note="Delivered in two parts.",
        ),
        LineAnswer(
            line_number=4,
            action=LineAction.SUBSTITUTE,
            external_item_number="FAB-CH-220",
            external_description="Ergonomic office chair, mesh back, black (successor model)",
            note="The ordered model is discontinued; this is its successor at the same price.",
        ),
        LineAnswer(line_number=5, action=LineAction.REJECT, note="No longer in our range."),
    )


def _nl_five_lines(b: _Builder, days: int) -> list[LineInput]:
    return [
        b.line("NL01", 0, "40", days),
        b.line("NL01", 1, "200", days, warehouse=1),
        b.line("NL01", 2, "25", days),
        b.line("NL01", 3, "6", days + 7),
        b.line("NL01", 4, "500", days, warehouse=1),
    ]


def create_purchase_orders(demo: Demo) -> int:
    """Every state and every vendor list, through the real services; returns how many POs were created."""
    b = _Builder(demo)
    before = PurchaseOrder.objects.filter(company__in=demo.companies.values()).count()
    day = b.day

    # Drafts: never seen by any vendor. One is for the disabled vendor, which cannot be sent anything.
    b.create("fabrikam_nl", [b.line("NL01", 0, "20", 21), b.line("NL01", 5, "12", 21)], days_ago=0)
    b.create("litware_nl", [b.line("NL01", 5, "80", 30, warehouse=1)], days_ago=1)
    b.create("tailspin_be", [b.line("BE01", 2, "120", 14), b.line("BE01", 4, "500", 14)], days_ago=0)
    b.create("northwind_nl", [b.line("NL01", 2, "10", 10)], days_ago=2)

    # Sent, not answered: the vendors' "for review" lists.
    b.send(b.create("fabrikam_nl", [b.line("NL01", 1, "400", 12), b.line("NL01", 3, "4", 20)], days_ago=3))
    b.send(b.create("fabrikam_be", [b.line("BE01", 0, "30", 15), b.line("BE01", 3, "60", 15)], days_ago=2))
    b.send(b.create("northwind_nl", [b.line("NL01", 4, "1000", 18, warehouse=1)], days_ago=4, freight="45.00"))
    b.send(b.create("tailspin_be", [b.line("BE01", 5, "24", 25), b.line("BE01", 2, "40", 25)], days_ago=3))

    # Sent, pulled back, edited and sent again: only version 2 is for review.
    for vendor, company, items in (("fabrikam_nl", "NL01", (0, 2)), ("fabrikam_be", "BE01", (1, 3))):
        po = b.send(
            b.create(vendor, [b.line(company, items[0], "10", 14), b.line(company, items[1], "5", 14)], days_ago=6)
        )
        po = b.request_change(po, "Planning raised the quantities.")
        po = b.update(
            po,
            [
                b.line(company, items[0], "16", 14, number=1),
                b.line(company, items[1], "8", 21, number=2),
                b.line(company, 4, "100", 21, warehouse=1, number=3),
            ],
        )
        b.send(po)

    # Accepted by a manual-confirm vendor: awaiting the customer.
    b.respond(b.send(b.create("fabrikam_nl", [b.line("NL01", 5, "30", 9)], days_ago=5)), ResponseKind.ACCEPTED)
    b.respond(
        b.send(b.create("tailspin_be", [b.line("BE01", 3, "200", 10), b.line("BE01", 4, "1000", 10)], days_ago=5)),
        ResponseKind.ACCEPTED,
    )

    # Accepted by an auto-confirm vendor: confirmed in the same transaction.
    b.respond(b.send(b.create("fabrikam_be", [b.line("BE01", 1, "3", 16)], days_ago=7)), ResponseKind.ACCEPTED)
    b.respond(b.send(b.create("northwind_nl", [b.line("NL01", 0, "60", 8)], days_ago=6)), ResponseKind.ACCEPTED)

    # Rejected: awaiting the customer (an auto-confirm vendor's rejection waits too).
    b.respond(
        b.send(b.create("fabrikam_nl", [b.line("NL01", 4, "2000", 30)], days_ago=8)),
        ResponseKind.REJECTED,
        note="We cannot deliver this quantity before the requested date.",
    )
    b.respond(
        b.send(b.create("fabrikam_be", [b.line("BE01", 5, "60", 20)], days_ago=8)),
        ResponseKind.REJECTED,
        note="Steel beams are out of stock until next quarter.",
    )

    # Accepted with changes, every line action: awaiting the customer.
    b.respond(
        b.send(b.create("fabrikam_nl", _nl_five_lines(b, 14), days_ago=9, freight="65.00")),
        ResponseKind.ACCEPTED_WITH_CHANGES,
        _every_line_action(day(21)),
        note="Please see the line notes.",
    )
    b.respond(
        b.send(b.create("fabrikam_be", [b.line("BE01", 0, "40", 12), b.line("BE01", 2, "80", 12)], days_ago=9)),
        ResponseKind.ACCEPTED_WITH_CHANGES,
        (
            LineAnswer(line_number=1, action=LineAction.CHANGE, delivery_date=day(19), note="Size 43 arrives later."),
            LineAnswer(
                line_number=2,
                action=LineAction.SPLIT,
                schedule=(
                    ScheduleInput(quantity=Decimal("50"), delivery_date=day(12)),
                    ScheduleInput(quantity=Decimal("30"), delivery_date=day(26)),
                ),
            ),
        ),
    )

    # Confirmed after applying the vendor's changes: version 2, a confirmation version.
    po = b.send(b.create("fabrikam_nl", _nl_five_lines(b, 10), days_ago=14))
    b.respond(po, ResponseKind.ACCEPTED_WITH_CHANGES, _every_line_action(day(17)))
    b.confirm(po, apply=True)
    po = b.send(b.create("fabrikam_be", [b.line("BE01", 1, "5", 18), b.line("BE01", 3, "100", 18)], days_ago=13))
    b.respond(
        po,
        ResponseKind.ACCEPTED_WITH_CHANGES,
        (
            LineAnswer(
                line_number=1,
                action=LineAction.SUBSTITUTE,
                quantity=Decimal("4"),
                external_item_number="FAB-LT-14G2",
                external_description='Laptop 14" gen 2, 16 GB / 512 GB',
                note="Four of the new generation now, the fifth next month on a new order.",
            ),
            LineAnswer(line_number=2, action=LineAction.CHANGE, quantity=Decimal("120"), note="Sold per 40 l."),
        ),
    )
    b.confirm(po, apply=True)
    po = b.send(b.create("tailspin_be", [b.line("BE01", 2, "300", 11), b.line("BE01", 4, "800", 11)], days_ago=12))
    b.respond(
        po,
        ResponseKind.ACCEPTED_WITH_CHANGES,
        (LineAnswer(line_number=2, action=LineAction.REJECT, note="We no longer carry boxes."),),
    )
    b.confirm(po, apply=True)

    # Accepted with changes, but the buyer confirms the version as sent.
    po = b.send(b.create("fabrikam_nl", [b.line("NL01", 1, "300", 13)], days_ago=11))
    b.respond(
        po,
        ResponseKind.ACCEPTED_WITH_CHANGES,
        (LineAnswer(line_number=1, action=LineAction.CHANGE, delivery_date=day(20), note="Tank lorry is booked."),),
    )
    b.confirm(po)

    # Confirmed without any response (recorded as such in history).
    b.confirm(b.send(b.create("fabrikam_nl", [b.line("NL01", 3, "12", 25)], days_ago=15)), without_response=True)
    b.confirm(b.send(b.create("northwind_nl", [b.line("NL01", 2, "40", 9)], days_ago=15)), without_response=True)

    # Accepted by a manual-confirm vendor, then confirmed by the buyer.
    po = b.send(b.create("fabrikam_nl", [b.line("NL01", 0, "80", 7), b.line("NL01", 5, "20", 7)], days_ago=16))
    b.respond(po, ResponseKind.ACCEPTED)
    b.confirm(po)

    # Confirmed and partly received.
    po = b.send(b.create("fabrikam_nl", [b.line("NL01", 1, "500", 8), b.line("NL01", 4, "800", 8)], days_ago=20))
    b.respond(po, ResponseKind.ACCEPTED)
    po = b.confirm(po)
    b.receive(po, {1: "300"})
    po = b.send(b.create("fabrikam_be", [b.line("BE01", 0, "24", 9), b.line("BE01", 2, "100", 9)], days_ago=19))
    b.respond(po, ResponseKind.ACCEPTED)
    b.receive(po, {1: "24"})
    b.receive(po, {2: "60"})

    # Fully received.
    po = b.confirm(
        b.send(
            b.create(
                "fabrikam_nl",
                [b.line("NL01", 2, "50", 7), b.line("NL01", 5, "40", 7), b.line("NL01", 6, "20", 7)],
                days_ago=30,
            )
        ),
        without_response=True,
    )
    b.receive(po, {1: "50", 2: "40", 3: "20"})
    po = b.send(
        b.create(
            "fabrikam_be",
            [b.line("BE01", 0, "20", 10), b.line("BE01", 5, "12", 10), b.line("BE01", 3, "40", 10)],
            days_ago=28,
            freight="120.00",
        )
    )
    b.respond(
        po,
        ResponseKind.ACCEPTED_WITH_CHANGES,
        (
            LineAnswer(
                line_number=1,
                action=LineAction.SPLIT,
                schedule=(
                    ScheduleInput(quantity=Decimal("12"), delivery_date=day(10)),
                    ScheduleInput(quantity=Decimal("8"), delivery_date=day(17)),
                ),
            ),
            LineAnswer(line_number=2, action=LineAction.REJECT, note="Not in stock."),
        ),
    )
    po = b.confirm(po, apply=True)
    b.receive(po, {1: "12", 3: "40"})
    b.receive(po, {1: "8"})
    po = b.send(b.create("northwind_nl", [b.line("NL01", 0, "100", 6)], days_ago=25))
    b.respond(po, ResponseKind.ACCEPTED)
    b.receive(po, {1: "100"})

    # Confirmed, then changed and sent again: version 2 is for review, version 1 stays open confirmed.
    po = b.send(b.create("fabrikam_nl", [b.line("NL01", 3, "8", 20), b.line("NL01", 2, "30", 20)], days_ago=18))
    b.respond(po, ResponseKind.ACCEPTED)
    po = b.request_change(b.confirm(po), "Two more chairs for the new office.")
    po = b.update(po, [b.line("NL01", 3, "10", 20, number=1), b.line("NL01", 2, "30", 20, number=2)])
    b.send(po)
    po = b.send(b.create("fabrikam_be", [b.line("BE01", 4, "2000", 15, warehouse=1)], days_ago=17))
    b.respond(po, ResponseKind.ACCEPTED)
    po = b.request_change(po, "Delivery to the cold store moved one week.")
    po = b.update(po, [b.line("BE01", 4, "2000", 22, warehouse=1, number=1)])
    b.send(po)

    # Rejected, edited and sent again: version 2 is for review, version 1 and its rejection in history.
    po = b.send(b.create("northwind_nl", [b.line("NL01", 1, "1000", 10)], days_ago=12))
    b.respond(po, ResponseKind.REJECTED, note="1000 l is above our credit limit for you; 600 l is fine.")
    po = b.request_change(po, "Reduced to 600 l after the vendor's rejection.")
    b.send(b.update(po, [b.line("NL01", 1, "600", 10, number=1)]))

    # Cancelled: as a draft, while in review, after a rejection, and after confirmation.
    b.cancel(b.create("tailspin_be", [b.line("BE01", 3, "30", 10)], days_ago=10), "Entered twice.")
    b.cancel(b.send(b.create("fabrikam_nl", [b.line("NL01", 4, "300", 14)], days_ago=10)), "Project postponed.")
    po = b.send(b.create("fabrikam_nl", [b.line("NL01", 0, "500", 9)], days_ago=11))
    b.respond(po, ResponseKind.REJECTED, note="Minimum order is 1000 boxes.")
    b.cancel(po, "Ordered from another vendor.")
    po = b.send(b.create("fabrikam_be", [b.line("BE01", 1, "2", 30)], days_ago=21))
    b.respond(po, ResponseKind.ACCEPTED)
    b.cancel(po, "The new hires start later; cancelled before shipment.")

    return PurchaseOrder.objects.filter(company__in=demo.companies.values()).count() - before


def ensure_purchase_orders(demo: Demo) -> int:
    """Create the demo POs unless the demo companies have POs already; returns how many were created."""
    if PurchaseOrder.objects.filter(company__in=demo.companies.values()).exists():
        return 0
    return create_purchase_orders(demo)


def run() -> Result:
    """Everything, in one transaction: a failure leaves the database as it was, so the next run starts clean."""
    with transaction.atomic():
        demo = ensure_master_data()
        logins = ensure_users(demo)
        created = ensure_purchase_orders(demo)
        from .consignment import ensure_consignment  # imports this module: a top-level import would be circular

        ensure_consignment(demo)
        from .invoicing import ensure_invoices  # the same: it imports this module

        ensure_invoices(demo)
        from .performance import ensure_performance_history  # the same: it imports this module
        from .shipping import ensure_ship_notices

        ensure_performance_history(demo)  # half a year of orders received from notices, before today's shipments
        ensure_ship_notices(demo)
    companies = list(demo.companies.values())
    return Result(
        logins=logins,
        purchase_orders_created=created,
        purchase_orders_total=PurchaseOrder.objects.filter(company__in=companies).count(),
        companies=len(companies),
        vendors=Vendor.objects.filter(company__in=companies).count(),
        items=Item.objects.filter(company__in=companies).count(),
    )
