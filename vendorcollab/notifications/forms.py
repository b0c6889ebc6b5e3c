"""The notification pages' forms: they check the input's shape; the services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vendorcollab.common.errors import AppError

from .models import WEBHOOK_EVENT_CHOICES, NotificationMode, WebhookEndpoint


class ServiceErrorsMixin:
    def add_service_error(self: Any, error: AppError) -> None:
        """A service's refusal next to its field, or above the form when it names none of them."""
        placed = False
        for path, message in error.fields.items():
            if path in self.fields:
                self.add_error(path, str(message))
                placed = True
        if not placed:
            self.add_error(None, error.rendered_message())


class PreferencesForm(ServiceErrorsMixin, forms.Form):
    mode = forms.ChoiceField(
        label=_("E-mail notifications"), choices=NotificationMode.choices, widget=forms.RadioSelect
    )


class EndpointForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("For example: ERP production."))
    url = forms.CharField(
        label=_("URL"),
        max_length=500,
        help_text=_("The address the events are posted to, starting with https:// (or http:// on a closed network)."),
        widget=forms.URLInput,
    )
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=WEBHOOK_EVENT_CHOICES, widget=forms.CheckboxSelectMultiple, required=False
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    @classmethod
    def for_endpoint(cls, endpoint: WebhookEndpoint | None, data: Any = None) -> EndpointForm:
        form_class = EndpointEditForm if endpoint is not None else EndpointCreateForm
        initial = (
            {"name": endpoint.name, "url": endpoint.url, "events": endpoint.events, "is_active": endpoint.is_active}
            if endpoint is not None
            else {"is_active": True, "events": [value for value, _label in WEBHOOK_EVENT_CHOICES]}
        )
        return form_class(data, initial=initial)


class EndpointCreateForm(EndpointForm):
    secret = forms.CharField(
        label=_("Secret"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to have a strong secret made; you see it on the endpoint's page."),
    )


class EndpointEditForm(EndpointForm):
    new_secret = forms.BooleanField(
        label=_("Make a new secret"),
        required=False,
        help_text=_("The old secret stops working at once: give the new one to the ERP."),
    )
