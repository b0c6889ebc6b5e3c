"""Users, the roles they hold, and the vendor accounts vendor users act for."""

from __future__ import annotations

from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from vendorcollab.partners.models import Collaboration, Vendor


class Role(models.TextChoices):
    PROCUREMENT_ADMIN = "procurement_admin", _("Procurement admin")
    PURCHASING_AGENT = "purchasing_agent", _("Purchasing agent")
    RECEIVING_CLERK = "receiving_clerk", _("Receiving clerk")
    VENDOR_ADMIN = "vendor_admin", _("Vendor admin")
    VENDOR_USER = "vendor_user", _("Vendor user")


BUYER_ROLES = frozenset({Role.PROCUREMENT_ADMIN, Role.PURCHASING_AGENT, Role.RECEIVING_CLERK})
VENDOR_ROLES = frozenset({Role.VENDOR_ADMIN, Role.VENDOR_USER})
# Who may create, edit, send, confirm and cancel purchase orders.
PURCHASING_ROLES = frozenset({Role.PROCUREMENT_ADMIN, Role.PURCHASING_AGENT})
# Who may post product receipts.
RECEIVING_ROLES = frozenset({Role.PROCUREMENT_ADMIN, Role.RECEIVING_CLERK})


class User(AbstractUser):
    """A person of the buying organisation or of a vendor.

    A user is either a buyer user or a vendor user, never both: the wall between vendors and the buyer's internal
    data must not depend on which role a screen happens to check first.
    """

    language = models.CharField(_("language"), max_length=10, default="en")
    show_dimensions = models.BooleanField(_("show dimension columns"), default=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    # Cached per object (so per request): roles and vendor links are read many times while rendering one page.
    @cached_property
    def role_set(self) -> frozenset[str]:
        if not self.is_active or self.pk is None:
            return frozenset()
        return frozenset(self.role_assignments.values_list("role", flat=True))

    def has_role(self, *roles: str) -> bool:
        return not self.role_set.isdisjoint(roles)

    @property
    def is_buyer(self) -> bool:
        return not self.role_set.isdisjoint(BUYER_ROLES)

    @property
    def is_vendor_user(self) -> bool:
        return not self.role_set.isdisjoint(VENDOR_ROLES)

    @cached_property
    def vendor_ids(self) -> frozenset[int]:
        """The vendor accounts this user acts for now: active links to vendors that collaborate."""
        if not self.is_vendor_user:
            return frozenset()
        return frozenset(
            Vendor.objects.filter(memberships__user=self, memberships__is_active=True)
            .exclude(collaboration=Collaboration.DISABLED)
            .values_list("pk", flat=True)
        )

    def forget_cached_access(self) -> None:
        """Drop the cached roles and vendor links, after they were changed in this same request or test."""
        self.__dict__.pop("role_set", None)
        self.__dict__.pop("vendor_ids", None)


class RoleAssignment(models.Model):
    user = models.ForeignKey(User, models.CASCADE, related_name="role_assignments", verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="role_assignment_unique")]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_role_display()}"


class VendorMembership(models.Model):
    """A vendor user's link to one vendor account; switching it off removes access to that account only."""

    user = models.ForeignKey(User, models.CASCADE, related_name="vendor_memberships", verbose_name=_("user"))
    vendor = models.ForeignKey(Vendor, models.CASCADE, related_name="memberships", verbose_name=_("vendor"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("vendor membership")
        verbose_name_plural = _("vendor memberships")
        constraints = [models.UniqueConstraint(fields=["user", "vendor"], name="vendor_membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.vendor}"
