"""Back office for users, their roles and vendor links."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import RoleAssignment, User, VendorMembership


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
