"""Companies (legal entities), vendor accounts, sites, warehouses and items."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from vendorcollab.common.codelists import ISO_COUNTRIES

if TYPE_CHECKING:
    from vendorcollab.accounts.models import User


class PostalAddress(models.Model):
    """A postal address in the parts a PEPPOL document carries (``cac:PostalAddress``), with an ISO 3166-1
    alpha-2 country code (``common.codelists.ISO_COUNTRIES``)."""

    street_name = models.CharField(_("street"), max_length=200, blank=True)
    additional_street_name = models.CharField(_("additional street"), max_length=200, blank=True)
    city_name = models.CharField(_("city"), max_length=100, blank=True)
    postal_zone = models.CharField(_("postal code"), max_length=20, blank=True)
    country_subentity = models.CharField(_("region"), max_length=100, blank=True)
    country_code = models.CharField(_("country"), max_length=2, blank=True)

    class Meta:
        abstract = True

    @property
    def address_lines(self) -> list[str]:
        """The address as printed on a document: street lines, postal code and city, region, country."""
        return address_lines(
            street_name=self.street_name,
            additional_street_name=self.additional_street_name,
            city_name=self.city_name,
            postal_zone=self.postal_zone,
            country_subentity=self.country_subentity,
            country_code=self.country_code,
        )

    @property
    def has_address(self) -> bool:
        return any(self.address_lines)


def address_lines(
    *,
    street_name: str,
    additional_street_name: str,
    city_name: str,
    postal_zone: str,
    country_subentity: str,
    country_code: str,
) -> list[str]:
    """A structured address as lines for printing (also for the delivery address a PO carries)."""
    lines = [street_name, additional_street_name, " ".join(part for part in (postal_zone, city_name) if part)]
    lines.append(country_subentity)
    lines.append(ISO_COUNTRIES.get(country_code, country_code))
    return [line.strip() for line in lines if line and line.strip()]


class Contact(models.Model):
    """The VAT identifier and the contact a PEPPOL party carries (``cac:PartyTaxScheme``, ``cac:Contact``)."""

    vat_id = models.CharField(_("VAT identifier"), max_length=50, blank=True)
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=50, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)

    class Meta:
        abstract = True


class Company(PostalAddress, Contact):
    """A legal entity of the buying organisation."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    # The PEPPOL participant identifier, used to match the buyer party of incoming UBL documents.
    endpoint_scheme = models.CharField(_("endpoint scheme"), max_length=10, blank=True)
    endpoint_id = models.CharField(_("endpoint id"), max_length=100, blank=True)
    # How far a vendor invoice may stray from the PO before it goes on hold: per line, the unit price by this
    # percentage; per invoice, the total by this amount (in the invoice's currency).
    invoice_tolerance_percent = models.DecimalField(
        _("invoice price tolerance %"), max_digits=5, decimal_places=2, default=Decimal("0")
    )
    invoice_tolerance_amount = models.DecimalField(
        _("invoice total tolerance"), max_digits=12, decimal_places=2, default=Decimal("0")
    )
    # Vendor performance (``performance``): a receipt this many days before or after the confirmed delivery date
    # still counts as on time; earlier is early, later is late.
    delivery_tolerance_days = models.PositiveSmallIntegerField(_("delivery tolerance (days)"), default=0)
    # The VAT rate a PO line takes when it names none and its item has none of its own (``partners.tax``), so that
    # an invoice of it is prefilled; no percentage: the vendor enters it on the invoice.
    default_tax_category = models.CharField(_("default tax category"), max_length=2, default="S")
    default_tax_percent = models.DecimalField(_("default tax %"), max_digits=5, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Collaboration(models.TextChoices):
    DISABLED = "disabled", _("Disabled")
    MANUAL_CONFIRM = "manual_confirm", _("Manual confirmation")
    AUTO_CONFIRM = "auto_confirm", _("Automatic confirmation")


class VendorQuerySet(models.QuerySet["Vendor"]):
    def visible_to(self, actor: User) -> VendorQuerySet:
        """Buyers see every vendor account; a vendor user only the active, enabled accounts it is linked to."""
        if actor.is_buyer:
            return self
        if actor.is_vendor_user:
            return self.filter(pk__in=actor.vendor_ids)
        return self.none()


class OrderingProfile(models.TextChoices):
    """The PEPPOL BIS Ordering 3 profile a vendor account is reached with: plain ordering (Order and Order
    Response), or advanced ordering (Order Change, Order Cancellation and Order Response Advanced as well)."""

    ORDERING = "ordering", _("Ordering")
    ADVANCED = "advanced_ordering", _("Advanced ordering")


class Vendor(PostalAddress, Contact):
    """A vendor account in one company. One supplier may hold accounts in several companies."""

    company = models.ForeignKey(Company, models.PROTECT, related_name="vendors", verbose_name=_("company"))
    number = models.CharField(_("vendor number"), max_length=30)
    name = models.CharField(_("name"), max_length=200)
    collaboration = models.CharField(
        _("collaboration"), max_length=20, choices=Collaboration.choices, default=Collaboration.MANUAL_CONFIRM
    )
    show_prices = models.BooleanField(_("show prices"), default=True)
    language = models.CharField(_("language"), max_length=10, default="en")
    email = models.EmailField(_("e-mail"), blank=True)
    endpoint_scheme = models.CharField(_("endpoint scheme"), max_length=10, blank=True)
    endpoint_id = models.CharField(_("endpoint id"), max_length=100, blank=True)
    ordering_profile = models.CharField(
        _("ordering profile"), max_length=20, choices=OrderingProfile.choices, default=OrderingProfile.ORDERING
    )
    # The due date of an invoice: its issue date plus these days.
    payment_terms_days = models.PositiveSmallIntegerField(_("payment terms (days)"), default=30)

    objects = VendorQuerySet.as_manager()

    class Meta:
        verbose_name = _("vendor")
        verbose_name_plural = _("vendors")
        ordering = ["company__code", "number"]
        constraints = [
            models.UniqueConstraint(fields=["company", "number"], name="vendor_number_unique_per_company"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    @property
    def collaborates(self) -> bool:
        """Whether the vendor takes part in the portal at all (disabled vendors see nothing, get nothing sent)."""
        return self.collaboration != Collaboration.DISABLED

    @property
    def confirms_automatically(self) -> bool:
        return self.collaboration == Collaboration.AUTO_CONFIRM


class Site(PostalAddress):
    """A place of the company where goods are delivered; its warehouses are in it."""

    company = models.ForeignKey(Company, models.PROTECT, related_name="sites", verbose_name=_("company"))
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    # The delivery address printed on a PO for the lines delivered here (blank: the company's address), and the
    # delivery location's identifier in documents (e.g. a GLN, scheme 0088).
    location_id = models.CharField(_("location id"), max_length=100, blank=True)
    location_scheme = models.CharField(_("location scheme"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["company__code", "code"]
        constraints = [models.UniqueConstraint(fields=["company", "code"], name="site_code_unique_per_company")]

    def __str__(self) -> str:
        return self.code


class Warehouse(models.Model):
    site = models.ForeignKey(Site, models.PROTECT, related_name="warehouses", verbose_name=_("site"))
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")
        ordering = ["site__code", "code"]
        constraints = [models.UniqueConstraint(fields=["site", "code"], name="warehouse_code_unique_per_site")]

    def __str__(self) -> str:
        return self.code


class Item(models.Model):
    company = models.ForeignKey(Company, models.PROTECT, related_name="items", verbose_name=_("company"))
    number = models.CharField(_("item number"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    # ``unit`` is the name screens show; ``unit_code`` the UN/ECE Rec 20 code documents carry (H87: piece).
    unit = models.CharField(_("unit"), max_length=10, default="ea")
    unit_code = models.CharField(_("unit code"), max_length=3, default="H87")
    standard_item_id = models.CharField(_("GTIN"), max_length=50, blank=True)
    # The item's own VAT rate where it differs from its company's (a reduced rate); blank category: the company's.
    tax_category = models.CharField(_("tax category"), max_length=2, blank=True)
    tax_percent = models.DecimalField(_("tax %"), max_digits=5, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["company__code", "number"]
        constraints = [models.UniqueConstraint(fields=["company", "number"], name="item_number_unique_per_company")]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class ResponseMessageKind(models.TextChoices):
    """The vendor's three answers, with the values of ``purchasing.models.ResponseKind`` (not imported from there:
    purchasing depends on partners, never the other way round). Labelled as the buttons the vendor presses."""

    ACCEPTED = "accepted", _("Accept")
    REJECTED = "rejected", _("Reject")
    ACCEPTED_WITH_CHANGES = "accepted_with_changes", _("Accept with changes")


class ResponseMessage(models.Model):
    """Information for vendors responding to purchase orders: one text per kind of answer and language, shown to
    every vendor next to that answer's button. Installation-wide; a blank text is stored as no row."""

    kind = models.CharField(_("response"), max_length=30, choices=ResponseMessageKind.choices)
    language = models.CharField(_("language"), max_length=10)
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("message for vendors responding")
        verbose_name_plural = _("messages for vendors responding")
        ordering = ["language", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "language"], name="response_message_unique_per_language"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.language})"
