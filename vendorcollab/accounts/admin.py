"""Back office for users, their roles and vendor links."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import Invitation, RoleAssignment, User, UserRequest, UserRequestEvent, VendorMembership


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0


class VendorMembershipInline(admin.TabularInline):
    model = VendorMembership
    extra = 0
    autocomplete_fields = ["vendor"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [RoleAssignmentInline, VendorMembershipInline]
    list_display = ["username", "email", "first_name", "last_name", "is_active", "language"]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("Preferences"), {"fields": ("language", "show_dimensions")}),
    )


@admin.register(VendorMembership)
class VendorMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "vendor", "is_active"]
    list_filter = ["is_active"]
    list_select_related = ["user", "vendor"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role"]
    list_filter = ["role"]
    list_select_related = ["user"]


# --- people requests and invitations: read in the back office, changed only through the portal's services ----------


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class UserRequestEventInline(admin.TabularInline):
    model = UserRequestEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = ("created_at", "action", "actor", "reason")

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(UserRequest)
class UserRequestAdmin(ReadOnlyAdmin):
    list_display = ["number", "kind", "status", "email", "subject", "requested_by", "created_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["subject", "requested_by"]
    search_fields = ["email", "first_name", "last_name", "subject__username"]
    inlines = [UserRequestEventInline]


@admin.register(UserRequestEvent)
class UserRequestEventAdmin(ReadOnlyAdmin):
    list_display = ["request", "action", "actor", "created_at"]
    list_filter = ["action"]
    list_select_related = ["request", "actor"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    # The token's hash is left out: it is of no use to anyone reading it, and showing it invites copying it.
    list_display = ["user", "request", "created_at", "sent_at", "expires_at", "used_at", "cancelled_at"]
    list_select_related = ["user", "request"]
    exclude = ["token_hash"]
