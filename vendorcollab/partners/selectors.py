"""Reads of vendor settings (the procurement admin's vendor list, the messages shown to responding vendors) and the
buyer's item lookup."""

from __future__ import annotations

from django.db.models import Case, Q, QuerySet, Value, When

from vendorcollab.accounts.models import User

from .models import Company, Item, ResponseMessage, ResponseMessageKind, Vendor

FALLBACK_LANGUAGE = "en"


def vendor_page(*, actor: User, q: str = "", company: int | None = None) -> QuerySet[Vendor]:
    """The vendor accounts on the settings list: searched by number or name, filtered by company."""
    rows = Vendor.objects.visible_to(actor).select_related("company")
    term = q.strip()
    if term:
        rows = rows.filter(Q(number__icontains=term) | Q(name__icontains=term))
    if company:
        rows = rows.filter(company_id=company)
    return rows.order_by("company__code", "number", "pk")


def response_messages_all() -> dict[tuple[str, str], str]:
    """Every stored message, keyed by ``(kind, language)``: what the settings page edits."""
    return {(row.kind, row.language): row.text for row in ResponseMessage.objects.all()}


def response_messages_for(language: str) -> dict[str, str]:
    """The text per kind of answer (every kind present, ``""`` when none) for a vendor reading in ``language``.

    A kind without a text in that language shows the English text, so that a message written only in English still
    reaches every vendor. One query.
    """
    rows = ResponseMessage.objects.filter(language__in={language, FALLBACK_LANGUAGE})
    found = {(row.kind, row.language): row.text for row in rows}
    return {
        kind: found.get((kind, language)) or found.get((kind, FALLBACK_LANGUAGE)) or ""
        for kind in ResponseMessageKind.values
    }


ITEM_LOOKUP_LIMIT = 20


def item_lookup(*, actor: User, company: Company, q: str, limit: int = ITEM_LOOKUP_LIMIT) -> list[Item]:
    """At most ``limit`` items of ``company`` whose number starts with ``q`` or whose name contains it, whatever the
    case: number matches first, then by number. Both conditions have an index on PostgreSQL (partners migration
    0003): a prefix index on the upper-cased number, a trigram index on the upper-cased name."""
    term = q.strip()
    if not term or not actor.is_buyer:
        return []
    rows = (
        Item.objects.filter(company=company)
        .filter(Q(number__istartswith=term) | Q(name__icontains=term))
        .annotate(number_match=Case(When(number__istartswith=term, then=Value(0)), default=Value(1)))
        .order_by("number_match", "number")
        .only("pk", "number", "name", "unit")
    )
    return list(rows[:limit])
