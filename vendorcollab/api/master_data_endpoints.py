"""Master data in the API: companies, vendor accounts, users, items, sites and warehouses (DESIGN.md section 8).

What an ERP keeps in step with the portal. Every buyer role reads; only procurement admins write, through the
services of ``partners`` and ``accounts``. Vendor users get a 404 on every path here.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from vendorcollab.accounts import services as accounts
from vendorcollab.accounts.models import Role, User, VendorMembership
from vendorcollab.api.errors import ApiErrorCode
from vendorcollab.common.errors import FieldErrors
from vendorcollab.partners import services
from vendorcollab.partners.models import (
    Collaboration,
    Company,
    Contact,
    Item,
    OrderingProfile,
    PostalAddress,
    Site,
    Vendor,
    Warehouse,
)

from .auth import actor, api_auth, buyer_users
from .buyer_references import UNKNOWN, References
from .buyer_schemas import BuyerInput, NoNullCharacters
from .error_codes import MASTER_DATA, USERS, answers
from .errors import error_responses, not_found
from .pagination import Page, PageQuery, PageResult, paginate
from .schemas import Id, Percent, Text

router = Router(auth=api_auth(buyer_users()), tags=["master data"])
admins = api_auth(buyer_users(Role.PROCUREMENT_ADMIN))

READ_ERRORS = error_responses(401, 404, 422)
CREATE_ERRORS = error_responses(400, 401, 403, 404, 422)

USERNAME_PATTERN = r"^[\w.@+-]+$"
USER_MESSAGES: dict[str, str | Promise] = {
    ApiErrorCode.UNKNOWN: UNKNOWN,
    ApiErrorCode.INVALID_EMAIL: _("Enter a valid e-mail address."),
    ApiErrorCode.USERNAME_TAKEN: _("This username is already taken."),
    ApiErrorCode.PASSWORD_REJECTED: "%(reasons)s",
}


class CompanyFilters(NoNullCharacters, Schema):
    company: Id | None = Field(None, description="Only this company's.")


def _filtered(rows: QuerySet[Any], filters: CompanyFilters, field: str = "company_id") -> QuerySet[Any]:
    return rows.filter(**{field: filters.company}) if filters.company else rows


# --- postal address and contact (PEPPOL parties) ----------------------------------------------------------------------

COUNTRY = "ISO 3166-1 alpha-2 country code, e.g. NL."


class AddressOut(Schema):
    street_name: str
    additional_street_name: str
    city_name: str
    postal_zone: str
    country_subentity: str
    country_code: str = Field(description=COUNTRY)


class ContactOut(Schema):
    vat_id: str
    contact_name: str
    contact_phone: str
    contact_email: str


def _address(row: PostalAddress) -> dict[str, str]:
    return {name: getattr(row, name) for name in services.ADDRESS_FIELDS}


def _contact(row: Contact) -> dict[str, str]:
    return {name: getattr(row, name) for name in services.CONTACT_FIELDS}


class AddressIn(Schema):
    street_name: Text = Field("", max_length=200)
    additional_street_name: Text = Field("", max_length=200)
    city_name: Text = Field("", max_length=100)
    postal_zone: Text = Field("", max_length=20)
    country_subentity: Text = Field("", max_length=100)
    country_code: Text = Field("", max_length=2, description=COUNTRY)


class ContactIn(Schema):
    vat_id: Text = Field(
        "", max_length=50, description="The VAT identifier with its country prefix, e.g. NL123456789B01."
    )
    contact_name: Text = Field("", max_length=200)
    contact_phone: Text = Field("", max_length=50)
    contact_email: Text = Field("", max_length=254)


class AddressPatch(Schema):
    street_name: str | None = Field(None, max_length=200)
    additional_street_name: str | None = Field(None, max_length=200)
    city_name: str | None = Field(None, max_length=100)
    postal_zone: str | None = Field(None, max_length=20)
    country_subentity: str | None = Field(None, max_length=100)
    country_code: str | None = Field(None, max_length=2, description=COUNTRY)


class ContactPatch(Schema):
    vat_id: str | None = Field(None, max_length=50)
    contact_name: str | None = Field(None, max_length=200)
    contact_phone: str | None = Field(None, max_length=50)
    contact_email: str | None = Field(None, max_length=254)


ENDPOINT_SCHEME = "The scheme of the PEPPOL participant identifier, from the EAS code list, e.g. 0088 (GLN) or 0106."
TOLERANCE_PERCENT = (
    "How far a vendor invoice line's unit price may differ from the purchase order's, in percent, before the invoice "
    "goes on hold (0 to 100)."
)
TOLERANCE_AMOUNT = (
    "How far a vendor invoice's net total may differ from the purchase orders' (quantity times the ordered price), in "
    "the invoice's currency, before it goes on hold."
)
PAYMENT_TERMS = "Days from an invoice's issue date to its due date (0 to 365)."
# The columns' precision (``Company.invoice_tolerance_*``); the range itself is the service's rule.
TolerancePercent = Annotated[Decimal, Field(max_digits=5, decimal_places=2)]
ToleranceAmount = Annotated[Decimal, Field(max_digits=12, decimal_places=2)]
PaymentTermsDays = Annotated[int, Field(ge=0, le=32767)]
CENTS = Decimal("0.01")


# --- companies ------------------------------------------------------------------------------------------------------

DEFAULT_TAX_CATEGORY = (
    "The UNCL5305 VAT category of PO lines that name none and whose item has none (S standard rate, Z, E, AE, …)."
)
DEFAULT_TAX_PERCENT = (
    "The VAT percentage of those lines: above 0 for S, 0 for Z, E, AE, K, G, O; null: entered on each invoice."
)

DELIVERY_TOLERANCE = (
    "Vendor performance: a receipt this many days before or after the confirmed delivery date is on time (0 to 60)."
)


class CompanyOut(AddressOut, ContactOut):
    id: int
    code: str
    name: str
    endpoint_scheme: str = Field(description=ENDPOINT_SCHEME)
    endpoint_id: str = Field(description="The PEPPOL participant identifier that incoming UBL orders are matched on.")
    invoice_tolerance_percent: Decimal = Field(description=TOLERANCE_PERCENT)
    invoice_tolerance_amount: Decimal = Field(description=TOLERANCE_AMOUNT)
    default_tax_category: str = Field(description=DEFAULT_TAX_CATEGORY)
    default_tax_percent: Percent | None = Field(description=DEFAULT_TAX_PERCENT)
    delivery_tolerance_days: int = Field(description=DELIVERY_TOLERANCE)

    @classmethod
    def build(cls, company: Company) -> CompanyOut:
        return cls(
            id=company.pk,
            code=company.code,
            name=company.name,
            endpoint_scheme=company.endpoint_scheme,
            endpoint_id=company.endpoint_id,
            # Quantized: a company just created holds the value as given (``Decimal(5)``), not as the column reads.
            invoice_tolerance_percent=company.invoice_tolerance_percent.quantize(CENTS),
            invoice_tolerance_amount=company.invoice_tolerance_amount.quantize(CENTS),
            default_tax_category=company.default_tax_category,
            default_tax_percent=company.default_tax_percent,
            delivery_tolerance_days=company.delivery_tolerance_days,
            **_address(company),
            **_contact(company),
        )


class CompanyIn(BuyerInput, AddressIn, ContactIn):
    code: str = Field(min_length=1, max_length=20)
    name: str = Field(min_length=1, max_length=200)
    endpoint_scheme: Text = Field("", max_length=10, description=ENDPOINT_SCHEME)
    endpoint_id: Text = Field("", max_length=100)
    invoice_tolerance_percent: TolerancePercent = Field(Decimal(0), description=TOLERANCE_PERCENT)
    invoice_tolerance_amount: ToleranceAmount = Field(Decimal(0), description=TOLERANCE_AMOUNT)
    default_tax_category: Text = Field("S", max_length=2, description=DEFAULT_TAX_CATEGORY)
    default_tax_percent: Percent | None = Field(None, description=DEFAULT_TAX_PERCENT)
    delivery_tolerance_days: int = Field(0, ge=0, le=32767, description=DELIVERY_TOLERANCE)


@router.get("/companies", response={200: Page[CompanyOut], **READ_ERRORS}, summary="Companies")
def company_list(request: HttpRequest, paging: Query[PageQuery]) -> PageResult[CompanyOut]:
    """The legal entities of the buying organisation."""
    return paginate(request, Company.objects.order_by("code", "pk"), paging, build=CompanyOut.build)


@router.post("/companies", auth=admins, response={201: CompanyOut, **CREATE_ERRORS}, summary="Create a company")
@answers(MASTER_DATA)
def company_create(request: HttpRequest, body: CompanyIn) -> Status[CompanyOut]:
    company = services.company_create(actor=actor(request), **body.model_dump())
    return Status(201, CompanyOut.build(company))


# --- vendor accounts ------------------------------------------------------------------------------------------------


class VendorOut(AddressOut, ContactOut):
    id: int
    company: int
    number: str
    name: str
    collaboration: Collaboration
    show_prices: bool
    language: str
    email: str
    endpoint_scheme: str = Field(description=ENDPOINT_SCHEME)
    endpoint_id: str
    ordering_profile: OrderingProfile = Field(
        description="`ordering`: Order and Order Response; `advanced_ordering`: Order Change, Order Cancellation and "
        "Order Response Advanced as well."
    )
    payment_terms_days: int = Field(description=PAYMENT_TERMS)

    @classmethod
    def build(cls, vendor: Vendor) -> VendorOut:
        return cls(
            id=vendor.pk,
            company=vendor.company_id,
            number=vendor.number,
            name=vendor.name,
            collaboration=Collaboration(vendor.collaboration),
            show_prices=vendor.show_prices,
            language=vendor.language,
            email=vendor.email,
            endpoint_scheme=vendor.endpoint_scheme,
            endpoint_id=vendor.endpoint_id,
            ordering_profile=OrderingProfile(vendor.ordering_profile),
            payment_terms_days=vendor.payment_terms_days,
            **_address(vendor),
            **_contact(vendor),
        )


class VendorIn(BuyerInput, AddressIn, ContactIn):
    company: Id
    number: str = Field(min_length=1, max_length=30)
    name: str = Field(min_length=1, max_length=200)
    collaboration: Collaboration = Field(
        Collaboration.MANUAL_CONFIRM,
        description="`disabled`: sees nothing, cannot be sent POs; `manual_confirm`: the buyer confirms after an "
        "acceptance; `auto_confirm`: an acceptance confirms at once.",
    )
    show_prices: bool = True
    language: str = Field("en", max_length=10, description="The vendor's language for documents and mail: en, nl.")
    email: Text = Field("", max_length=254)
    endpoint_scheme: Text = Field("", max_length=10, description=ENDPOINT_SCHEME)
    endpoint_id: Text = Field("", max_length=100)
    ordering_profile: OrderingProfile = OrderingProfile.ORDERING
    payment_terms_days: PaymentTermsDays = Field(30, description=PAYMENT_TERMS)


class VendorPatch(BuyerInput, AddressPatch, ContactPatch):
    """Only what is sent changes; the company cannot."""

    number: str | None = Field(None, min_length=1, max_length=30)
    name: str | None = Field(None, min_length=1, max_length=200)
    collaboration: Collaboration | None = None
    show_prices: bool | None = None
    language: str | None = Field(None, max_length=10)
    email: str | None = Field(None, max_length=254)
    endpoint_scheme: str | None = Field(None, max_length=10)
    endpoint_id: str | None = Field(None, max_length=100)
    ordering_profile: OrderingProfile | None = None
    payment_terms_days: PaymentTermsDays | None = Field(None, description=PAYMENT_TERMS)


def _vendors(request: HttpRequest) -> QuerySet[Vendor]:
    return Vendor.objects.visible_to(actor(request))


def _vendor(request: HttpRequest, pk: int) -> Vendor:
    vendor = _vendors(request).filter(pk=pk).first()
    if vendor is None:
        raise not_found()
    return vendor


@router.get("/vendors", response={200: Page[VendorOut], **READ_ERRORS}, summary="Vendor accounts")
def vendor_list(
    request: HttpRequest, filters: Query[CompanyFilters], paging: Query[PageQuery]
) -> PageResult[VendorOut]:
    rows = _filtered(_vendors(request), filters).order_by("company__code", "number", "pk")
    return paginate(request, rows, paging, build=VendorOut.build)


@router.get("/vendors/{int:id}", response={200: VendorOut, **READ_ERRORS}, summary="A vendor account")
def vendor_get(request: HttpRequest, id: Id) -> VendorOut:
    return VendorOut.build(_vendor(request, id))


@router.post("/vendors", auth=admins, response={201: VendorOut, **CREATE_ERRORS}, summary="Create a vendor account")
@answers(MASTER_DATA)
def vendor_create(request: HttpRequest, body: VendorIn) -> Status[VendorOut]:
    refs = References()
    company = refs.one(Company.objects.all(), body.company, "company")
    refs.raise_if_any()
    assert company is not None
    fields = body.model_dump(exclude={"company"})
    vendor = services.vendor_create(actor=actor(request), company=company, **fields)
    return Status(201, VendorOut.build(vendor))


@router.patch(
    "/vendors/{int:id}",
    auth=admins,
    response={200: VendorOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Change a vendor account",
)
@answers(MASTER_DATA)
def vendor_update(request: HttpRequest, id: Id, body: VendorPatch) -> VendorOut:
    """Its number, name, collaboration, price display, language, e-mail, postal address, VAT identifier, contact,
    PEPPOL identifier, ordering profile and payment terms."""
    vendor = services.vendor_update(
        actor=actor(request), vendor=_vendor(request, id), **body.model_dump(exclude_none=True)
    )
    return VendorOut.build(vendor)


# --- users ----------------------------------------------------------------------------------------------------------


class UserOut(Schema):
    id: int
    username: str
    email: str
    first_name: str
    last_name: str
    language: str = Field(description="The user's chosen language; blank when the user follows the browser's.")
    is_active: bool
    roles: list[Role]
    vendors: list[int] = Field(description="The vendor accounts a vendor user acts for (active links).")

    @classmethod
    def build(cls, user: User) -> UserOut:
        """From a user with ``role_assignments`` and ``active_memberships`` prefetched."""
        return cls(
            id=user.pk,
            username=user.username,
            email=user.email,
            first_name=user.first_name,
            last_name=user.last_name,
            language=user.language,
            is_active=user.is_active,
            roles=sorted(Role(assignment.role) for assignment in user.role_assignments.all()),
            vendors=sorted(membership.vendor_id for membership in user.active_memberships),  # type: ignore[attr-defined]
        )


class UserIn(BuyerInput):
    username: str = Field(min_length=1, max_length=150, pattern=USERNAME_PATTERN)
    email: Text = Field("", max_length=254)
    password: str | None = Field(
        None,
        max_length=4096,
        description="Checked against the password rules. Left out, the user cannot sign in until the password is "
        "reset by e-mail.",
    )
    first_name: Text = Field("", max_length=150)
    last_name: Text = Field("", max_length=150)
    language: str = Field(
        "", max_length=10, description="en or nl; left out or blank, the user's pages follow the browser's language."
    )
    roles: list[Role] = Field(min_length=1, max_length=len(Role))
    vendors: list[Id] = Field(
        default_factory=list, max_length=100, description="For vendor users: the vendor accounts they act for."
    )


def _users() -> QuerySet[User]:
    return User.objects.prefetch_related(
        "role_assignments",
        Prefetch(
            "vendor_memberships", queryset=VendorMembership.objects.filter(is_active=True), to_attr="active_memberships"
        ),
    ).order_by("username", "pk")


@router.get("/users", response={200: Page[UserOut], **READ_ERRORS}, summary="Users")
def user_list(request: HttpRequest, paging: Query[PageQuery]) -> PageResult[UserOut]:
    """Buyer and vendor users, with their roles and vendor accounts; never a password."""
    return paginate(request, _users(), paging, build=UserOut.build)


@router.post("/users", auth=admins, response={201: UserOut, **CREATE_ERRORS}, summary="Create a user")
@answers(USERS)
def user_create(request: HttpRequest, body: UserIn) -> Status[UserOut]:
    """A buyer user (buyer roles) or a vendor user (vendor roles and at least one vendor account), never both."""
    errors = FieldErrors(USER_MESSAGES)
    vendors = Vendor.objects.in_bulk(set(body.vendors))
    for index, pk in enumerate(body.vendors):
        if pk not in vendors:
            errors.add(f"vendors.{index}", ApiErrorCode.UNKNOWN)
    if body.email:
        try:
            validate_email(body.email)
        except ValidationError:
            errors.add("email", ApiErrorCode.INVALID_EMAIL)
    if body.password is not None:
        candidate = User(username=body.username, email=body.email, first_name=body.first_name, last_name=body.last_name)
        try:
            validate_password(body.password, user=candidate)
        except ValidationError as error:
            errors.add("password", ApiErrorCode.PASSWORD_REJECTED, reasons=" ".join(error.messages))
    errors.raise_if_any()
    try:
        user = accounts.user_create(
            actor=actor(request),
            username=body.username,
            password=body.password,
            roles=body.roles,
            vendors=[vendors[pk] for pk in dict.fromkeys(body.vendors)],
            email=body.email,
            first_name=body.first_name,
            last_name=body.last_name,
            language=body.language,
        )
    except IntegrityError:
        # The username was taken by a concurrent request between the service's check and its insert.
        errors.add("username", ApiErrorCode.USERNAME_TAKEN)
        errors.raise_if_any()
        raise
    return Status(201, UserOut.build(_users().get(pk=user.pk)))


# --- items, sites, warehouses ---------------------------------------------------------------------------------------


UNIT_CODE = "The UN/ECE Recommendation 20 unit code documents carry, e.g. H87 (piece), KGM, LTR."
ITEM_TAX_CATEGORY = "The item's own UNCL5305 VAT category for its PO lines (a reduced rate); blank: the company's."
ITEM_TAX_PERCENT = "The item's own VAT percentage; null with a category: the company's percentage for that category."


class ItemOut(Schema):
    id: int
    company: int
    number: str
    name: str
    unit: str = Field(description="The unit's name as screens show it.")
    unit_code: str = Field(description=UNIT_CODE)
    standard_item_id: str = Field(description="The item's GTIN; blank if it has none.")
    tax_category: str = Field(description=ITEM_TAX_CATEGORY)
    tax_percent: Percent | None = Field(description=ITEM_TAX_PERCENT)

    @classmethod
    def build(cls, item: Item) -> ItemOut:
        return cls(
            id=item.pk,
            company=item.company_id,
            number=item.number,
            name=item.name,
            unit=item.unit,
            unit_code=item.unit_code,
            standard_item_id=item.standard_item_id,
            tax_category=item.tax_category,
            tax_percent=item.tax_percent,
        )


class ItemIn(BuyerInput):
    company: Id
    number: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=200)
    unit: str = Field("ea", min_length=1, max_length=10)
    unit_code: str = Field("H87", min_length=1, max_length=3, description=UNIT_CODE)
    standard_item_id: Text = Field("", max_length=50)
    tax_category: Text = Field("", max_length=2, description=ITEM_TAX_CATEGORY)
    tax_percent: Percent | None = Field(None, description=ITEM_TAX_PERCENT)


@router.get("/items", response={200: Page[ItemOut], **READ_ERRORS}, summary="Items")
def item_list(request: HttpRequest, filters: Query[CompanyFilters], paging: Query[PageQuery]) -> PageResult[ItemOut]:
    rows = _filtered(Item.objects.all(), filters).order_by("company__code", "number", "pk")
    return paginate(request, rows, paging, build=ItemOut.build)


@router.post("/items", auth=admins, response={201: ItemOut, **CREATE_ERRORS}, summary="Create an item")
@answers(MASTER_DATA)
def item_create(request: HttpRequest, body: ItemIn) -> Status[ItemOut]:
    refs = References()
    company = refs.one(Company.objects.all(), body.company, "company")
    refs.raise_if_any()
    assert company is not None
    item = services.item_create(actor=actor(request), company=company, **body.model_dump(exclude={"company"}))
    return Status(201, ItemOut.build(item))


LOCATION = "The delivery location's identifier in documents, e.g. a GLN with scheme 0088."


class SiteOut(AddressOut):
    """The address is the delivery address printed on POs for lines delivered here (blank: the company's)."""

    id: int
    company: int
    code: str
    name: str
    location_id: str = Field(description=LOCATION)
    location_scheme: str

    @classmethod
    def build(cls, site: Site) -> SiteOut:
        return cls(
            id=site.pk,
            company=site.company_id,
            code=site.code,
            name=site.name,
            location_id=site.location_id,
            location_scheme=site.location_scheme,
            **_address(site),
        )


class SiteIn(BuyerInput, AddressIn):
    """A blank address: the company's."""

    company: Id
    code: str = Field(min_length=1, max_length=20)
    name: str = Field(min_length=1, max_length=200)
    location_id: Text = Field("", max_length=100, description=LOCATION)
    location_scheme: Text = Field("", max_length=10)


@router.get("/sites", response={200: Page[SiteOut], **READ_ERRORS}, summary="Sites")
def site_list(request: HttpRequest, filters: Query[CompanyFilters], paging: Query[PageQuery]) -> PageResult[SiteOut]:
    rows = _filtered(Site.objects.all(), filters).order_by("company__code", "code", "pk")
    return paginate(request, rows, paging, build=SiteOut.build)


@router.post("/sites", auth=admins, response={201: SiteOut, **CREATE_ERRORS}, summary="Create a site")
@answers(MASTER_DATA)
def site_create(request: HttpRequest, body: SiteIn) -> Status[SiteOut]:
    refs = References()
    company = refs.one(Company.objects.all(), body.company, "company")
    refs.raise_if_any()
    assert company is not None
    site = services.site_create(actor=actor(request), company=company, **body.model_dump(exclude={"company"}))
    return Status(201, SiteOut.build(site))


class WarehouseOut(Schema):
    id: int
    company: int = Field(description="The site's company.")
    site: int
    code: str
    name: str

    @classmethod
    def build(cls, warehouse: Warehouse) -> WarehouseOut:
        """From a warehouse with its ``site`` selected."""
        return cls(
            id=warehouse.pk,
            company=warehouse.site.company_id,
            site=warehouse.site_id,
            code=warehouse.code,
            name=warehouse.name,
        )


class WarehouseFilters(CompanyFilters):
    site: Id | None = Field(None, description="Only this site's.")


class WarehouseIn(BuyerInput):
    site: Id
    code: str = Field(min_length=1, max_length=20)
    name: str = Field(min_length=1, max_length=200)


@router.get("/warehouses", response={200: Page[WarehouseOut], **READ_ERRORS}, summary="Warehouses")
def warehouse_list(
    request: HttpRequest, filters: Query[WarehouseFilters], paging: Query[PageQuery]
) -> PageResult[WarehouseOut]:
    rows = _filtered(Warehouse.objects.select_related("site"), filters, "site__company_id")
    if filters.site:
        rows = rows.filter(site_id=filters.site)
    rows = rows.order_by("site__company__code", "site__code", "code", "pk")
    return paginate(request, rows, paging, build=WarehouseOut.build)


@router.post("/warehouses", auth=admins, response={201: WarehouseOut, **CREATE_ERRORS}, summary="Create a warehouse")
@answers(MASTER_DATA)
def warehouse_create(request: HttpRequest, body: WarehouseIn) -> Status[WarehouseOut]:
    refs = References()
    site = refs.one(Site.objects.all(), body.site, "site")
    refs.raise_if_any()
    assert site is not None
    warehouse = services.warehouse_create(actor=actor(request), site=site, code=body.code, name=body.name)
    return Status(201, WarehouseOut.build(warehouse))
