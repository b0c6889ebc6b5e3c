"""Users, the roles they hold, and the vendor accounts vendor users act for."""

from __future__ import annotations

from functools import cache, cached_property
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Aggregate, OuterRef, Subquery
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from vendorcollab.common.models import AppendOnlyModel
from vendorcollab.partners.models import Collaboration, Vendor


class Role(models.TextChoices):
    PROCUREMENT_ADMIN = "procurement_admin", _("Procurement admin")
    PURCHASING_AGENT = "purchasing_agent", _("Purchasing agent")
    RECEIVING_CLERK = "receiving_clerk", _("Receiving clerk")
    ACCOUNTS_PAYABLE = "accounts_payable", _("Accounts payable")
    VENDOR_ADMIN = "vendor_admin", _("Vendor admin")
    VENDOR_USER = "vendor_user", _("Vendor user")


BUYER_ROLES = frozenset({Role.PROCUREMENT_ADMIN, Role.PURCHASING_AGENT, Role.RECEIVING_CLERK, Role.ACCOUNTS_PAYABLE})
VENDOR_ROLES = frozenset({Role.VENDOR_ADMIN, Role.VENDOR_USER})
# Who may create, edit, send, confirm and cancel purchase orders.
PURCHASING_ROLES = frozenset({Role.PROCUREMENT_ADMIN, Role.PURCHASING_AGENT})
# Who may post product receipts.
RECEIVING_ROLES = frozenset({Role.PROCUREMENT_ADMIN, Role.RECEIVING_CLERK})
# Who may approve and reject vendor invoices and record their payment.
INVOICE_ROLES = frozenset({Role.PROCUREMENT_ADMIN, Role.ACCOUNTS_PAYABLE})


class User(AbstractUser):
    """A person of the buying organisation or of a vendor.

    A user is either a buyer user or a vendor user, never both: the wall between vendors and the buyer's internal
    data must not depend on which role a screen happens to check first.
    """

    # Blank: follow the browser (Accept-Language, or the language cookie) on pages; mail, which has no browser, goes
    # in the vendor account's language for a vendor user, else the organisation's LANGUAGE_CODE. A code is the
    # user's own choice and wins everywhere.
    language = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        default="",
        help_text=_("Leave blank to follow the language of the browser."),
    )
    show_dimensions = models.BooleanField(_("show dimension columns"), default=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    # Cached per object (so per request): roles and vendor links are read many times while rendering one page. Both
    # are read in one statement, whichever is asked first (``_read_access``).
    @cached_property
    def role_set(self) -> frozenset[str]:
        self._read_access()
        return self.__dict__["role_set"]  # type: ignore[no-any-return]

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
        self._read_access()
        return self.__dict__["vendor_ids"]  # type: ignore[no-any-return]

    def _read_access(self) -> None:
        if not self.is_active or self.pk is None:
            self.remember_access(roles=None, vendor_ids=None)
            return
        columns = access_columns("pk")
        row = User.objects.filter(pk=self.pk).values_list(*columns.values()).first()
        roles, vendor_ids = row if row is not None else (None, None)
        self.remember_access(roles=roles, vendor_ids=vendor_ids)

    def remember_access(self, *, roles: str | None, vendor_ids: str | None) -> None:
        """The roles and vendor accounts as ``access_columns`` reads them (with the user's row, or the API token's):
        vendor accounts only for a vendor user, nothing for an inactive one."""
        # Put where the cached properties keep their values.
        self.__dict__["role_set"] = (
            frozenset(roles.split(",")) if roles and self.is_active and self.pk is not None else frozenset()
        )
        self.__dict__["vendor_ids"] = (
            frozenset(int(pk) for pk in vendor_ids.split(",")) if vendor_ids and self.is_vendor_user else frozenset()
        )

    def forget_cached_access(self) -> None:
        """Drop the cached roles and vendor links, after they were changed in this same request or test."""
        self.__dict__.pop("role_set", None)
        self.__dict__.pop("vendor_ids", None)


class _Joined(Aggregate):
    """The group's values as one text, joined by commas (PostgreSQL's ``string_agg``, SQLite's ``group_concat``)."""

    function = "STRING_AGG"
    template = "%(function)s(%(expressions)s, ',')"
    output_field = models.TextField()

    def __init__(self, field: str) -> None:
        super().__init__(Cast(field, models.TextField()))

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return super().as_sql(compiler, connection, function="GROUP_CONCAT", **extra_context)


@cache  # built once: annotating copies them, and building them costs as much as running them
def access_columns(user_field: str) -> dict[str, Subquery]:
    """A user's roles and vendor accounts as two columns of another row's statement, comma-joined (``access_roles``,
    ``access_vendor_ids``), for ``User.remember_access``: an API request reads its token, its user and their access
    in one statement instead of three."""
    user = OuterRef(user_field)
    roles = RoleAssignment.objects.filter(user=user).order_by().values("user").annotate(joined=_Joined("role"))
    vendors = (
        VendorMembership.objects.filter(user=user, is_active=True)
        .exclude(vendor__collaboration=Collaboration.DISABLED)
        .order_by()
        .values("user")
        .annotate(joined=_Joined("vendor_id"))
    )
    return {"access_roles": Subquery(roles.values("joined")), "access_vendor_ids": Subquery(vendors.values("joined"))}


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


# --- People requests: a new vendor user, an inactivation, a change of roles -----------------------------------------


class UserRequestKind(models.TextChoices):
    NEW_USER = "new_user", _("New user")
    INACTIVATE = "inactivate", _("Inactivate user")
    CHANGE_ROLES = "change_roles", _("Change roles")


class UserRequestStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    COMPLETED = "completed", _("Completed")


class UserRequest(models.Model):
    """A vendor admin's or buyer's request about a vendor's people, decided by a procurement admin.

    The person's name and e-mail are copied in when the request is made, so that the queue reads (and is searched)
    the same way for a user who does not exist yet. ``vendors`` are the accounts a new user is to be linked to, or
    the accounts of the user concerned when the request was made: they decide which vendor admins see the request.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=UserRequestKind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=UserRequestStatus.choices, default=UserRequestStatus.SUBMITTED
    )
    subject = models.ForeignKey(
        User,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="user_requests",
        verbose_name=_("user"),
        help_text=_("The user concerned; for a new user, set when the request is approved."),
    )
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    roles = models.JSONField(_("roles"), default=list, blank=True)
    vendors = models.ManyToManyField(Vendor, related_name="user_requests", verbose_name=_("vendor accounts"))
    requested_by = models.ForeignKey(User, models.PROTECT, related_name="+", verbose_name=_("requested by"))
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed at"), auto_now=True)

    class Meta:
        verbose_name = _("user request")
        verbose_name_plural = _("user requests")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "-created_at"], name="user_request_status")]

    def __str__(self) -> str:
        return f"{self.number} {self.get_kind_display()}"

    @property
    def number(self) -> str:
        return f"UR-{self.pk:06d}" if self.pk else "UR-"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_open(self) -> bool:
        """Waiting for a procurement admin's decision."""
        return self.status == UserRequestStatus.SUBMITTED

    @property
    def awaits_invitation(self) -> bool:
        """An approved new user who has not yet set a password through the invitation."""
        return self.kind == UserRequestKind.NEW_USER and self.status == UserRequestStatus.APPROVED

    @property
    def role_labels(self) -> list[str]:
        labels = dict(Role.choices)
        return [str(labels.get(role, role)) for role in self.roles]

    @property
    def status_tone(self) -> str:
        """The badge colour: waiting is busy, done is good, refused is bad (the word goes with it)."""
        return {
            UserRequestStatus.SUBMITTED: "open",
            UserRequestStatus.APPROVED: "accept",
            UserRequestStatus.REJECTED: "rejected",
            UserRequestStatus.COMPLETED: "confirmed",
        }[UserRequestStatus(self.status)]


class UserRequestAction(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    INVITATION_SENT = "invitation_sent", _("Invitation sent")
    INVITATION_RENEWED = "invitation_renewed", _("New invitation")
    COMPLETED = "completed", _("Completed")


class UserRequestEvent(AppendOnlyModel):
    """One step in a request's history: who did what, when, and why. Never changed, never deleted."""

    request = models.ForeignKey(UserRequest, models.CASCADE, related_name="events", verbose_name=_("request"))
    action = models.CharField(_("what"), max_length=30, choices=UserRequestAction.choices)
    # None for what the system did on its own (sending the invitation).
    actor = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("by"))
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("user request event")
        verbose_name_plural = _("user request events")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.request.number}: {self.get_action_display()}"


class Invitation(models.Model):
    """A one-time link for a new user to set a password. Only the SHA-256 of the link's token is stored, and only
    once the mail is being sent: the token itself exists nowhere but in that mail."""

    user = models.ForeignKey(User, models.CASCADE, related_name="invitations", verbose_name=_("user"))
    request = models.ForeignKey(UserRequest, models.CASCADE, related_name="invitations", verbose_name=_("request"))
    token_hash = models.CharField(_("token hash (SHA-256)"), max_length=64, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    # Set when a newer invitation replaces this one.
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} ({self.created_at:%Y-%m-%d})" if self.created_at else str(self.user)
