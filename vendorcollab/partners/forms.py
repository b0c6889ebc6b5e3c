"""The settings pages' forms: they check the input's shape; the services check the rules."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from vendorcollab.common.errors import AppError

from .models import Collaboration, ResponseMessageKind, Vendor
from .services import MESSAGES

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MESSAGE_MAX_LENGTH = 2000


class VendorSettingsForm(forms.Form):
    # An unknown choice gets the service's own message (``vendor_update`` refuses the same values, with codes).
    collaboration = forms.ChoiceField(
        label=_("Vendor collaboration"),
        choices=Collaboration.choices,
        error_messages={"invalid_choice": cast("StrOrPromise", MESSAGES["unknown_collaboration"])},
    )
    show_prices = forms.BooleanField(label=_("Show prices and amounts to the vendor"), required=False)
    language = forms.ChoiceField(
        label=_("Language"),
        choices=settings.LANGUAGES,
        error_messages={"invalid_choice": cast("StrOrPromise", MESSAGES["unknown_language"])},
    )

    @classmethod
    def for_vendor(cls, vendor: Vendor, data: Any = None) -> VendorSettingsForm:
        initial = {
            "collaboration": vendor.collaboration,
            "show_prices": vendor.show_prices,
            "language": vendor.language,
        }
        return cls(data, initial=initial)

    def add_service_error(self, error: AppError) -> None:
        """A service's refusal next to its field, or above the form when it names none of them."""
        placed = False
        for path, message in error.fields.items():
            if path in self.fields:
                self.add_error(path, str(message))
                placed = True
        if not placed:
            self.add_error(None, error.rendered_message())


def message_field_name(kind: str, language: str) -> str:
    return f"{kind}__{language}"


class ResponseMessagesForm(forms.Form):
    """One text per kind of answer and language; grouped per language on the page."""

    def __init__(self, *args: Any, stored: dict[tuple[str, str], str] | None = None, **kwargs: Any) -> None:
        stored = stored or {}
        kwargs.setdefault("initial", {message_field_name(kind, lang): text for (kind, lang), text in stored.items()})
        super().__init__(*args, **kwargs)
        for language, _name in settings.LANGUAGES:
            for kind in ResponseMessageKind:
                self.fields[message_field_name(kind.value, language)] = forms.CharField(
                    label=kind.label,
                    required=False,
                    max_length=MESSAGE_MAX_LENGTH,
                    widget=forms.Textarea(attrs={"rows": 3, "lang": language}),
                )

    def groups(self) -> list[tuple[str, StrOrPromise, list[forms.BoundField]]]:
        """``(language code, language name, bound fields)`` per language, in the order of ``LANGUAGES``."""
        return [
            (language, name, [self[message_field_name(kind, language)] for kind in ResponseMessageKind.values])
            for language, name in settings.LANGUAGES
        ]

    def texts(self) -> dict[tuple[str, str], str]:
        return {
            (kind, language): self.cleaned_data[message_field_name(kind, language)]
            for language, _name in settings.LANGUAGES
            for kind in ResponseMessageKind.values
        }

    def add_service_error(self, error: AppError) -> None:
        placed = False
        for path, message in error.fields.items():
            kind, _dot, language = path.partition(".")
            name = message_field_name(kind, language)
            if name in self.fields:
                self.add_error(name, str(message))
                placed = True
        if not placed:
            self.add_error(None, error.rendered_message())
