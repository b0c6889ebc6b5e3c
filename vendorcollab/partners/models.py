"""Companies (legal entities), vendor accounts, sites, warehouses and items."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from vendorcollab.accounts.models import User


class Company(models.Model):
    """A legal entity of the buying organisation."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    # The PEPPOL participant identifier, used to match the buyer party of incoming UBL documents.
    endpoint_scheme = models.CharField(_("endpoint scheme"), max_length=10, blank=True)
    endpoint_id = models.CharField(_("endpoint id"), max_length=100, blank=True)
    address = models.TextField(_("address"), blank=True)

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


class Vendor(models.Model):
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
    address = models.TextField(_("address"), blank=True)
    endpoint_scheme = models.CharField(_("endpoint scheme"), max_length=10, blank=True)
    endpoint_id = models.CharField(_("endpoint id"), max_length=100, blank=True)

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


class Site(models.Model):
    """A place of the company where goods are delivered; its warehouses are in it."""

    company = models.ForeignKey(Company, models.PROTECT, related_name="sites", verbose_name=_("company"))
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    # The delivery address printed on a PO for the lines delivered here (blank: the company's address).
    address = models.TextField(_("address"), blank=True)

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
    unit = models.CharField(_("unit"), max_length=10, default="ea")

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
