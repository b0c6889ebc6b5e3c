"""Back office: number sequences, and the read-only admin base for append-only records."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import NumberSequence


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records that history depends on: they can be looked at, never added, changed or deleted here."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(NumberSequence)
class NumberSequenceAdmin(admin.ModelAdmin):
    list_display = ["scope", "last_value"]
    search_fields = ["scope"]
