"""Writes to vendor settings: a vendor account's collaboration settings, and the messages for responding vendors."""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from vendorcollab.accounts.models import Role, User
from vendorcollab.common.errors import PermissionRefused, ValidationFailed

from .models import Collaboration, ResponseMessage, ResponseMessageKind, Vendor


def _require_admin(actor: User) -> None:
    if not actor.has_role(Role.PROCUREMENT_ADMIN):
        raise PermissionRefused("role_not_allowed", _("Only a procurement admin can change vendor settings."))


def _languages() -> set[str]:
    return {code for code, _name in settings.LANGUAGES}


def vendor_update(*, actor: User, vendor: Vendor, collaboration: str, show_prices: bool, language: str) -> Vendor:
    """Set how a vendor account takes part in vendor collaboration, whether it sees prices, and its language."""
    _require_admin(actor)
    fields: dict[str, str] = {}
    if collaboration not in Collaboration.values:
        fields["collaboration"] = str(_("Choose one of the collaboration settings."))
    if language not in _languages():
        fields["language"] = str(_("Choose one of the languages of the portal."))
    if fields:
        raise ValidationFailed("invalid_input", _("Some fields are not valid."), fields=fields)
    with transaction.atomic():
        vendor.collaboration = collaboration
        vendor.show_prices = show_prices
        vendor.language = language
        vendor.save(update_fields=["collaboration", "show_prices", "language"])
    return vendor


def response_messages_save(*, actor: User, texts: Mapping[tuple[str, str], str]) -> None:
    """Store the messages for vendors responding to purchase orders, keyed by ``(kind, language)``.

    Only the keys given change; a blank text removes that message.
    """
    _require_admin(actor)
    languages = _languages()
    fields = {
        f"{kind}.{language}": str(_("There is no such response or language."))
        for kind, language in texts
        if kind not in ResponseMessageKind.values or language not in languages
    }
    if fields:
        raise ValidationFailed("invalid_input", _("Some fields are not valid."), fields=fields)
    with transaction.atomic():
        for (kind, language), text in texts.items():
            cleaned = text.strip()
            if cleaned:
                ResponseMessage.objects.update_or_create(kind=kind, language=language, defaults={"text": cleaned})
            else:
                ResponseMessage.objects.filter(kind=kind, language=language).delete()
