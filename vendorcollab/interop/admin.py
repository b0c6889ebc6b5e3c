"""Back office for the document log: read only, since documents are written by the log's services alone."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Document


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["pk", "created_at", "direction", "transaction", "document_id", "status", "vendor", "exported_at"]
    list_filter = ["direction", "transaction", "status"]
    search_fields = ["document_id", "purchase_order__number"]
    list_select_related = ["vendor"]
    date_hierarchy = "created_at"
    exclude = ["xml"]
    raw_id_fields = ["company", "vendor", "purchase_order", "version", "response", "actor"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
